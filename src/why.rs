//! `ccauth why "<the message you see>"`: from a symptom to the causes that
//! hold here.
//!
//! Every check's symptoms are the messages quoted under "What you see" in its
//! own `checks/<id>.md`, which is embedded next to the check: one list, no
//! copy. The text asked about (an argument, or a whole log on standard input)
//! is read as a stream and matched line by line, and across each line's join
//! with the next ([`scan`]), after both sides are normalized: case,
//! punctuation and the `·` separator are ignored, and tokens, paths, ports and
//! numbers match whatever they are ([`catalogue`]). The matching checks are
//! then run on this environment and sorted into three groups: causes that
//! hold here, causes only `--online` can tell, and causes ruled out here.
//!
//! Ranking, within each group: by weight, where every line showing one of a
//! cause's messages adds its position in the log (1 for the last line, ½ for
//! the middle one), so later and more often rank higher; then failures before
//! warnings, then the better-matching message.

mod catalogue;
mod scan;

pub use catalogue::symptoms;
pub(crate) use scan::SeenLine;

use crate::checks::{CHECKS, CheckResult, Finding, Selection, Status};
use crate::gather::Context;
use crate::probe::OnlineFacts;
use catalogue::Catalogue;
use scan::{Scan, Scanner, Sightings};
use serde::Serialize;
use std::cmp::Ordering;

/// How many near misses to suggest when nothing matches.
const CLOSEST: usize = 3;
/// An argument is echoed cut to this many characters.
const ECHOED_CHARS: usize = 500;

/// The answer to one `why`.
#[derive(Clone, Debug, Serialize)]
pub struct WhyReport {
    /// The JSON contract's version (`schema/why.schema.json`).
    pub(crate) schema_version: u32,
    /// What was read.
    pub input: Input,
    /// Checks whose messages were seen, ranked (see the module docs).
    pub matches: Vec<WhyMatch>,
    /// With no match: the known messages closest to the text, if any comes
    /// close enough.
    pub(crate) closest: Vec<String>,
}

/// Where the text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Source {
    /// The command line.
    Argument,
    /// Standard input (a pasted message or a whole log).
    Stdin,
}

/// What was read, so a reader of the answer knows what it covers.
#[derive(Clone, Debug, Serialize)]
pub struct Input {
    /// The command line or standard input.
    pub(crate) source: Source,
    /// The argument, secrets masked and cut; `None` for standard input
    /// (its matched lines are shown with each cause instead).
    pub(crate) text: Option<String>,
    /// Lines read.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Lines longer than 64 KiB, matched on their first and last 32 KiB.
    pub long_lines: u64,
}

/// What this environment says about a matching cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Verdict {
    /// The check fails or warns here: this is (likely) the cause.
    Holds,
    /// Only a network probe can tell, and none was made.
    NeedsOnline,
    /// The check passes here, but a cause it cannot see (how `claude` is
    /// started) would bring the same message: [`WhyMatch::out_of_sight`].
    OutOfSight,
    /// The check passes or does not apply here.
    RuledOut,
}

/// One check whose messages were seen.
#[derive(Clone, Debug, Serialize)]
pub struct WhyMatch {
    /// The check's id.
    pub id: &'static str,
    /// The check's title.
    pub(crate) title: &'static str,
    /// Which group it falls in.
    pub(crate) verdict: Verdict,
    /// The symptom that matched best.
    pub(crate) symptom: String,
    /// How much of that symptom was found, 0 to 1.
    pub(crate) score: f64,
    /// How many lines (or wrapped pairs of lines) showed its messages.
    pub(crate) occurrences: u64,
    /// The first and last of them.
    pub(crate) first_line: u64,
    pub last_line: u64,
    /// The ranking weight (see the module docs).
    pub(crate) weight: f64,
    /// The latest lines that showed its messages, oldest first, masked.
    pub lines: Vec<SeenLine>,
    /// For [`Verdict::NeedsOnline`]: the command that would tell.
    pub(crate) online_command: Option<String>,
    /// For [`Verdict::OutOfSight`]: the cause ccauth cannot see, and its fix.
    pub(crate) out_of_sight: Option<String>,
    /// The check's finding here.
    #[serde(flatten)]
    pub(crate) finding: Finding,
}

impl WhyMatch {
    /// True when the cause holds here.
    pub fn holds(&self) -> bool {
        self.verdict == Verdict::Holds
    }
}

/// Answers one message given as text (an argument, or a test's log), on the
/// snapshot and, with `--online`, what the probes found.
pub fn diagnose(ctx: &Context, online: Option<&OnlineFacts>, text: &str) -> WhyReport {
    let catalogue = Catalogue::new();
    let mut scanner = Scanner::new(&catalogue);
    scanner.feed(text.as_bytes());
    let scan = scanner.finish();
    let source = (Source::Argument, Some(text.trim()));
    judge(ctx, online, &catalogue, scan, source)
}

