//! The real-world corpus (issue 16): worlds recreated from public
//! configurations, one module per source, each citing the repository, path
//! and commit (or the date it was seen) it copies. A world is built as the
//! container sees it (its user, uid, paths, mount table lines and the
//! environment its launcher gives, see [`container`]) and states the verdict
//! of every check that is not skipped, the launcher ccauth must detect and
//! doctor's exit code, each with its reason. The verdicts are what is right,
//! not what ccauth printed when the world was written: one that waits for a
//! fix says which item of issue 16 it waits for.

#[path = "../common/mod.rs"]
mod common;

mod container;

mod claude_code_devcontainer;
mod codespaces;
mod compose;
mod devcontainer_features;
mod docker_run;
mod env_file;
mod github_actions;
mod podman;
mod trailofbits;
