//! The gitignore fallback: any rules, any path.
#![no_main]
use ccauth::gather::git::judge_with_root_rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &str)| {
    let (rules, path) = input;
    if !path.is_empty() && !path.starts_with('/') {
        let _ = judge_with_root_rules(rules, path);
    }
});
