//! `.claude.json`: any bytes give keys or a parse error, and the fast path
//! (project entries reduced to their trust bit) agrees with the streaming
//! parse on every input.
#![no_main]
use ccauth::gather::claude_state::{parse_claude_json, stream_claude_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let read = parse_claude_json(std::io::Cursor::new(bytes));
    assert_eq!(read, stream_claude_json(bytes));
    if let Ok(config) = read {
        let _ = (config.onboarding_done(), config.primary_api_key(), config.api_key_responses());
        let _ = config.trust_accepted(std::path::Path::new("/workspaces/app"));
    }
});
