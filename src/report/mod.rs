//! The report: plain data built from the check results and the runtime facts.
//!
//! Renderers (`human`, `json`) only format a [`Report`]; every decision about
//! authentication was made by the checks before it was built.

pub mod callback;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod saved;
pub mod status;
pub mod why;

/// Every renderer escapes data through [`crate::escape`].
pub use crate::escape;

use crate::checks::mask::{mask_finding, mask_option};
use crate::checks::{CheckResult, Status};
use crate::gather::Context;
use crate::gather::install::ClaudeInstall;
use crate::gather::system::{Marker, Place};
use crate::secret::Scrubber;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Bumped on any incompatible change to the JSON shape.
pub const SCHEMA_VERSION: u32 = 2;

/// Everything a renderer shows. It deserializes too, so a saved JSON report
/// can be rendered again ([`saved::load`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// The JSON contract's version.
    pub schema_version: u32,
    /// Which tool made the report.
    pub tool: Tool,
    /// Facts about this environment; information, never a verdict.
    pub runtime: Runtime,
    /// Counts per status.
    pub summary: Summary,
    /// One result per registered check, in registry order.
    pub checks: Vec<CheckResult>,
    /// With `--fix`: what each repair did. Not read back from a saved report:
    /// a repair is reported by the run that made it.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub fixes: Option<Vec<crate::fix::Outcome>>,
    /// With `--fix`: every check's status before the repairs.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub before: Option<Vec<(&'static str, Status)>>,
}

/// The tool's name and version.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tool {
    /// Always `ccauth`.
    #[serde(deserialize_with = "crate::static_str::deserialize")]
    pub name: crate::static_str::StaticStr,
    /// The crate version.
    #[serde(deserialize_with = "crate::static_str::deserialize")]
    pub version: crate::static_str::StaticStr,
}

/// Counts of each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Checks that passed.
    pub pass: usize,
    /// Checks that warned.
    pub warn: usize,
    /// Checks that failed.
    pub fail: usize,
    /// Checks that were skipped.
    pub skip: usize,
}

/// Where this is running, as facts for a bug report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Runtime {
    /// The kind of container (`docker`, `podman`, …), if any marker says so.
    pub container: Option<Place>,
    /// Every marker that fired, with its signal.
    pub markers: Vec<Marker>,
    /// Effective uid.
    pub uid: u32,
    /// The uid's name in /etc/passwd.
    pub user: Option<String>,
    /// `$HOME` as the environment has it.
    pub home_env: Option<String>,
    /// The uid's home in /etc/passwd.
    pub passwd_home: Option<PathBuf>,
    /// Claude Code's config dir.
    pub config_dir: Option<PathBuf>,
    /// The config file the client reads (a legacy `.config.json` when it replaces `.claude.json`).
    pub config_file: Option<PathBuf>,
    /// `.credentials.json`.
    pub credentials_file: Option<PathBuf>,
    /// The first `claude` on PATH, and any others after it.
    pub claude: Vec<ClaudeInstall>,
    /// The workspace inspected.
    pub workspace: PathBuf,
    /// OS name and version.
    pub os: Option<String>,
    /// Kernel release.
    pub kernel: Option<String>,
    /// Which credential the client uses, in one line (`ccauth status` has the detail).
    pub sign_in: String,
}

impl Runtime {
    /// Extracts the runtime facts from the snapshot; the sign-in line is
    /// decided before the report (`crate::status::one_line`), which only
    /// shows it.
    pub fn from_context(ctx: &Context, sign_in: String) -> Self {
        Runtime {
            container: ctx
                .markers
                .iter()
                .map(|m| m.place)
                .find(|p| p.is_container()),
            markers: ctx.markers.clone(),
            uid: ctx.user.uid,
            user: ctx.user.name.clone(),
            home_env: ctx.env.get("HOME").map(String::from),
            passwd_home: ctx.user.passwd_home.clone(),
            config_dir: ctx.paths.config_dir.clone(),
            config_file: ctx.effective_config().map(|c| c.path.clone()),
            credentials_file: ctx.paths.credentials.clone(),
            claude: ctx.installs.clone(),
            workspace: ctx.workspace.root.clone(),
            os: ctx.os.os.clone(),
            kernel: ctx.os.kernel.clone(),
            sign_in,
        }
    }
}

impl Report {
    /// Assembles a report; [`Report::masked`] then masks what it quotes.
    pub fn new(runtime: Runtime, checks: Vec<CheckResult>) -> Self {
        let mut summary = Summary::default();
        for result in &checks {
            match result.finding.status {
                Status::Pass => summary.pass += 1,
                Status::Warn => summary.warn += 1,
                Status::Fail => summary.fail += 1,
                Status::Skip => summary.skip += 1,
            }
        }
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            runtime,
            summary,
            checks,
            fixes: None,
            before: None,
        }
    }

    /// Adds what `--fix` did, and the statuses before it.
    pub fn with_fixes(
        mut self,
        outcomes: Vec<crate::fix::Outcome>,
        before: Option<Vec<(&'static str, Status)>>,
    ) -> Self {
        self.fixes = Some(outcomes);
        self.before = before;
        self
    }

    /// Every string a check, a repair or the runtime quotes, through the
    /// masking rule of the snapshot, before any renderer formats it (and
    /// the output passes the same rule again as it leaves): known values
    /// are matched before any escaping or wrapping can split them.
    pub fn masked(mut self, scrubber: &Scrubber) -> Self {
        for result in &mut self.checks {
            mask_finding(&mut result.finding, scrubber);
        }
        for outcome in self.fixes.iter_mut().flatten() {
            outcome.repair.summary = scrubber.scrub(&outcome.repair.summary);
            mask_option(&mut outcome.detail, scrubber);
            mask_option(&mut outcome.diff, scrubber);
        }
        let rt = &mut self.runtime;
        rt.sign_in = scrubber.scrub(&rt.sign_in);
        for marker in &mut rt.markers {
            marker.signal = scrubber.scrub(&marker.signal);
        }
        for text in [&mut rt.user, &mut rt.home_env, &mut rt.os, &mut rt.kernel] {
            mask_option(text, scrubber);
        }
        self
    }

    /// True when the report should make the process exit 1.
    pub fn has_problems(&self, strict: bool) -> bool {
        self.summary.fail > 0 || (strict && self.summary.warn > 0)
    }
}
