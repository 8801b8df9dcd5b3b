//! The `accord` command.
fn main() {}
