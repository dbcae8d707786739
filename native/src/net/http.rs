//! The HTTP client every remote read goes through: one `ureq` agent (rustls, keep-alive), at
//! most `connections` requests in flight, redirects followed here (so that credentials go only
//! to the host they belong to), retries with backoff on 429, 5xx, resets and cut-off bodies,
//! and counters of requests and bytes for the progress bar and the benchmarks. Messages name
//! no URL: the record or line that shows them does.
//!
//! Credentials come from the URL's `user:pass@` or from `~/.netrc` ([`super::auth`]); they
//! are sent as a `Basic` header and never reach a message: every URL in an error is redacted
//! as pip's `redact_auth_from_url` does.

use super::auth::{self, Credentials};
use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use ureq::http;

/// The most redirects followed for one request (pip's `requests` follows 30; 10 is plenty for
/// an index).
const MAX_REDIRECTS: usize = 10;

/// How a client behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The most requests in flight at once.
    pub connections: usize,
    /// Connect, response and idle-read timeout.
    pub timeout: Duration,
    /// Retries after the first try (429, 5xx, resets, cut-off bodies).
    pub retries: u32,
    /// The first wait before a retry; doubled at each retry.
    pub backoff: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            connections: 8,
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// Why a request failed: a message with every URL redacted, and whether trying again may help.
#[derive(Debug, Clone)]
pub struct NetError {
    /// What went wrong, for people (no credentials).
    pub message: String,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// Whether a retry may succeed (429, 5xx, a reset, a body cut short).
    pub transient: bool,
}

impl NetError {
    /// A failure that trying again will not cure.
    pub fn fatal(message: impl Into<String>) -> Self {
        NetError {
            message: auth::redact_text(&message.into()),
            status: None,
            transient: false,
        }
    }

    fn transient(message: impl Into<String>) -> Self {
        NetError {
            transient: true,
            ..NetError::fatal(message)
        }
    }
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NetError {}

/// A response whose status and headers are read and whose body is not yet.
pub struct Response {
    /// The status code (never a redirect: those are followed).
    pub status: u16,
    /// The URL that answered, after redirects (with its credentials, for resolving links).
    pub url: String,
    /// The headers.
    pub headers: http::HeaderMap,
    body: ureq::Body,
    counters: Arc<Counters>,
}

impl Response {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The declared body length, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length")?.trim().parse().ok()
    }

    /// The whole body, refusing more than `limit` bytes (a declared length over it is refused
    /// before anything is read).
    pub fn bytes(mut self, limit: u64) -> Result<Vec<u8>, NetError> {
        if let Some(len) = self.content_length().filter(|&len| len > limit) {
            return Err(NetError::fatal(format!(
                "the server announces {len} bytes, more than the {limit} pkglens reads"
            )));
        }
        let mut out = Vec::new();
        let announced = self.content_length();
        let mut reader = self.reader();
        if let Err(err) = reader.by_ref().take(limit + 1).read_to_end(&mut out) {
            return Err(cut_short(out.len() as u64, announced, &err));
        }
        if out.len() as u64 > limit {
            return Err(NetError::fatal(format!(
                "the body is larger than the {limit} bytes pkglens reads"
            )));
        }
        Ok(out)
    }

    /// The body as a reader, counting bytes.
    pub fn reader(&mut self) -> impl Read + '_ {
        Counted {
            inner: self.body.as_reader(),
            counters: &self.counters,
        }
    }
}

/// A body that stopped after `got` bytes of the `announced`: a reset or a closed connection,
/// which a retry may cure.
pub fn cut_short(got: u64, announced: Option<u64>, err: &std::io::Error) -> NetError {
    let of = announced
        .map(|len| format!(" of {len}"))
        .unwrap_or_default();
    NetError::transient(format!(
        "the body ended after {got}{of} bytes ({})",
        describe_io(err).to_lowercase()
    ))
}

fn describe_io(err: &std::io::Error) -> String {
    let text = err.to_string();
    if text.is_empty() {
        format!("{:?}", err.kind())
    } else {
        text
    }
}

struct Counted<'a, R> {
    inner: R,
    counters: &'a Counters,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counters.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Requests made and body bytes received, over the client's life.
#[derive(Debug, Default)]
pub struct Counters {
    /// HTTP requests sent (retries and redirects included).
    pub requests: AtomicU64,
    /// Body bytes received.
    pub bytes: AtomicU64,
    /// Of those, the bytes of index pages.
    pub page_bytes: AtomicU64,
}

/// A counting semaphore: the bound on requests in flight.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn take(&self) -> SlotGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        SlotGuard(self)
    }
}

struct SlotGuard<'a>(&'a Slots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Resolves each host once per run. ureq resolves a host before every request, even one sent
/// on a kept-alive connection; a DNS server that drops some of many parallel queries (this
/// machine's does) then costs glibc's 5-second retry again and again (measured: a tree of 97
/// packages took 46 s, and more connections made it slower). One lookup at a time, then
/// none.
#[derive(Debug, Default)]
struct OnceResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    known: Mutex<HashMap<String, ureq::unversioned::resolver::ResolvedSocketAddrs>>,
}

impl ureq::unversioned::resolver::Resolver for OnceResolver {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map_or("", |a| a.as_str())
        );
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(addresses) = known.get(&key) {
            return Ok(addresses.clone());
        }
        // Held while resolving: the other threads wait for this answer instead of asking too.
        let addresses = self.inner.resolve(uri, config, timeout)?;
        known.insert(key, addresses.clone());
        Ok(addresses)
    }
}

