//! The integration tests of the `ayo` binary, in one test binary (one link instead of one per
//! file): one module per subject, each running the real `ayo` as a child process. The
//! PostgreSQL module needs the `postgres` feature and a server (see the `ayo-test-support`
//! crate).

mod archive;
mod board;
mod check_corpus;
mod claim_race;
mod claude_list;
mod common;
mod conformance;
mod errors;
mod existing_dirs;
mod import_export;
mod listing;
mod mcp;
mod odd_entries;
mod output;
mod plan;
#[cfg(feature = "postgres")]
mod postgres_cut;
#[cfg(feature = "postgres")]
mod postgres_export;
#[cfg(feature = "postgres")]
mod postgres_root_cert;
mod project_scope;
mod run;
mod scopes;
mod search_beads;
mod waiting;
mod watch;
mod workflow;
