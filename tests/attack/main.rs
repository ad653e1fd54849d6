//! The attack suite: one module per promise ccauth makes (issue 14).

#[path = "../common/mod.rs"]
mod common;

mod secrets;
