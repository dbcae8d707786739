//! A wheel's record over HTTP, fewest bytes first: core's [`WheelReader`] says which ranges it
//! needs and each is one `Range` request (the tail, which holds the end of central directory
//! and usually the whole directory; the directory when it is not all in the tail; the
//! `METADATA` member): three requests at most for a usual wheel. A server that ignores
//! `Range` sends the whole file: it is streamed to an unnamed temporary file (nothing is left
//! on disk whatever the exit: the kernel frees it with its last handle), its `sha256`
//! checked when one is known, and read there. A PEP 658 `<wheel>.metadata` file is read whole
//! and gives the wheel's own record.

use super::auth;
use super::cache::Cache;
use super::http::{cut_short, status_error, Client, NetError};
use crate::read::Parsed;
use pkglens_core::sha256_of_fragment;
use pkglens_core::{hash_mismatch, is_metadata_url, metadata_wheel, parse_content_range};
use pkglens_core::{is_sdist_metadata_url, parse_core_metadata};
use pkglens_core::{parse_wheel_metadata, ByteRange, Step, WheelReader, TAIL_BYTES as TAIL};
use pkglens_core::{ErrorKind, Format, ParseError, Record};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};

/// The largest wheel downloaded whole (when a server ignores `Range`).
pub const MAX_WHEEL: u64 = 4 << 30;

/// The largest METADATA file read.
pub const MAX_METADATA: u64 = 16 << 20;

/// A wheel, or its metadata file, to read.
pub struct Target<'a> {
    /// The URL requested (credentials and `#sha256=` included).
    pub url: &'a str,
    /// The path records show: the URL redacted, without its fragment.
    pub shown: String,
    /// The expected SHA-256 of what `url` serves, in hex (from the fragment or the index).
    pub sha256: Option<String>,
}

impl<'a> Target<'a> {
    /// The target of a URL given by a user: its `#sha256=` fragment is the expected hash.
    pub fn of_url(url: &'a str) -> Self {
        let (bare, fragment) = pkglens_core::split_fragment(url);
        Target {
            url,
            shown: auth::redact(bare).into_owned(),
            sha256: fragment.and_then(sha256_of_fragment),
        }
    }
}

/// The record of the wheel (or metadata file) at `target`. Never fails: a failure is a record
/// of kind `io` (the network) or of the wheel's own error kinds.
pub fn read(client: &Client, target: &Target) -> Parsed {
    if is_metadata_url(target.url) {
        return read_metadata(client, target, metadata_wheel(&target.shown));
    }
    if is_sdist_metadata_url(target.url) {
        return read_sdist_metadata(client, target);
    }
    match read_ranges(client, target) {
        Ok(parsed) => parsed,
        Err(err) => failed(&target.shown, err.kind, err.message),
    }
}

/// The record of the wheel (or metadata file) at a URL a user or a `name @ url` requirement
/// gave: kept in the cache by its hash when the URL's `#sha256=` fragment names one (the same
/// hash is the same file, whatever the URL), else read each time.
pub fn read_cached(client: &Client, cache: &Cache, url: &str) -> Parsed {
    let target = Target::of_url(url);
    match &target.sha256 {
        Some(hash) => {
            let key = format!(
                "{}#{hash}",
                auth::split_credentials(pkglens_core::split_fragment(url).0).0
            );
            cache.record(&key, || read(client, &target))
        }
        None => read(client, &target),
    }
}

/// A PEP 658 metadata file of the wheel `wheel`: fetched whole, its hash checked.
pub fn read_metadata(client: &Client, target: &Target, wheel: &str) -> Parsed {
    match fetch_metadata(client, target) {
        Ok(bytes) => parse_metadata(target, wheel, &bytes),
        Err(err) => net_failed(&target.shown, err),
    }
}

