//! One pass over a log of any size, in bounded memory.
//!
//! The input is read in fixed-size pieces and cut into lines; a line longer
//! than [`LINE_CAP`] keeps its first and last halves (and is counted). Each
//! line goes through the catalogue's prefilter, and only the lines holding a
//! distinctive word are decoded (lossily: a bad byte becomes `�`), stripped of
//! terminal colours, normalized and compared. Every line is also joined with
//! the next, with and without a space, so a message that a terminal or a CI
//! viewer wrapped still matches. What is kept per cause is bounded: counts,
//! first and last line, and the latest few lines, masked.

use super::catalogue::{Catalogue, Score, normalize};
use serde::Serialize;
use std::collections::VecDeque;
use std::io::Read;

/// Standard input is read in pieces of this size.
const READ_CHUNK: usize = 64 * 1024;
/// A line longer than this is matched on its first and last halves.
pub(crate) const LINE_CAP: usize = 64 * 1024;
/// How many of its latest matched lines each cause keeps.
const KEPT_LINES: usize = 3;
/// A matched line is shown cut to about this many bytes around the match.
const SHOWN_BYTES: usize = 240;

/// One line where a cause's message was seen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeenLine {
    /// Its number, from 1.
    pub line: u64,
    /// The message continues on the next line (a wrapped line).
    pub wrapped: bool,
    /// The line, secrets masked, colours and control characters removed,
    /// cut around the match when long.
    pub(crate) text: String,
}

/// Everything seen of one check's messages.
#[derive(Clone, Debug)]
pub(crate) struct Sightings {
    /// The lines (or wrapped pairs) that showed one of its messages.
    pub(crate) count: u64,
    pub(crate) first_line: u64,
    pub(crate) last_line: u64,
    /// The sum of those lines' numbers, for the ranking weight.
    line_sum: f64,
    /// The best-matching symptom (index in the catalogue) and its score.
    pub(crate) symptom: usize,
    pub(crate) score: Score,
    /// The latest lines, oldest first.
    pub(crate) recent: VecDeque<SeenLine>,
}

impl Sightings {
    /// The ranking weight: each sighting adds its position in the log (the
    /// last line counts 1, the middle one ½), so a message seen later, and
    /// more often, weighs more.
    pub(crate) fn weight(&self, lines: u64) -> f64 {
        let weight = self.line_sum / lines.max(1) as f64;
        (weight * 1000.0).round() / 1000.0
    }
}

/// The result of one pass.
pub(crate) struct Scan {
    /// Lines read (a last line without a newline counts).
    pub(crate) lines: u64,
    /// Bytes read.
    pub(crate) bytes: u64,
    /// Lines longer than [`LINE_CAP`], matched on their two ends.
    pub(crate) long_lines: u64,
    /// Some line holds more than blanks.
    pub(crate) has_text: bool,
    /// Per check (index in `CHECKS`), what was seen of it.
    pub(crate) sightings: Vec<Option<Sightings>>,
    /// Per symptom, the best similarity of a line that matched nothing.
    pub(crate) near_misses: Vec<Option<f64>>,
}

/// The line being assembled: whole up to [`LINE_CAP`], then its head and a
/// rolling tail.
#[derive(Default)]
struct LineBuffer {
    head: Vec<u8>,
    tail: Vec<u8>,
    long: bool,
}

impl LineBuffer {
    fn push(&mut self, bytes: &[u8]) {
        const HALF: usize = LINE_CAP / 2;
        if !self.long && self.head.len() + bytes.len() <= LINE_CAP {
            self.head.extend_from_slice(bytes);
            return;
        }
        if !self.long {
            self.long = true;
            self.tail
                .extend_from_slice(&self.head[HALF.min(self.head.len())..]);
            self.head.truncate(HALF);
        }
        self.tail.extend_from_slice(bytes);
        if self.tail.len() > 2 * HALF {
            self.tail.drain(..self.tail.len() - HALF);
        }
    }

    /// The line as matched: a long line's head and tail, on two "lines" of
    /// one window.
    fn take(&mut self, out: &mut Vec<u8>) -> bool {
        out.clear();
        out.extend_from_slice(&self.head);
        let long = self.long;
        if long {
            out.push(b'\n');
            out.extend_from_slice(&self.tail);
        }
        if out.last() == Some(&b'\r') {
            out.pop();
        }
        self.head.clear();
        self.tail.clear();
        self.long = false;
        long
    }
}

/// The previous line, kept for the join with the next one.
#[derive(Default)]
struct Previous {
    text: Vec<u8>,
    candidate: bool,
    /// The checks it matched alone (a join adds only new ones).
    matched: Vec<usize>,
}

/// The streaming matcher.
pub(crate) struct Scanner<'c> {
    catalogue: &'c Catalogue,
    pending: LineBuffer,
    current: Vec<u8>,
    previous: Previous,
    /// Reused buffers: prefilter hits of one piece, the seam of a wrap.
    hits: Vec<usize>,
    seam: Vec<u8>,
    scan: Scan,
}

