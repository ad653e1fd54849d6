//! Fix text in the launcher's own terms.
//!
//! Gathering decides who starts `claude` ([`Launch`]); this module is the one
//! place that turns "give the process this variable", "mount this path" and
//! "start it again" into what that launcher spells: a secret mapped into a
//! step's `env:` in GitHub Actions, `-e` for `docker run`, `environment:` in a
//! compose file, `remoteEnv` in devcontainer.json only where there is one. No
//! check words a launcher's fix on its own.

use crate::gather::launcher::{CiSystem, Launch, Launcher};

/// How to hand `var` to `claude` (the value stays on the host or in the
/// secret store), ending without a full stop so callers can go on.
pub(crate) fn set_env(launch: &Launch, var: &str) -> String {
    match launch.launcher {
        Launcher::Ci => ci_secret(launch.ci, var),
        Launcher::VsCode | Launcher::DevcontainerCli => format!(
            "in devcontainer.json, \"remoteEnv\": {{ \"{var}\": \"${{localEnv:{var}}}\" }} with {var} exported on \
             the host (remoteEnv is applied by VS Code and by devcontainer exec, and is not stored in the \
             container's configuration), then {}",
            restart(launch)
        ),
        Launcher::Codespaces => format!(
            "a Codespaces secret named {var} (github.com/settings/codespaces, with this repository selected), \
             then {}",
            restart(launch)
        ),
        Launcher::Docker => format!(
            "docker run -e {var} … (it takes the value from the host's shell), or docker exec -e {var} … for a \
             running container"
        ),
        Launcher::Compose => format!(
            "in the compose file, under the service: environment: [{var}] (compose takes the value from the \
             host's shell), then {}",
            restart(launch)
        ),
        Launcher::Podman => format!(
            "podman run -e {var} … (or --secret {var},type=env from podman secret create), or podman exec -e \
             {var} … for a running container"
        ),
        Launcher::Kubernetes => format!(
            "an env entry in the pod spec with valueFrom.secretKeyRef naming a Secret that holds {var}, then {}",
            restart(launch)
        ),
        Launcher::Host => format!("export {var}=… in the shell that starts claude"),
    }
}

/// A CI system's secret, mapped into the environment of the step that runs
/// `claude`.
fn ci_secret(system: Option<CiSystem>, var: &str) -> String {
    match system {
        Some(CiSystem::GithubActions) | None => format!(
            "a repository or organization secret named {var}, mapped into the step that runs claude: \
             env: {{ {var}: ${{{{ secrets.{var} }}}} }} (GitHub does not give secrets to workflows run from \
             forks' pull requests)"
        ),
        Some(CiSystem::GitlabCi) => format!(
            "a masked CI/CD variable named {var} (Settings → CI/CD → Variables; a protected one reaches only \
             protected branches)"
        ),
        Some(CiSystem::Circleci) => {
            format!(
                "an environment variable {var} in the project settings or a context the job uses"
            )
        }
        Some(CiSystem::Buildkite) => {
            format!("a Buildkite secret {var} exported into the step's environment")
        }
        Some(CiSystem::Jenkins) => format!(
            "a Jenkins credential bound to {var} (withCredentials or environment {{ {var} = credentials('…') }})"
        ),
        Some(CiSystem::AzurePipelines) => format!(
            "a secret pipeline variable mapped into the step: env: {{ {var}: $({var}) }} (secret variables are \
             not in the environment unless mapped)"
        ),
        Some(CiSystem::BitbucketPipelines) => {
            format!("a secured repository variable named {var}")
        }
        Some(CiSystem::Other) => {
            format!("the CI system's secret store, exported as {var} into the job that runs claude")
        }
    }
}

/// How to bind-mount `host` at `target` for this launcher.
pub(crate) fn mount(launch: &Launch, host: &str, target: &str) -> String {
    match launch.launcher {
        Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces => format!(
            "in devcontainer.json, \"mounts\": [\"source={host},target={target},type=bind\"], then {}",
            restart(launch)
        ),
        Launcher::Compose => format!(
            "in the compose file, under the service: volumes: [\"{host}:{target}\"], then {}",
            restart(launch)
        ),
        Launcher::Podman => format!("podman run -v {host}:{target}:Z …"),
        Launcher::Kubernetes => format!(
            "a volume and a volumeMount at {target} in the pod spec, then {}",
            restart(launch)
        ),
        Launcher::Docker | Launcher::Ci | Launcher::Host => {
            format!("docker run -v {host}:{target} …")
        }
    }
}

