//! Shared by the PostgreSQL tests: the core's test support (server, availability, a schema per
//! test).
#![allow(unused_imports)]

pub use ayo_tickets::store::postgres::test_support::{
    Schema, available, base_url, client, md_files,
};
