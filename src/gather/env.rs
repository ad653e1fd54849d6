//! A snapshot of the process environment.
//!
//! Gathered once, then read by the checks, so tests can hand in any
//! environment without touching the real one. Values of credential variables
//! are handed out as [`Secret`]s only.

use crate::secret::Secret;
use std::collections::BTreeMap;

/// The environment variables, frozen at gather time.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

/// How a variable stands: unset, set but empty, or set to something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarState {
    /// Not in the environment at all.
    Unset,
    /// Present with an empty value (`${localEnv:X}` of an unset host variable).
    Empty,
    /// Present with a non-empty value.
    Set,
}

impl Env {
    /// The current process's environment.
    pub fn from_process() -> Self {
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
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The value of a credential variable, wrapped so it prints masked.
    pub fn secret(&self, name: &str) -> Option<Secret> {
        self.get(name).map(Secret::new)
    }

    /// Every variable, for collecting the values the masking rule must know.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Unset, empty or set.
    pub fn state(&self, name: &str) -> VarState {
        match self.get(name) {
            None => VarState::Unset,
            Some("") => VarState::Empty,
            Some(_) => VarState::Set,
        }
    }

    /// True for the values the client treats as on: `1`, `true`, `yes`, `on`
    /// in any case (CLIENT-FACTS fact 13).
    pub fn is_truthy(&self, name: &str) -> bool {
        self.get(name).is_some_and(is_truthy)
    }

    /// The value equals `expected` (e.g. `REMOTE_CONTAINERS=true`).
    pub fn equals(&self, name: &str, expected: &str) -> bool {
        self.get(name) == Some(expected)
    }
}

/// The client's notion of an enabled flag value.
pub fn is_truthy(value: &str) -> bool {
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
}
