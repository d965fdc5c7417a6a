//! [`RetryPolicy`]: when, and after how long, an SDK retries a failed request.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::ErrorResponse;

/// When to retry a failed request, and how long to wait first.
///
/// [`delay`](RetryPolicy::delay) answers for retry number `attempt` (0 = the first retry):
///
/// 1. `None` once `attempt >= max_retries`, or when the error is not retryable
///    ([`ErrorResponse::is_retryable`]: `x-should-retry` when the server sent it, else the
///    status table — so 400, 401, 403, 404, 409, 422 are never retried unless the server says
///    so, and a 409 with `x-should-retry: false` never is).
/// 2. The server's own delay when it sent one (`retry-after-ms`, else `Retry-After`:
///    [`ErrorResponse::retry_after`]), capped at the policy's cap: `max_delay` (8 s by
///    default), or a longer [`max_retry_after`](RetryPolicy::max_retry_after) when one is
///    set. Honouring the server is what makes a 429 succeed; the cap keeps a misconfigured
///    server from parking a client for an hour. Not jittered: the server already chose when
///    it wants the client back (a zero delay, or an HTTP date already past by this
///    machine's clock, is a retry at once).
/// 3. Otherwise exponential backoff, `initial_delay * 2^attempt` capped at `max_delay`, with
///    "full jitter" (a uniformly random delay between zero and that value) so that many
///    clients failing together do not retry together.
///
/// The defaults, `2` retries, `0.5 s` initial, `8 s` max, are the OpenAI/Stainless SDKs'
/// backoff. Those SDKs also wait a server delay of up to 60 s; here the policy's one cap,
/// `max_delay`, bounds both unless [`max_retry_after`](RetryPolicy::max_retry_after)
/// lengthens it for server delays (`max_retry_after(Duration::from_secs(60))` waits as they do).
///
/// Two more answers serve a request loop such as `send_with_retry` (feature `reqwest`):
///
/// - [`delay_within_cap`](RetryPolicy::delay_within_cap) is [`delay`](RetryPolicy::delay)
///   except that a server-requested delay beyond the cap means "give up now" rather than
///   "wait the cap": a proxy saying `Retry-After: 3600` gets its error returned at once
///   instead of parking the caller, and instead of a retry the server said is too early.
/// - [`transport_delay`](RetryPolicy::transport_delay) is the delay after a failure without
///   a response (connection refused or reset, timeout): the same jittered backoff and the same
///   attempt budget, unless turned off with
///   [`retry_transport_errors(false)`](RetryPolicy::retry_transport_errors).
///
/// ```
/// use std::time::Duration;
/// use api_error_core::client::{ErrorResponse, RetryPolicy};
/// use http::{HeaderMap, HeaderValue, StatusCode};
///
/// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
///
/// // Deterministic: no jitter.
/// let policy = RetryPolicy::default().max_retries(4).jitter(false);
/// assert_eq!(policy.delay(0, &unavailable), Some(Duration::from_millis(500)));
/// assert_eq!(policy.delay(1, &unavailable), Some(Duration::from_secs(1)));
/// assert_eq!(policy.delay(3, &unavailable), Some(Duration::from_secs(4)));
/// assert_eq!(policy.delay(4, &unavailable), None); // attempts spent
///
/// // Full jitter with an injected source (here: always the middle of the range).
/// let policy = RetryPolicy::default().jitter_source(|| 0.5);
/// assert_eq!(policy.delay(1, &unavailable), Some(Duration::from_millis(500)));
///
/// // The server's Retry-After wins.
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", HeaderValue::from_static("3"));
/// let limited = ErrorResponse::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, b"");
/// assert_eq!(policy.delay(0, &limited), Some(Duration::from_secs(3)));
///
/// // Not retryable: a 404 is final.
/// let missing = ErrorResponse::from_parts(StatusCode::NOT_FOUND, &HeaderMap::new(), b"");
/// assert_eq!(policy.delay(0, &missing), None);
///
/// // A server delay beyond the cap (`max_delay`, 8 s by default): `delay` waits the cap,
/// // `delay_within_cap` gives up at once.
/// headers.insert("retry-after", HeaderValue::from_static("30"));
/// let busy = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &headers, b"");
/// assert_eq!(policy.delay(0, &busy), Some(Duration::from_secs(8)));
/// assert_eq!(policy.delay_within_cap(0, &busy), None);
/// // A longer cap for server delays alone (the backoff stays capped at `max_delay`).
/// let patient = policy.clone().max_retry_after(Duration::from_secs(60));
/// assert_eq!(patient.delay_within_cap(0, &busy), Some(Duration::from_secs(30)));
///
/// // No response at all (connection refused, timeout): backoff, same budget.
/// let policy = policy.jitter(false);
/// assert_eq!(policy.transport_delay(0), Some(Duration::from_millis(500)));
/// assert_eq!(policy.transport_delay(2), None);
/// assert_eq!(policy.retry_transport_errors(false).transport_delay(0), None);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
    /// A longer cap for server delays than `max_delay`, when set.
    max_retry_after: Option<Duration>,
    retry_transport_errors: bool,
    jitter: bool,
    source: Option<Arc<dyn Fn() -> f64 + Send + Sync>>,
}

