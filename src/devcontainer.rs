//! Reading a parsed `devcontainer.json`: lifecycle commands, forwarded ports,
//! mounts and environment blocks, as the devcontainer spec defines them.
//!
//! Pure functions over the JSON value gathered from the workspace; the checks
//! decide what the facts mean.

use serde_json::Value;

/// Lifecycle hooks that run inside the container.
const IN_CONTAINER_HOOKS: &[&str] = &[
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
];

/// Every in-container lifecycle command as shell text, with its hook name.
///
/// A hook is a string, an array (one command's argv) or an object of named
/// commands run in parallel, each a string or an array.
pub fn lifecycle_commands(config: &Value) -> Vec<(&'static str, String)> {
    let mut commands = Vec::new();
    for &hook in IN_CONTAINER_HOOKS {
        match config.get(hook) {
            Some(Value::Object(named)) => {
                commands.extend(named.values().filter_map(command_text).map(|c| (hook, c)));
            }
            Some(value) => commands.extend(command_text(value).map(|c| (hook, c))),
            None => {}
        }
    }
    commands
}

fn command_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(argv) => Some(
            argv.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// The redirection that truncates a file whose name ends with `file_name`
/// (`> ~/.claude.json`, `tee ~/.claude.json`), if the command has one. Only
/// that fragment is returned: the rest of a command may hold secrets.
pub fn truncating_write(command: &str, file_name: &str) -> Option<String> {
    command.match_indices(file_name).find_map(|(at, _)| {
        let before = &command[..at];
        let target_start = before
            .rfind(|c: char| c.is_whitespace() || c == '>' || c == '\'' || c == '"' || c == ';')
            .map_or(0, |i| i + 1);
        let after_name = &command[at + file_name.len()..];
        let ends_here = after_name
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || "'\";&|)".contains(c));
        let lead = before[..target_start]
            .trim_end_matches(['\'', '"'])
            .trim_end();
        let single_redirect = lead.ends_with('>') && !lead.ends_with(">>");
        let tee = lead.ends_with(" tee") || lead == "tee" || lead.ends_with("|tee");
        let target = &command[target_start..at + file_name.len()];
        match (ends_here, single_redirect, tee) {
            (true, true, _) => Some(format!("> {target}")),
            (true, false, true) => Some(format!("tee {target}")),
            _ => None,
        }
    })
}

/// A port that the configuration forwards or publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardedPort {
    /// The container port.
    pub(crate) port: u16,
    /// Its `portsAttributes` label, if any.
    pub(crate) label: Option<String>,
    /// Which setting forwards it: `forwardPorts`, `appPort`, `runArgs -p`.
    pub(crate) via: &'static str,
}

/// Ports from `forwardPorts`, `appPort` and `-p`/`--publish` in `runArgs`.
pub fn forwarded_ports(config: &Value) -> Vec<ForwardedPort> {
    let labels = config.get("portsAttributes").and_then(Value::as_object);
    let label_of = |port: u16| {
        labels
            .and_then(|l| l.get(&port.to_string()))
            .and_then(|a| a.get("label"))
            .and_then(Value::as_str)
            .map(String::from)
    };
    let mut ports = Vec::new();
    let mut add = |value: &Value, via| {
        if let Some(port) = port_number(value) {
            ports.push(ForwardedPort {
                port,
                label: label_of(port),
                via,
            });
        }
    };
    for key in ["forwardPorts", "appPort"] {
        match config.get(key) {
            Some(Value::Array(items)) => items.iter().for_each(|v| add(v, key_name(key))),
            Some(single) => add(single, key_name(key)),
            None => {}
        }
    }
    for spec in run_arg_values(config, "-p", "--publish") {
        add(&Value::String(spec.to_string()), "runArgs -p");
    }
    ports
}

fn key_name(key: &str) -> &'static str {
    if key == "appPort" {
        "appPort"
    } else {
        "forwardPorts"
    }
}

