//! ccauth: finds why Claude Code cannot sign in inside containers,
//! devcontainers, Codespaces and CI runners, and prints the cause next to the fix.
//!
//! One pipeline, one direction: [`gather`] takes a read-only snapshot of the
//! world, [`probe`] (with `--online` only) asks the network about it,
//! [`checks`] judge both as pure functions, and [`report`] renders the
//! result. `tests/layers.rs` holds every module to importing only the layers
//! below it. Secrets are held in [`secret::Secret`], which only ever prints masked.

#![warn(unreachable_pub)]
// The library exists for the binary and its tests: its docs are read with
// `cargo doc --document-private-items`, where these links resolve.
#![allow(rustdoc::private_intra_doc_links)]

pub mod app;
pub mod auth;
pub mod callback;
pub mod checks;
pub(crate) mod cli;
pub mod devcontainer;
pub(crate) mod escape;
pub mod fix;
pub mod gather;
pub(crate) mod place;
pub mod probe;
pub mod report;
pub mod secret;
pub(crate) mod static_str;
pub mod status;
pub mod why;
