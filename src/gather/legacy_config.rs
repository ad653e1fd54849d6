//! Which config file the client reads when a legacy
//! `<config dir>/.config.json` is there: 2.1.332's own rule (its `sE()`,
//! read in the bundle and run in throwaway homes, 2026-12-02), not "the
//! legacy file wins when it is not empty".
//!
//! The legacy file counts only when it is a regular file that is either not
//! empty or has a write bit in its mode (the mode, not this process's
//! access). An empty one is read when `.claude.json` is missing, or is
//! itself an empty regular file with no write bit and one link; a non-empty
//! one is read whatever `.claude.json` is. The client prints "Two Claude
//! Code config files exist" only when `.claude.json` is a non-empty regular
//! file that is not the same file (a hard link).

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What the client makes of the two files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    /// `.claude.json` is read; the legacy file is ignored.
    Normal,
    /// The legacy file is read; `shadows` when a non-empty `.claude.json`
    /// is ignored for it (and the client says so).
    Legacy {
        /// The client warns about two config files.
        shadows: bool,
    },
}

/// What `stat` says of one file, as far as the rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    /// A regular file (after symlinks).
    pub(crate) regular: bool,
    /// Its size.
    pub(crate) size: u64,
    /// Any of the mode's write bits (`0o222`) is set.
    pub(crate) write_bit: bool,
    /// Hard links.
    pub(crate) nlink: u64,
    /// Device and inode.
    pub(crate) id: (u64, u64),
}

/// `stat` of `.claude.json`: there, missing, or not known (EACCES above it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Normal {
    /// It was stat'ed.
    Found(Stat),
    /// Nothing is there.
    Missing,
    /// `stat` failed otherwise.
    Unknown,
}

/// Stats both files and applies [`choose`].
pub(crate) fn choose_at(legacy: &Path, normal: &Path) -> Choice {
    let stat = |p: &Path| {
        std::fs::metadata(p).map(|m| Stat {
            regular: m.is_file(),
            size: m.len(),
            write_bit: m.mode() & 0o222 != 0,
            nlink: m.nlink(),
            id: (m.dev(), m.ino()),
        })
    };
    let Ok(legacy) = stat(legacy) else {
        return Choice::Normal;
    };
    let normal = match stat(normal) {
        Ok(s) => Normal::Found(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Normal::Missing,
        Err(_) => Normal::Unknown,
    };
    choose(legacy, normal)
}

/// 2.1.332's rule (Linux; the case-insensitive directory test of other
/// systems does not arise).
pub(crate) fn choose(legacy: Stat, normal: Normal) -> Choice {
    let quiet = Choice::Legacy { shadows: false };
    if !legacy.regular || (legacy.size == 0 && !legacy.write_bit) {
        return Choice::Normal;
    }
    match normal {
        Normal::Missing => quiet,
        Normal::Unknown => quiet,
        Normal::Found(n) if legacy.size == 0 => {
            if n.regular && n.size == 0 && !n.write_bit && n.nlink == 1 {
                quiet
            } else {
                Choice::Normal
            }
        }
        Normal::Found(n) if !n.regular || n.size == 0 || n.id == legacy.id => quiet,
        Normal::Found(_) => Choice::Legacy { shadows: true },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64, write_bit: bool) -> Stat {
        Stat {
            regular: true,
            size,
            write_bit,
            nlink: 1,
            id: (1, size + u64::from(write_bit) * 1000),
        }
    }

    /// The worlds run against 2.1.332's `claude auth status` (which file it
    /// wrote), 2026-12-02.
    #[test]
    fn the_rule_matches_the_worlds_the_client_was_run_in() {
        let dir = Stat {
            regular: false,
            ..file(4096, true)
        };
        let shadows = Choice::Legacy { shadows: true };
        let quiet = Choice::Legacy { shadows: false };
        let cases = [
            (file(0, true), Normal::Missing, quiet),
            (file(0, false), Normal::Missing, Choice::Normal),
            (file(0, true), Normal::Found(file(3, true)), Choice::Normal),
            (file(2, true), Normal::Found(file(0, true)), quiet),
            (dir, Normal::Missing, Choice::Normal),
            (file(2, true), Normal::Found(file(3, true)), shadows),
            (file(0, true), Normal::Found(file(0, false)), quiet),
            (file(0, true), Normal::Found(file(0, true)), Choice::Normal),
            (file(2, true), Normal::Found(dir), quiet),
            (file(2, true), Normal::Found(file(2, true)), quiet),
        ];
        for (i, (legacy, normal, expected)) in cases.into_iter().enumerate() {
            assert_eq!(choose(legacy, normal), expected, "case {i}");
        }
    }
}
