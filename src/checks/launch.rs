//! Fix text in the launcher's own terms.
//!
//! Gathering decides who starts `claude` ([`Launch`]); this module is the one
//! place that turns "give the process this variable", "mount this path" and
//! "start it again" into what that launcher spells: a secret mapped into a
//! step's `env:` in GitHub Actions, `-e` for `docker run`, `environment:` in a
//! compose file, `remoteEnv` in devcontainer.json only where there is one. No
//! check words a launcher's fix on its own.

use crate::gather::launcher::{CiSystem, Decided, Launch, Launcher, Mode};

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
            "a Codespaces secret named {var} (your GitHub settings, Codespaces, with this repository selected), \
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

/// How to give `var` the fixed, non-secret `value` for this launcher
/// (`CLAUDE_CONFIG_DIR`, `IS_SANDBOX`): a secret goes through [`set_env`].
pub(crate) fn set_env_value(launch: &Launch, var: &str, value: &str) -> String {
    match launch.launcher {
        Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces => format!(
            "in devcontainer.json, \"containerEnv\": {{ \"{var}\": \"{value}\" }} (not a secret, so it may be \
             stored in the container's configuration), then {}",
            restart(launch)
        ),
        Launcher::Docker => {
            format!("docker run -e {var}={value} … (or ENV {var}={value} in the Dockerfile)")
        }
        Launcher::Compose => format!(
            "in the compose file, under the service: environment: [{var}={value}], then {}",
            restart(launch)
        ),
        Launcher::Podman => {
            format!("podman run -e {var}={value} … (or ENV {var}={value} in the Containerfile)")
        }
        Launcher::Kubernetes => format!(
            "an env entry {{ name: {var}, value: \"{value}\" }} in the pod spec, then {}",
            restart(launch)
        ),
        Launcher::Ci => match launch.ci {
            Some(CiSystem::GithubActions) | Some(CiSystem::AzurePipelines) => {
                format!(
                    "env: {{ {var}: \"{value}\" }} on the step that runs claude (or on the job)"
                )
            }
            Some(CiSystem::GitlabCi) => format!("variables: {{ {var}: \"{value}\" }} on the job"),
            _ => format!("{var}={value} in the environment of the job that runs claude"),
        },
        Launcher::Host => format!("export {var}={value} in the shell that starts claude"),
    }
}

/// How to run `claude` as `user` (a name such as `node`, or a placeholder
/// such as `<owner>`) instead of root or a uid that owns nothing, for this
/// launcher.
pub(crate) fn run_as_user(launch: &Launch, user: &str) -> String {
    match launch.launcher {
        Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces => format!(
            "\"remoteUser\": \"{user}\" in devcontainer.json (with \"updateRemoteUserUID\": true, the default on \
             Linux hosts, it takes the host's uid), then {}",
            restart(launch)
        ),
        Launcher::Docker => format!(
            "docker exec -u {user} … (or docker run --user {user}, or USER in the Dockerfile)"
        ),
        Launcher::Compose => format!(
            "docker compose exec -u {user} … (or user: {user} under the service, then {})",
            restart(launch)
        ),
        Launcher::Podman => format!(
            "podman exec -u {user} … (rootless: podman run --userns=keep-id, which keeps your own uid)"
        ),
        Launcher::Kubernetes => format!(
            "securityContext.runAsUser (the uid of {user}) in the pod spec, then {}",
            restart(launch)
        ),
        Launcher::Ci => match launch.ci {
            Some(CiSystem::GithubActions) => format!(
                "run the step on the runner itself (a GitHub-hosted runner's user is uid 1001), or give the \
                 job's container a user: options: --user {user}"
            ),
            _ => format!(
                "run the job's container as {user} (USER in its image, or the CI system's user option)"
            ),
        },
        Launcher::Host => format!("run claude as {user}, not with sudo"),
    }
}

/// What a change to devcontainer.json needs before it takes effect, also
/// when this shell was not started by the devcontainer tooling (the file
/// still built the container).
pub(crate) fn recreate_devcontainer(launch: &Launch) -> &'static str {
    if launch.launcher.builds_from_devcontainer() {
        restart(launch)
    } else {
        "recreate the container from devcontainer.json (devcontainer up --remove-existing-container, or Dev \
         Containers: Rebuild Container in VS Code)"
    }
}

