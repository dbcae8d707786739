//! File discovery: a parallel, deterministic directory walk.
//!
//! Order is a depth-first walk with each directory's entries sorted by name as bytes, whatever
//! the thread count: each directory's entries are listed, sorted, and visited in parallel, and
//! the results are concatenated in sorted order. What is entered and read is decided by
//! [`pkglens_core::select`] (shared with the npm package, which has paths but no file system).
//! Skipped: version-control and build folders,
//! caches, `node_modules`, and inside a virtual environment everything but `site-packages`,
//! where only `*.dist-info` and `*.egg-info` folders are read. Symbolic links to directories
//! are not followed (they can make cycles); links to files are.

pub use pkglens_core::Place;
use pkglens_core::{detect_by_name, Choice, Format};
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
    /// A file passed over: its name, folder and siblings say no format pkglens reads.
    Skipped {
        /// The path.
        path: PathBuf,
        /// Why (`pkglens scan -v` prints it).
        reason: &'static str,
    },
    /// A directory or file that could not be read.
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Walks `root`. A file root is returned as it is, read whatever its name (detected by name
/// only here; the reader sniffs content when the name says nothing). Run it inside the pool
/// that should do the work.
pub fn walk(root: &Path) -> Vec<Found> {
    units(root, 0).into_iter().flat_map(Unit::expand).collect()
}

/// A piece of a walk: a file found, or a directory still to walk. Expanding the units of
/// [`units`] in order gives exactly [`walk`]'s list, so they can be walked, read and parsed in
/// parallel while the output keeps the walk's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A file (or a place that could not be read).
    Found(Found),
    /// A directory whose walk is left to [`Unit::expand`].
    Dir(PathBuf, Place),
}

impl Unit {
    /// Everything the unit holds, in walk order.
    pub fn expand(self) -> Vec<Found> {
        match self {
            Unit::Found(found) => vec![found],
            Unit::Dir(path, place) => walk_dir(&path, place),
        }
    }
}

/// Splits the walk of `root` into units: the root's entries, with directories opened level
/// by level until there are at least `target` units (or nothing left to open).
pub fn units(root: &Path, target: usize) -> Vec<Unit> {
    let mut units = match fs::metadata(root) {
        Ok(meta) if meta.is_dir() => {
            // The root's own name matters for a site-packages given itself (`.` and `..` are
            // named by where they lead).
            let name = match root.file_name() {
                Some(name) => Some(name.to_owned()),
                None => fs::canonicalize(root)
                    .ok()
                    .and_then(|p| p.file_name().map(ToOwned::to_owned)),
            };
            let place = Place::root(&name.unwrap_or_default().to_string_lossy());
            vec![Unit::Dir(root.to_path_buf(), place)]
        }
        Ok(meta) if !meta.is_file() => vec![Unit::Found(not_regular(root, meta.file_type()))],
        Ok(_) => vec![Unit::Found(Found::File {
            path: root.to_path_buf(),
            format: detect_by_name(&root.to_string_lossy()),
        })],
        Err(err) => vec![Unit::Found(Found::Unreadable {
            path: root.to_path_buf(),
            message: describe(&err),
        })],
    };
    // Always open the root; then open further levels while there are too few units.
    let mut first = true;
    while first || (units.len() < target && units.iter().any(|u| matches!(u, Unit::Dir(..)))) {
        first = false;
        units = units
            .into_iter()
            .flat_map(|unit| match unit {
                Unit::Dir(path, place) => list_dir(&path, place),
                found => vec![found],
            })
            .collect();
    }
    units
}

/// A directory's entries as units, sorted by name as bytes: subdirectories to enter, the files
/// read (their name, folder or siblings say a supported format) and those passed over.
fn list_dir(dir: &Path, place: Place) -> Vec<Unit> {
    // Each entry keeps its name beside its path: sorting compares the names as bytes, without
    // taking the path apart again for every comparison.
    let mut entries: Vec<(std::ffi::OsString, fs::FileType)> = match fs::read_dir(dir) {
        Ok(iter) => iter
            .filter_map(|entry| {
                let entry = entry.ok()?;
                Some((entry.file_name(), entry.file_type().ok()?))
            })
            .collect(),
        Err(err) => {
            return vec![Unit::Found(Found::Unreadable {
                path: dir.to_path_buf(),
                message: describe(&err),
            })]
        }
    };
    entries.sort_unstable_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
    let is_venv = entries
        .iter()
        .any(|(n, t)| !t.is_dir() && n == "pyvenv.cfg");
    let place = if is_venv {
        place.with_venv_marker()
    } else {
        place
    };
    let folder = dir
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    // Entries are sorted by bytes: a sibling is found by binary search.
    let has_sibling = |name: &str| {
        entries
            .binary_search_by(|(n, _)| n.as_encoded_bytes().cmp(name.as_bytes()))
            .is_ok_and(|i| !entries[i].1.is_dir())
    };
    let units: Vec<Unit> = entries
        .iter()
        .filter_map(|(file_name, file_type)| {
            let name = file_name
                .to_str()
                .map_or_else(|| file_name.to_string_lossy(), std::borrow::Cow::Borrowed);
            if file_type.is_dir() {
                let child = place.child(&name)?;
                return Some(Unit::Dir(joined(dir, file_name), child));
            }
            let path = joined(dir, file_name);
            match place.file(&folder, &name, has_sibling) {
                Choice::Read(format) => {
                    Some(Unit::Found(match regular_or_skipped(&path, *file_type) {
                        Ok(()) => Found::File {
                            path,
                            format: Some(format),
                        },
                        Err(skipped) => skipped,
                    }))
                }
                Choice::Companion => None,
                Choice::Skip(reason) => Some(Unit::Found(Found::Skipped { path, reason })),
            }
        })
        .collect();
    units
}

