//! The call options every front end takes, defined once: how a handle is opened
//! ([`OpenOptions`]), how a claim behaves ([`ClaimOptions`]), and the conversions of seconds
//! given as numbers ([`lease_from_secs`], [`timeout_from_secs`], [`wait_timeout`]), so that
//! Python, Node and the CLI check the same things with the same messages.

use std::time::Duration;

use crate::error::{Error, Result};

/// What a handle is opened with, besides where its store is: the options of every front end's
/// open calls (Python's keywords, Node's options object, the CLI's `--actor`), applied by
/// [`crate::Tickets::with_options`]. A field left `None` keeps what the environment gave
/// (`$AYO_AGENT`, `$AYO_LEASE`).
///
/// Build one with `..OpenOptions::default()`, so that fields added later (a lock timeout, say)
/// keep every caller compiling.
///
/// ```
/// use ayo_tickets::{NewTicket, OpenOptions, Tickets};
/// let options = OpenOptions::from_secs(Some("planner".into()), Some(60.0))?;
/// let t = Tickets::in_memory().with_options(&options)?;
/// assert_eq!(t.actor(), Some("@planner"));
/// t.create(NewTicket::new("job"))?;
/// assert!(t.claim("@w", Default::default())?.unwrap().lease_until.is_some());
/// assert_eq!(OpenOptions::from_secs(None, Some(0.5)).unwrap_err().code(), "INVALID");
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenOptions {
    /// Who acts, for notes and the audit log (`@` is added); else `$AYO_AGENT`.
    pub actor: Option<String>,
    /// The lease in seconds a claim gets when it names none; else `$AYO_LEASE`, else none.
    pub lease: Option<u64>,
    /// How many seconds a writer waits for the store's writer lock before
    /// [`crate::Error::Busy`]; else `$AYO_LOCK_TIMEOUT`, else 30
    /// (see [`crate::Tickets::with_lock_timeout`]).
    pub lock_timeout: Option<f64>,
}

impl OpenOptions {
    /// The options of a front end that has the lease as a number of seconds (Python, Node):
    /// the lease goes through [`lease_from_secs`].
    pub fn from_secs(actor: Option<String>, lease: Option<f64>) -> Result<Self> {
        Ok(OpenOptions {
            actor,
            lease: lease.map(lease_from_secs).transpose()?,
            lock_timeout: None,
        })
    }
}

/// How `claim` behaves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimOptions {
    /// Block until a ticket is claimable (or the timeout passes).
    pub wait: bool,
    /// How long to wait at most; forever when `None`.
    pub timeout: Option<Duration>,
    /// Lease length in seconds; the handle's default ([`OpenOptions::lease`], else
    /// `$AYO_LEASE`) when `None`, else no lease.
    pub lease: Option<u64>,
}

impl ClaimOptions {
    /// The options of a front end that has the timeout and the lease as numbers of seconds:
    /// they go through [`wait_timeout`] and [`lease_from_secs`].
    ///
    /// ```
    /// use ayo_tickets::ClaimOptions;
    /// let o = ClaimOptions::from_secs(true, Some(1.5), Some(30.0))?;
    /// assert_eq!((o.timeout.unwrap().as_millis(), o.lease), (1500, Some(30)));
    /// assert_eq!(ClaimOptions::from_secs(false, None, Some(-1.0)).unwrap_err().code(), "INVALID");
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn from_secs(wait: bool, timeout: Option<f64>, lease: Option<f64>) -> Result<Self> {
        Ok(ClaimOptions {
            wait,
            timeout: wait_timeout(timeout)?,
            lease: lease.map(lease_from_secs).transpose()?,
        })
    }
}

/// The message of every lease that is not a whole number of seconds, at least 1.
pub(crate) fn bad_lease(seconds: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "lease must be a whole number of seconds, at least 1, not {seconds}"
    ))
}

/// A lease given in seconds, as every front end takes one: a whole number, at least 1 (and
/// below 2^53, where numbers stop being exact); anything else is [`Error::Invalid`], with one
/// message everywhere.
///
/// ```
/// use ayo_tickets::lease_from_secs;
/// assert_eq!(lease_from_secs(300.0).unwrap(), 300);
/// for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
///     assert_eq!(lease_from_secs(bad).unwrap_err().code(), "INVALID");
/// }
/// ```
pub fn lease_from_secs(seconds: f64) -> Result<u64> {
    if seconds.is_finite() && seconds.fract() == 0.0 && (1.0..9.0e15).contains(&seconds) {
        // Exact: a whole number below 2^53 converts without loss.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(seconds as u64)
    } else {
        Err(bad_lease(seconds))
    }
}

/// A lease given as text (a command-line flag): [`lease_from_secs`] of the number it reads as.
///
/// ```
/// use ayo_tickets::lease_from_text;
/// assert_eq!(lease_from_text(" 60 ").unwrap(), 60);
/// assert!(lease_from_text("soon").unwrap_err().to_string().contains("not 'soon'"));
/// ```
pub fn lease_from_text(text: &str) -> Result<u64> {
    match text.trim().parse::<f64>() {
        Ok(seconds) => lease_from_secs(seconds),
        Err(_) => Err(bad_lease(format!("'{text}'"))),
    }
}

/// A timeout given in seconds, as every front end takes one: infinity, or a length past what a
/// [`Duration`] holds (some 584 billion years), waits forever (`None`); a negative or NaN one is
/// [`Error::Invalid`].
///
/// ```
/// use ayo_tickets::timeout_from_secs;
/// assert_eq!(timeout_from_secs(0.5).unwrap(), Some(std::time::Duration::from_millis(500)));
/// assert_eq!(timeout_from_secs(1e300).unwrap(), None);
/// assert_eq!(timeout_from_secs(-1.0).unwrap_err().code(), "INVALID");
/// ```
pub fn timeout_from_secs(seconds: f64) -> Result<Option<Duration>> {
    if seconds.is_nan() || seconds < 0.0 {
        return Err(Error::invalid(format!(
            "timeout must be a non-negative number of seconds, not {seconds}"
        )));
    }
    Ok(Duration::try_from_secs_f64(seconds).ok())
}

/// An optional timeout in seconds: not given waits forever, as does what
/// [`timeout_from_secs`] reads as forever.
pub fn wait_timeout(seconds: Option<f64>) -> Result<Option<Duration>> {
    Ok(seconds.map(timeout_from_secs).transpose()?.flatten())
}
