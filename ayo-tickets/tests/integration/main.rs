//! The integration tests of ayo-tickets, in one test binary (one link instead of one per
//! file): one module per subject. The PostgreSQL modules need the `postgres` feature and a
//! server (see the `ayo-test-support` crate); the tests that run several processes run this
//! binary again with `--exact <module>::<test>`.

mod batch_cycles;
mod claim_processes;
mod claude_list;
mod conformance;
mod crash_model;
mod crash_states;
mod deep_chains;
mod engine_props;
mod format_corpus;
mod format_fixtures;
mod format_props;
mod lock_timeout;
mod markdown_index;
mod markdown_index_table;
#[cfg(feature = "postgres")]
mod postgres_beads;
#[cfg(feature = "postgres")]
mod postgres_claim_prop;
#[cfg(feature = "postgres")]
mod postgres_client_cert;
#[cfg(feature = "postgres")]
mod postgres_concurrency;
#[cfg(feature = "postgres")]
mod postgres_copy;
#[cfg(feature = "postgres")]
mod postgres_race;
mod reliability_corpus;
mod reliability_crash;
mod reliability_entries;
mod reliability_fuzz;
mod reliability_hostile;
mod reliability_stress;
mod support;
mod wait_processes;
