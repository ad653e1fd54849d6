//! `devcontainer-env`: what `devcontainer.json` passes into the container,
//! read statically: `remoteEnv` that did not reach a `claude` started by a
//! launcher that skips it (VS Code, the devcontainer CLI's `exec` and
//! lifecycle commands, and Codespaces apply it; `docker exec` and scripts do
//! not), `${localEnv:…}` of a variable the host did not have, `--env-file`
//! naming a missing file.

use super::{Category, Check, Finding, Place, Problem, Status, join_words, launch};
use crate::auth::{self, Mode};
use crate::auth::{CREDENTIAL_VARS, Carries, holds_credential};
use crate::gather::Context;
use crate::gather::env::VarState;
use crate::gather::launcher::Launcher;
use crate::gather::workspace::MissingEnvFile;
use serde_json::Value;
use std::path::Path;

/// Variables other than the credentials whose delivery into the container
/// matters for sign-in.
const ALSO_WATCHED: &[&str] = &["CLAUDE_CONFIG_DIR", "ANTHROPIC_BASE_URL"];

/// Variables whose delivery into the container matters for sign-in: every
/// variable whose value is a credential ([`CREDENTIAL_VARS`]), and
/// [`ALSO_WATCHED`].
fn watched() -> impl Iterator<Item = &'static &'static str> {
    CREDENTIAL_VARS
        .iter()
        .filter(|v| v.carries == Carries::Value)
        .map(|v| &v.name)
        .chain(ALSO_WATCHED)
}

/// Judges the environment blocks and env files of every devcontainer.json.
pub(crate) struct DevcontainerEnv;

impl Check for DevcontainerEnv {
    fn id(&self) -> &'static str {
        "devcontainer-env"
    }

    fn title(&self) -> &'static str {
        "devcontainer.json delivers the variables it names"
    }

    fn category(&self) -> Category {
        Category::Workspace
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/devcontainer-env.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let configs: Vec<_> = ctx.workspace.parsed_devcontainers().collect();
        if configs.is_empty() {
            return Finding::skip("No devcontainer.json that parses in the workspace.");
        }
        // An empty credential that leaves no credential at all is credential-missing's finding.
        let credential_missing_owns = !auth::resolve(ctx, Mode::Print).logged_in;
        let mut problems = Vec::new();
        for (path, config) in &configs {
            problems.extend(env_block_problems(
                ctx,
                path,
                config,
                credential_missing_owns,
            ));
        }
        problems.extend(compose_problems(ctx, credential_missing_owns));
        problems.extend(
            ctx.workspace
                .missing_env_files
                .iter()
                .map(|missing| missing_file(ctx, missing)),
        );
        let notes: Vec<&str> = problems.iter().map(|p| p.cause.as_str()).collect();
        let notes = serde_json::to_value(&notes).unwrap_or_default();
        match Finding::from_problems(problems) {
            Some(finding) => finding.with("notes", notes),
            None => {
                let files: Vec<String> = configs
                    .iter()
                    .map(|(p, _)| ctx.workspace.display(p))
                    .collect();
                Finding::pass(format!(
                    "{} deliver(s) the variables sign-in needs to claude as {} starts it.",
                    join_words(&files),
                    ctx.launch.describe()
                ))
            }
        }
    }
}

/// `remoteEnv` without `containerEnv`, and `${localEnv:X}` of a host
/// variable that was empty, in one devcontainer.json.
fn env_block_problems(
    ctx: &Context,
    path: &Path,
    config: &Value,
    credential_missing_owns: bool,
) -> Vec<Problem> {
    let file = ctx.workspace.display(path);
    let place = |block: &str, var: &str| ctx.workspace.devcontainer_place(path, &[block, var]);
    let block = |name: &str| config.get(name).and_then(Value::as_object);
    let (remote, container) = (block("remoteEnv"), block("containerEnv"));
    let mut problems = Vec::new();
    for var in watched() {
        let in_remote = remote.and_then(|b| b.get(*var)).and_then(Value::as_str);
        let in_container = container.and_then(|b| b.get(*var)).and_then(Value::as_str);
        if let (Some(_), None) = (in_remote, in_container) {
            problems
                .extend(remote_env_only(ctx, &file, var).map(|p| p.at(place("remoteEnv", var))));
        }
        let (block, value) = match (in_container, in_remote) {
            (Some(value), _) => ("containerEnv", value),
            (None, Some(value)) => ("remoteEnv", value),
            (None, None) => continue,
        };
        let Some(host_var) = local_env_name(value) else {
            continue;
        };
        let owned = credential_missing_owns && holds_credential(var);
        if ctx.env.state(var) == VarState::Empty && !owned {
            let (when, then) = if block == "remoteEnv" {
                (
                    "when this session was started",
                    "then start claude through it again (remoteEnv is read at each VS Code attach and each \
                     devcontainer exec, so VS Code itself must be started from a shell that has it; no rebuild)"
                        .to_string(),
                )
            } else {
                (
                    "when the container was created",
                    format!("then {}", launch::recreate_devcontainer(&ctx.launch)),
                )
            };
            problems.push(
                Problem::warn(
                    "host-variable-missing",
                    format!(
                        "{file} sets {var} to \"{value}\", and {var} is empty here: the host had no \
                         {host_var} {when}."
                    ),
                    format!("Set {host_var} on the host (or use a Codespaces secret), {then}."),
                )
                .at(place(block, var)),
            );
        }
    }
    problems
}

