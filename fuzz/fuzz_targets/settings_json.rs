//! Settings files: the env block and apiKeyHelper.
#![no_main]
use ccauth::gather::claude_state::parse_settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(settings) = parse_settings(bytes) {
        let _ = settings.env.get("ANTHROPIC_API_KEY");
        if let Some(helper) = settings.api_key_helper {
            let _ = ccauth::gather::helper::first_word(helper.expose());
        }
    }
});
