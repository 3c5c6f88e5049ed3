//! What the import could read but cannot vouch for, said before anything is imported: each
//! warning names the line it is about. A file with thousands of ragged rows must not bury the
//! preview, so each kind of warning is capped and the rest are counted; a warning must never be
//! dropped without that count.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Something the facilitator should know about the file, at a line (1-based) when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportWarning {
    #[ts(optional = nullable)]
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The kinds that are capped separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    FieldCount = 0,
    LongField = 1,
    Other = 2,
}

const PER_KIND: usize = 20;

#[derive(Debug, Default)]
pub(super) struct Warnings {
    list: Vec<ImportWarning>,
    /// Per kind: how many were listed, how many were only counted.
    listed: [usize; 3],
    hidden: [usize; 3],
}

impl Warnings {
    /// Lists the warning unless `PER_KIND` of its kind are listed already; then only counts it.
    pub(super) fn push(&mut self, kind: Kind, line: Option<u64>, message: String) {
        let k = kind as usize;
        if self.listed[k] >= PER_KIND {
            self.hidden[k] += 1;
            return;
        }
        self.listed[k] += 1;
        self.list.push(ImportWarning { line, message });
    }

    pub(super) fn finish(mut self) -> Vec<ImportWarning> {
        // In file order, whichever pass found them; those without a line after.
        self.list.sort_by_key(|w| (w.line.is_none(), w.line));
        let what = [
            "rows whose field count differs from the header",
            "fields that run over many lines",
            "warnings",
        ];
        for (n, what) in self.hidden.iter().zip(what) {
            if *n > 0 {
                self.list.push(ImportWarning {
                    line: None,
                    message: format!("… and {n} more {what}"),
                });
            }
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_capped_and_the_rest_counted() {
        let mut w = Warnings::default();
        for line in 1..=25 {
            w.push(Kind::FieldCount, Some(line), "ragged".into());
        }
        w.push(Kind::Other, None, "other".into());
        let list = w.finish();
        assert_eq!(list.len(), PER_KIND + 2);
        assert_eq!(list[PER_KIND].message, "other");
        assert_eq!(
            list[PER_KIND + 1].to_string(),
            "… and 5 more rows whose field count differs from the header"
        );
    }
}
