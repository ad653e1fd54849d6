//! The known messages, ready to be matched: every check's symptoms (the
//! messages its doc quotes under "What you see"), normalized once, and one
//! multi-pattern prefilter over a distinctive word of each, so a long log is
//! scanned once and only its few candidate lines are compared word by word.

use crate::checks::{CHECKS, Check};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// A symptom must share at least this many characters with the text.
const MIN_MATCHED_CHARS: usize = 12;
/// And at least this share of its own text.
const MIN_SHARE: f64 = 0.6;
/// A known message is offered as "closest" only when a line holds at least
/// this share of its words…
pub(crate) const CLOSEST_MIN_SHARE: f64 = 0.5;
/// …and at least this many of them.
const CLOSEST_MIN_WORDS: usize = 2;

/// One known message of one check.
pub(crate) struct Symptom {
    /// Index of its check in [`CHECKS`].
    pub(crate) check: usize,
    /// The message as the doc quotes it.
    pub(crate) text: String,
    /// Its normalized pieces between `…`, each padded with spaces so that
    /// `contains` finds whole words only.
    fragments: Vec<String>,
    /// The characters of all fragments (without padding).
    total: usize,
    /// Its words that carry meaning (no placeholders, three letters or more).
    words: Vec<String>,
    /// What a client message says before its first `·`, normalized, when
    /// that is long enough to tell: a line holding only it (`Not logged in`,
    /// the status bar cut short) is that message.
    head: Option<String>,
}

/// How well one symptom matched one window of text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Score {
    /// The share of the symptom's text found, 0 to 1.
    pub(crate) share: f64,
    /// The characters found.
    pub(crate) chars: usize,
}

impl Score {
    /// Orders scores: more of the symptom first, then more characters.
    pub(crate) fn better_than(self, other: Score) -> bool {
        (self.share, self.chars) > (other.share, other.chars)
    }
}

/// Every symptom, plus the prefilter over their distinctive words.
pub(crate) struct Catalogue {
    pub(crate) symptoms: Vec<Symptom>,
    /// Finds the distinctive words, ASCII case ignored.
    prefilter: AhoCorasick,
    /// For each prefilter pattern, the symptoms it stands for.
    pattern_symptoms: Vec<Vec<usize>>,
    /// The longest pattern, in bytes: how far a word may reach across a wrap.
    pub(crate) longest_pattern: usize,
}

impl Catalogue {
    /// Builds the catalogue from the registry's docs.
    pub(crate) fn new() -> Self {
        let symptoms: Vec<Symptom> = CHECKS
            .iter()
            .enumerate()
            .flat_map(|(check, c)| {
                symptoms(*c)
                    .into_iter()
                    .map(move |text| Symptom::new(check, text))
            })
            .collect();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_symptoms: Vec<Vec<usize>> = Vec::new();
        for (index, symptom) in symptoms.iter().enumerate() {
            for literal in symptom.literals() {
                match patterns.iter().position(|p| *p == literal) {
                    Some(at) => pattern_symptoms[at].push(index),
                    None => {
                        patterns.push(literal);
                        pattern_symptoms.push(vec![index]);
                    }
                }
            }
        }
        // A DFA: the fastest scan, and small for a few dozen short words.
        let prefilter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("a few dozen short literal patterns always build");
        let longest_pattern = patterns.iter().map(String::len).max().unwrap_or(0);
        Catalogue {
            symptoms,
            prefilter,
            pattern_symptoms,
            longest_pattern,
        }
    }

    /// True when the bytes hold a distinctive word of some symptom: the only
    /// lines worth normalizing.
    pub(crate) fn is_candidate(&self, bytes: &[u8]) -> bool {
        self.prefilter.is_match(bytes)
    }

    /// Where distinctive words start in a piece of the stream, in order (one
    /// scan for many lines; a word never spans a newline).
    pub(crate) fn hits(&self, bytes: &[u8], into: &mut Vec<usize>) {
        into.clear();
        into.extend(self.prefilter.find_iter(bytes).map(|m| m.start()));
    }

    /// Where the first distinctive word starts, for showing a long line
    /// around it.
    pub(crate) fn first_hit(&self, text: &str) -> Option<usize> {
        self.prefilter.find(text).map(|m| m.start())
    }

