import os
import random
from unittest import TestCase


class TableTestCase(TestCase):
    def test_import(self):
        import redb
