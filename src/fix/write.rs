//! Rewriting a user's file without losing a byte of it.
//!
//! - A symlink is followed and its target written; the link stays a link.
//! - The client's lock (`<file>.lock`, a directory) is taken while writing; a
//!   lock older than the client's stale limit is not waited for.
//! - The owner is kept: a file owned by another uid is rewritten only by root
//!   (who gives the new file back to its owner); anyone else is refused,
//!   because a rename would hand the file to them.
//! - Before the change a backup copy is left next to the file, under a unique
//!   name created exclusively, mode 0600 (it may hold keys). It is never put
//!   anywhere else: a directory that cannot take it is a refusal. When the
//!   write fails before the original was touched, the backup is removed.
//! - The new content goes to a temporary file in the same directory, which gets
//!   the original's mode and owner, is synced, and is renamed over the target.
//!   Just before the rename the target is read again: if someone changed it in
//!   the meantime, the edit is recomputed from the new content (a few times).
//! - Where a rename is impossible (the file is itself a bind mount: `EBUSY`)
//!   the content is written in place, and the outcome says so.

use crate::gather::fsread;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How often the edit is recomputed when the file changes under us.
const ATTEMPTS: usize = 3;
/// A lock younger than this belongs to a running client: wait for it.
const LOCK_STALE_AFTER: Duration = Duration::from_secs(10);
/// How long to wait for a running client's lock.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// How a file ended up written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "how", rename_all = "kebab-case")]
pub enum Written {
    /// Nothing to change.
    Unchanged,
    /// A temporary file was renamed over the target.
    Atomic {
        /// The copy of the original left next to it.
        backup: Option<PathBuf>,
    },
    /// The target was rewritten in place, because a rename was impossible.
    InPlace {
        /// Why a rename could not be used.
        reason: String,
        /// The copy of the original left next to it.
        backup: Option<PathBuf>,
    },
    /// The file did not exist and was created with this mode.
    Created {
        /// Its permission bits.
        mode: u32,
    },
    /// Only the permission bits changed.
    ModeChanged {
        /// Before.
        from: u32,
        /// After.
        to: u32,
    },
}

/// Rewrites `path` (at most `limit` bytes; a FIFO or device is refused
/// without blocking) with what `edit` makes of its current content; `edit`
/// returns `Ok(None)` when there is nothing to change.
pub fn rewrite(
    path: &Path,
    limit: u64,
    edit: impl Fn(&[u8]) -> Result<Option<Vec<u8>>, String>,
) -> Result<Written, String> {
    let target = resolve(path);
    refuse_foreign_owner(&target)?;
    let _lock = Lock::acquire(&target)?;
    for _ in 0..ATTEMPTS {
        let original = fsread::read_bounded(&target, limit)
            .map_err(|p| format!("{} {}", target.display(), p.describe()))?;
        let Some(new) = edit(&original)? else {
            return Ok(Written::Unchanged);
        };
        let staged = Staged::new(&target, &new);
        let current = fsread::read_bounded(&target, limit).map_err(|p| p.describe())?;
        if current != original {
            continue; // Someone wrote the file meanwhile: start again from their version.
        }
        let backup = Backup::beside(&target, &original)?;
        return match staged.and_then(Staged::commit) {
            Ok(()) => Ok(Written::Atomic {
                backup: Some(backup.keep()),
            }),
            Err(why) => write_in_place(&target, &new, backup).map(|backup| Written::InPlace {
                reason: why,
                backup: Some(backup),
            }),
        };
    }
    Err(format!(
        "{} kept changing while ccauth tried to edit it; try again when claude is idle",
        target.display()
    ))
}

/// Refuses to rewrite a file another uid owns, unless this process is root:
/// the rewritten file would belong to whoever writes it, and only root can
/// give it back.
fn refuse_foreign_owner(target: &Path) -> Result<(), String> {
    let euid = rustix::process::geteuid().as_raw();
    let Ok(meta) = fs::metadata(target) else {
        return Ok(()); // Missing: the read that follows says so.
    };
    if euid == 0 || meta.uid() == euid {
        return Ok(());
    }
    Err(format!(
        "{} belongs to uid {}, not to uid {euid} that runs ccauth: rewriting it would make it uid {euid}'s \
         file, so it was left alone. Run the fix as uid {} (or as root, which keeps the owner).",
        target.display(),
        meta.uid(),
        meta.uid()
    ))
}

