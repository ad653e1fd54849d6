//! Tracked status from `.git/index`, the file `git ls-files` reads: versions
//! 2 to 4, a split index (`core.splitIndex`) with its shared index, and a
//! sparse index, where a path under a collapsed directory is "unknown".
//! Every read is bounded; a missing index means nothing is tracked yet.

use super::config::GitConfig;
use super::{Repo, fsread};
use bstr::ByteSlice;
use gix_index::State;
use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;

/// Larger than the index of any repository this tool is meant for.
const INDEX_LIMIT: u64 = 256 << 20;
/// No single allocation driven by the index may exceed this.
const ALLOC_LIMIT: usize = 1 << 30;

/// The index as read, or why it could not be.
pub(super) struct Index {
    content: Result<Option<Entries>, String>,
}

/// The entries of an index, with a split index's shared part.
struct Entries {
    own: State,
    shared: Option<SharedIndex>,
}

/// The shared index a split index names, minus the entries it deletes.
struct SharedIndex {
    state: State,
    deleted: HashSet<usize>,
}

impl Index {
    /// Reads `<git_dir>/index`.
    pub(super) fn load(repo: &Repo, config: &GitConfig) -> Self {
        Index {
            content: load_entries(&repo.git_dir, &config.object_format()),
        }
    }

    /// Whether `rel_path` is in the index (any stage), or why that is unknown.
    pub(super) fn tracked(&self, rel_path: &str) -> Result<bool, String> {
        let Some(entries) = self.content.as_ref().map_err(Clone::clone)? else {
            return Ok(false);
        };
        let path = rel_path.as_bytes().as_bstr();
        if let Some(dir) = collapsed_parent(&entries.own, rel_path) {
            return Err(format!(
                "the sparse index collapses {dir}; `git ls-files --sparse` would have to expand it"
            ));
        }
        if entries.own.entry_range(path).is_some() {
            return Ok(true);
        }
        Ok(entries.shared.as_ref().is_some_and(|shared| {
            shared
                .state
                .entry_range(path)
                .is_some_and(|range| range.clone().any(|i| !shared.deleted.contains(&i)))
        }))
    }
}

fn load_entries(git_dir: &Path, object_format: &str) -> Result<Option<Entries>, String> {
    let kind = gix_index::hash::Kind::from_str(object_format).map_err(|_| {
        format!("the repository uses {object_format} object names, which this build cannot read")
    })?;
    let path = git_dir.join("index");
    let Some(own) = read_state(&path, kind)? else {
        return Ok(None);
    };
    let shared = match own.link() {
        None => None,
        Some(link) => {
            let name = format!("sharedindex.{}", link.shared_index_checksum);
            let state = read_state(&git_dir.join(&name), kind)?
                .ok_or_else(|| format!("the split index names {name}, which is missing"))?;
            let mut deleted = HashSet::new();
            if let Some(bitmaps) = &link.bitmaps {
                bitmaps.delete.for_each_set_bit(|i| {
                    deleted.insert(i);
                    Some(())
                });
            }
            Some(SharedIndex { state, deleted })
        }
    };
    Ok(Some(Entries { own, shared }))
}

/// One index file, read bounded and decoded; `None` when it does not exist.
fn read_state(path: &Path, kind: gix_index::hash::Kind) -> Result<Option<State>, String> {
    let bytes = match fsread::read_bounded(path, INDEX_LIMIT) {
        Ok(bytes) => bytes,
        Err(fsread::FileProblem::Missing) => return Ok(None),
        Err(problem) => return Err(format!("{} {}", path.display(), problem.describe())),
    };
    let options = gix_index::decode::Options {
        thread_limit: Some(1),
        alloc_limit_bytes: Some(ALLOC_LIMIT),
        ..Default::default()
    };
    State::from_bytes(&bytes, filetime::FileTime::zero(), kind, options)
        .map(|(state, _checksum)| Some(state))
        .map_err(|e| format!("{} could not be decoded: {e}", path.display()))
}

/// The collapsed directory entry (`dir/`) of a sparse index that holds `rel_path`.
fn collapsed_parent(state: &State, rel_path: &str) -> Option<String> {
    if !state.is_sparse() {
        return None;
    }
    rel_path
        .match_indices('/')
        .map(|(end, _)| &rel_path[..=end])
        .find(|dir| {
            state
                .entry_by_path(dir.as_bytes().as_bstr())
                .is_some_and(|e| e.mode.is_sparse())
        })
        .map(String::from)
}
