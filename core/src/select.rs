//! Which files of a tree pkglens reads: the rules of the CLI's walk, from names alone, so that a
//! caller with a list of paths instead of a file system (a browser's dropped folder) reads the
//! same files in the same order as `pkglens scan` does on disk.
//!
//! - Entered: every folder but version-control and build folders, caches and `node_modules`
//!   ([`SKIPPED`]).
//! - A folder holding `pyvenv.cfg` is a virtual environment: only the way to its
//!   `site-packages` is entered; in a `site-packages` (or `dist-packages`), only `*.dist-info`
//!   and `*.egg-info` folders are.
//! - Read: files whose name, folder or siblings say a supported format ([`detect_in_folder`]):
//!   below a folder named like `requirements`, every `.txt`, `.in` and `.lock` is a
//!   requirements file. In a `site-packages`, its `foo-1.0.egg-info` files (distutils') are
//!   read as PKG-INFO. Every other file is passed over, with a reason ([`Choice::Skip`]); an
//!   egg-info's `requires.txt` is read with its `PKG-INFO` ([`Choice::Companion`]).
//! - Order: depth first, each folder's entries sorted by name as bytes; that is the order of
//!   paths compared component by component ([`walk_order`]).

use crate::formats::detect::passed_over_reason;
use crate::formats::detect::{detect_by_name, detect_in_folder, names_requirements_folder};
use crate::Format;
use std::cmp::Ordering;
use std::collections::HashSet;

/// Folder names never entered.
pub const SKIPPED: &[&str] = &[
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

/// Where in a tree a folder is: that decides what is read of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Anywhere else.
    Normal,
    /// A folder named like `requirements` (or below one): its `.txt`, `.in` and `.lock` files
    /// are requirements files.
    Requirements,
    /// A virtual environment's root or `lib` folder: only the way to `site-packages`.
    Venv,
    /// A `site-packages`: only distribution metadata.
    SitePackages,
}

/// What a walk does with one file of a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Read it as this format.
    Read(Format),
    /// Read together with another file of the folder: an egg-info's `requires.txt`, merged
    /// into its `PKG-INFO`'s package as pip does.
    Companion,
    /// Passed over, for this reason (`pkglens scan -v` prints it).
    Skip(&'static str),
}

impl Choice {
    /// The format read, if the file is read on its own.
    pub fn format(self) -> Option<Format> {
        match self {
            Choice::Read(format) => Some(format),
            Choice::Companion | Choice::Skip(_) => None,
        }
    }
}

impl Place {
    /// The place of a walk's root folder named `name`: a `site-packages` (or `dist-packages`)
    /// given itself is read as one, only its distribution metadata, not the modules beside it
    /// (a module named `package.py` is not a rez package); a `requirements` folder as one; any
    /// other root is entered whatever its name.
    pub fn root(name: &str) -> Place {
        if is_site(name) {
            Place::SitePackages
        } else if names_requirements_folder(name) {
            Place::Requirements
        } else {
            Place::Normal
        }
    }

    /// The place of a folder that holds `pyvenv.cfg` when it would otherwise be `self`.
    pub fn with_venv_marker(self) -> Place {
        if self == Place::Normal {
            Place::Venv
        } else {
            self
        }
    }

