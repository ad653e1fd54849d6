//! Env files: credential assignments, masked.
#![no_main]
use ccauth::gather::workspace::parse_env_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for (name, value) in parse_env_file(text) {
        let secret = value.expose();
        // Key material: enough letters and digits that seeing it would be a
        // leak (a value made of the mask's own characters proves nothing).
        let material = secret.chars().filter(char::is_ascii_alphanumeric).count() >= 12;
        let real = value.kind() != ccauth::secret::TokenKind::SandboxPlaceholder && material;
        // Each rendering on its own: joined, `********_API` + `Secret(…)`
        // spells a value like `APISecret(********_API` that neither shows.
        for shown in [value.to_string(), format!("{value:?}")] {
            assert!(!real || !shown.contains(secret), "{name} leaked");
        }
    }
});
