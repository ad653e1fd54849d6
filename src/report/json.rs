//! The JSON report: one document, the public contract for scripts and bug reports.

use super::Report;

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serializing plain data cannot fail; if it ever does, say so as JSON.
        serde_json::json!({"schema_version": super::SCHEMA_VERSION, "error": e.to_string()})
            .to_string()
    });
    text.push('\n');
    text
}
