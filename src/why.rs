//! `ccauth why "<the message you see>"`: from a symptom to the causes that
//! hold here.
//!
//! Every check's symptoms are the messages quoted under "What you see" in its
//! own `checks/<id>.md`, which is embedded next to the check: one list, no
//! copy. A pasted message (or a whole log) is matched against them after both
//! are normalized: case, punctuation and the `·` separator are ignored, and
//! tokens, paths, ports and numbers match whatever they are. The matching
//! checks are then run on this environment, and the causes that hold come
//! first.

use crate::checks::{CHECKS, Check, CheckResult, Finding, Selection, Status};
use crate::gather::Context;
use serde::Serialize;

/// A symptom must share at least this many characters with the text.
const MIN_MATCHED_CHARS: usize = 12;
/// And at least this share of its own text.
const MIN_SHARE: f64 = 0.6;
/// How many near misses to suggest when nothing matches.
const CLOSEST: usize = 3;

/// The answer to one `why`.
#[derive(Clone, Debug, Serialize)]
pub struct WhyReport {
    /// The JSON contract's version.
    pub schema_version: u32,
    /// The text asked about (secrets masked, cut to a sensible length).
    pub input: String,
    /// Checks whose symptoms match, the ones that hold here first.
    pub matches: Vec<WhyMatch>,
    /// With no match: the known messages closest to the text.
    pub closest: Vec<String>,
    /// Matching checks that only `--online` can decide.
    pub needs_online: bool,
}

/// One check whose symptoms match the text.
#[derive(Clone, Debug, Serialize)]
pub struct WhyMatch {
    /// The check's id.
    pub id: &'static str,
    /// The check's title.
    pub title: &'static str,
    /// The symptom that matched best.
    pub symptom: String,
    /// How much of that symptom was found, 0 to 1.
    pub score: f64,
    /// The cause holds in this environment (the check warns or fails).
    pub holds: bool,
    /// The check's finding here.
    #[serde(flatten)]
    pub finding: Finding,
}

