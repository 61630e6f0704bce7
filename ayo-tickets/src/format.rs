//! TEMPORARY STUB: replaced by the real lossless format module.
#![allow(missing_docs)]
use std::path::Path;

use crate::error::{Error, Result};
use crate::ticket::Ticket;

pub struct Parsed {
    pub ticket: Ticket,
    pub frontmatter_id: Option<String>,
}

pub fn parse(bytes: &[u8], path: &Path) -> Result<Parsed> {
    let mut t: Ticket = serde_json::from_slice(bytes)
        .map_err(|e| Error::parse(path, Some(e.line()), e.to_string()))?;
    let fid = t.id.clone();
    t.id = path.file_stem().unwrap().to_string_lossy().into_owned();
    t.lease_secs = None;
    Ok(Parsed {
        ticket: t,
        frontmatter_id: Some(fid),
    })
}

pub fn render(ticket: &Ticket, _previous: Option<&str>) -> Result<String> {
    Ok(serde_json::to_string(ticket).unwrap())
}
