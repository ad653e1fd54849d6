//! The callback URL check never panics, accepts only loopback http URLs with
//! a port, and never quotes the pasted text in a refusal.
#![no_main]
use ccauth::callback::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match validate(text) {
        Ok(url) => {
            assert!(url.port != 0);
            assert!(url.shown().starts_with("http://"));
            assert!(!url.code.is_empty() && !url.state.is_empty());
        }
        Err(refusal) => {
            // A code in the query is never echoed (hosts and schemes may be).
            let message = refusal.message();
            let code = text
                .split_once("?code=")
                .map(|(_, rest)| rest.split(['&', '#']).next().unwrap_or(""));
            if let Some(code) = code.filter(|c| c.len() >= 16 && c.bytes().all(|b| b.is_ascii_alphanumeric())) {
                assert!(!message.contains(code), "{message}");
            }
        }
    }
});