/// `54545`, `"54545"`, `"host:54545"`, `"8080:54545/tcp"` → the container port.
fn port_number(value: &Value) -> Option<u16> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => {
            let last = s.rsplit(':').next()?;
            last.split('/').next()?.trim().parse().ok()
        }
        _ => None,
    }
}

/// A mount as `devcontainer.json` declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountSpec {
    /// `source=` (host path or volume name).
    pub source: String,
    /// `target=` (path in the container).
    pub(crate) target: String,
    /// `type=`.
    pub(crate) kind: MountType,
    /// Its index in `mounts`, for its place in the file.
    pub(crate) index: usize,
}

impl MountSpec {
    /// A Docker volume: its content lives in the engine, not on the host.
    pub(crate) fn is_volume(&self) -> bool {
        self.kind == MountType::Volume
    }

    /// True when the target is where the client keeps its state: a
    /// `.claude` directory, `.claude.json`, `.credentials.json`, or one of
    /// `config_dirs` (CLAUDE_CONFIG_DIR). A host `~/.claude` mounted
    /// elsewhere (`/home/node/.claude-host`, a seed to copy from) is not
    /// what the client reads.
    pub(crate) fn targets_claude_state(&self, config_dirs: &[String]) -> bool {
        let target = self.target.trim_end_matches('/');
        let name = target.rsplit('/').next().unwrap_or(target);
        [".claude", ".claude.json", ".credentials.json"].contains(&name)
            || config_dirs
                .iter()
                .any(|dir| dir.trim_end_matches('/') == target)
    }
}

/// A mount's `type=` in `devcontainer.json` (Docker's `--mount` types).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MountType {
    /// `bind`: a host path.
    Bind,
    /// `volume`: a named volume.
    Volume,
    /// `tmpfs`: memory.
    Tmpfs,
    /// Missing or anything else, as written.
    Other(String),
}

impl MountType {
    /// Reads a `type=` value.
    pub(crate) fn parse(text: &str) -> Self {
        match text.trim() {
            "bind" => MountType::Bind,
            "volume" => MountType::Volume,
            "tmpfs" => MountType::Tmpfs,
            other => MountType::Other(other.to_string()),
        }
    }

    /// The type as `devcontainer.json` spells it.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            MountType::Bind => "bind",
            MountType::Volume => "volume",
            MountType::Tmpfs => "tmpfs",
            MountType::Other(text) => text,
        }
    }
}

impl std::fmt::Display for MountType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `mounts` array, in string (`source=…,target=…`) or object form.
pub fn mounts(config: &Value) -> Vec<MountSpec> {
    let Some(items) = config.get("mounts").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| match item {
            Value::String(spec) => Some(parse_mount_string(spec, index)),
            Value::Object(o) => {
                let field = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                Some(MountSpec {
                    source: field("source"),
                    target: field("target"),
                    kind: MountType::parse(&field("type")),
                    index,
                })
            }
            _ => None,
        })
        .collect()
}

fn parse_mount_string(spec: &str, index: usize) -> MountSpec {
    let mut mount = MountSpec {
        source: String::new(),
        target: String::new(),
        kind: MountType::Other(String::new()),
        index,
    };
    for part in spec.split(',') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let value = value.to_string();
        match key.trim() {
            "source" | "src" => mount.source = value,
            "target" | "dst" | "destination" => mount.target = value,
            "type" => mount.kind = MountType::parse(&value),
            _ => {}
        }
    }
    mount
}

/// True when a mount source is the host user's `.claude` or `.claude.json`.
pub fn is_host_claude_source(source: &str) -> bool {
    let normalized = source.replace('\\', "/");
    let homes = [
        "${localEnv:HOME}",
        "${localEnv:USERPROFILE}",
        "~",
        "$HOME",
        "${HOME}",
    ];
    let is_home_rooted = homes.iter().any(|h| normalized.starts_with(h))
        || normalized.starts_with("/Users/")
        || normalized.starts_with("/home/");
    let names_claude = normalized.ends_with("/.claude")
        || normalized.ends_with("/.claude/")
        || normalized.ends_with("/.claude.json");
    is_home_rooted && names_claude
}

