//! The dependency tree of requirements, read from an index: a serial, deterministic walk
//! (depth first, requirements in the order their metadata lists them) whose every discovered
//! requirement has its metadata fetched at once in the background by core's
//! [`prefetch_walk`]; the tree is the same whatever finishes first.
//!
//! The walk's rules (the newest match per name, kept: no backtracking; extras and markers
//! followed for the target) are core's [`IndexTree`], shared with the npm package. A direct
//! URL requirement (`name @ url`) to a wheel (or its PEP 658 metadata file) is read from that
//! URL, fewest bytes first, and followed; any other URL (a VCS, an sdist, a local file) is an
//! `unsupported` record in the tree, never fetched or built.

use super::cache::Cache;
use super::http::Client;
use super::index;
use super::remote_wheel;
use crate::read::Parsed;
use pkglens_core::{best_candidate, candidates, prefetch_walk, Executor, PrefetchOptions};
use pkglens_core::{IndexTree, Record, Requirement, TargetEnvironment};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use pkglens_core::Wanted;

/// What the index gave for a wanted package: the record of the file picked (or of why the
/// project could not be read), or nothing when no file matches.
pub type Found = Option<Parsed>;

/// A project's files, or why its page could not be read.
type Page = Result<Vec<pkglens_core::IndexFile>, String>;

/// Where packages come from: the client, the cache, the index and the target; project pages
/// are read once per run whatever asks for them.
pub struct Source {
    /// The HTTP client.
    pub client: Arc<Client>,
    /// The disk cache.
    pub cache: Cache,
    /// The index's base URL.
    pub index: String,
    /// The target environment.
    pub target: TargetEnvironment,
    pages: Mutex<HashMap<String, Arc<OnceLock<Page>>>>,
    /// Each file's record, read once however many requirements pick it.
    files_read: Mutex<HashMap<String, Arc<OnceLock<Parsed>>>>,
}

impl Source {
    /// A source over `index`.
    pub fn new(
        client: Arc<Client>,
        cache: Cache,
        index: String,
        target: TargetEnvironment,
    ) -> Self {
        Source {
            client,
            cache,
            index,
            target,
            pages: Mutex::new(HashMap::new()),
            files_read: Mutex::new(HashMap::new()),
        }
    }

    /// The files of a project, read once.
    fn files(&self, name: &str) -> Page {
        let slot = {
            let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(pages.entry(name.to_owned()).or_default())
        };
        slot.get_or_init(|| {
            index::project_files(&self.client, &self.cache, &self.index, name)
                .map_err(|e| e.message)
        })
        .clone()
    }

    /// The record of the file pip would pick for `wanted`, read fewest bytes first (from the
    /// cache when it was read before).
    pub fn find(&self, wanted: &Wanted) -> Found {
        if let Some(url) = &wanted.url {
            return Some(self.find_url(url));
        }
        let files = match self.files(&wanted.name) {
            Ok(files) => files,
            Err(message) => {
                let shown = format!("{}/{}/", self.index.trim_end_matches('/'), wanted.name);
                let err = pkglens_core::ParseError::whole(
                    &super::auth::redact(&shown),
                    None,
                    pkglens_core::ErrorKind::Io,
                    message,
                );
                return Some((Record::from_error(&err), Some(err)));
            }
        };
        let candidates = candidates(&files, &wanted.name, &self.target);
        let best = best_candidate(&candidates, &wanted.spec)?;
        let key = format!(
            "{}#{}",
            super::auth::split_credentials(&best.file.url).0,
            best.file.sha256.as_deref().unwrap_or("")
        );
        let slot = {
            let mut read = self.files_read.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(read.entry(key.clone()).or_default())
        };
        let parsed = slot.get_or_init(|| {
            self.cache
                .record(&key, || index::read_candidate(&self.client, best))
        });
        Some(parsed.clone())
    }

    /// The record of a direct URL requirement: a wheel or PEP 658 metadata URL is read as
    /// `pkglens scan URL` reads it; anything else is reported unread (core's rule).
    fn find_url(&self, url: &str) -> Parsed {
        match pkglens_core::direct_url_error(url) {
            None => remote_wheel::read_cached(&self.client, &self.cache, url),
            Some(err) => (Record::from_error(&err), Some(err)),
        }
    }
}

/// The records of the tree from `roots`: the package picked for each name, in the order the
/// walk reached them, and the requirements it could not find a file for.
/// `tick` is called once per package read.
pub fn walk(
    source: Arc<Source>,
    roots: &[Requirement],
    executor: Executor,
    tick: &dyn Fn(),
) -> Vec<Record> {
    let mut tree = IndexTree::new(roots, &source.target);
    let options = PrefetchOptions {
        executor,
        ahead: 256,
        ..PrefetchOptions::default()
    };
    let loader = Arc::clone(&source);
    prefetch_walk(
        tree.roots(),
        &options,
        move |wanted: &Wanted| loader.find(wanted),
        |wanted, found| {
            tick();
            tree.expand(wanted, found.as_ref().map(|(record, _)| record))
        },
    );
    tree.into_records()
}
