//! The mount-table parser never panics, and lookups on what it parsed agree.
#![no_main]
use ccauth::gather::mountinfo::MountTable;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let table = MountTable::parse(text);
    for mount in table.mounts() {
        let _ = (mount.origin(), mount.host_path(&mount.mount_point.join(".claude")));
        assert!(table.covering(&mount.mount_point).is_some());
    }
    let _ = table.covering(Path::new("/home/node/.claude/.credentials.json"));
    let _ = table.at(Path::new("/root/.claude.json"));
});
