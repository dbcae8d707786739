//! A package index (the "simple" repository API): a project's page, as PEP 691 JSON or PEP 503
//! HTML, its files, and the file pip would pick for a requirement on a target, read fewest
//! bytes first: the PEP 658/714 metadata file when the index offers one, else the wheel's
//! ranges ([`super::remote_wheel`]), else (no wheel at all) the sdist's `PKG-INFO`, marked
//! `dynamic` where PEP 643 says its requirements are not reliable.

use super::auth;
use super::cache::Cache;
use super::http::{status_error, Client, NetError};
use super::remote_wheel::{self, hex, Target};
use crate::read::Parsed;
use pkglens_core::{hash_mismatch, index_files, normalize_name, parse_sdist, sdist_dynamic_reason};
use pkglens_core::{parse_index_html, parse_index_json, Candidate, IndexFile};
use pkglens_core::{ErrorKind, Format, ParseError, Record};
use sha2::{Digest, Sha256};

/// The largest index page read.
const MAX_PAGE: u64 = 64 << 20;

/// The largest sdist downloaded to read its `PKG-INFO`.
const MAX_SDIST: u64 = 256 << 20;

/// What pip sends: JSON preferred, HTML accepted.
const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

/// The index page of `name` under `index`: its files, or why it could not be read (a 404 is
/// "no such project").
pub fn project_files(
    client: &Client,
    cache: &Cache,
    index: &str,
    name: &str,
) -> Result<Vec<IndexFile>, NetError> {
    let base = if index.ends_with('/') {
        index.to_owned()
    } else {
        format!("{index}/")
    };
    let url = format!("{base}{}/", normalize_name(name));
    let page = cache.page(client, &url, ACCEPT, MAX_PAGE)?;
    match page.status {
        200..=299 => {}
        404 => {
            return Err(NetError::fatal(format!(
                "no project named {name} on {}",
                auth::redact(&base)
            )))
        }
        status => return Err(status_error(status)),
    }
    let json = page
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("json"));
    let text = String::from_utf8_lossy(&page.body);
    if json {
        parse_json(&page.url, &text).map_err(NetError::fatal)
    } else {
        Ok(parse_html(&page.url, &text))
    }
}

/// The files of a PEP 691 JSON page, their links resolved against `page_url`.
pub fn parse_json(page_url: &str, text: &str) -> Result<Vec<IndexFile>, String> {
    Ok(index_files(page_url, parse_index_json(text)?, &auth::join))
}

/// The files of a PEP 503 HTML page, their links resolved against its `<base href>`, else
/// against `page_url`.
pub fn parse_html(page_url: &str, text: &str) -> Vec<IndexFile> {
    index_files(page_url, parse_index_html(text), &auth::join)
}

/// The record of the chosen file: the PEP 658 metadata file when offered (a wheel's or an
/// sdist's), else the wheel by ranges, else the sdist's `PKG-INFO`.
pub fn read_candidate(client: &Client, candidate: &Candidate) -> Parsed {
    let file = &candidate.file;
    let shown = auth::redact(&file.url).into_owned();
    let sdist = candidate.tag_rank.is_none();
    if let Some(hash) = &file.metadata {
        if let Some(parsed) = read_offered_metadata(client, candidate, hash, &shown) {
            return parsed;
        }
    }
    if sdist {
        return read_sdist(client, file, &shown);
    }
    let target = Target {
        url: &file.url,
        shown,
        sha256: file.sha256.clone(),
    };
    remote_wheel::read(client, &target)
}

/// The PEP 658 metadata file the index offers for the candidate (a wheel's or an sdist's),
/// its hash checked: its record, or the error of a wrong hash or the network (said, not worked
/// around); `None` when the index offers it but does not serve it (4xx): the file itself is
/// read instead.
fn read_offered_metadata(
    client: &Client,
    candidate: &Candidate,
    hash: &Option<String>,
    shown: &str,
) -> Option<Parsed> {
    let file = &candidate.file;
    let sdist = candidate.tag_rank.is_none();
    let url = format!("{}.metadata", file.url);
    let target = Target {
        url: &url,
        shown: shown.to_owned(),
        sha256: hash.clone(),
    };
    match remote_wheel::fetch_metadata(client, &target) {
        Ok(bytes) if sdist => Some(remote_wheel::parse_sdist_metadata(&target, &bytes)),
        Ok(bytes) => Some(remote_wheel::parse_metadata(
            &target,
            &file.filename,
            &bytes,
        )),
        Err(err) if err.status.is_some_and(|s| (400..500).contains(&s)) => None,
        Err(err) => {
            let format = if sdist { Format::Sdist } else { Format::Wheel };
            let error = ParseError::whole(shown, Some(format), ErrorKind::Io, err.message);
            Some((Record::from_error(&error), Some(error)))
        }
    }
}

/// An sdist downloaded whole (it cannot be read by ranges: a compressed tar), its hash
/// checked, its `PKG-INFO` read; marked `dynamic` per PEP 643: all of it before metadata 2.2,
/// else the fields it declares `Dynamic`.
fn read_sdist(client: &Client, file: &IndexFile, shown: &str) -> Parsed {
    let failed = |message: String| {
        let err = ParseError::whole(shown, Some(Format::Sdist), ErrorKind::Io, message);
        (Record::from_error(&err), Some(err))
    };
    let fetched = match client.get(&file.url, &[], MAX_SDIST) {
        Ok(f) if (200..300).contains(&f.status) => f,
        Ok(f) => return failed(status_error(f.status).message),
        Err(err) => return failed(err.message),
    };
    if let Some(want) = &file.sha256 {
        let got = hex(&Sha256::digest(&fetched.body));
        if &got != want {
            return failed(hash_mismatch(want, &got));
        }
    }
    let mut record = match parse_sdist(shown, &fetched.body) {
        Ok(record) => record,
        Err(err) => return (Record::from_error(&err), Some(err)),
    };
    let reason = sdist_dynamic_reason(&record);
    if let Some(reason) = reason {
        record.mark_dynamic(reason);
    }
    (record, None)
}
