//! Nix formats.
