//! Checks: pure functions of the gathered [`Context`].
//!
//! Each check lives in its own file, implements [`Check`], and is listed once
//! in [`CHECKS`], in the order reports show them. `ccauth checks`,
//! `ccauth explain` and the docs test all read that one list. A check returns
//! a [`Finding`]: a status, the [`Problem`]s it found (each with a stable
//! code, its cause and fix, its places and the [`Repair`](repair::Repair) `--fix` can make),
//! and evidence.

pub(crate) mod aliases;
mod anthropic_profile;
mod api_key_approval;
mod api_key_helper;
mod bind_dir;
mod bypass_permissions;
mod claude_install;
pub mod codes;
mod config_file;
mod config_location;
mod config_persistence;
mod credential_conflict;
mod credential_format;
mod credential_missing;
mod credentials_file;
mod devcontainer_config;
mod devcontainer_env;
mod env_file_ignored;
mod file_ownership;
mod firewall_allowlist;
pub(crate) mod gates;
mod gateway;
mod host_credentials_mount;
pub(crate) mod launch;
pub mod localhost_resolution;
mod login_policy;
pub(crate) mod mask;
mod nesting_guard;
mod network_reachability;
mod oauth_callback_port;
mod onboarding_flag;
mod places;
mod problem;
pub(crate) mod repair;
mod root_user;
mod token_accepted;
mod unix_socket;
mod workspace_trust;

pub use aliases::resolve;
pub(crate) use problem::line_column;
pub use problem::{Place, Problem};

use crate::gather::Context;
use crate::probe::OnlineFacts;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::panic::{self, AssertUnwindSafe};

/// One diagnosis `ccauth doctor` can make.
pub trait Check: Sync {
    /// The public, stable, kebab-case id (JSON, `explain`, `--only`).
    fn id(&self) -> &'static str;
    /// What the check makes sure of, as a short sentence.
    fn title(&self) -> &'static str;
    /// The area it belongs to; reports group checks by it.
    fn category(&self) -> Category;
    /// The Markdown documentation, `checks/<id>.md`, embedded at build time.
    fn doc(&self) -> &'static str;
    /// Judges the snapshot. Each problem carries the repair `--fix` can
    /// make for it, planned here from the snapshot; nothing is written.
    fn run(&self, ctx: &Context) -> Finding;
    /// Judges the snapshot together with what the `--online` probes found
    /// (`None` without `--online`): the probes are a separate input, so the
    /// snapshot stays what gathering read. Only the checks that
    /// [`Check::needs_online`] read them; the others judge the snapshot.
    fn run_probed(&self, ctx: &Context, online: Option<&OnlineFacts>) -> Finding {
        let _ = online;
        self.run(ctx)
    }
    /// True for the checks only `--online` can decide: without it they skip,
    /// and `ccauth why` says a probe would tell rather than ruling them out.
    fn needs_online(&self) -> bool {
        false
    }
    /// A cause the snapshot cannot show because it lies in how `claude` is
    /// started (its command line), which would still bring this check's
    /// messages on screen while its finding passes; `ccauth why` names it
    /// instead of ruling the check out.
    fn out_of_sight(&self, ctx: &Context) -> Option<String> {
        let _ = ctx;
        None
    }
}

/// Every check, in report order.
pub static CHECKS: &[&dyn Check] = &[
    &credential_missing::CredentialMissing,
    &credential_format::CredentialFormat,
    &credential_conflict::CredentialConflict,
    &api_key_approval::ApiKeyApproval,
    &credentials_file::CredentialsFile,
    &anthropic_profile::AnthropicProfile,
    &unix_socket::UnixSocket,
    &api_key_helper::ApiKeyHelper,
    &gateway::Gateway,
    &token_accepted::TokenAccepted,
    &onboarding_flag::OnboardingFlag,
    &workspace_trust::WorkspaceTrust,
    &login_policy::LoginPolicy,
    &oauth_callback_port::OauthCallbackPort,
    &claude_install::ClaudeInstall,
    &localhost_resolution::LocalhostResolution,
    &firewall_allowlist::FirewallAllowlist,
    &network_reachability::NetworkReachability,
    &host_credentials_mount::HostCredentialsMount,
    &config_file::ConfigFile,
    &config_location::ConfigLocation,
    &config_persistence::ConfigPersistence,
    &file_ownership::FileOwnership,
    &root_user::RootUser,
    &bypass_permissions::BypassPermissions,
    &nesting_guard::NestingGuard,
    &env_file_ignored::EnvFileIgnored,
    &devcontainer_config::DevcontainerConfig,
    &devcontainer_env::DevcontainerEnv,
];