/// The bytes of a metadata file, its hash checked (a mismatch is an error without a status).
pub fn fetch_metadata(client: &Client, target: &Target) -> Result<Vec<u8>, NetError> {
    let fetched = client.get(target.url, &[], MAX_METADATA)?;
    if !(200..300).contains(&fetched.status) {
        return Err(status_error(fetched.status));
    }
    if let Some(want) = &target.sha256 {
        let got = hex(&Sha256::digest(&fetched.body));
        if &got != want {
            return Err(NetError::fatal(hash_mismatch(want, &got)));
        }
    }
    Ok(fetched.body)
}

/// An sdist's PEP 658 metadata file: the record its sdist gives (format `sdist`), marked
/// `dynamic` as PEP 643 says (see [`pkglens_core::sdist_dynamic_reason`]).
fn read_sdist_metadata(client: &Client, target: &Target) -> Parsed {
    match fetch_metadata(client, target) {
        Ok(bytes) => parse_sdist_metadata(target, &bytes),
        Err(err) => net_failed(&target.shown, err),
    }
}

/// The sdist record of an sdist's metadata file's bytes, PEP 643 applied.
pub fn parse_sdist_metadata(target: &Target, bytes: &[u8]) -> Parsed {
    match parse_core_metadata(&target.shown, Format::Sdist, bytes) {
        Ok(mut record) => {
            if let Some(reason) = pkglens_core::sdist_dynamic_reason(&record) {
                record.mark_dynamic(reason);
            }
            (record, None)
        }
        Err(err) => (Record::from_error(&err), Some(err)),
    }
}

/// The wheel record of a metadata file's bytes.
pub fn parse_metadata(target: &Target, wheel: &str, bytes: &[u8]) -> Parsed {
    match parse_wheel_metadata(&target.shown, wheel, bytes) {
        Ok(record) => (record, None),
        Err(err) => (Record::from_error(&err), Some(err)),
    }
}

/// A failure while reading: its kind and message.
struct Failure {
    kind: ErrorKind,
    message: String,
}

impl From<NetError> for Failure {
    fn from(err: NetError) -> Self {
        Failure {
            kind: ErrorKind::Io,
            message: err.message,
        }
    }
}

/// What a range request got: the bytes asked for, or the whole file (the server ignored
/// `Range`) in a temporary file.
enum Reply {
    Part { bytes: Vec<u8>, total: u64 },
    Whole(File),
}

/// Reads the wheel through range requests, or whole when the server ignores them.
fn read_ranges(client: &Client, target: &Target) -> Result<Parsed, Failure> {
    let first = match fetch(client, target, None)? {
        Reply::Whole(file) => return Ok(read_local(file, &target.shown)),
        Reply::Part { bytes, total } => (bytes, total),
    };
    let (bytes, total) = first;
    let mut reader = WheelReader::with_first_read(&target.shown, total, TAIL);
    let mut range = reader.first_read();
    if range.len != bytes.len() as u64 {
        return Err(Failure {
            kind: ErrorKind::Io,
            message: format!(
                "the server sent {} bytes of the last {}",
                bytes.len(),
                range.len
            ),
        });
    }
    let mut bytes = bytes;
    loop {
        match reader.feed(range, &bytes) {
            Step::Done(Ok(record)) => return Ok((record, None)),
            Step::Done(Err(err)) => return Ok((Record::from_error(&err), Some(err))),
            Step::Read(next) => range = next,
        }
        bytes = match fetch(client, target, Some(range))? {
            Reply::Part { bytes, total: t } if t == total => bytes,
            Reply::Part { .. } => {
                return Err(Failure {
                    kind: ErrorKind::Io,
                    message: "the file changed size between two requests".into(),
                })
            }
            Reply::Whole(file) => return Ok(read_local(file, &target.shown)),
        };
    }
}

