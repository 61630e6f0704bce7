//! The guide for agents: the `ayo://guide` resource, the core's [`ayo_tickets::GUIDE`], the
//! same text `ayo ticket guide` prints.

/// How an agent works with ayo tickets, in markdown (under 1 000 words).
pub(crate) const GUIDE: &str = ayo_tickets::GUIDE;