impl RetryPolicy {
    /// Default number of retries: 2.
    ///
    /// ```
    /// use api_error_core::client::RetryPolicy;
    ///
    /// assert_eq!(RetryPolicy::DEFAULT_MAX_RETRIES, 2);
    /// ```
    pub const DEFAULT_MAX_RETRIES: u32 = 2;
    /// Default delay before the first retry, before jitter: 0.5 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::RetryPolicy;
    ///
    /// assert_eq!(RetryPolicy::DEFAULT_INITIAL_DELAY, Duration::from_millis(500));
    /// ```
    pub const DEFAULT_INITIAL_DELAY: Duration = Duration::from_millis(500);
    /// Default cap of the exponential backoff: 8 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::RetryPolicy;
    ///
    /// assert_eq!(RetryPolicy::DEFAULT_MAX_DELAY, Duration::from_secs(8));
    /// ```
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(8);
    /// Default cap of a server-requested delay (`Retry-After`, `retry-after-ms`): the
    /// policy's one cap, [`DEFAULT_MAX_DELAY`](RetryPolicy::DEFAULT_MAX_DELAY), until
    /// [`max_retry_after`](RetryPolicy::max_retry_after) sets a longer one.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::RetryPolicy;
    ///
    /// assert_eq!(RetryPolicy::DEFAULT_MAX_RETRY_AFTER, Duration::from_secs(8));
    /// assert_eq!(RetryPolicy::default().retry_after_cap(), RetryPolicy::DEFAULT_MAX_RETRY_AFTER);
    /// ```
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = Self::DEFAULT_MAX_DELAY;

    /// The default policy: 2 retries, 0.5 s initial delay, 8 s maximum, full jitter from a
    /// built-in random source, server delays honoured up to the same 8 s (a longer one is not
    /// waited for by `send_with_retry`), transport failures retried.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// let delay = RetryPolicy::new().delay(0, &unavailable);
    /// assert!(delay.is_some_and(|d| d <= Duration::from_millis(500)));
    /// ```
    #[must_use]
    pub fn new() -> RetryPolicy {
        RetryPolicy {
            max_retries: Self::DEFAULT_MAX_RETRIES,
            initial_delay: Self::DEFAULT_INITIAL_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            max_retry_after: None,
            retry_transport_errors: true,
            jitter: true,
            source: None,
        }
    }

    /// A policy that never retries.
    ///
    /// ```
    /// # use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// let error = ErrorResponse::from_parts(http::StatusCode::BAD_GATEWAY, &http::HeaderMap::new(), b"");
    /// assert_eq!(RetryPolicy::never().delay(0, &error), None);
    /// ```
    #[must_use]
    pub fn never() -> RetryPolicy {
        RetryPolicy::new().max_retries(0)
    }

    /// Sets how many times a request is retried (attempts `0..max_retries` get a delay).
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// let policy = RetryPolicy::new().max_retries(1);
    /// assert!(policy.delay(0, &unavailable).is_some());
    /// assert_eq!(policy.delay(1, &unavailable), None);
    /// ```
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the backoff delay before the first retry (before jitter).
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// let policy = RetryPolicy::new().initial_delay(Duration::from_millis(100)).jitter(false);
    /// assert_eq!(policy.delay(0, &unavailable), Some(Duration::from_millis(100)));
    /// assert_eq!(policy.delay(1, &unavailable), Some(Duration::from_millis(200)));
    /// ```
    #[must_use]
    pub fn initial_delay(mut self, initial_delay: Duration) -> Self {
        self.initial_delay = initial_delay;
        self
    }

