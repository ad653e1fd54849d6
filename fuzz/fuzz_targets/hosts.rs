//! /etc/hosts reading.
#![no_main]
use ccauth::checks::localhost_resolution::first_localhost;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = first_localhost(text);
});
