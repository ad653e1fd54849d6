//! Env files: credential assignments, masked.
#![no_main]
use ccauth::gather::workspace::parse_env_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for (name, value) in parse_env_file(text) {
        let secret = value.expose();
        let real = value.kind() != ccauth::secret::TokenKind::SandboxPlaceholder && secret.len() >= 20;
        assert!(!real || !format!("{value}{value:?}").contains(secret), "{name} leaked");
    }
});