/// Looks a check up by its current id ([`resolve`] also knows the old ones).
pub(crate) fn find(id: &str) -> Option<&'static dyn Check> {
    CHECKS.iter().copied().find(|c| c.id() == id)
}

/// The areas checks are grouped in, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Which credential Claude Code gets, and whether it can work.
    Credentials,
    /// The login and first-run flows.
    SignIn,
    /// Hosts and addresses sign-in depends on.
    Network,
    /// Mounts, files and users of the container.
    Container,
    /// The project's devcontainer configuration and files.
    Workspace,
}

impl Category {
    /// The heading reports print.
    pub(crate) fn heading(self) -> &'static str {
        match self {
            Category::Credentials => "Credentials",
            Category::SignIn => "Sign-in",
            Category::Network => "Network",
            Category::Container => "Container",
            Category::Workspace => "Workspace",
        }
    }
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Checked, and fine.
    Pass,
    /// Will likely bite, or is fragile; sign-in may still work today.
    Warn,
    /// Sign-in breaks because of this.
    Fail,
    /// Not applicable here, or could not be decided (the reason says which).
    Skip,
}

impl Status {
    /// The lowercase name JSON and the other formats use.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }

    /// True for a warning or a failure: something to act on.
    pub(crate) fn is_problem(self) -> bool {
        matches!(self, Status::Warn | Status::Fail)
    }

    /// How bad it is, for "the worst of": a failure over a warning over
    /// anything else.
    fn severity(self) -> u8 {
        match self {
            Status::Fail => 2,
            Status::Warn => 1,
            Status::Pass | Status::Skip => 0,
        }
    }
}

/// What a check found.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Finding {
    /// The verdict: the worst of the problems, else pass or skip.
    pub status: Status,
    /// Why, in words: the problems' causes one per line, or the reason for a
    /// pass or a skip. (Deprecated in the JSON contract for `problems`.)
    pub cause: String,
    /// What to do: the problems' fixes one per line, a fix shared by two
    /// problems said once. (Deprecated in the JSON contract for `problems`.)
    pub fix: Option<String>,
    /// Each problem found, with its code, places and repair.
    #[serde(default)]
    pub problems: Vec<Problem>,
    /// The facts behind the verdict, for JSON and `-v`.
    pub evidence: Map<String, Value>,
}

impl Finding {
    fn new(status: Status, cause: impl Into<String>) -> Self {
        Finding {
            status,
            cause: cause.into(),
            fix: None,
            problems: Vec::new(),
            evidence: Map::new(),
        }
    }

    /// Checked and fine.
    pub(crate) fn pass(cause: impl Into<String>) -> Self {
        Self::new(Status::Pass, cause)
    }

    /// Not applicable or undecidable; the reason is the cause.
    pub(crate) fn skip(reason: impl Into<String>) -> Self {
        Self::new(Status::Skip, reason)
    }

    /// One problem.
    pub(crate) fn problem(problem: Problem) -> Self {
        Self::new(problem.status, String::new()).and(problem)
    }

    /// Several problems as one finding: the worst status, the causes and the
    /// fixes one per line. `None` when there is no problem.
    pub(crate) fn from_problems(problems: impl IntoIterator<Item = Problem>) -> Option<Finding> {
        let mut problems = problems.into_iter();
        let first = Self::problem(problems.next()?);
        Some(problems.fold(first, Finding::and))
    }