/// One range request (`None`: the tail), retried as the client retries.
fn fetch(client: &Client, target: &Target, range: Option<ByteRange>) -> Result<Reply, Failure> {
    let header = match range {
        None => format!("bytes=-{TAIL}"),
        Some(r) => format!("bytes={}-{}", r.start, r.end().saturating_sub(1)),
    };
    let reply = client.retrying(|| {
        let mut response = client.send(target.url, &[("Range", header.clone())])?;
        match response.status {
            206 => {
                let (start, end, total) = response
                    .header("content-range")
                    .and_then(parse_content_range)
                    .ok_or_else(|| {
                        (
                            NetError::fatal("a 206 answer without a valid Content-Range"),
                            None,
                        )
                    })?;
                let want = match range {
                    Some(r) => (r.start, r.end()),
                    None => (total.saturating_sub(TAIL), total),
                };
                if (start, end) != want {
                    let message = format!(
                        "asked for bytes {}..{}, the server sent {start}..{end}",
                        want.0, want.1
                    );
                    return Err((NetError::fatal(message), None));
                }
                let bytes = response.bytes(end - start).map_err(|e| (e, None))?;
                if bytes.len() as u64 != end - start {
                    let message = format!(
                        "the body ended after {} of {} bytes",
                        bytes.len(),
                        end - start
                    );
                    return Err((NetError::fatal(message), None));
                }
                Ok(Reply::Part { bytes, total })
            }
            200 => download(&mut response, target)
                .map(Reply::Whole)
                .map_err(|e| (e, None)),
            status => Err((status_error(status), None)),
        }
    })?;
    Ok(reply)
}

/// Streams a whole response to an unnamed temporary file, checking its length against the
/// announced one and its SHA-256 against the expected one.
fn download(response: &mut super::http::Response, target: &Target) -> Result<File, NetError> {
    let announced = response.content_length();
    if let Some(len) = announced.filter(|&len| len > MAX_WHEEL) {
        return Err(NetError::fatal(format!(
            "the server announces {len} bytes, more than the {MAX_WHEEL} pkglens downloads"
        )));
    }
    let io = |e: std::io::Error| NetError::fatal(format!("temporary file: {e}"));
    let mut file = tempfile::tempfile().map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut reader = response.reader();
    let mut written: u64 = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cut_short(written, announced, &e)),
        };
        written += n as u64;
        if written > MAX_WHEEL {
            return Err(NetError::fatal(format!(
                "larger than the {MAX_WHEEL} bytes pkglens downloads"
            )));
        }
        hasher.update(&buffer[..n]);
        file.write_all(&buffer[..n]).map_err(io)?;
    }
    if let Some(len) = announced.filter(|&len| len != written) {
        let closed = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed");
        return Err(cut_short(written, Some(len), &closed));
    }
    if let Some(want) = &target.sha256 {
        let got = hex(&hasher.finalize());
        if &got != want {
            return Err(NetError::fatal(hash_mismatch(want, &got)));
        }
    }
    Ok(file)
}

/// The wheel downloaded whole, read as a local wheel is (positioned reads of what core asks).
fn read_local(file: File, shown: &str) -> Parsed {
    let size = match file.metadata() {
        Ok(meta) => meta.len(),
        Err(e) => return failed(shown, ErrorKind::Io, e.to_string()),
    };
    let mut reader = WheelReader::new(shown, size);
    let mut range = reader.first_read();
    loop {
        let mut buffer = vec![0u8; usize::try_from(range.len).unwrap_or(0)];
        if let Err(e) = std::os::unix::fs::FileExt::read_exact_at(&file, &mut buffer, range.start) {
            return failed(shown, ErrorKind::Io, e.to_string());
        }
        match reader.feed(range, &buffer) {
            Step::Read(next) => range = next,
            Step::Done(Ok(record)) => return (record, None),
            Step::Done(Err(err)) => return (Record::from_error(&err), Some(err)),
        }
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An error record of `shown` for a wheel.
fn failed(shown: &str, kind: ErrorKind, message: String) -> Parsed {
    let err = ParseError::whole(
        shown,
        Some(Format::Wheel),
        kind,
        auth::redact_text(&message),
    );
    (Record::from_error(&err), Some(err))
}

fn net_failed(shown: &str, err: NetError) -> Parsed {
    failed(shown, ErrorKind::Io, err.message)
}
