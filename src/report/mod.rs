//! The report: plain data built from the check results and the runtime facts.
//!
//! Renderers (`human`, `json`) only format a [`Report`]; every decision about
//! authentication was made by the checks before it was built.

pub(crate) mod callback;
#[cfg(test)]
mod fixture;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub(crate) mod saved;
pub mod status;
pub(crate) mod why;

/// Every renderer escapes data through [`crate::escape`].
pub(crate) use crate::escape;

use crate::checks::mask::{mask_finding, mask_option};
use crate::checks::{CheckResult, Problem, Status};
use crate::gather::Context;
use crate::gather::install::ClaudeInstall;
use crate::gather::launcher::Launch;
use crate::gather::system::{Marker, Place};
use crate::secret::Scrubber;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped on any incompatible change to the JSON shape.
pub(crate) const SCHEMA_VERSION: u32 = 2;

/// Everything a renderer shows. It deserializes too, so a saved JSON report
/// can be rendered again ([`saved::load`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// The JSON contract's version.
    pub(crate) schema_version: u32,
    /// Which tool made the report.
    pub(crate) tool: Tool,
    /// Facts about this environment; information, never a verdict.
    pub(crate) runtime: Runtime,
    /// Counts per status.
    pub(crate) summary: Summary,
    /// One result per registered check, in registry order.
    pub(crate) checks: Vec<CheckResult>,
    /// With `--fix`: what each repair did. Not read back from a saved report:
    /// a repair is reported by the run that made it.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub(crate) fixes: Option<Vec<crate::fix::Outcome>>,
    /// With `--fix`: every check's status before the repairs.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub(crate) before: Option<Vec<(&'static str, Status)>>,
}

/// The tool's name and version.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Tool {
    /// Always `ccauth`.
    #[serde(deserialize_with = "crate::static_str::deserialize")]
    pub(crate) name: crate::static_str::StaticStr,
    /// The crate version.
    #[serde(deserialize_with = "crate::static_str::deserialize")]
    pub(crate) version: crate::static_str::StaticStr,
}

/// Counts of each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Summary {
    /// Checks that passed.
    pub(crate) pass: usize,
    /// Checks that warned.
    pub(crate) warn: usize,
    /// Checks that failed.
    pub(crate) fail: usize,
    /// Checks that were skipped.
    pub(crate) skip: usize,
}

/// Where this is running, as facts for a bug report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Runtime {
    /// The kind of container (`docker`, `podman`, …), if any marker says so.
    pub(crate) container: Option<Place>,
    /// Every marker that fired, with its signal.
    pub(crate) markers: Vec<Marker>,
    /// Who starts `claude` here, the mode that follows, and why; absent in
    /// reports written before ccauth knew it.
    #[serde(default)]
    pub(crate) launch: Option<Launch>,
    /// Effective uid.
    pub(crate) uid: u32,
    /// The uid's name in /etc/passwd.
    pub(crate) user: Option<String>,
    /// `$HOME` as the environment has it.
    pub(crate) home_env: Option<String>,
    /// The uid's home in /etc/passwd.
    pub(crate) passwd_home: Option<PathBuf>,
    /// Claude Code's config dir.
    pub(crate) config_dir: Option<PathBuf>,
    /// The config file the client reads (a legacy `.config.json` when it replaces `.claude.json`).
    pub(crate) config_file: Option<PathBuf>,
    /// `.credentials.json`.
    pub(crate) credentials_file: Option<PathBuf>,
    /// The first `claude` on PATH, and any others after it.
    pub(crate) claude: Vec<ClaudeInstall>,
    /// The workspace inspected.
    pub(crate) workspace: PathBuf,
    /// OS name and version.
    pub(crate) os: Option<String>,
    /// Kernel release.
    pub(crate) kernel: Option<String>,
    /// Which credential the client uses, in one line (`ccauth status` has the detail).
    pub(crate) sign_in: String,
    /// What stands between each mode and its prompt, in one line (`ccauth
    /// status` has each gate's way through); empty in older reports.
    #[serde(default)]
    pub(crate) gates: String,
}

impl Runtime {
    /// Extracts the runtime facts from the snapshot; the sign-in line is
    /// decided before the report (`crate::status::one_line`), which only
    /// shows it.
    pub fn from_context(ctx: &Context, sign_in: String, gates: String) -> Self {
        Runtime {
            container: ctx
                .markers
                .iter()
                .map(|m| m.place)
                .find(|p| p.is_container()),
            markers: ctx.markers.clone(),
            launch: Some(ctx.launch.clone()),
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
            gates,
        }
    }
}

