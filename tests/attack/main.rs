//! The attack suite (issue 14): one module per promise, each case one test.

#[path = "../common/mod.rs"]
mod common;

mod bounded;
mod code_execution;
mod lost_bytes;
mod secrets;