/// The messages a check's doc lists under "What you see": every `code` or
/// "quoted" span of a bullet that reads like a message, not a command.
pub fn symptoms(check: &dyn Check) -> Vec<String> {
    let doc = check.doc();
    let Some(start) = doc.find("## What you see") else {
        return Vec::new();
    };
    let section = &doc[start + "## What you see".len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut found = Vec::new();
    for bullet in section.lines().filter(|l| l.starts_with("- ")) {
        for quote in ['`', '"'] {
            let mut parts = bullet.split(quote).skip(1).step_by(2);
            for span in parts.by_ref() {
                if reads_like_a_message(span) && !found.iter().any(|f: &String| f == span) {
                    found.push(span.to_string());
                }
            }
        }
    }
    found
}

fn reads_like_a_message(span: &str) -> bool {
    let words = span.split_whitespace().count();
    let command = ["claude ", "devcontainer ", "/status", "netstat"]
        .iter()
        .any(|c| span.starts_with(c));
    let code = span.len() >= 10 && span.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    !command && (words >= 3 || code)
}

/// Answers one question on one environment.
pub fn diagnose(ctx: &Context, text: &str) -> WhyReport {
    let input = normalize(text);
    let mut scored: Vec<(&'static dyn Check, String, f64, usize)> = CHECKS
        .iter()
        .filter_map(|check| {
            let best = symptoms(*check)
                .into_iter()
                .filter_map(|s| score(&input, &s).map(|(share, chars)| (s, share, chars)))
                .max_by(|a, b| {
                    (a.1, a.2)
                        .partial_cmp(&(b.1, b.2))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })?;
            Some((*check, best.0, best.1, best.2))
        })
        .collect();
    let selection = Selection {
        only: scored.iter().map(|(c, ..)| c.id().to_string()).collect(),
        skip: Vec::new(),
    };
    let results: Vec<CheckResult> = if scored.is_empty() {
        Vec::new()
    } else {
        crate::checks::run_all(ctx, &selection)
    };
    let scrubber = ctx.scrubber();
    let finding_of = |id: &str| {
        results.iter().find(|r| r.id == id).map(|r| {
            let mut finding = r.finding.clone();
            crate::report::mask_finding(&mut finding, &scrubber);
            finding
        })
    };
    scored.sort_by_key(|(check, ..)| CHECKS.iter().position(|c| c.id() == check.id()));
    let mut matches: Vec<WhyMatch> = scored
        .into_iter()
        .filter_map(|(check, symptom, share, _)| {
            let finding = finding_of(check.id())?;
            let holds = matches!(finding.status, Status::Fail | Status::Warn);
            Some(WhyMatch {
                id: check.id(),
                title: check.title(),
                symptom,
                score: (share * 100.0).round() / 100.0,
                holds,
                finding,
            })
        })
        .collect();
    // Causes that hold first (failures before warnings), then the best matches.
    matches.sort_by(|a, b| {
        let rank = |m: &WhyMatch| (m.holds, m.finding.status == Status::Fail);
        rank(b).cmp(&rank(a)).then(
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal),
        )
    });
    let needs_online = matches.iter().any(|m| {
        matches!(m.id, "network-reachability" | "token-accepted")
            && m.finding.status == Status::Skip
    });
    let closest = if matches.is_empty() {
        closest(&input)
    } else {
        Vec::new()
    };
    // Masked whole before it is cut, so no secret is cut in half and missed.
    let shown: String = scrubber.scrub(text).chars().take(500).collect();
    WhyReport {
        schema_version: 1,
        input: shown.trim().to_string(),
        matches,
        closest,
        needs_online,
    }
}

/// How much of a symptom occurs in the normalized text: (share, characters).
fn score(input: &str, symptom: &str) -> Option<(f64, usize)> {
    let fragments: Vec<String> = symptom
        .split('…')
        .map(normalize)
        .filter(|f| f.split(' ').filter(|w| !w.starts_with('<')).count() >= 1)
        .collect();
    let total: usize = fragments.iter().map(String::len).sum();
    let padded = format!(" {input} ");
    let found: usize = fragments
        .iter()
        .filter(|f| padded.contains(&format!(" {f} ")))
        .map(String::len)
        .sum();
    let share = found as f64 / total.max(1) as f64;
    (found >= MIN_MATCHED_CHARS && share >= MIN_SHARE).then_some((share, found))
}

/// The known messages sharing the most words with the text.
fn closest(input: &str) -> Vec<String> {
    let words: Vec<&str> = input.split(' ').filter(|w| w.len() > 2).collect();
    let mut ranked: Vec<(usize, String)> = CHECKS
        .iter()
        .flat_map(|c| symptoms(*c))
        .map(|s| {
            let norm = normalize(&s);
            let shared = norm
                .split(' ')
                .filter(|w| w.len() > 2 && words.contains(w))
                .count();
            (shared, s)
        })
        .filter(|(shared, _)| *shared > 0)
        .collect();
    ranked.sort_by_key(|(shared, _)| std::cmp::Reverse(*shared));
    ranked.dedup_by(|a, b| a.1 == b.1);
    ranked.into_iter().take(CLOSEST).map(|(_, s)| s).collect()
}

/// Lower case, punctuation and separators dropped, tokens, paths and numbers
/// replaced by placeholders, whitespace collapsed.
pub fn normalize(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !(c.is_alphanumeric() || "/~._-".contains(c)));
        if word.contains("sk-ant-") {
            out.push("<token>".into());
        } else if word.starts_with('/')
            || word.starts_with("~/")
            || word.contains("://")
            || word.contains("/.")
        {
            out.push("<path>".into());
        } else {
            for piece in word
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| !p.is_empty())
            {
                if piece.bytes().all(|b| b.is_ascii_digit()) {
                    out.push("<n>".into());
                } else {
                    out.push(piece.to_lowercase());
                }
            }
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_ignores_what_varies() {
        assert_eq!(
            normalize("Not logged in · Please run /login"),
            "not logged in please run <path>"
        );
        assert_eq!(
            normalize("EACCES: permission denied, open '/home/x/.claude.json'"),
            "eacces permission denied open <path>"
        );
        assert_eq!(
            normalize("API Error: 401 sk-ant-oat01-abc"),
            "api error <n> <token>"
        );
        assert_eq!(
            normalize("http://localhost:40123/callback refused"),
            "<path> refused"
        );
    }

    #[test]
    fn symptoms_come_from_the_docs() {
        let missing = crate::checks::find("credential-missing").unwrap();
        let found = symptoms(missing);
        assert!(
            found.contains(&"Not logged in · Please run /login".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"Select login method".to_string()),
            "{found:?}"
        );
        assert!(!found.iter().any(|s| s.starts_with("claude ")), "{found:?}");
    }

    #[test]
    fn fragments_around_an_ellipsis_match_any_path() {
        let text =
            normalize("Error: EACCES: permission denied, open '/home/node/.claude.json' at x");
        assert!(score(&text, "EACCES: permission denied, open '…/.claude.json'").is_some());
        assert!(
            score(
                &normalize("something else entirely"),
                "Invalid API key · Please run /login"
            )
            .is_none()
        );
    }
}
