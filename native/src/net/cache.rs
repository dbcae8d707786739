//! The disk cache of remote reads: index pages kept with their `ETag` and `Last-Modified` and
//! revalidated on every use (a 304 costs no body), and the records of files, which never
//! change once published (an index serves a file name once), kept by their URL and hash.
//!
//! Layout under the cache folder (default `$XDG_CACHE_HOME/pkglens`, else
//! `~/.cache/pkglens`): `pages/<key>.json` (what the page's validators and type were) beside
//! `pages/<key>.body`, and `records/<key>.json`; a key is the SHA-256 of what names the entry,
//! never a URL's credentials. Entries are written to a temporary file and renamed, so a
//! reader never sees half of one; a damaged entry is a miss.

use super::auth;
use super::http::{Client, NetError};
use super::remote_wheel::hex;
use crate::read::Parsed;
use pkglens_core::{Record, Status};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where the cache lives, if it is used.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

/// An index page, fresh or revalidated.
pub struct Page {
    /// The status (a revalidated page is 200).
    pub status: u16,
    /// The URL that answered (links are relative to it).
    pub url: String,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// What is kept of a page beside its body.
#[derive(Serialize, Deserialize)]
struct PageMeta {
    url: String,
    content_type: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl Cache {
    /// No cache (`--no-cache`).
    pub fn disabled() -> Self {
        Cache { dir: None }
    }

    /// The cache in `dir`, else in the user's cache folder.
    pub fn at(dir: Option<PathBuf>) -> Self {
        let dir = dir.or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|base| base.join("pkglens"))
        });
        Cache { dir }
    }

    fn path(&self, kind: &str, key: &str, ext: &str) -> Option<PathBuf> {
        let digest = hex(&Sha256::digest(key.as_bytes()));
        Some(
            self.dir
                .as_ref()?
                .join(kind)
                .join(format!("{digest}.{ext}")),
        )
    }

    /// The page at `url`: revalidated when cached (`If-None-Match`, `If-Modified-Since`),
    /// fetched and kept otherwise.
    pub fn page(
        &self,
        client: &Client,
        url: &str,
        accept: &str,
        limit: u64,
    ) -> Result<Page, NetError> {
        let (bare, _) = auth::split_credentials(url);
        let key = format!("{bare}\n{accept}");
        let meta_path = self.path("pages", &key, "json");
        let body_path = self.path("pages", &key, "body");
        let cached = meta_path
            .as_ref()
            .zip(body_path.as_ref())
            .and_then(|(m, b)| {
                let meta: PageMeta = serde_json::from_slice(&std::fs::read(m).ok()?).ok()?;
                Some((meta, std::fs::read(b).ok()?))
            });
        let mut headers = vec![("Accept", accept.to_owned())];
        if let Some((meta, _)) = &cached {
            if let Some(etag) = &meta.etag {
                headers.push(("If-None-Match", etag.clone()));
            }
            if let Some(date) = &meta.last_modified {
                headers.push(("If-Modified-Since", date.clone()));
            }
        }
        let fetched = client.get(url, &headers, limit)?;
        client.counters.page_bytes.fetch_add(
            fetched.body.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        if fetched.status == 304 {
            if let Some((meta, body)) = cached {
                return Ok(Page {
                    status: 200,
                    url: with_credentials(url, &meta.url),
                    content_type: meta.content_type,
                    body,
                });
            }
        }
        let page = Page {
            status: fetched.status,
            url: fetched.url.clone(),
            content_type: fetched.header("content-type").map(str::to_owned),
            body: fetched.body,
        };
        let validators =
            (fetched.headers.get("etag").and_then(|v| v.to_str().ok())).map(str::to_owned);
        let last_modified = fetched
            .headers
            .get("last-modified")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if (200..300).contains(&page.status) && (validators.is_some() || last_modified.is_some()) {
            if let (Some(m), Some(b)) = (meta_path, body_path) {
                let meta = PageMeta {
                    url: auth::split_credentials(&page.url).0,
                    content_type: page.content_type.clone(),
                    etag: validators,
                    last_modified,
                };
                if let Ok(json) = serde_json::to_vec(&meta) {
                    // The body first: a meta file always has its body.
                    let _ =
                        write_atomically(&b, &page.body).and_then(|()| write_atomically(&m, &json));
                }
            }
        }
        Ok(page)
    }

    /// The record of the immutable file `key` (its URL and hash): from the cache, else
    /// `load`ed and kept when it was read (an error of the network is not kept).
    pub fn record(&self, key: &str, load: impl FnOnce() -> Parsed) -> Parsed {
        let key = format!("{}\n{key}", env!("CARGO_PKG_VERSION"));
        let path = self.path("records", &key, "json");
        if let Some(record) = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice::<Record>(&bytes).ok())
        {
            return (record, None);
        }
        let parsed = load();
        if parsed.0.status != Status::Error {
            if let Some(path) = path {
                if let Ok(json) = serde_json::to_vec(&parsed.0) {
                    let _ = write_atomically(&path, &json);
                }
            }
        }
        parsed
    }
}

/// The URL a cached page came from, with the credentials of the URL asked for when it is the
/// same (links on the page then carry them, as they would fresh).
fn with_credentials(asked: &str, answered: &str) -> String {
    if auth::split_credentials(asked).0 == answered {
        asked.to_owned()
    } else {
        answered.to_owned()
    }
}

/// Writes `bytes` to `path` through a temporary file in its folder and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