    /// Sets the cap of the exponential backoff.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// let policy = RetryPolicy::new().max_retries(5).max_delay(Duration::from_secs(1)).jitter(false);
    /// assert_eq!(policy.delay(4, &unavailable), Some(Duration::from_secs(1)));
    /// ```
    ///
    /// It is also the cap of a server-requested delay unless
    /// [`max_retry_after`](RetryPolicy::max_retry_after) sets a longer one: a test that sets
    /// `max_delay(Duration::ZERO)` for speed makes `send_with_retry` give up at once on a 429
    /// with `Retry-After: 1` (a server delay beyond the cap is not waited for); turn the
    /// waiting off with [`jitter_source`](RetryPolicy::jitter_source)`(|| 0.0)` instead, which
    /// keeps the server's delays.
    #[must_use]
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Lets server-requested delays (`Retry-After`, `retry-after-ms`) be waited up to this
    /// long, beyond [`max_delay`](RetryPolicy::max_delay) (which alone caps them by default;
    /// the backoff stays capped at `max_delay`). The effective cap is the larger of the two.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", "120".parse().unwrap());
    /// let limited = ErrorResponse::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, b"");
    /// let patient = RetryPolicy::new().max_retry_after(Duration::from_secs(300));
    /// assert_eq!(patient.delay_within_cap(0, &limited), Some(Duration::from_secs(120)));
    /// assert_eq!(RetryPolicy::new().delay_within_cap(0, &limited), None);
    /// ```
    #[must_use]
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = Some(max_retry_after);
        self
    }

    /// Sets whether a failure without a response (connect error, timeout, connection closed
    /// before a response) is retried: `true` by default, as in the OpenAI/Stainless SDKs. See
    /// [`transport_delay`](RetryPolicy::transport_delay).
    ///
    /// ```
    /// use api_error_core::client::RetryPolicy;
    ///
    /// assert!(RetryPolicy::new().transport_delay(0).is_some());
    /// assert_eq!(RetryPolicy::new().retry_transport_errors(false).transport_delay(0), None);
    /// ```
    #[must_use]
    pub fn retry_transport_errors(mut self, retry: bool) -> Self {
        self.retry_transport_errors = retry;
        self
    }

    /// Turns full jitter on (the default) or off. Off, backoff delays are exactly
    /// [`backoff`](RetryPolicy::backoff).
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// // Without jitter, the backoff itself: 0.5 s, then 1 s.
    /// let policy = RetryPolicy::new().jitter(false);
    /// assert_eq!(policy.delay(0, &unavailable), Some(Duration::from_millis(500)));
    /// assert_eq!(policy.delay(1, &unavailable), Some(Duration::from_secs(1)));
    /// ```
    #[must_use]
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Turns jitter on with `source` as the random source: each call returns a number in
    /// `[0, 1)` by which the backoff delay is multiplied. Values outside `[0, 1]` are clamped,
    /// NaN counts as `1` (no jitter). Inject a fixed or seeded source to make tests
    /// deterministic.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// // A source that always says "half way": half the backoff.
    /// let policy = RetryPolicy::new().jitter_source(|| 0.5);
    /// assert_eq!(policy.delay(0, &unavailable), Some(Duration::from_millis(250)));
    /// ```
    #[must_use]
    pub fn jitter_source<F>(mut self, source: F) -> Self
    where
        F: Fn() -> f64 + Send + Sync + 'static,
    {
        self.jitter = true;
        self.source = Some(Arc::new(source));
        self
    }

    /// How long to wait before retry number `attempt` (0 = the first retry) after `error`, or
    /// `None` to give up. See the [type docs](RetryPolicy) for the rules.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let unavailable = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    /// let policy = RetryPolicy::new();
    /// assert!(policy.delay(0, &unavailable).is_some());
    /// // A 404 is not retried.
    /// let missing = ErrorResponse::from_parts(StatusCode::NOT_FOUND, &HeaderMap::new(), b"");
    /// assert_eq!(policy.delay(0, &missing), None);
    /// ```
    pub fn delay(&self, attempt: u32, error: &ErrorResponse) -> Option<Duration> {
        if attempt >= self.max_retries || !error.is_retryable() {
            return None;
        }
        if let Some(requested) = error.retry_after() {
            return Some(requested.min(self.retry_after_cap()));
        }
        Some(self.jittered_backoff(attempt))
    }

    /// As [`delay`](RetryPolicy::delay), except that when the server asked for a delay longer
    /// than [`retry_after_cap`](RetryPolicy::retry_after_cap) the answer is `None`: return the
    /// error now rather than wait the cap and retry before the server wants it back. This is
    /// what `send_with_retry` (feature `reqwest`) uses.
    ///
    /// With a cap of a day, a `Retry-After` of two hours is waited in full, and one of two
    /// days is not waited for.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use api_error_core::client::{ErrorResponse, RetryPolicy};
    /// # use http::{HeaderMap, HeaderValue, StatusCode};
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after-ms", HeaderValue::from_static("1500"));
    /// let limited = ErrorResponse::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, b"");
    ///
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.delay_within_cap(0, &limited), Some(Duration::from_millis(1500)));
    /// let impatient = policy.max_delay(Duration::from_secs(1));
    /// assert_eq!(impatient.delay_within_cap(0, &limited), None);
    /// ```
    pub fn delay_within_cap(&self, attempt: u32, error: &ErrorResponse) -> Option<Duration> {
        if error
            .retry_after()
            .is_some_and(|requested| requested > self.retry_after_cap())
        {
            return None;
        }
        self.delay(attempt, error)
    }

    /// How long to wait before retry number `attempt` after a failure that produced no
    /// response (connect error, timeout, connection closed before a response), or `None` to
    /// give up: the jittered backoff of [`delay`](RetryPolicy::delay), within the same
    /// `max_retries`; always `None` when
    /// [`retry_transport_errors`](RetryPolicy::retry_transport_errors) is off.
    ///
    /// ```
    /// use std::time::Duration;
    /// use api_error_core::client::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new().jitter(false);
    /// assert_eq!(policy.transport_delay(0), Some(Duration::from_millis(500)));
    /// assert_eq!(policy.transport_delay(2), None);
    /// ```
    pub fn transport_delay(&self, attempt: u32) -> Option<Duration> {
        if !self.retry_transport_errors || attempt >= self.max_retries {
            return None;
        }
        Some(self.jittered_backoff(attempt))
    }

    /// The longest server-requested delay (`Retry-After`, `retry-after-ms`) this policy
    /// waits: [`max_delay`](RetryPolicy::max_delay), or
    /// [`max_retry_after`](RetryPolicy::max_retry_after) when that was set longer.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use api_error_core::client::RetryPolicy;
    /// assert_eq!(RetryPolicy::default().retry_after_cap(), Duration::from_secs(8));
    /// let impatient = RetryPolicy::default().max_delay(Duration::from_secs(1));
    /// assert_eq!(impatient.retry_after_cap(), Duration::from_secs(1));
    /// let patient = impatient.max_retry_after(Duration::from_secs(60));
    /// assert_eq!(patient.retry_after_cap(), Duration::from_secs(60));
    /// ```
    pub fn retry_after_cap(&self) -> Duration {
        self.max_retry_after
            .map_or(self.max_delay, |longer| longer.max(self.max_delay))
    }

    /// The backoff for retry number `attempt`, with full jitter when it is on.
    fn jittered_backoff(&self, attempt: u32) -> Duration {
        let backoff = self.backoff(attempt);
        if !self.jitter {
            return backoff;
        }
        let factor = match &self.source {
            Some(source) => source(),
            None => random_unit(),
        };
        scale(backoff, factor)
    }

    /// The backoff before jitter for retry number `attempt`: `initial_delay * 2^attempt`,
    /// capped at `max_delay`, without overflow for any `attempt`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use api_error_core::client::RetryPolicy;
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.backoff(0), Duration::from_millis(500));
    /// assert_eq!(policy.backoff(4), Duration::from_secs(8));
    /// assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(8));
    /// ```
    pub fn backoff(&self, attempt: u32) -> Duration {
        match 1u32.checked_shl(attempt) {
            Some(factor) => self
                .initial_delay
                .saturating_mul(factor)
                .min(self.max_delay),
            None => self.max_delay,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match (self.jitter, &self.source) {
            (false, _) => "off",
            (true, None) => "built-in",
            (true, Some(_)) => "custom",
        };
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("initial_delay", &self.initial_delay)
            .field("max_delay", &self.max_delay)
            .field("max_retry_after", &self.max_retry_after)
            .field("retry_transport_errors", &self.retry_transport_errors)
            .field("jitter", &source)
            .finish()
    }
}