    /// The symptoms whose distinctive words occur in the bytes, in order.
    pub(crate) fn candidates(&self, bytes: &[u8]) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .prefilter
            .find_overlapping_iter(bytes)
            .flat_map(|m| {
                self.pattern_symptoms[m.pattern().as_usize()]
                    .iter()
                    .copied()
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// For each check, its best-matching symptom among the candidates, in
    /// the normalized text: `(check, symptom, score)`.
    pub(crate) fn best_per_check(
        &self,
        normalized: &str,
        candidates: &[usize],
    ) -> Vec<(usize, usize, Score)> {
        let padded = format!(" {normalized} ");
        let mut best: Vec<(usize, usize, Score)> = Vec::new();
        for &index in candidates {
            let symptom = &self.symptoms[index];
            let Some(score) = symptom.score(&padded) else {
                continue;
            };
            match best.iter_mut().find(|(check, ..)| *check == symptom.check) {
                Some(entry) if score.better_than(entry.2) => *entry = (symptom.check, index, score),
                Some(_) => {}
                None => best.push((symptom.check, index, score)),
            }
        }
        best
    }

    /// How close the normalized text comes to one symptom that did not match:
    /// the share of its meaningful words present, when enough are.
    pub(crate) fn similarity(&self, normalized: &str, symptom: usize) -> Option<f64> {
        let words = &self.symptoms[symptom].words;
        let present: Vec<&str> = normalized.split(' ').collect();
        let shared = words
            .iter()
            .filter(|w| present.contains(&w.as_str()))
            .count();
        let share = shared as f64 / words.len().max(1) as f64;
        (shared >= CLOSEST_MIN_WORDS && share >= CLOSEST_MIN_SHARE).then_some(share)
    }
}

impl Symptom {
    fn new(check: usize, text: String) -> Self {
        let pieces: Vec<String> = text
            .split('…')
            .map(normalize)
            .filter(|f| f.split(' ').any(|w| !w.is_empty() && !is_placeholder(w)))
            .collect();
        let total = pieces.iter().map(String::len).sum();
        let mut words: Vec<String> = Vec::new();
        for word in pieces.iter().flat_map(|f| f.split(' ')) {
            if word.len() >= 3 && !is_placeholder(word) && !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
        let head = text
            .split_once('·')
            .map(|(head, _)| normalize(head))
            .filter(|h| h.len() >= MIN_MATCHED_CHARS);
        Symptom {
            check,
            text,
            fragments: pieces.iter().map(|f| format!(" {f} ")).collect(),
            total,
            words,
            head,
        }
    }

    /// One distinctive word (the longest) per fragment that a match needs: a
    /// window matches only when it holds whole fragments worth [`MIN_SHARE`]
    /// of the symptom, so the smallest fragments, together worth less, can
    /// be left out, and any match holds one of the words kept.
    fn literals(&self) -> Vec<String> {
        let mut by_size: Vec<&String> = self.fragments.iter().collect();
        by_size.sort_by_key(|f| f.len());
        let mut left_out = 0;
        let needed = by_size
            .into_iter()
            .skip_while(|f| {
                left_out += f.len() - 2;
                (left_out as f64) < MIN_SHARE * self.total as f64 || left_out < MIN_MATCHED_CHARS
            })
            .collect::<Vec<_>>();
        let longest_word = |f: &str| {
            f.split(' ')
                .filter(|w| !w.is_empty() && !is_placeholder(w))
                .max_by_key(|w| w.len())
                .map(str::to_string)
        };
        let mut literals: Vec<String> =
            needed.into_iter().filter_map(|f| longest_word(f)).collect();
        literals.extend(self.head.as_deref().and_then(longest_word));
        literals
    }

    /// How much of the symptom occurs in the padded normalized text; a text
    /// that is only the symptom's head scores what the head is worth.
    fn score(&self, padded: &str) -> Option<Score> {
        if let Some(head) = self.head.as_deref().filter(|h| padded.trim() == *h) {
            return Some(Score {
                share: (head.len() as f64 / self.total.max(1) as f64 * 100.0).round() / 100.0,
                chars: head.len(),
            });
        }
        let chars: usize = self
            .fragments
            .iter()
            .filter(|f| padded.contains(f.as_str()))
            .map(|f| f.len() - 2)
            .sum();
        let share = chars as f64 / self.total.max(1) as f64;
        (chars >= MIN_MATCHED_CHARS && share >= MIN_SHARE).then_some(Score {
            share: (share * 100.0).round() / 100.0,
            chars,
        })
    }
}

fn is_placeholder(word: &str) -> bool {
    word.starts_with('<')
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

/// Words the client leaves out of its shorter forms: the status bar says
/// `Not logged in · run /login` where the error says `Not logged in · Please
/// run /login` (2.1.332), so neither side keeps them.
const FILLER_WORDS: &[&str] = &["please"];

/// Lower case, punctuation, separators and [`FILLER_WORDS`] dropped, tokens,
/// paths and numbers replaced by placeholders, whitespace collapsed.
pub(crate) fn normalize(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !(c.is_alphanumeric() || "/~._-".contains(c)));
        if FILLER_WORDS.iter().any(|f| word.eq_ignore_ascii_case(f)) {
            continue;
        }
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
            "not logged in run <path>"
        );
        assert_eq!(
            normalize("Not logged in · run /login"),
            normalize("Not logged in · Please run /login"),
            "the status bar's shorter form"
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
        let symptom = Symptom::new(0, "EACCES: permission denied, open '…/.claude.json'".into());
        let text =
            normalize("Error: EACCES: permission denied, open '/home/node/.claude.json' at x");
        assert!(symptom.score(&format!(" {text} ")).is_some());
        let other = Symptom::new(0, "Invalid API key · Please run /login".into());
        assert!(other.score(" something else entirely ").is_none());
        assert!(other.score(" error invalid api key ").is_none());
        assert!(other.score(" invalid api key ").is_some(), "the head alone");
    }

    #[test]
    fn every_symptom_has_a_distinctive_word_for_the_prefilter() {
        let catalogue = Catalogue::new();
        for symptom in catalogue
            .symptoms
            .iter()
            .filter(|s| s.total >= MIN_MATCHED_CHARS)
        {
            assert!(!symptom.literals().is_empty(), "{}", symptom.text);
            assert!(
                catalogue.is_candidate(symptom.text.to_uppercase().as_bytes()),
                "{}",
                symptom.text
            );
        }
    }
}
