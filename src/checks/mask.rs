//! A finding through the masking rule: its cause, fix, problems, places and
//! evidence. The report masks every finding before it renders, and `why`
//! masks the findings it quotes; both come here, below either of them.

use super::Finding;
use crate::secret::Scrubber;
use std::path::PathBuf;

/// A finding's cause, fix and evidence through the masking rule.
pub(crate) fn mask_finding(finding: &mut Finding, scrubber: &Scrubber) {
    finding.cause = scrubber.scrub(&finding.cause);
    mask_option(&mut finding.fix, scrubber);
    for problem in &mut finding.problems {
        problem.cause = scrubber.scrub(&problem.cause);
        problem.fix = scrubber.scrub(&problem.fix);
        if let Some(repair) = &mut problem.repair {
            repair.summary = scrubber.scrub(&repair.summary);
        }
        for place in &mut problem.places {
            mask_path(&mut place.file, scrubber);
            mask_option(&mut place.key, scrubber);
        }
    }
    for value in finding.evidence.values_mut() {
        mask_value(value, scrubber);
    }
}

/// A path is masked only when it quotes a secret: paths are not text the
/// scrubber should reshape otherwise.
fn mask_path(path: &mut PathBuf, scrubber: &Scrubber) {
    let shown = path.to_string_lossy();
    let masked = scrubber.scrub(&shown);
    if masked != shown {
        *path = PathBuf::from(masked);
    }
}

/// An optional text through the masking rule.
pub(crate) fn mask_option(text: &mut Option<String>, scrubber: &Scrubber) {
    if let Some(text) = text {
        *text = scrubber.scrub(text);
    }
}

/// Every string in a JSON value through the masking rule.
fn mask_value(value: &mut serde_json::Value, scrubber: &Scrubber) {
    match value {
        serde_json::Value::String(s) => *s = scrubber.scrub(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mask_value(v, scrubber)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| mask_value(v, scrubber)),
        _ => {}
    }
}