/// `duration * factor`, with `factor` clamped to `[0, 1]` (NaN: 1); never panics.
fn scale(duration: Duration, factor: f64) -> Duration {
    let factor = if factor.is_nan() {
        1.0
    } else {
        factor.clamp(0.0, 1.0)
    };
    Duration::try_from_secs_f64(duration.as_secs_f64() * factor)
        .unwrap_or(duration)
        .min(duration)
}

/// A number in `[0, 1)` that is random enough for jitter (not for anything else).
fn random_unit() -> f64 {
    // The top 53 bits, as a float in [0, 1).
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// 64 random bits: std's SipHash under a fresh `RandomState` (keys drawn from the operating
/// system's random source once per thread, then stepped for every new state) over a
/// process-wide counter and the clock. No dependency needed. Unique within a process (the
/// counter) and unpredictable across processes (the keys); not for cryptography.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_unit_is_in_range_and_varies() {
        let values: Vec<f64> = (0..1000).map(|_| random_unit()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = values.iter().sum::<f64>() / 1000.0;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
    }

    #[test]
    fn scale_never_panics() {
        for factor in [f64::NAN, f64::INFINITY, -1.0, 0.0, 0.5, 1.0, 2.0] {
            for d in [Duration::ZERO, Duration::from_secs(1), Duration::MAX] {
                assert!(scale(d, factor) <= d);
            }
        }
        assert_eq!(
            scale(Duration::from_secs(2), 0.25),
            Duration::from_millis(500)
        );
    }
}