/// The values `runArgs` gives an option, in all four spellings: `-p X`,
/// `--publish X`, `-p=X`, `--publish=X`.
pub(crate) fn run_arg_values<'a>(config: &'a Value, short: &str, long: &str) -> Vec<&'a str> {
    let args: Vec<&str> = config
        .get("runArgs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let joined = |arg: &'a str| {
        [short, long]
            .into_iter()
            .find_map(|flag| arg.strip_prefix(flag)?.strip_prefix('='))
    };
    args.iter()
        .enumerate()
        .filter_map(|(i, arg)| {
            if *arg == short || *arg == long {
                args.get(i + 1).copied()
            } else {
                joined(arg)
            }
        })
        .collect()
}

/// Where `containerEnv` or `remoteEnv` sets `var`, with the raw value.
pub fn env_settings<'a>(config: &'a Value, var: &str) -> Vec<(&'static str, &'a str)> {
    ["containerEnv", "remoteEnv"]
        .into_iter()
        .filter_map(|block| {
            let value = config.get(block)?.get(var)?.as_str()?;
            Some((block, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_truncating_writes_only() {
        let f = ".claude.json";
        let write = |c: &str| truncating_write(c, f);
        let hooked = r#"echo '{"hasCompletedOnboarding": true}' > ~/.claude.json"#;
        assert_eq!(write(hooked).as_deref(), Some("> ~/.claude.json"));
        let plain = "echo x >/home/node/.claude.json && true";
        assert_eq!(write(plain).as_deref(), Some("> /home/node/.claude.json"));
        assert_eq!(
            write("echo x | tee ~/.claude.json").as_deref(),
            Some("tee ~/.claude.json")
        );
        let quoted = "echo x > \"$HOME/.claude.json\"";
        assert_eq!(write(quoted).as_deref(), Some("> $HOME/.claude.json"));
        assert_eq!(write("echo x >> ~/.claude.json"), None);
        assert_eq!(write("test -e ~/.claude.json || true"), None);
        assert_eq!(write("cat ~/.claude.json > /tmp/x"), None);
        assert_eq!(write("echo x > ~/.claude.json.bak"), None);
    }

    #[test]
    fn reads_every_hook_shape() {
        let config = json!({
            "postCreateCommand": "a",
            "postStartCommand": ["b", "c"],
            "postAttachCommand": {"one": "d", "two": ["e", "f"]},
            "initializeCommand": "host-only"
        });
        let commands: Vec<String> = lifecycle_commands(&config)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        assert_eq!(commands, ["a", "b c", "d", "e f"]);
    }

    #[test]
    fn reads_ports_from_every_setting() {
        let config = json!({
            "forwardPorts": [3838, "db:5432", 54545],
            "appPort": "8080:9000",
            "portsAttributes": {"54545": {"label": "Claude OAuth"}},
            "runArgs": ["-p", "127.0.0.1:1234:4321", "--publish=99"]
        });
        let ports: Vec<u16> = forwarded_ports(&config).iter().map(|p| p.port).collect();
        assert_eq!(ports, [3838, 5432, 54545, 9000, 4321, 99]);
        assert_eq!(
            forwarded_ports(&config)[2].label.as_deref(),
            Some("Claude OAuth")
        );
    }

    #[test]
    fn reads_mounts_in_both_forms() {
        let config = json!({"mounts": [
            "source=${localEnv:USERPROFILE}/.claude,target=/home/shiny/.claude,type=bind,consistency=cached",
            {"source": "claude-config", "target": "/home/node/.claude", "type": "volume"}
        ]});
        let m = mounts(&config);
        assert_eq!(m[0].target, "/home/shiny/.claude");
        assert!(is_host_claude_source(&m[0].source));
        assert!(!is_host_claude_source(&m[1].source));
        assert_eq!(m[1].index, 1);
        assert_eq!((&m[0].kind, m[1].is_volume()), (&MountType::Bind, true));
        assert_eq!(MountType::parse("npipe").to_string(), "npipe");
        assert!(is_host_claude_source("${localEnv:HOME}/.claude.json"));
    }
}
