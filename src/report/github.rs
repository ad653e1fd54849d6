//! GitHub Actions workflow commands: one `::error` or `::warning` per finding,
//! titled with the check id, escaped exactly as the runner requires.

use super::{Report, escape};
use crate::checks::Status;
use crate::escape::escape_data;

/// One annotation per failing or warning check.
pub fn render(report: &Report) -> String {
    report
        .checks
        .iter()
        .filter_map(|result| {
            let command = match result.finding.status {
                Status::Fail => "error",
                Status::Warn => "warning",
                Status::Pass | Status::Skip => return None,
            };
            let mut message = result.finding.cause.clone();
            if let Some(fix) = &result.finding.fix {
                message.push_str("\nFix: ");
                message.push_str(fix);
            }
            message.push_str(&format!("\nMore: ccauth explain {}", result.id));
            let title = format!("ccauth {}: {}", result.id, result.title);
            Some(format!(
                "::{command} title={}::{}\n",
                escape_property(&escape::line(&title)),
                escape_data(&escape::text(&message))
            ))
        })
        .collect()
}

/// Escapes a property value: the message escapes plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a: b, c%"), "a%3A b%2C c%25");
    }
}