    /// Whether to enter a folder named `name` found here, and as what.
    pub fn child(self, name: &str) -> Option<Place> {
        let site = is_site(name);
        match self {
            Place::Normal | Place::Requirements if SKIPPED.contains(&name) => None,
            Place::Normal | Place::Requirements | Place::Venv if site => Some(Place::SitePackages),
            Place::Requirements => Some(Place::Requirements),
            Place::Normal if names_requirements_folder(name) => Some(Place::Requirements),
            Place::Normal => Some(Place::Normal),
            Place::Venv
                if name == "lib"
                    || name == "Lib"
                    || name == "lib64"
                    || name.starts_with("python") =>
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

    /// What to do with a file named `name` found here, in a folder named `folder` whose other
    /// files `has_sibling` knows (a `.txt` beside the `.in` it was compiled from is a
    /// requirements file).
    pub fn file(self, folder: &str, name: &str, has_sibling: impl Fn(&str) -> bool) -> Choice {
        match self {
            Place::Normal | Place::Requirements => {
                if name == "requires.txt" && is_egg_info(folder) {
                    return Choice::Companion;
                }
                match detect_in_folder(name, self == Place::Requirements, has_sibling) {
                    Some(format) => Choice::Read(format),
                    None => Choice::Skip(passed_over_reason(name)),
                }
            }
            Place::SitePackages => match detect_by_name(name) {
                Some(Format::PkgInfo) => Choice::Read(Format::PkgInfo),
                _ => Choice::Skip("in a site-packages only distribution metadata is read"),
            },
            Place::Venv => Choice::Skip("in a virtual environment only site-packages is read"),
        }
    }
}

/// Whether a folder named `name` is an egg-info folder.
pub fn is_egg_info(name: &str) -> bool {
    name.ends_with(".egg-info")
}

/// Compares `/`-separated paths in walk order: component by component, as bytes.
pub fn walk_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

fn is_site(name: &str) -> bool {
    name == "site-packages" || name == "dist-packages"
}

/// The files of `paths` (all under `root`, `/`-separated, `root` itself entered whatever its
/// name, as [`Place::root`] says) that a walk of `root` reads, as indices into `paths` in walk
/// order, with their formats. Paths outside `root` are left out.
pub fn select(root: &str, paths: &[&str]) -> Vec<(usize, Format)> {
    let mut chosen: Vec<(usize, Format)> = choices(root, paths)
        .filter_map(|(i, choice)| choice.format().map(|f| (i, f)))
        .collect();
    chosen.sort_by(|a, b| walk_order(paths[a.0], paths[b.0]));
    chosen
}

/// The files of `paths` (as [`select`] takes them) that a walk of `root` passes over, with
/// the reason `pkglens scan -v` gives, as indices into `paths` in walk order: what the CLI's
/// summary counts as `passed_over`. Files in folders the walk does not enter are not counted
/// (the CLI never sees them).
pub fn passed_over(root: &str, paths: &[&str]) -> Vec<(usize, &'static str)> {
    let mut skipped: Vec<(usize, &'static str)> = choices(root, paths)
        .filter_map(|(i, choice)| match choice {
            Choice::Skip(reason) => Some((i, reason)),
            _ => None,
        })
        .collect();
    skipped.sort_by(|a, b| walk_order(paths[a.0], paths[b.0]));
    skipped
}

/// The files of `paths` (as [`select`] takes them) that a walk of `root` reads together with
/// another file of their folder ([`Choice::Companion`]: an egg-info's `requires.txt`), as
/// indices into `paths`: a caller without a file system hands them to the batch as files that
/// are only there to be looked up (`parse_batch_linked`'s `others`).
pub fn select_companions(root: &str, paths: &[&str]) -> Vec<usize> {
    choices(root, paths)
        .filter(|(_, choice)| *choice == Choice::Companion)
        .map(|(i, _)| i)
        .collect()
}

/// What a walk of `root` does with each of `paths` under it (those outside it are left out).
fn choices<'a>(root: &'a str, paths: &'a [&'a str]) -> impl Iterator<Item = (usize, Choice)> + 'a {
    let root = root.trim_end_matches('/');
    let relative = move |path: &'_ str| -> Option<String> {
        if root.is_empty() {
            return Some(path.to_owned());
        }
        path.strip_prefix(root)?
            .strip_prefix('/')
            .map(str::to_owned)
    };
    // Folders (relative to root) that hold a `pyvenv.cfg`.
    let venvs: HashSet<String> = paths
        .iter()
        .filter_map(|p| relative(p))
        .filter_map(|rel| match rel.rsplit_once('/') {
            Some((dir, "pyvenv.cfg")) => Some(dir.to_owned()),
            None if rel == "pyvenv.cfg" => Some(String::new()),
            _ => None,
        })
        .collect();
    let all: HashSet<&str> = paths.iter().copied().collect();
    paths.iter().enumerate().filter_map(move |(i, path)| {
        let rel = relative(path)?;
        let mut place = Place::root(root.rsplit('/').next().unwrap_or(root));
        let mut dir = String::new();
        let mut parts = rel.split('/').peekable();
        while let Some(part) = parts.next() {
            if venvs.contains(&dir) {
                place = place.with_venv_marker();
            }
            if parts.peek().is_none() {
                let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
                let folder = parent.rsplit('/').next().unwrap_or(parent);
                let has_sibling = |name: &str| match parent {
                    "" => all.contains(name),
                    _ => all.contains(format!("{parent}/{name}").as_str()),
                };
                return Some((i, place.file(folder, part, has_sibling)));
            }
            place = place.child(part)?;
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(part);
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_walk_rules_from_paths_alone() {
        let paths = [
            "r/b/PKG-INFO",
            "r/a/z.dist-info/METADATA",
            "r/a/B/PKG-INFO",
            "r/a/notes.txt",
            "r/.git/x/PKG-INFO",
            "r/node_modules/p/PKG-INFO",
            "r/venv/pyvenv.cfg",
            "r/venv/bin/PKG-INFO",
            "r/venv/lib/python3.12/site-packages/foo-1.0.dist-info/METADATA",
            "r/venv/lib/python3.12/site-packages/foo/PKG-INFO",
            "r/venv/lib/python3.12/site-packages/bar.egg-info/PKG-INFO",
            "elsewhere/PKG-INFO",
        ];
        let chosen: Vec<&str> = select("r", &paths).iter().map(|(i, _)| paths[*i]).collect();
        assert_eq!(
            chosen,
            [
                "r/a/B/PKG-INFO",
                "r/a/z.dist-info/METADATA",
                "r/b/PKG-INFO",
                "r/venv/lib/python3.12/site-packages/bar.egg-info/PKG-INFO",
                "r/venv/lib/python3.12/site-packages/foo-1.0.dist-info/METADATA",
            ]
        );
    }

    #[test]
    fn walk_order_is_depth_first_by_bytes() {
        let mut paths = vec!["a.txt", "a/b", "B", "a/a/c", "a-b"];
        paths.sort_by(|a, b| walk_order(a, b));
        assert_eq!(paths, ["B", "a/a/c", "a/b", "a-b", "a.txt"]);
    }

    #[test]
    fn a_site_packages_given_as_the_root_is_read_as_one() {
        // A site-packages holds modules named like the formats (apt's and awscli's
        // `package.py`, dateutil's zoneinfo `.tar.gz`): only its metadata folders are read.
        let paths = [
            "usr/lib/python3/dist-packages/apt/package.py",
            "usr/lib/python3/dist-packages/apt-2.6.dist-info/METADATA",
            "usr/lib/python3/dist-packages/dateutil/zoneinfo/dateutil-zoneinfo.tar.gz",
            "usr/lib/python3/dist-packages/six.egg-info/PKG-INFO",
        ];
        let chosen: Vec<&str> = select("usr/lib/python3/dist-packages", &paths)
            .iter()
            .map(|(i, _)| paths[*i])
            .collect();
        assert_eq!(
            chosen,
            [
                "usr/lib/python3/dist-packages/apt-2.6.dist-info/METADATA",
                "usr/lib/python3/dist-packages/six.egg-info/PKG-INFO",
            ]
        );
        assert_eq!(Place::root("site-packages"), Place::SitePackages);
        assert_eq!(Place::root("node_modules"), Place::Normal);
    }

    #[test]
    fn a_root_venv_and_an_empty_root() {
        let paths = [
            "pyvenv.cfg",
            "lib/python3.11/site-packages/x-1.dist-info/METADATA",
            "requirements.txt",
        ];
        let chosen: Vec<&str> = select("", &paths).iter().map(|(i, _)| paths[*i]).collect();
        assert_eq!(
            chosen,
            ["lib/python3.11/site-packages/x-1.dist-info/METADATA"]
        );
    }

    #[test]
    fn requirements_folders_compiled_pairs_and_templates() {
        // warehouse's pip-tools layout (requirements/*.in + *.txt, nested requirements/docs/),
        // a uv `pip compile` pair at the top, and the templates of a setuptools/meson project.
        let paths = [
            "p/MANIFEST.in",
            "p/numpy/_core/config.h.in",
            "p/numpy/random/_bounded_integers.pyx.in",
            "p/requirements/main.in",
            "p/requirements/main.txt",
            "p/requirements/README.md",
            "p/requirements/docs/user.txt",
            "p/reproducible-linux.in",
            "p/reproducible-linux.txt",
            "p/notes.txt",
            "p/tests/data/fixtures.zip",
            "p/dist/p-1.0.tar.gz",
            "p/site-packages/python_apt-2.6.0.egg-info",
            "p/site-packages/six.egg-info/requires.txt",
            "p/site-packages/six.egg-info/PKG-INFO",
        ];
        let chosen: Vec<(&str, Format)> = select("p", &paths)
            .iter()
            .map(|(i, f)| (paths[*i], *f))
            .collect();
        let req = Format::RequirementsTxt;
        assert_eq!(
            chosen,
            [
                ("p/dist/p-1.0.tar.gz", Format::Sdist),
                ("p/reproducible-linux.in", req),
                ("p/reproducible-linux.txt", req),
                ("p/requirements/docs/user.txt", req),
                ("p/requirements/main.in", req),
                ("p/requirements/main.txt", req),
                ("p/site-packages/python_apt-2.6.0.egg-info", Format::PkgInfo),
                ("p/site-packages/six.egg-info/PKG-INFO", Format::PkgInfo),
            ]
        );
        assert_eq!(
            Place::Normal.file("six.egg-info", "requires.txt", |_| false),
            Choice::Companion
        );
        let companions: Vec<&str> = select_companions("p", &paths)
            .iter()
            .map(|&i| paths[i])
            .collect();
        assert_eq!(companions, ["p/site-packages/six.egg-info/requires.txt"]);
        assert!(matches!(
            Place::Normal.file("p", "MANIFEST.in", |_| false),
            Choice::Skip(reason) if reason.contains("template")
        ));
        assert_eq!(Place::root("requirements"), Place::Requirements);
    }
}
