//! The guide for agents: the `ayo://guide` resource, kept in `guide.md` so that other front
//! ends (`ayo ticket guide`) can print the same text.

/// How an agent works with ayo tickets through MCP, in markdown (under 1 000 words).
pub(crate) const GUIDE: &str = include_str!("guide.md");
