//! The disk cache of remote reads: index pages kept with their `ETag` and `Last-Modified`,
//! used as they are while the server's `Cache-Control: max-age` says they are fresh (PyPI:
//! 10 minutes, as uv honours it; pip asks every time) and revalidated after (a 304 costs no
//! body), and the records of files, which never change once published (an index serves a file
//! name once), kept by their URL and hash.
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
    /// Until when (seconds since the epoch) the server said the page stays fresh
    /// (`Cache-Control: max-age`, as PyPI sends it): used without asking until then.
    #[serde(default)]
    fresh_until: u64,
}

/// Until when a response stays fresh: now plus its `max-age`; 0 when it says nothing.
fn fresh_until(fetched: &super::http::Fetched) -> u64 {
    fetched
        .header("cache-control")
        .and_then(max_age)
        .filter(|&age| age > 0)
        .map_or(0, |age| now().saturating_add(age))
}

/// Seconds since the epoch.
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `max-age` of a `Cache-Control` value, unless `no-cache` or `no-store` says not to keep it.
fn max_age(cache_control: &str) -> Option<u64> {
    let directives: Vec<String> = cache_control
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    if directives
        .iter()
        .any(|d| d == "no-cache" || d == "no-store")
    {
        return None;
    }
    directives
        .iter()
        .find_map(|d| d.strip_prefix("max-age=")?.trim().parse().ok())
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
        if let Some((meta, body)) = cached.as_ref().filter(|(m, _)| m.fresh_until > now()) {
            return Ok(Page {
                status: 200,
                url: with_credentials(url, &meta.url),
                content_type: meta.content_type.clone(),
                body: body.clone(),
            });
        }
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
            if let Some((mut meta, body)) = cached {
                // Fresh again for as long as the revalidation says.
                meta.fresh_until = fresh_until(&fetched);
                if let (Some(m), Ok(json)) = (&meta_path, serde_json::to_vec(&meta)) {
                    let _ = write_atomically(m, &json);
                }
                return Ok(Page {
                    status: 200,
                    url: with_credentials(url, &meta.url),
                    content_type: meta.content_type,
                    body,
                });
            }
        }
        let fresh_until = fresh_until(&fetched);
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
        if (200..300).contains(&page.status)
            && (validators.is_some() || last_modified.is_some() || fresh_until > 0)
        {
            if let (Some(m), Some(b)) = (meta_path, body_path) {
                let meta = PageMeta {
                    url: auth::split_credentials(&page.url).0,
                    content_type: page.content_type.clone(),
                    etag: validators,
                    last_modified,
                    fresh_until,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_as_a_cache_reads_it() {
        assert_eq!(max_age("max-age=600, public"), Some(600));
        assert_eq!(max_age("public, MAX-AGE=60"), Some(60));
        assert_eq!(max_age("max-age=600, no-cache"), None);
        assert_eq!(max_age("no-store"), None);
        assert_eq!(max_age("public"), None);
    }
}
