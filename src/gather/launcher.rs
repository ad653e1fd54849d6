//! Who starts `claude` here, decided once from evidence.
//!
//! The same container can be reached in ways that give `claude` different
//! environments and different ways through sign-in: VS Code applies
//! `remoteEnv` and forwards ports, `docker exec` does neither, a CI job runs
//! `claude -p` where nobody can type. Checks take their severity and their
//! fix wording from this one decision instead of guessing from the text of
//! `devcontainer.json`. `--launcher` replaces the decision, to ask "what if
//! I start it that way".

use super::env::Env;
use super::system::{Marker, Place};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The program that starts `claude` (or the shell it is typed into).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Launcher {
    /// VS Code attached to a devcontainer (Dev Containers extension).
    #[value(name = "vscode")]
    #[serde(rename = "vscode")]
    VsCode,
    /// The devcontainer CLI: `devcontainer exec`, lifecycle commands.
    DevcontainerCli,
    /// A GitHub Codespace.
    Codespaces,
    /// `docker run` or `docker exec`.
    Docker,
    /// `docker compose run` or `docker compose exec`.
    Compose,
    /// `podman run` or `podman exec` (rootless or not).
    Podman,
    /// `kubectl exec` into a pod.
    Kubernetes,
    /// A CI job (GitHub Actions, GitLab CI, …) running `claude -p`.
    Ci,
    /// A shell on a machine that is not a container.
    Host,
}

/// The CI system, when the launcher is a CI job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum CiSystem {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GithubActions,
    /// GitLab CI/CD (`GITLAB_CI=true`).
    GitlabCi,
    /// CircleCI (`CIRCLECI=true`).
    Circleci,
    /// Buildkite (`BUILDKITE=true`).
    Buildkite,
    /// Jenkins (`JENKINS_URL`).
    Jenkins,
    /// Azure Pipelines (`TF_BUILD=True`).
    AzurePipelines,
    /// Bitbucket Pipelines (`BITBUCKET_BUILD_NUMBER`).
    BitbucketPipelines,
    /// Some other CI (`CI=true` only).
    Other,
}

/// How `claude` is run where it matters here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Mode {
    /// A person runs interactive `claude`: the first-run wizard, the trust
    /// dialog and the browser login are met.
    Interactive,
    /// A job runs `claude -p`: no wizard, no dialog, nobody to type a code.
    Print,
}

/// Whether the launcher was read off the world or given with `--launcher`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Decided {
    /// From the evidence below.
    Detected,
    /// Given with `--launcher`; the evidence is what was seen all the same.
    Given,
}

/// The launcher, the mode that follows from it, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Launch {
    /// Who starts `claude`.
    pub(crate) launcher: Launcher,
    /// The CI system, when the launcher is [`Launcher::Ci`].
    pub(crate) ci: Option<CiSystem>,
    /// Interactive or `-p`.
    pub(crate) mode: Mode,
    /// Detected or given.
    pub(crate) decided: Decided,
    /// What the decision rests on, in words: `REMOTE_CONTAINERS=true`, …
    pub(crate) evidence: Vec<String>,
    /// Other launchers the same evidence allows (`docker exec` into a
    /// devcontainer looks like the devcontainer CLI from inside).
    pub(crate) or_else: Vec<Launcher>,
}

/// CI systems by their marker variable and the value it must have (`None`:
/// any non-empty value). `CI` alone is [`CiSystem::Other`].
const CI_MARKERS: &[(&str, Option<&str>, CiSystem)] = &[
    ("GITHUB_ACTIONS", Some("true"), CiSystem::GithubActions),
    ("GITLAB_CI", Some("true"), CiSystem::GitlabCi),
    ("CIRCLECI", Some("true"), CiSystem::Circleci),
    ("BUILDKITE", Some("true"), CiSystem::Buildkite),
    ("JENKINS_URL", None, CiSystem::Jenkins),
    ("TF_BUILD", Some("True"), CiSystem::AzurePipelines),
    ("BITBUCKET_BUILD_NUMBER", None, CiSystem::BitbucketPipelines),
];

