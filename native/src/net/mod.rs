//! The network edge: package metadata read over HTTP, fewest bytes first.
//!
//! - [`http`]: the client (bounded connections, keep-alive, retries, timeouts, TLS roots,
//!   proxies, credentials kept out of every message);
//! - [`auth`]: credentials (URL, `~/.netrc`), redaction, URL joining, TLS roots;
//! - [`remote_wheel`]: a wheel's record by range requests, or its PEP 658 metadata file;
//! - [`index`]: PEP 691/503 pages and the file pip would pick on a target;
//! - [`cache`]: index pages revalidated, records of immutable files kept;
//! - [`walk`]: the dependency tree from an index (core's prefetch walk);
//! - [`command`]: what `scan`, `graph`, `check` and `why` do with URLs and `--index-url`.

pub mod auth;
pub mod cache;
pub mod command;
pub mod http;
pub mod index;
pub mod remote_wheel;
pub mod walk;