/// Creates a new file with `content` and `mode`; fails if it exists.
pub(crate) fn create(path: &Path, content: &[u8], mode: u32) -> Result<Written, String> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| format!("{}: {}", path.display(), fsread::describe_io(&e)))?;
    file.write_all(content)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("{}: {}", path.display(), fsread::describe_io(&e)))?;
    Ok(Written::Created { mode })
}

/// Sets the permission bits of a file (following a symlink).
pub(crate) fn chmod(path: &Path, mode: u32) -> Result<Written, String> {
    let target = resolve(path);
    let meta = fs::metadata(&target).map_err(|e| fsread::describe_io(&e))?;
    let from = meta.mode() & 0o7777;
    if from == mode {
        return Ok(Written::Unchanged);
    }
    fs::set_permissions(&target, fs::Permissions::from_mode(mode))
        .map_err(|e| fsread::describe_io(&e))?;
    Ok(Written::ModeChanged { from, to: mode })
}

/// The file a path finally names: symlinks are followed so the link survives.
fn resolve(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// New content in a temporary file beside the target, not yet renamed.
/// Dropping it without [`Staged::commit`] leaves the target untouched and
/// removes the temporary file: what a crash before the rename amounts to.
pub(crate) struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// Writes `content` to a temporary file with the target's mode and owner.
    pub(crate) fn new(target: &Path, content: &[u8]) -> Result<Self, String> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{}.ccauth-", file_name(target)))
            .tempfile_in(dir)
            .map_err(|e| {
                format!(
                    "cannot create a temporary file in {}: {}",
                    dir.display(),
                    fsread::describe_io(&e)
                )
            })?;
        let meta = fs::metadata(target).map_err(|e| fsread::describe_io(&e))?;
        temp.write_all(content)
            .map_err(|e| fsread::describe_io(&e))?;
        let file = temp.as_file();
        file.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))
            .map_err(|e| fsread::describe_io(&e))?;
        let owned_alike = |m: &fs::Metadata| m.uid() == meta.uid() && m.gid() == meta.gid();
        if !file.metadata().is_ok_and(|m| owned_alike(&m)) {
            // Root can give a file away; anyone else only to a group of theirs.
            let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
            if !file.metadata().is_ok_and(|m| owned_alike(&m)) {
                return Err(format!(
                    "a new file could not be given its owner {}:{}",
                    meta.uid(),
                    meta.gid()
                ));
            }
        }
        file.sync_all().map_err(|e| fsread::describe_io(&e))?;
        Ok(Staged {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// Renames the temporary file over the target.
    pub(crate) fn commit(self) -> Result<(), String> {
        self.temp.persist(&self.target).map(|_| ()).map_err(|e| {
            format!(
                "renaming over it failed ({})",
                fsread::describe_io(&e.error)
            )
        })
    }
}

/// Rewrites the file's own inode: for a single-file bind mount, whose
/// rename fails with `EBUSY`. The backup is removed when the file could not
/// even be opened, and kept (and named in the error) once its bytes may have
/// been touched.
fn write_in_place(target: &Path, content: &[u8], backup: Backup) -> Result<PathBuf, String> {
    let failed = |e: &io::Error| format!("{}: {}", target.display(), fsread::describe_io(e));
    let mut file = OpenOptions::new()
        .write(true)
        .open(target)
        .map_err(|e| failed(&e))?; // `backup` is dropped, so removed.
    let written = file
        .write_all(content)
        .and_then(|()| file.set_len(content.len() as u64))
        .and_then(|()| file.sync_all());
    let backup = backup.keep();
    written.map_err(|e| {
        format!(
            "{}; the original is kept in {}",
            failed(&e),
            backup.display()
        )
    })?;
    Ok(backup)
}

/// A copy of the original beside the file, removed on drop unless kept.
struct Backup {
    file: Option<tempfile::TempPath>,
}

impl Backup {
    /// Writes `<name>.ccauth-backup-<unix seconds>.<random>` next to the
    /// target: created exclusively (`O_EXCL`), mode 0600 whatever the
    /// original's mode, owned like the original where root can arrange it.
    /// Refuses when the file's own directory cannot take it.
    fn beside(target: &Path, original: &[u8]) -> Result<Self, String> {
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let dir = target.parent().unwrap_or(Path::new("."));
        let refused = |e: &io::Error| {
            format!(
                "no backup of {} could be written beside it in {} ({}), so it was left alone",
                target.display(),
                dir.display(),
                fsread::describe_io(e)
            )
        };
        let mut temp = tempfile::Builder::new()
            .prefix(&format!("{}.ccauth-backup-{stamp}.", file_name(target)))
            .permissions(fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map_err(|e| refused(&e))?;
        temp.write_all(original)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| refused(&e))?;
        if let Ok(meta) = fs::metadata(target) {
            // Root may give the copy to the original's owner; anyone else keeps it.
            let _ = std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()));
        }
        Ok(Backup {
            file: Some(temp.into_temp_path()),
        })
    }

    /// Keeps the copy on disk and returns where it is.
    fn keep(mut self) -> PathBuf {
        let mut file = self.file.take().expect("kept once");
        file.disable_cleanup(true);
        file.to_path_buf()
    }
}

