//! The dependency tree of requirements, read from an index: a serial, deterministic walk
//! (depth first, requirements in the order their metadata lists them) whose every discovered
//! requirement has its metadata fetched at once in the background by core's
//! [`prefetch_walk`]; the tree is the same whatever finishes first.
//!
//! Each name gets the newest version that matches the first requirement that reaches it, and
//! keeps it: there is no backtracking. A later requirement the pick does not satisfy is left
//! for the package set's checks to report (`unsatisfied`, `conflict`), not solved. Extras are
//! followed (a requirement's `[extra]` adds the package's requirements of that extra, also
//! when the name was picked at another version first), and markers are evaluated for the
//! target. A direct URL requirement (`name @ url`) to a wheel (or its PEP 658 metadata file)
//! is read from that URL, fewest bytes first, and followed; any other URL (a VCS, an sdist, a
//! local file) is an `unsupported` record in the tree, never fetched or built.

use super::cache::Cache;
use super::http::Client;
use super::index;
use super::remote_wheel;
use crate::read::Parsed;
use pkglens_core::{normalize_name, prefetch_walk, Executor, Marker, PrefetchOptions};
use pkglens_core::{Record, Requirement, TargetEnvironment};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// A requirement to resolve: a normalised name, its specifiers and its extras (sorted).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Wanted {
    /// The normalised name.
    pub name: String,
    /// The specifier set, as the record writes it.
    pub spec: String,
    /// The extras asked for, normalised and sorted.
    pub extras: Vec<String>,
    /// The direct URL of a `name @ url` requirement, read instead of the index.
    pub url: Option<String>,
}

impl Wanted {
    /// The wanted package of a requirement.
    pub fn of(requirement: &Requirement) -> Self {
        let mut extras: Vec<String> = requirement
            .extras
            .iter()
            .map(|e| normalize_name(e))
            .collect();
        extras.sort();
        extras.dedup();
        Wanted {
            name: normalize_name(&requirement.name),
            spec: requirement.spec.clone(),
            extras,
            url: requirement.url.clone(),
        }
    }
}

/// What the index gave for a wanted package: the record of the file picked (or of why the
/// project could not be read), or nothing when no file matches.
pub type Found = Option<Parsed>;

/// A project's files, or why its page could not be read.
type Page = Result<Vec<index::IndexFile>, String>;

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
        let candidates = index::candidates(&files, &wanted.name, &self.target);
        let best = index::best(&candidates, &wanted.spec)?;
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
    /// `pkglens scan URL` reads it; anything else would need a checkout or a build.
    fn find_url(&self, url: &str) -> Parsed {
        let (bare, _) = super::auth::split_fragment(url);
        let path = bare.split('?').next().unwrap_or(bare);
        let http = path.starts_with("https://") || path.starts_with("http://");
        if http && (path.ends_with(".whl") || remote_wheel::is_metadata_url(path)) {
            return remote_wheel::read_cached(&self.client, &self.cache, url);
        }
        let shown = super::auth::redact(bare).into_owned();
        let err = pkglens_core::ParseError::whole(
            &shown,
            None,
            pkglens_core::ErrorKind::Unsupported,
            String::from(
                "a direct URL requirement to something other than a wheel over HTTP: \
                 not followed (it would need a checkout or a build)",
            ),
        );
        (Record::from_error(&err), Some(err))
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
    let env = source.target.marker_environment();
    let wanted_roots: Vec<Wanted> = roots
        .iter()
        .filter(|r| applies(r, &env, &[]))
        .map(Wanted::of)
        .collect();
    let options = PrefetchOptions {
        executor,
        ahead: 256,
        ..PrefetchOptions::default()
    };
    // The name's pick: its version and the index of its record; and the extras followed.
    let mut picked: HashMap<String, (String, usize)> = HashMap::new();
    let mut followed: HashSet<(String, String)> = HashSet::new();
    let mut records: Vec<Record> = Vec::new();
    let loader = Arc::clone(&source);
    prefetch_walk(
        wanted_roots,
        &options,
        move |wanted: &Wanted| loader.find(wanted),
        |wanted, found| {
            tick();
            let Some((record, _)) = found else {
                return Vec::new();
            };
            let Some(package) = record.packages.first() else {
                if !picked.contains_key(&wanted.name) {
                    picked.insert(wanted.name.clone(), (String::new(), records.len()));
                    records.push(record.clone());
                }
                return Vec::new();
            };
            let index = match picked.get(&wanted.name) {
                // Another version may have been picked first: no backtracking (the checks
                // report the mismatch), but the extras asked for are followed on the pick.
                Some((_, index)) => *index,
                None => {
                    picked.insert(
                        wanted.name.clone(),
                        (package.version.clone(), records.len()),
                    );
                    records.push(record.clone());
                    records.len() - 1
                }
            };
            let package = &records[index].packages[0];
            // The base requirements once, then each extra once.
            let mut wanted_extras: Vec<Option<&str>> = vec![None];
            wanted_extras.extend(wanted.extras.iter().map(|e| Some(e.as_str())));
            let mut children = Vec::new();
            for extra in wanted_extras {
                let tag = extra.unwrap_or("").to_owned();
                if !followed.insert((wanted.name.clone(), tag)) {
                    continue;
                }
                let extras: Vec<String> = extra.map(str::to_owned).into_iter().collect();
                for requirement in &package.requires {
                    if !applies(requirement, &env, &extras) {
                        continue;
                    }
                    // Requirements of an extra are followed with that extra only.
                    if extra.is_some() && !has_extra_marker(requirement) {
                        continue;
                    }
                    children.push(Wanted::of(requirement));
                }
            }
            children
        },
    );
    records
}

/// Whether a requirement applies on the target with `extras` requested (no marker: always).
fn applies(
    requirement: &Requirement,
    env: &pkglens_core::MarkerEnvironment,
    extras: &[String],
) -> bool {
    match &requirement.marker {
        None => true,
        Some(text) => Marker::parse(text).is_some_and(|m| m.evaluate(env, extras)),
    }
}

/// Whether a requirement's marker mentions `extra` (it belongs to an extra).
fn has_extra_marker(requirement: &Requirement) -> bool {
    requirement
        .marker
        .as_deref()
        .is_some_and(|m| m.contains("extra"))
}