/// The host user's `rel` (`.claude`) as this launcher's mount source spells
/// it: devcontainer.json expands `${localEnv:HOME}`, a shell or compose `~`.
pub(crate) fn host_home(launch: &Launch, rel: &str) -> String {
    if launch.launcher.builds_from_devcontainer() {
        format!("${{localEnv:HOME}}/{rel}")
    } else {
        format!("~/{rel}")
    }
}

/// What makes a change to the container's definition take effect.
pub(crate) fn restart(launch: &Launch) -> &'static str {
    match launch.launcher {
        Launcher::VsCode => "rebuild the container (Dev Containers: Rebuild Container)",
        Launcher::DevcontainerCli => {
            "recreate the container (devcontainer up --remove-existing-container)"
        }
        Launcher::Codespaces => "rebuild the codespace (Codespaces: Rebuild Container)",
        Launcher::Docker => "start a new container (docker run again)",
        Launcher::Compose => "recreate the service (docker compose up -d --force-recreate)",
        Launcher::Podman => "start a new container (podman run again)",
        Launcher::Kubernetes => "restart the pod",
        Launcher::Ci => "re-run the job",
        Launcher::Host => "start a new shell",
    }
}

/// What becomes of the browser login's redirect to
/// `http://localhost:<port>/callback` when this launcher started `claude`
/// (the port is random and bound to the container's 127.0.0.1), ending
/// without a full stop.
pub(crate) fn callback_route(launch: &Launch) -> &'static str {
    match launch.launcher {
        Launcher::VsCode => {
            "VS Code forwards the port to your machine on its own once it sees it listen, so the redirect often \
             arrives; sometimes the forward comes too late and the browser shows \"localhost refused to connect\""
        }
        Launcher::Codespaces => {
            "Codespaces forwards the port to your browser on its own once it sees it listen, so the redirect \
             often arrives; sometimes the forward comes too late and the browser shows \"localhost refused to \
             connect\""
        }
        Launcher::DevcontainerCli => {
            "the devcontainer CLI forwards no port (only VS Code and Codespaces do), so the redirect never arrives"
        }
        Launcher::Docker | Launcher::Compose | Launcher::Podman => {
            "docker exec, compose and podman forward no port, and a published one (-p) cannot reach a socket \
             bound to the container's 127.0.0.1, so the redirect never arrives"
        }
        Launcher::Kubernetes => {
            "kubectl exec forwards no port, and kubectl port-forward would need the random port in advance, so \
             the redirect never arrives"
        }
        Launcher::Ci => "nobody is at a browser in a CI job, so the redirect never comes",
        Launcher::Host => {
            "the browser runs on another machine (over SSH, or outside WSL), so the redirect to its localhost \
             never reaches this one"
        }
    }
}

/// The launchers that do not apply devcontainer.json's `remoteEnv`, in
/// words, for a finding that a variable set only there is missing.
pub(crate) fn skipping_remote_env() -> &'static str {
    "docker exec, docker compose exec, podman exec and scripts started outside the devcontainer tooling"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gather::launcher::{Decided, Mode};

    fn launch(launcher: Launcher, ci: Option<CiSystem>) -> Launch {
        Launch {
            launcher,
            ci,
            mode: Mode::Interactive,
            decided: Decided::Given,
            evidence: Vec::new(),
            or_else: Vec::new(),
        }
    }

    #[test]
    fn each_launcher_gets_its_own_terms() {
        let var = "CLAUDE_CODE_OAUTH_TOKEN";
        let gha = set_env(&launch(Launcher::Ci, Some(CiSystem::GithubActions)), var);
        assert!(
            gha.contains("${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}"),
            "{gha}"
        );
        assert!(gha.contains("forks"), "{gha}");
        let docker = set_env(&launch(Launcher::Docker, None), var);
        assert!(
            docker.starts_with("docker run -e CLAUDE_CODE_OAUTH_TOKEN"),
            "{docker}"
        );
        assert!(
            !docker.contains("devcontainer") && !docker.contains("rebuild"),
            "{docker}"
        );
        let compose = set_env(&launch(Launcher::Compose, None), var);
        assert!(
            compose.contains("environment: [CLAUDE_CODE_OAUTH_TOKEN]"),
            "{compose}"
        );
        let vscode = set_env(&launch(Launcher::VsCode, None), var);
        assert!(
            vscode.contains("remoteEnv") && vscode.contains("Rebuild"),
            "{vscode}"
        );
        let host = set_env(&launch(Launcher::Host, None), var);
        assert!(!host.contains("container"), "{host}");
        let podman = mount(
            &launch(Launcher::Podman, None),
            "~/.claude",
            "/home/u/.claude",
        );
        assert!(podman.starts_with("podman run -v"), "{podman}");
    }
}
