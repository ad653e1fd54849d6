//! Check ids are a contract: scripts pass them to `--only`, `--skip`,
//! `--allow`, `--warn`, `--deny`, `--fix=<id>` and `ccauth explain`, so an id
//! that shipped keeps working after a rename, as ruff keeps its redirects.
//! [`ALIASES`] maps each renamed or removed id to the check that now does its
//! work; `checks/SHIPPED` lists every id ever shipped, and a test holds each
//! of them to be a current id or an alias.

use super::Check;

/// A check id that no check has any more, and the id that answers for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Alias {
    /// The id that shipped and was renamed or merged away.
    pub(crate) old: &'static str,
    /// The current id that takes its place.
    pub(crate) current: &'static str,
}

/// Every renamed or removed check id. Git history shows no rename yet, so it
/// is empty; add an entry (never remove one) when an id changes.
pub(crate) static ALIASES: &[Alias] = &[];

/// A check id as typed, resolved to a check of the registry.
#[derive(Clone, Copy)]
pub struct Resolved {
    /// The check the id names.
    pub(crate) check: &'static dyn Check,
    /// The old id typed, when it was an alias.
    pub(crate) renamed_from: Option<&'static str>,
}

impl Resolved {
    /// The deprecation note for an old id, `None` for a current one.
    pub(crate) fn note(&self) -> Option<String> {
        self.renamed_from.map(|old| {
            format!(
                "warning: check id '{old}' was renamed to '{}'; the old id will keep working",
                self.check.id()
            )
        })
    }
}

/// Resolves a typed id, current or old. `None` when no check answers to it.
pub fn resolve(id: &str) -> Option<Resolved> {
    resolve_in(ALIASES, id)
}

/// [`resolve`] against a given alias table (tests use their own).
fn resolve_in(aliases: &[Alias], id: &str) -> Option<Resolved> {
    if let Some(check) = super::find(id) {
        return Some(Resolved {
            check,
            renamed_from: None,
        });
    }
    let alias = aliases.iter().find(|a| a.old == id)?;
    Some(Resolved {
        check: super::find(alias.current)?,
        renamed_from: Some(alias.old),
    })
}

/// The old ids that now answer to the check `id`, for completions.
pub(crate) fn old_ids_of(id: &str) -> impl Iterator<Item = &'static str> + '_ {
    old_ids_in(ALIASES, id)
}

fn old_ids_in<'a>(
    aliases: &'static [Alias],
    id: &'a str,
) -> impl Iterator<Item = &'static str> + 'a {
    aliases
        .iter()
        .filter(move |a| a.current == id)
        .map(|a| a.old)
}

/// Turns the ids of a command line into current ids, gathering on the way
/// one deprecation note per old id and every id no check answers to.
#[derive(Debug)]
pub(crate) struct IdResolver {
    aliases: &'static [Alias],
    notes: Vec<String>,
    unknown: Vec<String>,
}

impl IdResolver {
    /// A resolver of the shipped [`ALIASES`].
    pub(crate) fn new() -> Self {
        Self::with(ALIASES)
    }

    fn with(aliases: &'static [Alias]) -> Self {
        IdResolver {
            aliases,
            notes: Vec::new(),
            unknown: Vec::new(),
        }
    }

    /// The current ids for `ids`, in order; an unknown id is kept as typed
    /// (and remembered) so the caller can name it.
    pub(crate) fn current(&mut self, ids: &[String]) -> Vec<String> {
        ids.iter().map(|id| self.one(id)).collect()
    }

    /// The current id for one typed id.
    pub(crate) fn one(&mut self, id: &str) -> String {
        match resolve_in(self.aliases, id) {
            Some(resolved) => {
                if let Some(note) = resolved.note().filter(|n| !self.notes.contains(n)) {
                    self.notes.push(note);
                }
                resolved.check.id().to_string()
            }
            None => {
                if !self.unknown.iter().any(|u| u == id) {
                    self.unknown.push(id.to_string());
                }
                id.to_string()
            }
        }
    }

    /// The deprecation notes, one per old id, in the order they were met.
    pub(crate) fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The ids no check answers to, each once.
    pub(crate) fn unknown(&self) -> &[String] {
        &self.unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rename that never happened, to exercise the table.
    static TEST_ALIASES: &[Alias] = &[Alias {
        old: "missing-credential",
        current: "credential-missing",
    }];

    fn resolver() -> IdResolver {
        IdResolver::with(TEST_ALIASES)
    }

    #[test]
    fn every_alias_names_a_current_check_and_no_current_id() {
        for alias in ALIASES.iter().chain(TEST_ALIASES) {
            assert!(super::super::find(alias.current).is_some(), "{alias:?}");
            assert!(super::super::find(alias.old).is_none(), "{alias:?}");
        }
    }

    #[test]
    fn an_old_id_resolves_to_the_current_check_with_one_note() {
        let mut ids = resolver();
        let typed = ["missing-credential", "gateway", "missing-credential"].map(String::from);
        assert_eq!(
            ids.current(&typed),
            ["credential-missing", "gateway", "credential-missing"]
        );
        assert_eq!(ids.one("missing-credential"), "credential-missing");
        assert_eq!(
            ids.notes(),
            [
                "warning: check id 'missing-credential' was renamed to 'credential-missing'; \
              the old id will keep working"
            ]
        );
        assert!(ids.unknown().is_empty());
    }

    #[test]
    fn a_current_id_has_no_note_and_an_unknown_one_is_kept() {
        let mut ids = resolver();
        let typed = ["gateway", "no-such-check", "no-such-check"].map(String::from);
        assert_eq!(
            ids.current(&typed),
            ["gateway", "no-such-check", "no-such-check"]
        );
        assert!(ids.notes().is_empty());
        assert_eq!(ids.unknown(), ["no-such-check"]);
        assert!(
            resolve_in(TEST_ALIASES, "gateway")
                .unwrap()
                .note()
                .is_none()
        );
    }

    #[test]
    fn completions_learn_the_old_ids_of_a_check() {
        let old: Vec<_> = old_ids_in(TEST_ALIASES, "credential-missing").collect();
        assert_eq!(old, ["missing-credential"]);
        assert_eq!(old_ids_in(TEST_ALIASES, "gateway").count(), 0);
    }
}
