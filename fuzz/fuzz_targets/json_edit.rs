//! The --fix editor: on any text it either refuses or changes only one key.
#![no_main]
use ccauth::fix::json_edit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(Some(edited)) = json_edit::set(text, "hasCompletedOnboarding", &serde_json_true()) {
        assert_eq!(json_edit::get(&edited, "hasCompletedOnboarding").ok().flatten(), Some(serde_json_true()));
        assert_eq!(json_edit::set(&edited, "hasCompletedOnboarding", &serde_json_true()).ok(), Some(None));
    }
});

fn serde_json_true() -> serde_json::Value {
    serde_json::Value::Bool(true)
}