/// Variables VS Code's Dev Containers extension sets in the container's
/// terminals and tasks (the devcontainer CLI sets none of them).
const VSCODE_MARKERS: &[&str] = &[
    "REMOTE_CONTAINERS",
    "REMOTE_CONTAINERS_IPC",
    "VSCODE_REMOTE_CONTAINERS_SESSION",
];

/// Compose files a `docker compose` project keeps at its root.
const COMPOSE_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// What the workspace says that the environment cannot: whether a
/// devcontainer or a compose project is there.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WorkspaceHints {
    /// A `devcontainer.json` was found.
    pub(crate) devcontainer: bool,
    /// A devcontainer names a compose file (`dockerComposeFile`).
    pub(crate) devcontainer_compose: bool,
    /// A `remoteEnv` variable of a devcontainer is present in this process
    /// with the value the file gives it: whoever started us applied it.
    pub(crate) remote_env_applied: bool,
}

impl Launch {
    /// Decides from the environment, the markers and the workspace; `given`
    /// (`--launcher`) wins, keeping the evidence for the report.
    pub(crate) fn decide(
        env: &Env,
        markers: &[Marker],
        workspace_root: &Path,
        hints: WorkspaceHints,
        given: Option<Launcher>,
    ) -> Self {
        let ci = ci_system(env);
        let (detected, mut evidence, or_else) =
            detect(env, markers, workspace_root, hints, ci.clone());
        let (launcher, decided, or_else) = match given {
            Some(launcher) if launcher != detected => {
                evidence.push(format!("--launcher {}", launcher.as_str()));
                (launcher, Decided::Given, Vec::new())
            }
            _ => (detected, Decided::Detected, or_else),
        };
        Launch {
            launcher,
            ci: (launcher == Launcher::Ci).then(|| ci.map_or(CiSystem::Other, |(s, _)| s)),
            mode: if launcher == Launcher::Ci {
                Mode::Print
            } else {
                Mode::Interactive
            },
            decided,
            evidence,
            or_else,
        }
    }

    /// True for a CI job: `claude -p`, nobody at a keyboard.
    pub(crate) fn is_ci(&self) -> bool {
        self.launcher == Launcher::Ci
    }

    /// The launcher, and the CI system by name when it is a CI job.
    pub(crate) fn describe(&self) -> String {
        match self.ci {
            Some(system) if system != CiSystem::Other => system.name().to_string(),
            _ => self.launcher.name().to_string(),
        }
    }
}

/// The CI system and its marker, if any marker says this is a CI job.
fn ci_system(env: &Env) -> Option<(CiSystem, String)> {
    CI_MARKERS
        .iter()
        .find_map(|&(var, value, system)| {
            let fired = match value {
                Some(expected) => env.equals(var, expected),
                None => env.non_empty(var).is_some(),
            };
            fired.then(|| {
                let shown = value.map_or(format!("{var} is set"), |v| format!("{var}={v}"));
                (system, shown)
            })
        })
        .or_else(|| {
            env.is_truthy("CI")
                .then(|| (CiSystem::Other, "CI=true".to_string()))
        })
}

/// The detected launcher, its evidence, and the launchers it could also be.
fn detect(
    env: &Env,
    markers: &[Marker],
    workspace_root: &Path,
    hints: WorkspaceHints,
    ci: Option<(CiSystem, String)>,
) -> (Launcher, Vec<String>, Vec<Launcher>) {
    let signals_of = |place: Place| -> Vec<String> {
        markers
            .iter()
            .filter(|m| m.place == place)
            .map(|m| m.signal.clone())
            .collect()
    };
    if let Some((_, signal)) = ci {
        return (Launcher::Ci, vec![signal], Vec::new());
    }
    if env.equals("CODESPACES", "true") {
        return (Launcher::Codespaces, vec!["CODESPACES=true".into()], vec![]);
    }
    if let Some(var) = VSCODE_MARKERS.iter().find(|v| env.non_empty(v).is_some()) {
        return (Launcher::VsCode, vec![format!("{var} is set")], Vec::new());
    }
    let podman = signals_of(Place::Podman);
    if !podman.is_empty() || env.equals("container", "podman") {
        let evidence = if podman.is_empty() {
            vec!["container=podman".to_string()]
        } else {
            podman
        };
        return (Launcher::Podman, evidence, Vec::new());
    }
    let kubernetes = signals_of(Place::Kubernetes);
    if !kubernetes.is_empty() {
        return (Launcher::Kubernetes, kubernetes, Vec::new());
    }
    let container: Vec<String> = markers
        .iter()
        .filter(|m| m.place.is_container())
        .map(|m| m.signal.clone())
        .collect();
    if container.is_empty() {
        return (Launcher::Host, host_evidence(markers), Vec::new());
    }
    in_container(workspace_root, hints, container)
}

