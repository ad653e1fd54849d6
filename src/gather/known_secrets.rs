//! The values of every secret this run has read, for the masking rule.
//!
//! Shapes alone cannot recognise a gateway token or a password without a
//! prefix; the exact values can. [`Context::scrubber`] collects them from the
//! snapshot: credential and secret-named variables of the process and of
//! every settings `env` block, `apiKeyHelper` assignments, `.credentials.json`
//! tokens, `primaryApiKey` and the remembered key suffixes, env-file
//! credentials, devcontainer `containerEnv`/`remoteEnv`/`runArgs` values
//! and lifecycle commands' assignments, credentials where the client never
//! looks (`super::stray`),
//! compose `environment` values, `${localEnv:NAME:default}` defaults of
//! secret names, and the password of every URL among them.

use super::Context;
use super::claude_state::{ClaudeJson, Loaded};
use crate::secret::{Scrubber, is_secret_name};
use serde_json::Value;

impl Context {
    /// The masking rule for this snapshot: every output of a command that
    /// read it passes through this, last, before its bytes leave.
    pub fn scrubber(&self) -> Scrubber {
        Scrubber::with_values(self.known_secret_values())
    }

    /// Every secret value in the snapshot, unfiltered (the scrubber drops
    /// what is too short or is no secret).
    pub(crate) fn known_secret_values(&self) -> Vec<String> {
        known_secret_values(self)
    }
}

fn known_secret_values(ctx: &Context) -> Vec<String> {
    let mut found = Vec::new();
    let envs = std::iter::once(&ctx.env).chain(
        ctx.settings
            .iter()
            .filter_map(|l| l.file.ok().map(|s| &s.env)),
    );
    for env in envs {
        for (name, value) in env.iter() {
            variable(name, value, &mut found);
        }
    }
    for settings in ctx.settings.iter().filter_map(|l| l.file.ok()) {
        if let Some(helper) = &settings.api_key_helper {
            command_words(helper.expose(), &mut found);
        }
    }
    if let Some(login) = ctx.credentials.as_ref().and_then(Loaded::ok) {
        found.extend(
            [&login.access_token, &login.refresh_token]
                .into_iter()
                .flatten()
                .map(|s| s.expose().to_string()),
        );
    }
    for config in [&ctx.claude_json, &ctx.legacy_config].into_iter().flatten() {
        if let Some(config) = config.ok() {
            config_values(config, &mut found);
        }
    }
    for file in &ctx.workspace.env_files {
        found.extend(file.credentials.iter().map(|(_, v)| v.expose().to_string()));
    }
    for (_, config) in ctx.workspace.parsed_devcontainers() {
        devcontainer_values(config, &mut found);
        for (_, command) in crate::devcontainer::lifecycle_commands(config) {
            command_words(&command, &mut found);
        }
    }
    found.extend(
        ctx.stray_credentials
            .iter()
            .map(|c| c.value.expose().to_string()),
    );
    for service in ctx.workspace.compose.iter().filter_map(Loaded::ok) {
        for (name, value) in &service.environment {
            if let Some(value) = value {
                variable(name, value, &mut found);
            }
        }
    }
    found
}

/// A variable's value when its name is secret, and any URL password or
/// `${localEnv:…}` default in it.
fn variable(name: &str, value: &str, found: &mut Vec<String>) {
    if is_secret_name(name) {
        found.push(value.to_string());
    }
    for word in value.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
        if let Some(password) = url_password(word) {
            found.push(password.to_string());
        }
    }
    local_env_defaults(value, found);
}

/// `${localEnv:NAME:default}` (and `containerEnv`, `env`): the default of a
/// secret-named variable is a secret written into the file.
fn local_env_defaults(value: &str, found: &mut Vec<String>) {
    let mut rest = value;
    while let Some(at) = rest.find("${") {
        let inner = &rest[at + 2..];
        let Some(end) = inner.find('}') else { break };
        let mut parts = inner[..end].splitn(3, ':');
        if let (Some(_), Some(name), Some(default)) = (parts.next(), parts.next(), parts.next())
            && is_secret_name(name)
        {
            found.push(default.to_string());
        }
        rest = &inner[end + 1..];
    }
}

/// The password of `scheme://user:password@host…`.
fn url_password(word: &str) -> Option<&str> {
    let after_scheme = &word[word.find("://")? + 3..];
    let userinfo = &after_scheme[..after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len())];
    let userinfo = &userinfo[..userinfo.rfind('@')?];
    userinfo.split_once(':').map(|(_, password)| password)
}

/// The values a shell command assigns (`VAULT_TOKEN=s.… /usr/bin/get-key`),
/// and any URL password in it.
fn command_words(command: &str, found: &mut Vec<String>) {
    for word in command.split_whitespace() {
        let word = word.trim_matches(|c| c == '"' || c == '\'');
        match word.split_once('=') {
            Some((name, value)) => {
                variable(name, value.trim_matches(|c| c == '"' || c == '\''), found);
            }
            None => variable("", word, found),
        }
    }
}

/// `primaryApiKey` and the last 20 characters of every remembered key.
fn config_values(config: &ClaudeJson, found: &mut Vec<String>) {
    if let Some(key) = config.primary_api_key() {
        found.push(key.expose().to_string());
    }
    let (approved, rejected) = config.api_key_responses();
    found.extend(approved.into_iter().chain(rejected));
}

/// `containerEnv` and `remoteEnv` values, and `-e NAME=value` in `runArgs`.
fn devcontainer_values(config: &Value, found: &mut Vec<String>) {
    for block in ["containerEnv", "remoteEnv"] {
        let Some(vars) = config.get(block).and_then(Value::as_object) else {
            continue;
        };
        for (name, value) in vars {
            if let Some(value) = value.as_str() {
                variable(name, value, found);
            }
        }
    }
    for assignment in crate::devcontainer::run_arg_values(config, "-e", "--env") {
        if let Some((name, value)) = assignment.split_once('=') {
            variable(name, value, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_defaults_and_assignments_are_collected() {
        let mut found = Vec::new();
        variable("HTTPS_PROXY", "http://me:pr0xyPass@proxy:3128", &mut found);
        variable("X", "${localEnv:API_TOKEN:defaultTok3n}", &mut found);
        variable("TERM", "${localEnv:TERM:xterm}", &mut found);
        command_words("VAULT_TOKEN=s.vaultvalue /usr/bin/get-key --x", &mut found);
        assert_eq!(found, ["pr0xyPass", "defaultTok3n", "s.vaultvalue"]);
    }
}