/// Answers a whole stream (standard input), read once in bounded memory;
/// `None` when it holds nothing but blanks.
pub fn diagnose_stream(
    ctx: &Context,
    online: Option<&OnlineFacts>,
    input: impl std::io::Read,
) -> Option<WhyReport> {
    let catalogue = Catalogue::new();
    let scan = Scanner::new(&catalogue).read_all(input);
    scan.has_text
        .then(|| judge(ctx, online, &catalogue, scan, (Source::Stdin, None)))
}

/// Runs the matching checks and ranks them.
fn judge(
    ctx: &Context,
    online: Option<&OnlineFacts>,
    catalogue: &Catalogue,
    scan: Scan,
    (source, text): (Source, Option<&str>),
) -> WhyReport {
    let scrubber = ctx.scrubber();
    let seen: Vec<(usize, &Sightings)> = scan
        .sightings
        .iter()
        .enumerate()
        .filter_map(|(check, s)| Some((check, s.as_ref()?)))
        .collect();
    let results: Vec<CheckResult> = if seen.is_empty() {
        Vec::new()
    } else {
        let only = seen.iter().map(|(c, _)| CHECKS[*c].id().to_string());
        crate::checks::run_all(
            ctx,
            online,
            &Selection {
                only: only.collect(),
                skip: Vec::new(),
            },
        )
    };
    let mut matches: Vec<WhyMatch> = seen
        .iter()
        .filter_map(|&(check, sightings)| {
            let result = results.iter().find(|r| r.id == CHECKS[check].id())?;
            let mut result = result.clone();
            crate::checks::mask::mask_finding(&mut result.finding, &scrubber);
            Some(one_match(
                ctx,
                online.is_some(),
                catalogue,
                check,
                sightings,
                &result,
                scan.lines,
            ))
        })
        .collect();
    matches.sort_by(rank);
    // The scanner masked shapes; the values this snapshot knows are masked here.
    for seen in matches.iter_mut().flat_map(|m| m.lines.iter_mut()) {
        seen.text = scrubber.scrub(&seen.text);
    }
    let closest = if matches.is_empty() {
        closest(catalogue, &scan)
    } else {
        Vec::new()
    };
    WhyReport {
        schema_version: 2,
        input: Input {
            source,
            // Masked whole before it is cut, so no secret is cut in half and missed.
            text: text.map(|t| scrubber.scrub(t).chars().take(ECHOED_CHARS).collect()),
            lines: scan.lines,
            bytes: scan.bytes,
            long_lines: scan.long_lines,
        },
        matches,
        closest,
    }
}

fn one_match(
    ctx: &Context,
    probed: bool,
    catalogue: &Catalogue,
    check: usize,
    sightings: &Sightings,
    result: &CheckResult,
    lines: u64,
) -> WhyMatch {
    let mut verdict = verdict(probed, check, &result.finding);
    let out_of_sight = (verdict == Verdict::RuledOut)
        .then(|| CHECKS[check].out_of_sight(ctx))
        .flatten();
    if out_of_sight.is_some() {
        verdict = Verdict::OutOfSight;
    }
    let id = CHECKS[check].id();
    WhyMatch {
        id,
        title: CHECKS[check].title(),
        verdict,
        symptom: catalogue.symptoms[sightings.symptom].text.clone(),
        score: sightings.score.share,
        occurrences: sightings.count,
        first_line: sightings.first_line,
        last_line: sightings.last_line,
        weight: sightings.weight(lines),
        lines: sightings.recent.iter().cloned().collect(),
        online_command: (verdict == Verdict::NeedsOnline)
            .then(|| format!("ccauth doctor --online --only {id}")),
        out_of_sight,
        finding: result.finding.clone(),
    }
}

/// Which group a matching check's finding puts it in.
fn verdict(probed: bool, check: usize, finding: &Finding) -> Verdict {
    match finding.status {
        Status::Fail | Status::Warn => Verdict::Holds,
        Status::Skip if !probed && CHECKS[check].needs_online() => Verdict::NeedsOnline,
        Status::Skip | Status::Pass => Verdict::RuledOut,
    }
}

/// The ranking rule of the module docs.
fn rank(a: &WhyMatch, b: &WhyMatch) -> Ordering {
    let failed = |m: &WhyMatch| m.finding.status == Status::Fail;
    a.verdict
        .cmp(&b.verdict)
        .then(b.weight.total_cmp(&a.weight))
        .then(failed(b).cmp(&failed(a)))
        .then(b.score.total_cmp(&a.score))
}

/// The known messages that lines came closest to, above the threshold.
fn closest(catalogue: &Catalogue, scan: &Scan) -> Vec<String> {
    let mut near: Vec<(f64, usize)> = scan
        .near_misses
        .iter()
        .enumerate()
        .filter_map(|(symptom, share)| Some(((*share)?, symptom)))
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut shown: Vec<String> = Vec::new();
    for (_, symptom) in near {
        let text = &catalogue.symptoms[symptom].text;
        if !shown.contains(text) {
            shown.push(text.clone());
        }
    }
    shown.truncate(CLOSEST);
    shown
}