/// The HTTP client. Cheap to share (`Arc`).
pub struct Client {
    agent: ureq::Agent,
    slots: Slots,
    settings: Settings,
    netrc: Vec<auth::NetrcEntry>,
    /// What was sent and received.
    pub counters: Arc<Counters>,
}

impl Client {
    /// A client with TLS roots from `SSL_CERT_FILE` or the system's bundle, proxies from
    /// `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`, and credentials from `~/.netrc` (or `NETRC`).
    pub fn new(settings: Settings) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(settings.timeout))
            .timeout_recv_response(Some(settings.timeout))
            .timeout_per_read(Some(settings.timeout))
            .max_idle_connections_per_host(settings.connections.max(1))
            .max_idle_connections(settings.connections.max(1) * 4)
            .user_agent(concat!("pkglens/", env!("CARGO_PKG_VERSION")))
            .proxy(ureq::Proxy::try_from_env())
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(auth::root_certs())
                    .build(),
            )
            .build();
        Client {
            agent: ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::new(),
                OnceResolver::default(),
            ),
            slots: Slots {
                free: Mutex::new(settings.connections.max(1)),
                freed: Condvar::new(),
            },
            netrc: auth::read_netrc(),
            settings,
            counters: Arc::new(Counters::default()),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries are spent, waiting
    /// `backoff * 2^n` (or the server's `Retry-After`, capped at 30 s) between tries.
    pub fn retrying<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, (NetError, Option<Duration>)>,
    ) -> Result<T, NetError> {
        let mut tries = 0;
        loop {
            match attempt() {
                Ok(value) => return Ok(value),
                Err((err, wait)) if err.transient && tries < self.settings.retries => {
                    let backoff = self.settings.backoff * 2u32.saturating_pow(tries);
                    std::thread::sleep(wait.unwrap_or(backoff).min(Duration::from_secs(30)));
                    tries += 1;
                }
                Err((err, _)) => return Err(err),
            }
        }
    }

    /// One GET of `url` with `headers`, redirects followed. A 429 or 5xx is an error marked
    /// transient (with the server's `Retry-After`); any other status is the caller's to judge.
    /// Not retried: see [`Client::get`].
    pub fn send(
        &self,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Response, (NetError, Option<Duration>)> {
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let (bare, credentials) = auth::split_credentials(&current);
            let credentials = credentials.or_else(|| auth::netrc_for(&self.netrc, &bare));
            let mut request = self.agent.get(&bare);
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            if let Some(Credentials { user, password }) = &credentials {
                request = request.header("Authorization", auth::basic(user, password));
            }
            let response = {
                let _slot = self.slots.take();
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                request.call()
            };
            let response = response.map_err(|e| (request_error(&e), None))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        let message = format!("HTTP {status} without a Location");
                        (NetError::fatal(message), None)
                    })?;
                current = auth::join(&current, location).ok_or_else(|| {
                    let message = "a redirect to a URL that is not http or https";
                    (NetError::fatal(message), None)
                })?;
                continue;
            }
            let (parts, body) = response.into_parts();
            if status == 429 || status >= 500 {
                let wait = parts
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let mut err = NetError::transient(format!("HTTP {status}{}", reason(status)));
                err.status = Some(status);
                return Err((err, wait));
            }
            return Ok(Response {
                status,
                url: current,
                headers: parts.headers,
                body,
                counters: Arc::clone(&self.counters),
            });
        }
        Err((
            NetError::fatal(format!("more than {MAX_REDIRECTS} redirects")),
            None,
        ))
    }

    /// GET `url` whole (at most `limit` bytes), retried: `Ok((status, response headers,
    /// body))` for any status that is not retried, the body of a 2xx only.
    pub fn get(
        &self,
        url: &str,
        headers: &[(&str, String)],
        limit: u64,
    ) -> Result<Fetched, NetError> {
        self.retrying(|| {
            let response = self.send(url, headers)?;
            let (status, final_url, head) = (
                response.status,
                response.url.clone(),
                response.headers.clone(),
            );
            let body = if (200..300).contains(&status) {
                response.bytes(limit).map_err(|e| (e, None))?
            } else {
                Vec::new()
            };
            Ok(Fetched {
                status,
                url: final_url,
                headers: head,
                body,
            })
        })
    }
}

/// A response read whole.
pub struct Fetched {
    /// The status code.
    pub status: u16,
    /// The URL that answered, after redirects.
    pub url: String,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body (empty unless the status is 2xx).
    pub body: Vec<u8>,
}

impl Fetched {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// An error of `status`, as users see it.
pub fn status_error(status: u16) -> NetError {
    let mut err = NetError::fatal(format!("HTTP {status}{}", reason(status)));
    err.status = Some(status);
    err
}

fn reason(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// A transport failure: connection resets, refusals and timeouts may pass; a bad URL or a TLS
/// failure will not.
fn request_error(err: &ureq::Error) -> NetError {
    let message = err.to_string();
    match err {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::TimedOut
            | std::io::ErrorKind::Interrupted => NetError::transient(message),
            _ => NetError::fatal(message),
        },
        ureq::Error::Timeout(_) | ureq::Error::Protocol(_) => NetError::transient(message),
        _ => NetError::fatal(message),
    }
}
