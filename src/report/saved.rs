//! A saved JSON report read back, so `ccauth report --from FILE` can render
//! any format from one `ccauth doctor --format json` run without gathering or
//! checking again (the GitHub Action runs the doctor once and renders the
//! annotations from its JSON).
//!
//! The file is read bounded and non-blocking, its `schema_version` is checked
//! before anything else, and every way it can be wrong is a [`LoadError`].

use super::{Report, SCHEMA_VERSION};
use crate::gather::fsread::{self, FileProblem};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A report is a few kilobytes; this leaves room for huge evidence and stops
/// a wrong file (or /dev/zero) from being read whole.
const REPORT_LIMIT: u64 = 16 << 20;

/// Why a saved report cannot be rendered.
#[derive(Debug)]
pub(crate) enum LoadError {
    /// The file cannot be read as a regular file of bounded size.
    File(PathBuf, FileProblem),
    /// It is not JSON, or not a ccauth report of the version it claims.
    Invalid(PathBuf, String),
    /// It is a report of another `schema_version`.
    Version(PathBuf, Option<u64>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::File(path, problem) => {
                write!(f, "{} {}", path.display(), problem.describe())
            }
            LoadError::Invalid(path, why) => {
                write!(
                    f,
                    "{} is not a ccauth doctor JSON report: {why}",
                    path.display()
                )
            }
            LoadError::Version(path, Some(found)) => write!(
                f,
                "{} has schema_version {found}, and this ccauth {} reads schema_version \
                 {SCHEMA_VERSION}: render it with the ccauth that wrote it",
                path.display(),
                env!("CARGO_PKG_VERSION")
            ),
            LoadError::Version(path, None) => write!(
                f,
                "{} has no numeric schema_version: it is not a ccauth doctor JSON report",
                path.display()
            ),
        }
    }
}

/// Only the version, read first so a report of another version gets a clear
/// answer rather than a complaint about some field that moved.
#[derive(Deserialize)]
struct Versioned {
    schema_version: Option<serde_json::Value>,
}

/// Reads and checks a report that `ccauth doctor --format json` wrote.
pub(crate) fn load(path: &Path) -> Result<Report, LoadError> {
    let bytes = fsread::read_bounded(path, REPORT_LIMIT)
        .map_err(|problem| LoadError::File(path.to_path_buf(), problem))?;
    let invalid = |e: serde_json::Error| LoadError::Invalid(path.to_path_buf(), e.to_string());
    let versioned: Versioned = serde_json::from_slice(&bytes).map_err(invalid)?;
    let version = versioned
        .schema_version
        .as_ref()
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(SCHEMA_VERSION)) {
        return Err(LoadError::Version(path.to_path_buf(), version));
    }
    serde_json::from_slice(&bytes).map_err(invalid)
}
