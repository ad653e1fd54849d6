//! The attack suite (issue 14): one module per promise, each case a test.

#[path = "../common/mod.rs"]
mod common;

mod code_execution;
