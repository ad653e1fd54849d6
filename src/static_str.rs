//! `&'static str` fields read back from a saved report.
//!
//! Check ids, titles, the tool's name and install methods are the program's
//! own constants when it writes a report, and strings in the file when
//! `ccauth report --from` reads one back. Every layer's report types use this
//! one helper, so it sits below all of them.

use serde::Deserialize;

/// A `&'static str` field that [`deserialize`] fills when a report is read
/// back. Spelled as an alias because serde would otherwise borrow the field
/// from the input, and a saved report does not live for `'static`.
pub(crate) type StaticStr = &'static str;

/// Deserializes a string for a field the program otherwise fills from its own
/// constants (check ids, the tool's name). One report is read per process, and
/// it is bounded, so the leak is too.
pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<StaticStr, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(Box::leak(text.into_boxed_str()))
}
