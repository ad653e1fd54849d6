//! Repairs a check plans for a problem it found: data only. The check
//! attaches one to its [`super::Problem`]; `--fix` ([`crate::fix`]) applies
//! it or previews it. Nothing here writes.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;

/// One repair, planned by the check that found the problem. A saved
/// report reads back its summary only: the change itself is never saved.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Repair {
    /// What it does, in words.
    pub(crate) summary: String,
    /// It takes a decision from the user, so it runs only when its check is
    /// named in `--fix=<id>`.
    pub(crate) needs_naming: bool,
    /// The change itself.
    #[serde(skip, default = "Action::saved")]
    pub(crate) action: Action,
}

impl Repair {
    /// A repair `--fix` makes without being asked by name.
    pub(crate) fn new(summary: impl Into<String>, action: Action) -> Self {
        Repair {
            summary: summary.into(),
            needs_naming: false,
            action,
        }
    }

    /// A repair that takes the user's decision: it runs only with
    /// `--fix=<check-id>`.
    pub(crate) fn on_request(mut self) -> Self {
        self.needs_naming = true;
        self
    }
}

/// The changes repairs can make.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    /// Read back from a saved report (`ccauth report --from`): shown, never
    /// applied.
    Saved,
    /// Set top-level keys of the config file, creating it (mode 0600) when absent.
    SetConfigKeys {
        /// The effective config file.
        path: PathBuf,
        /// Keys and values to set.
        keys: Vec<(String, Value)>,
    },
    /// Set one nested member of the config file (`projects` → folder →
    /// `hasTrustDialogAccepted`), creating the objects on the way, or the
    /// file (mode 0600) when absent.
    SetConfigPath {
        /// The effective config file.
        path: PathBuf,
        /// The keys from the top.
        keys: Vec<String>,
        /// The value to set.
        value: Value,
    },
    /// Move an API key's last 20 characters to `customApiKeyResponses.approved`.
    ApproveApiKey {
        /// The effective config file.
        path: PathBuf,
        /// The suffix the client stores.
        suffix: Secret,
    },
    /// Add the line that ignores one file to the root `.gitignore`,
    /// creating it when absent ([`crate::gather::git::anchored_pattern`] escapes the name).
    AppendIgnoreLine {
        /// The repository's root `.gitignore`.
        gitignore: PathBuf,
        /// The file to ignore, relative to the repository root.
        rel_path: String,
    },
    /// Narrow a file's permission bits.
    Chmod {
        /// The file.
        path: PathBuf,
        /// The new mode.
        mode: u32,
    },
    /// Replace a broken file with a backup that parses.
    RestoreBackup {
        /// The broken file.
        path: PathBuf,
        /// The backup to restore.
        backup: PathBuf,
    },
}

impl Action {
    /// What a repair read back from a saved report does: nothing.
    fn saved() -> Self {
        Action::Saved
    }
}