impl<'c> Scanner<'c> {
    pub(crate) fn new(catalogue: &'c Catalogue) -> Self {
        Scanner {
            catalogue,
            pending: LineBuffer::default(),
            current: Vec::new(),
            previous: Previous::default(),
            hits: Vec::new(),
            seam: Vec::new(),
            scan: Scan {
                lines: 0,
                bytes: 0,
                long_lines: 0,
                has_text: false,
                sightings: vec![None; crate::checks::CHECKS.len()],
                near_misses: vec![None; catalogue.symptoms.len()],
            },
        }
    }

    /// Reads the whole stream; a read error ends it like an end of file
    /// (what was read is still matched).
    pub(crate) fn read_all(mut self, mut input: impl Read) -> Scan {
        let mut chunk = vec![0u8; READ_CHUNK];
        loop {
            match input.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => self.feed(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        self.finish()
    }

    /// Takes the next bytes of the stream. The prefilter scans the whole
    /// piece once; each line then only asks whether a hit falls inside it.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        self.scan.bytes += bytes.len() as u64;
        let mut hits = std::mem::take(&mut self.hits);
        self.catalogue.hits(bytes, &mut hits);
        let mut next_hit = 0;
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            while next_hit < hits.len() && hits[next_hit] < start {
                next_hit += 1;
            }
            let hit = next_hit < hits.len() && hits[next_hit] < end;
            let line = &bytes[start..end];
            if self.pending.head.is_empty() && !self.pending.long {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                self.line(line, false, hit);
            } else {
                self.pending.push(line);
                let mut assembled = std::mem::take(&mut self.current);
                let long = self.pending.take(&mut assembled);
                let hit = self.catalogue.is_candidate(&assembled);
                self.line(&assembled, long, hit);
                self.current = assembled;
            }
            start = end + 1;
        }
        if start < bytes.len() {
            self.pending.push(&bytes[start..]);
        }
        self.hits = hits;
    }

    /// Ends the stream: a last line without a newline still counts.
    pub(crate) fn finish(mut self) -> Scan {
        if !self.pending.head.is_empty() || self.pending.long {
            let mut assembled = std::mem::take(&mut self.current);
            let long = self.pending.take(&mut assembled);
            let hit = self.catalogue.is_candidate(&assembled);
            self.line(&assembled, long, hit);
        }
        self.scan
    }

    /// One line; `candidate` says whether it holds a distinctive word.
    fn line(&mut self, text: &[u8], long: bool, candidate: bool) {
        self.scan.lines += 1;
        self.scan.long_lines += u64::from(long);
        self.scan.has_text = self.scan.has_text || text.iter().any(|b| !b.is_ascii_whitespace());
        let number = self.scan.lines;
        let matched = if candidate {
            self.sight(text, number, false, &[])
        } else {
            Vec::new()
        };
        if self.previous.candidate || candidate || self.crosses_wrap(text) {
            let mut known = std::mem::take(&mut self.previous.matched);
            known.extend_from_slice(&matched);
            for glue in [&b" "[..], b""] {
                let mut joined = Vec::with_capacity(self.previous.text.len() + text.len() + 1);
                joined.extend_from_slice(&self.previous.text);
                joined.extend_from_slice(glue);
                joined.extend_from_slice(text);
                let found = self.sight(&joined, number - 1, true, &known);
                known.extend(found);
            }
        }
        self.previous.text.clear();
        self.previous.text.extend_from_slice(text);
        self.previous.candidate = candidate;
        self.previous.matched = matched;
    }

    /// True when a distinctive word may run from the previous line into this
    /// one (a wrap in the middle of a word).
    /// Only a cut between two letters or digits can: elsewhere the join
    /// without a space reads the same words as the one with a space.
    fn crosses_wrap(&mut self, text: &[u8]) -> bool {
        let reach = self.catalogue.longest_pattern;
        let (Some(last), Some(first)) = (self.previous.text.last(), text.first()) else {
            return false;
        };
        if !(last.is_ascii_alphanumeric() && first.is_ascii_alphanumeric()) {
            return false;
        }
        let before = &self.previous.text[self.previous.text.len().saturating_sub(reach)..];
        self.seam.clear();
        self.seam.extend_from_slice(before);
        self.seam.extend_from_slice(&text[..text.len().min(reach)]);
        self.catalogue.is_candidate(&self.seam)
    }

    /// Compares one window with the candidate symptoms and records what
    /// matched (except checks in `known`); returns the checks newly seen.
    fn sight(&mut self, window: &[u8], line: u64, wrapped: bool, known: &[usize]) -> Vec<usize> {
        let candidates = self.catalogue.candidates(window);
        if candidates.is_empty() || line == 0 {
            return Vec::new();
        }
        let text = readable(window);
        let normalized = normalize(&text);
        let best = self.catalogue.best_per_check(&normalized, &candidates);
        if best.is_empty() && !wrapped {
            self.note_near_misses(&normalized);
        }
        let mut seen = Vec::new();
        for (check, symptom, score) in best {
            if known.contains(&check) {
                continue;
            }
            let shown = SeenLine {
                line,
                wrapped,
                text: self.excerpt(&text),
            };
            record(&mut self.scan.sightings[check], symptom, score, shown);
            seen.push(check);
        }
        seen
    }