/// Inside a container with no launcher's own marker: the workspace tells a
/// devcontainer or a compose project from a bare `docker run`.
fn in_container(
    workspace_root: &Path,
    hints: WorkspaceHints,
    mut evidence: Vec<String>,
) -> (Launcher, Vec<String>, Vec<Launcher>) {
    if hints.devcontainer {
        if hints.remote_env_applied {
            evidence.push("remoteEnv of devcontainer.json applied to this process".into());
            return (Launcher::DevcontainerCli, evidence, Vec::new());
        }
        evidence.push("a devcontainer.json and no VS Code marker".into());
        let or_else = if hints.devcontainer_compose {
            vec![Launcher::Compose, Launcher::Docker]
        } else {
            vec![Launcher::Docker]
        };
        return (Launcher::DevcontainerCli, evidence, or_else);
    }
    if let Some(file) = COMPOSE_FILES
        .iter()
        .find(|f| workspace_root.join(f).is_file())
    {
        evidence.push(format!("{file} in the workspace"));
        return (Launcher::Compose, evidence, vec![Launcher::Docker]);
    }
    (Launcher::Docker, evidence, vec![Launcher::Compose])
}

/// What a plain host shows: WSL or SSH markers, else nothing.
fn host_evidence(markers: &[Marker]) -> Vec<String> {
    let seen: Vec<String> = markers
        .iter()
        .filter(|m| matches!(m.place, Place::Wsl | Place::Ssh))
        .map(|m| m.signal.clone())
        .collect();
    if seen.is_empty() {
        vec!["no container or CI marker".to_string()]
    } else {
        seen
    }
}

impl Launcher {
    /// The `--launcher` value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Launcher::VsCode => "vscode",
            Launcher::DevcontainerCli => "devcontainer-cli",
            Launcher::Codespaces => "codespaces",
            Launcher::Docker => "docker",
            Launcher::Compose => "compose",
            Launcher::Podman => "podman",
            Launcher::Kubernetes => "kubernetes",
            Launcher::Ci => "ci",
            Launcher::Host => "host",
        }
    }

    /// The launcher in words, for the runtime line and findings.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Launcher::VsCode => "VS Code (Dev Containers)",
            Launcher::DevcontainerCli => "the devcontainer CLI",
            Launcher::Codespaces => "GitHub Codespaces",
            Launcher::Docker => "docker run / docker exec",
            Launcher::Compose => "docker compose",
            Launcher::Podman => "Podman",
            Launcher::Kubernetes => "kubectl exec",
            Launcher::Ci => "a CI job",
            Launcher::Host => "a shell on this machine",
        }
    }

    /// It applies devcontainer.json's `remoteEnv` to the processes it starts
    /// (devcontainers/cli `probeRemoteEnv` in `injectHeadless.ts`; VS Code;
    /// Codespaces). `docker exec` and compose do not.
    pub(crate) fn applies_remote_env(self) -> bool {
        matches!(
            self,
            Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces
        )
    }

    /// It forwards a container's loopback ports to the browser's machine on
    /// its own (VS Code's and Codespaces' automatic port forwarding), so the
    /// login's callback can arrive, though not always in time.
    pub(crate) fn forwards_ports(self) -> bool {
        matches!(self, Launcher::VsCode | Launcher::Codespaces)
    }

    /// It builds the container from a devcontainer.json, so "rebuild" means
    /// something.
    pub(crate) fn builds_from_devcontainer(self) -> bool {
        matches!(
            self,
            Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces
        )
    }

    /// A person can answer a prompt (type a pasted code, pick a menu entry).
    pub(crate) fn has_a_person(self) -> bool {
        self != Launcher::Ci
    }
}