    /// Adds a problem: the status becomes the worse of the two, its cause
    /// joins the finding's (after a pass's or skip's reason), its fix joins
    /// the fixes unless already said.
    pub(crate) fn and(mut self, problem: Problem) -> Self {
        if problem.status.severity() >= self.status.severity() {
            self.status = problem.status;
        }
        let separator = if self.problems.is_empty() { " " } else { "\n" };
        self.cause = if self.cause.is_empty() {
            problem.cause.clone()
        } else {
            format!("{}{separator}{}", self.cause, problem.cause)
        };
        self.fix = Some(match self.fix.take() {
            Some(existing) if existing.contains(&problem.fix) => existing,
            Some(existing) => format!("{existing}\n{}", problem.fix),
            None => problem.fix.clone(),
        });
        self.problems.push(problem);
        self
    }

    /// Adds one piece of evidence. Secrets serialize masked.
    pub(crate) fn with(mut self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.evidence.insert(key.to_string(), value);
        self
    }
}

/// A check's id and title with its finding, as reports carry it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckResult {
    /// The check's id.
    #[serde(deserialize_with = "crate::static_str::deserialize")]
    pub id: crate::static_str::StaticStr,
    /// The check's title.
    #[serde(deserialize_with = "crate::static_str::deserialize")]
    pub(crate) title: crate::static_str::StaticStr,
    /// The check's area.
    pub(crate) category: Category,
    /// What it found.
    #[serde(flatten)]
    pub finding: Finding,
    /// Why it did not run (`--only`, `--skip`); reports that hide such
    /// checks read this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) not_selected: Option<String>,
    /// The check panicked: its failure is a bug in ccauth, not a finding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) crashed: bool,
    /// The severity change `--warn`, `--allow` or `--deny` made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) overridden: Option<Override>,
    /// With `--fix`: the status before the repairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) before_fix: Option<Status>,
}

impl CheckResult {
    /// The result of `check`, its problems' codes qualified with its id.
    pub(crate) fn of(check: &dyn Check, mut finding: Finding) -> Self {
        for problem in &mut finding.problems {
            problem.qualify(check.id());
            debug_assert!(
                problem.kind() == CRASHED || codes::is_documented(check.doc(), &problem.code),
                "{} is not listed under ## Problems in checks/{}.md",
                problem.code,
                check.id()
            );
        }
        CheckResult {
            id: check.id(),
            title: check.title(),
            category: check.category(),
            finding,
            not_selected: None,
            crashed: false,
            overridden: None,
            before_fix: None,
        }
    }
}

/// A severity change asked for on the command line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Override {
    /// The status the check found.
    pub(crate) from: Status,
    /// The status reported.
    pub(crate) to: Status,
    /// `--warn`, `--allow` or `--deny`.
    pub(crate) flag: String,
}

/// Which checks run: all, or a selection.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `--only`: when non-empty, just these run.
    pub only: Vec<String>,
    /// `--skip`: these do not run.
    pub skip: Vec<String>,
}

impl Selection {
    fn why_not_selected(&self, id: &str) -> Option<&'static str> {
        if self.skip.iter().any(|s| s == id) {
            Some("not run: excluded with --skip")
        } else if !self.only.is_empty() && !self.only.iter().any(|s| s == id) {
            Some("not run: not named in --only")
        } else {
            None
        }
    }
}

/// Severity changes asked for on the command line, in cargo-deny's spirit.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overrides {
    /// `--warn`: a failure counts as a warning.
    pub(crate) warn: Vec<String>,
    /// `--allow`: a failure or warning is accepted and reported as skipped.
    pub(crate) allow: Vec<String>,
    /// `--deny`: a warning counts as a failure.
    pub(crate) deny: Vec<String>,
}

