//! File discovery: a parallel, deterministic directory walk.
//!
//! Order is a depth-first walk with each directory's entries sorted by name as bytes, whatever
//! the thread count: each directory's entries are listed, sorted, and visited in parallel, and
//! the results are concatenated in sorted order. Skipped: version-control and build folders,
//! caches, `node_modules`, and inside a virtual environment everything but `site-packages`,
//! where only `*.dist-info` and `*.egg-info` folders are read. Symbolic links to directories
//! are not followed (they can make cycles); links to files are.

use pkglens_core::{detect_by_name, is_supported, Format};
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Something the walk found: a file to parse, or a place it could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A file and the format its name says it is.
    File {
        /// The path, as the root was given plus the walk's components.
        path: PathBuf,
        /// The detected format.
        format: Option<Format>,
    },
    /// A directory or file that could not be read.
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Folder names never entered.
const SKIPPED: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    "target",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// Walks `root`. A file root is returned as it is (detected by name only; the caller sniffs
/// content when the name says nothing). Run it inside the pool that should do the work.
pub fn walk(root: &Path) -> Vec<Found> {
    match fs::metadata(root) {
        Ok(meta) if meta.is_dir() => walk_dir(root, Place::Normal),
        Ok(_) => vec![Found::File {
            path: root.to_path_buf(),
            format: detect_by_name(&root.to_string_lossy()),
        }],
        Err(err) => vec![Found::Unreadable {
            path: root.to_path_buf(),
            message: describe(&err),
        }],
    }
}

/// Where in a tree a directory is: that decides what is read of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Normal,
    /// A virtual environment's root or `lib` folder: only the way to `site-packages`.
    Venv,
    /// A `site-packages`: only distribution metadata folders.
    SitePackages,
}

fn walk_dir(dir: &Path, place: Place) -> Vec<Found> {
    let mut entries: Vec<(PathBuf, bool)> = match fs::read_dir(dir) {
        Ok(iter) => iter
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let is_dir = entry.file_type().ok()?.is_dir();
                Some((entry.path(), is_dir))
            })
            .collect(),
        Err(err) => {
            return vec![Found::Unreadable {
                path: dir.to_path_buf(),
                message: describe(&err),
            }]
        }
    };
    entries.sort_unstable_by(|a, b| {
        a.0.file_name()
            .map(|n| n.as_encoded_bytes())
            .cmp(&b.0.file_name().map(|n| n.as_encoded_bytes()))
    });
    let is_venv =
        place == Place::Normal && entries.iter().any(|(p, d)| !d && p.ends_with("pyvenv.cfg"));
    let place = if is_venv { Place::Venv } else { place };
    let visit = |(path, is_dir): &(PathBuf, bool)| -> Vec<Found> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if *is_dir {
            match child_place(place, &name) {
                Some(child) => walk_dir(path, child),
                None => Vec::new(),
            }
        } else if place == Place::Normal {
            let format = detect_by_name(&name);
            match format {
                Some(f) if is_supported(f) => vec![Found::File {
                    path: path.clone(),
                    format,
                }],
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        }
    };
    if entries.len() < 2 {
        return entries.iter().flat_map(visit).collect();
    }
    let parts: Vec<Vec<Found>> = entries.par_iter().map(visit).collect();
    parts.concat()
}

/// Whether to enter a directory named `name` found in a `place`, and as what.
fn child_place(place: Place, name: &str) -> Option<Place> {
    match place {
        Place::Normal if SKIPPED.contains(&name) => None,
        Place::Normal if name == "site-packages" || name == "dist-packages" => {
            Some(Place::SitePackages)
        }
        Place::Normal => Some(Place::Normal),
        Place::Venv if name == "site-packages" || name == "dist-packages" => {
            Some(Place::SitePackages)
        }
        Place::Venv
            if name == "lib" || name == "Lib" || name == "lib64" || name.starts_with("python") =>
        {
            Some(Place::Venv)
        }
        Place::Venv => None,
        Place::SitePackages if name.ends_with(".dist-info") || name.ends_with(".egg-info") => {
            Some(Place::Normal)
        }
        Place::SitePackages => None,
    }
}

/// An I/O error in lower case, without Rust's "(os error N)" tail.
pub fn describe(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_owned();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x").unwrap();
    }

    fn names(found: &[Found], root: &Path) -> Vec<String> {
        found
            .iter()
            .map(|f| match f {
                Found::File { path, .. } => path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                Found::Unreadable { path, .. } => format!("!{}", path.display()),
            })
            .collect()
    }

    #[test]
    fn sorted_depth_first_with_skips_and_venvs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "b/PKG-INFO",
            "a/z.dist-info/METADATA",
            "a/B/PKG-INFO",
            "a/notes.txt",
            ".git/x/PKG-INFO",
            "node_modules/p/PKG-INFO",
            "venv/pyvenv.cfg",
            "venv/bin/PKG-INFO",
            "venv/lib/python3.12/site-packages/foo-1.0.dist-info/METADATA",
            "venv/lib/python3.12/site-packages/foo/PKG-INFO",
            "venv/lib/python3.12/site-packages/bar.egg-info/PKG-INFO",
        ] {
            touch(root, rel);
        }
        let expected = vec![
            "a/B/PKG-INFO",
            "a/z.dist-info/METADATA",
            "b/PKG-INFO",
            "venv/lib/python3.12/site-packages/bar.egg-info/PKG-INFO",
            "venv/lib/python3.12/site-packages/foo-1.0.dist-info/METADATA",
        ];
        let serial = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let parallel = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        assert_eq!(names(&serial.install(|| walk(root)), root), expected);
        assert_eq!(names(&parallel.install(|| walk(root)), root), expected);
    }

    #[test]
    fn a_missing_root_is_reported() {
        let found = walk(Path::new("/definitely/not/here"));
        assert!(
            matches!(&found[..], [Found::Unreadable { message, .. }] if message.contains("no such file"))
        );
    }
}