/// A watched variable that devcontainer.json passes through `remoteEnv`
/// alone and that did not reach this process, judged by who starts
/// `claude`: the cause when that launcher skips `remoteEnv`, a warning when
/// the launcher is only a guess, nothing when the variable is here (it was
/// applied) or when no devcontainer starts claude (a CI job, a host shell).
fn remote_env_only(ctx: &Context, file: &str, var: &str) -> Option<Problem> {
    let launcher = ctx.launch.launcher;
    let no_devcontainer = ctx.launch.is_ci() || launcher == Launcher::Host;
    if ctx.env.state(var) != VarState::Unset || no_devcontainer {
        return None;
    }
    let (status, why) = if launcher.applies_remote_env() {
        (
            Status::Warn,
            format!(
                "{} applies remoteEnv, but {} do not; if claude starts one of those ways, it has no {var} \
                 (or the file changed since this session was started).",
                launcher.name(),
                launch::skipping_remote_env()
            ),
        )
    } else {
        (
            Status::Fail,
            format!(
                "claude is started by {}, which does not apply remoteEnv: that is why {var} is missing.",
                launcher.name()
            ),
        )
    };
    Some(Problem::of(
        status,
        "remote-env-only",
        format!("{file} passes {var} through remoteEnv only, and {var} is unset here. {why}"),
        format!("{}.", launch::remote_env_fix(&ctx.launch, var)),
    ))
}

/// Compose services that take a watched variable from a host that lacked it.
fn compose_problems(ctx: &Context, credential_missing_owns: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    for file in &ctx.workspace.compose {
        let Some(service) = file.ok() else { continue };
        let shown = ctx.workspace.display(&file.path);
        for (var, value) in &service.environment {
            if !watched().any(|w| w == var) {
                continue;
            }
            let host_var = match value {
                None => Some(var.as_str()),
                Some(v) => compose_variable(v),
            };
            let owned = credential_missing_owns && holds_credential(var);
            let state = ctx.env.state(var);
            let Some(host_var) = host_var.filter(|_| state != VarState::Set && !owned) else {
                continue;
            };
            let here = if state == VarState::Empty {
                "empty"
            } else {
                "unset"
            };
            problems.push(
                Problem::warn(
                    "compose-host-variable-missing",
                    format!(
                        "{shown} gives service {} {var} from the host's {host_var}, and {var} is {here} here: \
                         the host did not have it when the container was created.",
                        service.service
                    ),
                    format!(
                        "Set {host_var} on the host before creating the container, then {}.",
                        launch::recreate_devcontainer(&ctx.launch)
                    ),
                )
                .at(Place::file(&file.path).key(format!("services.{}.environment.{var}", service.service))),
            );
        }
    }
    problems
}

/// A file `--env-file` or a compose `env_file` names that does not exist.
fn missing_file(ctx: &Context, missing: &MissingEnvFile) -> Problem {
    Problem::warn(
        "missing-env-file",
        format!(
            "{} names {}, which does not exist: the next container start fails with \"no such file\".",
            missing.named_by, missing.path
        ),
        format!(
            "Create {}, or remove what names it, then {}.",
            missing.path,
            launch::recreate_devcontainer(&ctx.launch)
        ),
    )
    .at(missing.named_at.clone())
}

/// `X` in a compose value `${X}` or `$X` (not `${X:-default}`).
fn compose_variable(value: &str) -> Option<&str> {
    let inner = value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .or_else(|| value.strip_prefix('$'))?;
    let plain = !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    plain.then_some(inner)
}

/// `X` in a value of the form `${localEnv:X}` or `${localEnv:X:default}`
/// (only when there is no default).
fn local_env_name(value: &str) -> Option<&str> {
    let start = value.find("${localEnv:")? + "${localEnv:".len();
    let inner = &value[start..];
    let inner = &inner[..inner.find('}')?];
    (!inner.contains(':')).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_local_env_references() {
        assert_eq!(local_env_name("${localEnv:TOKEN}"), Some("TOKEN"));
        assert_eq!(local_env_name("x-${localEnv:A}-y"), Some("A"));
        assert_eq!(local_env_name("${localEnv:A:fallback}"), None);
        assert_eq!(local_env_name("plain"), None);
    }

    #[test]
    fn reads_compose_interpolation() {
        assert_eq!(compose_variable("${TOKEN}"), Some("TOKEN"));
        assert_eq!(compose_variable("$TOKEN"), Some("TOKEN"));
        assert_eq!(compose_variable("${TOKEN:-x}"), None);
        assert_eq!(compose_variable("literal"), None);
    }
}
