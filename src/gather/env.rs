//! A snapshot of the process environment.
//!
//! Gathered once, then read by the checks, so tests can hand in any
//! environment without touching the real one. Values of credential variables
//! leave it as [`Secret`](crate::secret::Secret)s ([`crate::auth`] wraps them).

use std::collections::BTreeMap;

/// The environment variables, frozen at gather time.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

/// How a variable stands: unset, set but empty, or set to something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarState {
    /// Not in the environment at all.
    Unset,
    /// Present with an empty value (`${localEnv:X}` of an unset host variable).
    Empty,
    /// Present with a non-empty value.
    Set,
}

impl Env {
    /// The current process's environment.
    pub(crate) fn from_process() -> Self {
        std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect()
    }

    /// The raw value of a variable that is not a secret (paths, flags, markers).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value of a variable that is set and non-empty.
    pub(crate) fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Every variable, for collecting the values the masking rule must know.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Unset, empty or set.
    pub(crate) fn state(&self, name: &str) -> VarState {
        match self.get(name) {
            None => VarState::Unset,
            Some("") => VarState::Empty,
            Some(_) => VarState::Set,
        }
    }

    /// True for the values the client treats as on: `1`, `true`, `yes`, `on`
    /// in any case (CLIENT-FACTS fact 13).
    pub(crate) fn is_truthy(&self, name: &str) -> bool {
        self.get(name).is_some_and(is_truthy)
    }

    /// PATH with only its absolute entries, for every program lookup.
    ///
    /// A relative entry (`node_modules/.bin`, or an empty one, which means
    /// the current directory) names a different directory in every directory
    /// a command starts in; resolved against the workspace it would make a
    /// program the repository ships look installed, or runnable. They are
    /// left out, and [`Env::relative_path_entries`] names them.
    pub(crate) fn absolute_path(&self) -> Option<String> {
        let entries: Vec<&str> = self.path_entries().filter(|e| e.starts_with('/')).collect();
        (!entries.is_empty()).then(|| entries.join(":"))
    }

    /// The PATH entries [`Env::absolute_path`] leaves out, as written.
    pub(crate) fn relative_path_entries(&self) -> Vec<String> {
        self.path_entries()
            .filter(|e| !e.starts_with('/'))
            .map(String::from)
            .collect()
    }

    fn path_entries(&self) -> impl Iterator<Item = &str> {
        self.get("PATH").into_iter().flat_map(|p| p.split(':'))
    }

    /// The value equals `expected` (e.g. `REMOTE_CONTAINERS=true`).
    pub(crate) fn equals(&self, name: &str, expected: &str) -> bool {
        self.get(name) == Some(expected)
    }
}

/// The client's notion of an enabled flag value.
pub(crate) fn is_truthy(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    matches!(v.as_str(), "1" | "true" | "yes" | "on")
}

impl FromIterator<(String, String)> for Env {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Env {
            vars: iter.into_iter().collect(),
        }
    }
}

/// An environment from literal pairs, for unit tests.
#[cfg(test)]
pub(crate) fn of(pairs: &[(&str, &str)]) -> Env {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_truthiness() {
        let env: Env = [("A", ""), ("B", "x"), ("C", "Yes")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(env.state("A"), VarState::Empty);
        assert_eq!(env.state("B"), VarState::Set);
        assert_eq!(env.state("Z"), VarState::Unset);
        assert!(env.is_truthy("C"));
        assert!(!env.is_truthy("B"));
        assert_eq!(env.non_empty("A"), None);
    }

    #[test]
    fn relative_path_entries_are_left_out() {
        let env: Env = [(
            "PATH".to_string(),
            "node_modules/.bin::/usr/bin:./x:/bin".to_string(),
        )]
        .into_iter()
        .collect();
        assert_eq!(env.absolute_path().as_deref(), Some("/usr/bin:/bin"));
        assert_eq!(
            env.relative_path_entries(),
            ["node_modules/.bin", "", "./x"]
        );
    }
}
