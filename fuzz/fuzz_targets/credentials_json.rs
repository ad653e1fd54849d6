//! `.credentials.json` parsing.
#![no_main]
use ccauth::gather::claude_state::parse_credentials;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(login) = parse_credentials(bytes) {
        let _ = login.is_usable();
        let _ = ccauth::auth::stored_login_problem(&login);
    }
});