/// The runtime's "launched by" line: who starts `claude`, in which mode,
/// and what says so (`GitHub Actions, claude -p (GITHUB_ACTIONS=true)`).
pub(crate) fn launch_line(launch: Option<&Launch>) -> String {
    use crate::gather::launcher::{Decided, Mode};
    let Some(launch) = launch else {
        return "(not in this report)".to_string();
    };
    let mode = match launch.mode {
        Mode::Interactive => "interactive claude",
        Mode::Print => "claude -p",
    };
    let given = match launch.decided {
        Decided::Given => "as given by --launcher; ",
        Decided::Detected => "",
    };
    let otherwise = if launch.or_else.is_empty() {
        String::new()
    } else {
        let others: Vec<&str> = launch.or_else.iter().map(|l| l.as_str()).collect();
        format!("; started otherwise? --launcher {}", others.join("|"))
    };
    format!(
        "{}, {mode} ({given}{}{otherwise})",
        launch.describe(),
        launch.evidence.join(", ")
    )
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
    pub(crate) fn with_fixes(
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
        rt.gates = scrubber.scrub(&rt.gates);
        for marker in &mut rt.markers {
            marker.signal = scrubber.scrub(&marker.signal);
        }
        for evidence in rt.launch.iter_mut().flat_map(|l| &mut l.evidence) {
            *evidence = scrubber.scrub(evidence);
        }
        for text in [&mut rt.user, &mut rt.home_env, &mut rt.os, &mut rt.kernel] {
            mask_option(text, scrubber);
        }
        self
    }

    /// True when the report should make the process exit 1.
    pub(crate) fn has_problems(&self, strict: bool) -> bool {
        self.summary.fail > 0 || (strict && self.summary.warn > 0)
    }
}

/// "1 check", "2 checks".
pub(crate) fn checks_word(count: usize) -> String {
    match count {
        1 => "1 check".to_string(),
        n => format!("{n} checks"),
    }
}

/// One problem as the per-problem renderers show it, with its check.
pub(crate) struct Shown<'a> {
    /// The check that found it.
    pub(crate) result: &'a CheckResult,
    /// The problem; its status already carries `--warn`/`--deny`.
    pub(crate) problem: &'a Problem,
}

/// Every problem of every failing or warning check, in report order. A
/// check accepted with `--allow` (now a skip) shows none.
pub(crate) fn shown_problems(report: &Report) -> impl Iterator<Item = Shown<'_>> {
    report
        .checks
        .iter()
        .filter(|result| result.finding.status.is_problem())
        .flat_map(|result| {
            result
                .finding
                .problems
                .iter()
                .map(move |problem| Shown { result, problem })
        })
}

/// A place's file as people read it: relative to the workspace when it lies
/// inside it (`.devcontainer/devcontainer.json`), else as gathered.
pub(crate) fn shown_file<'a>(place: &'a crate::checks::Place, workspace: &Path) -> &'a Path {
    match place.file.strip_prefix(workspace) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative,
        _ => &place.file,
    }
}

/// A place as editors and compilers write it: `path`, `path:line` or
/// `path:line:column`, the path as [`shown_file`] gives it.
pub(crate) fn shown_place(place: &crate::checks::Place, workspace: &Path) -> String {
    let mut shown = shown_file(place, workspace).display().to_string();
    if let Some(line) = place.line {
        shown.push_str(&format!(":{line}"));
        if let Some(column) = place.column {
            shown.push_str(&format!(":{column}"));
        }
    }
    shown
}

/// A place's file relative to the workspace root, as GitHub annotations
/// (`GITHUB_WORKSPACE`) and SARIF's `%SRCROOT%` want it; `None` for a file
/// outside the workspace. A relative path is taken as already relative to it.
pub(crate) fn workspace_relative<'a>(
    report: &Report,
    file: &'a std::path::Path,
) -> Option<&'a std::path::Path> {
    if file.is_relative() {
        return Some(file);
    }
    file.strip_prefix(&report.runtime.workspace)
        .ok()
        .filter(|rest| !rest.as_os_str().is_empty())
}

/// A report built by hand for the renderers' unit tests, independent of what
/// the checks find today: a failure with two problems (one at a line and
/// column inside the workspace, one without a place), a warning at a file
/// outside it, a pass, a skip, and a check left out with `--skip`.
#[cfg(test)]
pub(crate) mod sample {
    use super::fixture::result;
    use super::{Report, Runtime};
    use crate::checks::{Finding, Place, Problem};
    use std::path::PathBuf;

    /// The workspace the sample's places are relative to.
    pub(crate) const WORKSPACE: &str = "/work/project";

    fn runtime() -> Runtime {
        Runtime {
            user: Some("dev".into()),
            home_env: Some("/home/dev".into()),
            passwd_home: Some("/home/dev".into()),
            config_dir: Some("/home/dev/.claude".into()),
            config_file: Some("/home/dev/.claude.json".into()),
            workspace: PathBuf::from(WORKSPACE),
            sign_in: "not logged in".into(),
            gates: String::new(),
            ..super::fixture::runtime()
        }
    }

    /// The sample report.
    pub(crate) fn report() -> Report {
        let json = format!("{WORKSPACE}/.devcontainer/devcontainer.json");
        let failing = Finding::problem(
            Problem::fail(
                "remote-env-only",
                "TOKEN is set in remoteEnv only.",
                "Use containerEnv.",
            )
            .at(Place::line(&json, 12, Some(5)).key("remoteEnv.TOKEN")),
        )
        .and(Problem::warn(
            "host-variable-missing",
            "HOST_VAR is not set on the host.",
            "Export HOST_VAR.",
        ));
        let warning = Finding::problem(
            Problem::warn(
                "file-not-persisted",
                "<.claude.json> is on the container's layer & lost.",
                "Mount it.",
            )
            .at(Place::file("/home/dev/.claude.json")),
        );
        let mut skipped = result("root-user", Finding::skip("not run"));
        skipped.not_selected = Some("excluded with --skip".into());
        let checks = vec![
            result("devcontainer-env", failing),
            result("config-persistence", warning),
            result("config-file", Finding::pass("It can be read.")),
            result("gateway", Finding::skip("No gateway is set.")),
            skipped,
        ];
        Report::new(runtime(), checks)
    }
}