/// A file's name, for names derived from it.
fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The client's lock: a directory `<file>.lock`.
struct Lock {
    path: Option<PathBuf>,
}

impl Lock {
    fn acquire(target: &Path) -> Result<Self, String> {
        let path = target.with_file_name(format!("{}.lock", file_name(target)));
        let started = Instant::now();
        loop {
            match fs::create_dir(&path) {
                Ok(()) => return Ok(Lock { path: Some(path) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .unwrap_or(Duration::MAX);
                    if age > LOCK_STALE_AFTER {
                        // A stale lock, left behind: proceed, guarded by the re-read before rename.
                        return Ok(Lock { path: None });
                    }
                    if started.elapsed() > LOCK_WAIT {
                        return Err(format!(
                            "{} is locked by a running claude ({} exists); try again when it is idle",
                            target.display(),
                            path.display()
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                // A directory that cannot take the lock cannot take a temp file either;
                // the re-read before writing still guards against a concurrent change.
                Err(_) => return Ok(Lock { path: None }),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = fs::remove_dir(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
        let up = bytes.to_ascii_uppercase();
        Ok((up != bytes).then_some(up))
    }

    #[test]
    fn rewrites_atomically_keeps_mode_and_leaves_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.json");
        fs::write(&file, "abc").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        let written = rewrite(&file, 1 << 20, upper).unwrap();
        let Written::Atomic {
            backup: Some(backup),
        } = written
        else {
            panic!("{written:?}")
        };
        assert_eq!(fs::read_to_string(&file).unwrap(), "ABC");
        assert_eq!(fs::read_to_string(backup).unwrap(), "abc");
        assert_eq!(fs::metadata(&file).unwrap().mode() & 0o777, 0o640);
        assert_eq!(rewrite(&file, 1 << 20, upper).unwrap(), Written::Unchanged);
        assert!(
            !dir.path().join("f.json.lock").exists(),
            "the lock is released"
        );
    }

    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&real, "abc").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        rewrite(&link, 1 << 20, upper).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "ABC");
    }

    #[test]
    fn a_crash_before_the_rename_leaves_the_original_intact() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.json");
        fs::write(&file, "original").unwrap();
        let staged = Staged::new(&file, b"new content").unwrap();
        drop(staged);
        assert_eq!(fs::read_to_string(&file).unwrap(), "original");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the temporary file is gone");
    }

    #[test]
    fn a_fresh_lock_of_a_running_client_is_respected() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.json");
        fs::write(&file, "abc").unwrap();
        fs::create_dir(dir.path().join("f.json.lock")).unwrap();
        let err = rewrite(&file, 1 << 20, upper).unwrap_err();
        assert!(err.contains("locked by a running claude"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "abc");
    }

    #[test]
    fn a_concurrent_change_is_merged_not_clobbered() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.json");
        fs::write(&file, "abc").unwrap();
        let first = std::cell::Cell::new(true);
        // The first computation races with another writer, which appends "d".
        let written = rewrite(&file, 1 << 20, |bytes| {
            if first.replace(false) {
                fs::write(&file, "abcd").unwrap();
            }
            upper(bytes)
        })
        .unwrap();
        assert!(matches!(written, Written::Atomic { .. }));
        assert_eq!(fs::read_to_string(&file).unwrap(), "ABCD");
    }
}
