//! Command-line entry: parses flags in one place and dispatches to subcommands.
pub fn main() -> i32 {
    0
}