/// `Ok` when the entry at `path` is a regular file, or a link to one (only a link costs a
/// `stat`: the directory listing already says what the rest is); else why it is skipped.
fn regular_or_skipped(path: &Path, file_type: fs::FileType) -> Result<(), Found> {
    let file_type = if file_type.is_symlink() {
        match fs::metadata(path) {
            Ok(meta) => meta.file_type(),
            Err(err) => {
                return Err(Found::Unreadable {
                    path: path.to_path_buf(),
                    message: describe(&err),
                })
            }
        }
    } else {
        file_type
    };
    if file_type.is_file() {
        Ok(())
    } else {
        Err(not_regular(path, file_type))
    }
}

/// What is found where a file of a supported name is not a regular file: a FIFO would block
/// the read forever, a device can be endless (or act when opened). Never opened.
fn not_regular(path: &Path, file_type: fs::FileType) -> Found {
    Found::Unreadable {
        path: path.to_path_buf(),
        message: format!("skipped: not a regular file ({})", type_name(file_type)),
    }
}

/// What a file type is, in words.
pub fn type_name(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// `dir.join(name)` in one allocation (`join` copies `dir`, then grows the copy for `name`).
fn joined(dir: &Path, name: &std::ffi::OsStr) -> PathBuf {
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + 1 + name.len());
    path.push(dir);
    path.push(name);
    path
}

/// A directory's whole walk: its units, subdirectories walked in parallel.
fn walk_dir(dir: &Path, place: Place) -> Vec<Found> {
    let units = list_dir(dir, place);
    // Outside a pool (`--jobs 1`) stay on this thread: never start rayon's global pool.
    let in_pool = rayon::current_thread_index().is_some();
    if !in_pool || units.iter().filter(|u| matches!(u, Unit::Dir(..))).count() < 2 {
        return units.into_iter().flat_map(Unit::expand).collect();
    }
    let parts: Vec<Vec<Found>> = units.into_par_iter().map(Unit::expand).collect();
    parts.concat()
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
            .filter_map(|f| match f {
                Found::File { path, .. } => Some(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                ),
                Found::Skipped { .. } => None,
                Found::Unreadable { path, .. } => Some(format!("!{}", path.display())),
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
    fn units_expand_to_the_walk_whatever_the_split() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "a/b/c/PKG-INFO",
            "a/b/PKG-INFO",
            "a/x/1/package.py",
            "b/PKG-INFO",
            "c/d/e/f/package.yaml",
            "PKG-INFO",
        ] {
            touch(root, rel);
        }
        let expected = walk(root);
        assert_eq!(expected.len(), 6);
        for target in [0, 1, 2, 5, 100] {
            let got: Vec<Found> = units(root, target)
                .into_iter()
                .flat_map(Unit::expand)
                .collect();
            assert_eq!(got, expected, "target {target}");
        }
    }

    #[test]
    fn a_site_packages_root_reads_only_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("lib/python3.11/site-packages");
        for rel in [
            "awscli/customizations/cloudformation/package.py",
            "awscli-1.36.0.dist-info/METADATA",
            "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz",
        ] {
            touch(&site, rel);
        }
        assert_eq!(
            names(&walk(&site), &site),
            ["awscli-1.36.0.dist-info/METADATA"]
        );
        // From above, it is found by its name and read the same way.
        assert_eq!(
            names(&walk(dir.path()), dir.path()),
            ["lib/python3.11/site-packages/awscli-1.36.0.dist-info/METADATA"]
        );
    }

    #[test]
    fn a_missing_root_is_reported() {
        let found = walk(Path::new("/definitely/not/here"));
        assert!(
            matches!(&found[..], [Found::Unreadable { message, .. }] if message.contains("no such file"))
        );
    }

    #[test]
    fn files_passed_over_are_found_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "MANIFEST.in",
            "requirements/base.txt",
            "setup.py",
            "six.egg-info/PKG-INFO",
            "six.egg-info/requires.txt",
        ] {
            touch(root, rel);
        }
        let found = walk(root);
        assert_eq!(
            names(&found, root),
            ["requirements/base.txt", "six.egg-info/PKG-INFO"]
        );
        let skipped: Vec<(String, &str)> = found
            .iter()
            .filter_map(|f| match f {
                Found::Skipped { path, reason } => Some((
                    path.strip_prefix(root).unwrap().display().to_string(),
                    *reason,
                )),
                _ => None,
            })
            .collect();
        // requires.txt is read with PKG-INFO: neither read alone nor passed over.
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0].0, "MANIFEST.in");
        assert!(skipped[0].1.contains("template"));
        assert_eq!(
            skipped[1],
            ("setup.py".into(), "not a dependency file name")
        );
    }
}