    /// A line with a distinctive word that matched nothing is compared, word
    /// by word, with every known message.
    fn note_near_misses(&mut self, normalized: &str) {
        for symptom in 0..self.catalogue.symptoms.len() {
            if let Some(share) = self.catalogue.similarity(normalized, symptom) {
                let best = &mut self.scan.near_misses[symptom];
                *best = Some(best.map_or(share, |b: f64| b.max(share)));
            }
        }
    }

    /// The line as shown: masked first (a cut must never split a secret
    /// out of its mask), then cut around the first distinctive word.
    fn excerpt(&self, text: &str) -> String {
        let masked = crate::secret::scrub(text.trim());
        if masked.len() <= SHOWN_BYTES {
            return masked;
        }
        let hit = self.catalogue.first_hit(&masked).unwrap_or(0);
        let start = masked.floor_char_boundary(hit.saturating_sub(SHOWN_BYTES / 4));
        let end = masked.floor_char_boundary((start + SHOWN_BYTES).min(masked.len()));
        let before = if start > 0 { "…" } else { "" };
        let after = if end < masked.len() { "…" } else { "" };
        format!("{before}{}{after}", &masked[start..end])
    }
}

/// Adds one sighting to a check's record.
fn record(slot: &mut Option<Sightings>, symptom: usize, score: Score, shown: SeenLine) {
    let line = shown.line;
    let sightings = slot.get_or_insert_with(|| Sightings {
        count: 0,
        first_line: line,
        last_line: line,
        line_sum: 0.0,
        symptom,
        score,
        recent: VecDeque::with_capacity(KEPT_LINES),
    });
    sightings.count += 1;
    sightings.last_line = sightings.last_line.max(line);
    sightings.first_line = sightings.first_line.min(line);
    sightings.line_sum += line as f64;
    if score.better_than(sightings.score) {
        sightings.symptom = symptom;
        sightings.score = score;
    }
    if sightings.recent.len() == KEPT_LINES {
        sightings.recent.pop_front();
    }
    sightings.recent.push_back(shown);
}

/// Bytes as text a terminal can show: invalid UTF-8 replaced, colour and
/// cursor sequences removed, other control characters turned into spaces.
fn readable(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = if text.contains('\u{1b}') {
        anstream::adapter::strip_str(&text).to_string()
    } else {
        text.into_owned()
    };
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &[u8]) -> Scan {
        let catalogue = Catalogue::new();
        Scanner::new(&catalogue).read_all(text)
    }

    fn seen(scan: &Scan, id: &str) -> Option<Sightings> {
        let at = crate::checks::CHECKS.iter().position(|c| c.id() == id)?;
        scan.sightings[at].clone()
    }

    #[test]
    fn a_message_split_by_a_wrap_still_matches() {
        for log in [
            &b"noise\nError: Invalid API key \xc2\xb7 Fix exte\nrnal API key\nmore noise\n"[..],
            b"noise\nError: Invalid API key \xc2\xb7 Fix\nexternal API key\n",
        ] {
            let found = seen(&scan(log), "credential-format").expect("matched");
            assert_eq!(found.first_line, 2, "{}", String::from_utf8_lossy(log));
            assert!(found.recent[0].wrapped);
        }
    }

    #[test]
    fn a_line_and_its_join_count_once() {
        let found = seen(
            &scan(b"Not logged in \xc2\xb7 Please run /login\nNot logged in \xc2\xb7 Please run /login\n"),
            "credential-missing",
        )
        .unwrap();
        assert_eq!(found.count, 2);
        assert_eq!(found.last_line, 2);
    }

    #[test]
    fn bad_bytes_colours_and_crlf_do_not_hide_a_message() {
        let found = seen(
            &scan(b"\xff\xfe junk\r\n\x1b[31mError: Invalid API key \xc2\xb7 Fix external API key\x1b[0m\r\n"),
            "credential-format",
        )
        .unwrap();
        assert_eq!(found.last_line, 2);
        assert_eq!(
            found.recent[0].text,
            "Error: Invalid API key · Fix external API key"
        );
    }

    #[test]
    fn a_huge_line_is_matched_on_its_ends_and_counted() {
        let mut log = b"Invalid API key \xc2\xb7 Fix external API key ".to_vec();
        log.extend(std::iter::repeat_n(b'x', 5 * LINE_CAP));
        log.extend(b" Not logged in \xc2\xb7 Please run /login\nlast");
        let result = scan(&log);
        assert_eq!((result.lines, result.long_lines), (2, 1));
        assert!(seen(&result, "credential-format").is_some());
        assert!(seen(&result, "credential-missing").is_some());
        let shown = &seen(&result, "credential-missing").unwrap().recent[0].text;
        assert!(shown.len() < 2 * SHOWN_BYTES, "{shown}");
    }
}
