//! The commands, on top of the library of stages: each runs the build (or
//! its first steps) and shapes its result for the CLI (`main.rs` parses
//! the arguments, prints and sets the exit code), as Zola's `src/cmd/`.
//! Nothing below uses them.

pub mod build;
pub mod check;
pub mod facts;
pub mod i18n;
pub mod serve;