impl CiSystem {
    /// The system's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CiSystem::GithubActions => "GitHub Actions",
            CiSystem::GitlabCi => "GitLab CI",
            CiSystem::Circleci => "CircleCI",
            CiSystem::Buildkite => "Buildkite",
            CiSystem::Jenkins => "Jenkins",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::BitbucketPipelines => "Bitbucket Pipelines",
            CiSystem::Other => "a CI job",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::env;

    fn marker(place: Place, signal: &str) -> Marker {
        Marker {
            place,
            signal: signal.into(),
        }
    }

    fn decide(pairs: &[(&str, &str)], markers: &[Marker], hints: WorkspaceHints) -> Launch {
        let root = tempfile::tempdir().unwrap();
        Launch::decide(&env::of(pairs), markers, root.path(), hints, None)
    }

    #[test]
    fn a_ci_marker_wins_over_a_container_and_means_print_mode() {
        let docker = [marker(Place::Docker, "/.dockerenv exists")];
        let launch = decide(&[("GITHUB_ACTIONS", "true")], &docker, Default::default());
        assert_eq!(launch.launcher, Launcher::Ci);
        assert_eq!(launch.ci, Some(CiSystem::GithubActions));
        assert_eq!(launch.mode, Mode::Print);
        assert_eq!(launch.describe(), "GitHub Actions");
        let gitlab = decide(
            &[("GITLAB_CI", "true"), ("CI", "true")],
            &[],
            Default::default(),
        );
        assert_eq!(gitlab.ci, Some(CiSystem::GitlabCi));
        let other = decide(&[("CI", "1")], &[], Default::default());
        assert_eq!(
            (other.ci, other.evidence),
            (Some(CiSystem::Other), vec!["CI=true".into()])
        );
    }

    #[test]
    fn vscode_codespaces_and_podman_have_their_own_markers() {
        let docker = [marker(Place::Docker, "/.dockerenv exists")];
        let vscode = decide(
            &[("REMOTE_CONTAINERS", "true")],
            &docker,
            Default::default(),
        );
        assert_eq!(vscode.launcher, Launcher::VsCode);
        assert_eq!(vscode.mode, Mode::Interactive);
        let codespaces = decide(&[("CODESPACES", "true")], &docker, Default::default());
        assert_eq!(codespaces.launcher, Launcher::Codespaces);
        let podman = [marker(Place::Podman, "/run/.containerenv exists")];
        assert_eq!(
            decide(&[], &podman, Default::default()).launcher,
            Launcher::Podman
        );
    }

    #[test]
    fn a_container_is_told_apart_by_the_workspace() {
        let docker = [marker(Place::Docker, "/.dockerenv exists")];
        let bare = decide(&[], &docker, Default::default());
        assert_eq!(bare.launcher, Launcher::Docker);
        let hints = WorkspaceHints {
            devcontainer: true,
            ..Default::default()
        };
        let cli = decide(&[], &docker, hints);
        assert_eq!(cli.launcher, Launcher::DevcontainerCli);
        assert_eq!(cli.or_else, [Launcher::Docker]);
        let applied = WorkspaceHints {
            remote_env_applied: true,
            ..hints
        };
        assert!(decide(&[], &docker, applied).or_else.is_empty());

        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("compose.yaml"), "services: {}\n").unwrap();
        let compose = Launch::decide(
            &env::of(&[]),
            &docker,
            root.path(),
            Default::default(),
            None,
        );
        assert_eq!(compose.launcher, Launcher::Compose);
        assert!(
            compose
                .evidence
                .contains(&"compose.yaml in the workspace".to_string())
        );
    }

    #[test]
    fn no_marker_is_a_host_and_the_flag_overrides_with_its_evidence() {
        let host = decide(&[], &[], Default::default());
        assert_eq!(host.launcher, Launcher::Host);
        let root = tempfile::tempdir().unwrap();
        let given = Launch::decide(
            &env::of(&[]),
            &[],
            root.path(),
            Default::default(),
            Some(Launcher::Ci),
        );
        assert_eq!(
            (given.launcher, given.decided, given.mode, given.ci),
            (
                Launcher::Ci,
                Decided::Given,
                Mode::Print,
                Some(CiSystem::Other)
            )
        );
        assert!(given.evidence.contains(&"--launcher ci".to_string()));
    }
}
