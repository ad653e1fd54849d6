//! devcontainer.json (JSONC) parsing and every reading of its content.
#![no_main]
use ccauth::devcontainer;
use ccauth::gather::workspace::{env_file_args, parse_jsonc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(config) = parse_jsonc(text) {
        let _ = devcontainer::lifecycle_commands(&config)
            .iter()
            .map(|(_, c)| devcontainer::truncating_write(c, ".claude.json"))
            .count();
        let _ = devcontainer::forwarded_ports(&config);
        let _ = devcontainer::mounts(&config).iter().map(|m| devcontainer::is_host_claude_source(&m.source)).count();
        let _ = devcontainer::env_settings(&config, "CLAUDE_CODE_OAUTH_TOKEN");
        let _ = env_file_args(&config);
    }
});
