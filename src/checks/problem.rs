//! One problem a check found: its status, a stable code, the cause and fix
//! in words, the repair `--fix` can make, and the places the cause lives.
//!
//! A check may find several problems (two env files, three bad variables);
//! each is its own [`Problem`], so renderers can annotate each place and
//! `--fix` applies the repair attached where the problem was detected.

use super::Status;
use super::repair::Repair;
pub use crate::place::Place;
pub(crate) use crate::place::line_column;
use serde::{Deserialize, Serialize};

/// One problem: a warning or a failure, never a pass.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Problem {
    /// `Warn` or `Fail`.
    pub(crate) status: Status,
    /// `<check-id>/<kind>`, stable across releases (`env-file-ignored/tracked`).
    /// A check names the kind; the registry adds its id.
    pub code: String,
    /// Why, in words, with the facts that led there.
    pub(crate) cause: String,
    /// What to do.
    pub(crate) fix: String,
    /// Where the cause lives: files, lines, keys. Empty when it has no place
    /// (a missing variable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    /// The repair `--fix` makes for this problem, if it can make one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<Repair>,
}

impl Problem {
    fn new(status: Status, kind: &str, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        debug_assert!(is_kind(kind), "problem kind {kind:?} is not kebab-case");
        Problem {
            status,
            code: kind.to_string(),
            cause: cause.into(),
            fix: fix.into(),
            places: Vec::new(),
            repair: None,
        }
    }

    /// A problem that breaks sign-in.
    pub(crate) fn fail(kind: &str, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(Status::Fail, kind, cause, fix)
    }

    /// A problem that is fragile or likely to bite.
    pub(crate) fn warn(kind: &str, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(Status::Warn, kind, cause, fix)
    }

    /// A problem of the given status (`Warn` or `Fail`).
    pub(crate) fn of(
        status: Status,
        kind: &str,
        cause: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        debug_assert!(status.is_problem(), "a problem is a warning or a failure");
        Self::new(status, kind, cause, fix)
    }

    /// Adds a place where the cause lives.
    pub(crate) fn at(mut self, place: Place) -> Self {
        self.places.push(place);
        self
    }

    /// Adds places where the cause lives.
    pub(crate) fn at_all(mut self, places: impl IntoIterator<Item = Place>) -> Self {
        self.places.extend(places);
        self
    }

    /// Attaches the repair `--fix` makes for it.
    pub(crate) fn repaired_by(mut self, repair: Repair) -> Self {
        self.repair = Some(repair);
        self
    }

    /// The kind, the part of the code after the check id.
    pub(crate) fn kind(&self) -> &str {
        self.code
            .rsplit_once('/')
            .map_or(&self.code, |(_, kind)| kind)
    }

    /// Prefixes the check id to the kind; the registry calls it once.
    pub(crate) fn qualify(&mut self, check: &str) {
        if !self.code.contains('/') {
            self.code = format!("{check}/{}", self.code);
        }
    }
}

/// True for a kebab-case kind: lowercase ASCII, digits and single dashes.
fn is_kind(kind: &str) -> bool {
    !kind.is_empty()
        && !kind.starts_with('-')
        && !kind.ends_with('-')
        && !kind.contains("--")
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_qualified_once() {
        let mut p = Problem::fail("tracked", "c", "f");
        p.qualify("env-file-ignored");
        p.qualify("env-file-ignored");
        assert_eq!(p.code, "env-file-ignored/tracked");
        assert_eq!(p.kind(), "tracked");
    }

    #[test]
    fn kinds_are_kebab_case() {
        assert!(is_kind("not-ignored"));
        assert!(is_kind("v2"));
        for bad in ["", "Tracked", "a_b", "-a", "a-", "a--b", "a/b"] {
            assert!(!is_kind(bad), "{bad:?}");
        }
    }
}