/// How a container gets a file made once, when it is created: the
/// devcontainer's `postCreateCommand`, the image otherwise; `None` where
/// nothing is created (a host, a CI job, which start fresh or not at all).
pub(crate) fn on_creation(launch: &Launch, command: &str) -> Option<String> {
    match launch.launcher {
        Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces => Some(format!(
            "In devcontainer.json, make it part of the container's creation without clobbering an existing file:\n  \
             \"postCreateCommand\": {}",
            serde_json::Value::String(command.to_string())
        )),
        Launcher::Docker | Launcher::Compose | Launcher::Podman | Launcher::Kubernetes => {
            Some(format!(
                "Make it part of the image, as the user claude runs as (or of the entrypoint, when the home is a \
             volume):\n  RUN {command}"
            ))
        }
        Launcher::Ci | Launcher::Host => None,
    }
}

/// How to sign in again where `claude` runs; in a CI job, where nobody can
/// paste a login code, the long-lived token instead.
pub(crate) fn sign_in_again(launch: &Launch) -> String {
    let here = match launch.launcher {
        Launcher::Host => "in this shell",
        Launcher::Ci => {
            return format!(
                "Nobody can paste a login code in a CI job: run `claude setup-token` on a machine with a browser \
                 and give the job the token as {}",
                set_env(launch, "CLAUDE_CODE_OAUTH_TOKEN")
            );
        }
        _ => "inside this container",
    };
    format!(
        "Sign in again {here}: `claude auth logout`, then `claude auth login` and paste the code"
    )
}

/// The fix for a variable that devcontainer.json passes through
/// `remoteEnv` and that did not reach this process: start `claude` through
/// the tooling that applies it, or hand the variable over yourself. Never
/// `containerEnv` for a secret: that stores it in the container's
/// configuration, where `docker inspect` shows it.
pub(crate) fn remote_env_fix(launch: &Launch, var: &str) -> String {
    let by_hand = match launch.launcher {
        Launcher::VsCode | Launcher::DevcontainerCli | Launcher::Codespaces => {
            set_env(&given(Launcher::Docker), var)
        }
        _ => set_env(launch, var),
    };
    format!(
        "Start claude through the tooling that applies remoteEnv (a VS Code terminal, or devcontainer exec \
         --workspace-folder . claude), or hand {var} over yourself: {by_hand}"
    )
}

/// A launch of this launcher with nothing else known, for wording a fix in
/// another launcher's terms.
fn given(launcher: Launcher) -> Launch {
    Launch {
        launcher,
        ci: None,
        mode: Mode::Interactive,
        decided: Decided::Given,
        evidence: Vec::new(),
        or_else: Vec::new(),
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

    fn launch(launcher: Launcher, ci: Option<CiSystem>) -> Launch {
        Launch {
            ci,
            ..given(launcher)
        }
    }

    #[test]
    fn a_ci_job_is_never_told_to_paste_a_code_or_rebuild() {
        let gha = launch(Launcher::Ci, Some(CiSystem::GithubActions));
        let again = sign_in_again(&gha);
        assert!(
            !again.contains("paste the code") && again.contains("setup-token"),
            "{again}"
        );
        assert_eq!(on_creation(&gha, "true"), None);
        for text in [
            set_env_value(&gha, "IS_SANDBOX", "1"),
            run_as_user(&gha, "node"),
            set_env(&gha, "CLAUDE_CODE_OAUTH_TOKEN"),
        ] {
            assert!(
                !text.contains("rebuild") && !text.contains("devcontainer.json"),
                "{text}"
            );
        }
        let gitlab = run_as_user(&launch(Launcher::Ci, Some(CiSystem::GitlabCi)), "node");
        assert!(!gitlab.contains("GitHub"), "{gitlab}");
    }

    #[test]
    fn devcontainer_changes_are_recreated_even_from_docker_exec() {
        let docker = launch(Launcher::Docker, None);
        assert!(recreate_devcontainer(&docker).contains("devcontainer up"));
        let vscode = launch(Launcher::VsCode, None);
        assert_eq!(recreate_devcontainer(&vscode), restart(&vscode));
        let remote = remote_env_fix(&vscode, "CLAUDE_CODE_OAUTH_TOKEN");
        assert!(
            remote.contains("docker exec -e CLAUDE_CODE_OAUTH_TOKEN"),
            "{remote}"
        );
        assert!(!remote.contains("containerEnv"), "{remote}");
        let once = on_creation(&vscode, "test -e f || echo '{\"a\": 1}' > f").unwrap();
        assert!(
            once.contains(r#""postCreateCommand": "test -e f || echo '{\"a\": 1}' > f""#),
            "{once}"
        );
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
