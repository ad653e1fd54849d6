//! Compose files (YAML): the service's environment and env files.
#![no_main]
use ccauth::gather::compose::parse_service;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = parse_service(text, "app", std::path::Path::new("/workspace"));
});