impl Overrides {
    /// Applies the overrides, recording the original status in the result.
    pub(crate) fn apply(&self, results: &mut [CheckResult]) {
        let named = |list: &[String], id: &str| list.iter().any(|n| n == id);
        for result in results {
            let finding = &mut result.finding;
            let (to, flag) = match finding.status {
                Status::Fail | Status::Warn if named(&self.allow, result.id) => {
                    (Status::Skip, "--allow")
                }
                Status::Fail if named(&self.warn, result.id) => (Status::Warn, "--warn"),
                Status::Warn if named(&self.deny, result.id) => (Status::Fail, "--deny"),
                _ => continue,
            };
            let from = finding.status;
            if to == Status::Skip {
                finding.cause = format!("Accepted with --allow for this run. {}", finding.cause);
            }
            finding.status = to;
            // The problems follow a change of severity (an accepted check
            // keeps its problems' severities: it is reported as skipped).
            if to != Status::Skip {
                for problem in &mut finding.problems {
                    problem.status = to;
                }
            }
            result.overridden = Some(Override {
                from,
                to,
                flag: flag.to_string(),
            });
        }
    }
}

/// Runs every check in registry order on the snapshot and, with `--online`,
/// what the probes found. A deselected check is reported as a skip, so every
/// check appears once; a check that panics becomes a `fail` naming the panic,
/// never a pass.
pub fn run_all(
    ctx: &Context,
    online: Option<&OnlineFacts>,
    selection: &Selection,
) -> Vec<CheckResult> {
    CHECKS
        .iter()
        .map(|&check| match selection.why_not_selected(check.id()) {
            Some(reason) => CheckResult {
                not_selected: Some(reason.to_string()),
                ..CheckResult::of(check, Finding::skip(reason))
            },
            None => run_guarded(check, ctx, online),
        })
        .collect()
}

/// The kind of the problem any check reports when it panics
/// (`<check-id>/crashed`): a bug in ccauth, not in the world.
pub const CRASHED: &str = "crashed";

fn run_guarded(check: &dyn Check, ctx: &Context, online: Option<&OnlineFacts>) -> CheckResult {
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check.run_probed(ctx, online)));
    panic::set_hook(previous_hook);
    match outcome {
        Ok(finding) => CheckResult::of(check, finding),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let crash = Problem::fail(
                CRASHED,
                format!("The check crashed and could not decide: {message}"),
                "This is a bug in ccauth: please report it with `ccauth doctor --format json`.",
            );
            CheckResult {
                crashed: true,
                ..CheckResult::of(check, Finding::problem(crash))
            }
        }
    }
}

/// A mount's line in the mount table (`/proc/self/mountinfo` under the
/// sysroot), as the place of a problem the mount causes.
pub(crate) fn mount_place(ctx: &Context, mount: &crate::gather::mountinfo::Mount) -> Place {
    let table = crate::gather::system::under(&ctx.sysroot, "/proc/self/mountinfo");
    Place::line(table, mount.line, None).key(mount.mount_point.display().to_string())
}

/// Quotes a path or word for a POSIX shell when it needs quoting.
pub(crate) fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:@%,".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A shell line that applies a jq program to a JSON file and writes the
/// result back into the same file (same inode, so a bind-mounted file stays
/// the host's), through a private temporary file beside it: the config can
/// hold account data, so it never passes through a shared `/tmp`. `file` is
/// given as it should appear in the shell (quoted, or `~/…`).
pub(crate) fn jq_in_place(program: &str, file: &str) -> String {
    format!(
        "t=$(mktemp {file}.XXXXXX) && jq {program} {file} > \"$t\" && cat \"$t\" > {file}; rm -f \"$t\""
    )
}

/// Joins phrases as "a", "a and b", "a, b and c".
pub(crate) fn join_words<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for check in CHECKS {
            assert!(seen.insert(check.id()), "duplicate id {}", check.id());
            assert!(
                check
                    .id()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
            );
        }
    }

    #[test]
    fn quoting_and_joining() {
        assert_eq!(shell_quote("/home/a/.claude.json"), "/home/a/.claude.json");
        assert_eq!(shell_quote("/home/a b/x"), "'/home/a b/x'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_words(&["a"]), "a");
    }
}
