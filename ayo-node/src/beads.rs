//! What `importBeads` gives back: the counts of an import of beads' `issues.jsonl`.

use ayo_tickets as ayo;
use napi_derive::napi;

/// Something of a beads file that the import left out or could not map.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct NotMapped {
    /// The line of the file, from 1.
    pub line: u32,
    /// The id, where the line has one.
    pub id: Option<String>,
    /// What: `tombstone`, `ephemeral`, `record`, `replaced`, `dangling`, `external`, ...
    pub kind: String,
    /// Why, in words.
    pub detail: String,
}

/// What `importBeads` did.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct BeadsImport {
    /// Tickets written.
    pub imported: u32,
    /// What was left out or not mapped, in the order of the file.
    pub not_mapped: Vec<NotMapped>,
}

impl From<ayo::BeadsImport> for BeadsImport {
    fn from(b: ayo::BeadsImport) -> Self {
        BeadsImport {
            imported: u32::try_from(b.imported).unwrap_or(u32::MAX),
            not_mapped: b
                .not_mapped
                .into_iter()
                .map(|n| NotMapped {
                    line: u32::try_from(n.line).unwrap_or(u32::MAX),
                    id: n.id,
                    kind: n.kind.to_string(),
                    detail: n.detail,
                })
                .collect(),
        }
    }
}
