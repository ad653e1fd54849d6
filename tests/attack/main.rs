//! The attack suite: one module per promise ccauth makes (issue 14). Fast
//! cases run with `cargo test`; slow ones are `#[ignore]`d and run by
//! `.ci/run` with `--include-ignored`.

#[path = "../common/mod.rs"]
mod common;

mod lost_bytes;
