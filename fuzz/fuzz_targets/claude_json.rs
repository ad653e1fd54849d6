//! `.claude.json` streaming: any bytes give keys or a parse error.
#![no_main]
use ccauth::gather::claude_state::parse_claude_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(config) = parse_claude_json(bytes) {
        let _ = (config.onboarding_done(), config.primary_api_key(), config.api_key_responses());
        let _ = config.trusts(std::path::Path::new("/workspaces/app"));
    }
});
