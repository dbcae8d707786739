//! The files `python -m compileall` considers, in its order (CPython 3.11's `_walk_dir` and
//! `main`): a path that is a file is taken as it is; a folder is listed, its names sorted as
//! Python sorts `str` (code points, undecodable bytes as `surrogateescape` gives them),
//! `__pycache__` passed over, every name that is not a folder taken (a symbolic link to a file
//! too), and every folder descended into unless it is a symbolic link. compileall then
//! compiles only the names ending in `.py`; the rest are dropped here, before any process sees
//! them. `-l` and `-r N` limit how deep folders are descended, as compileall's `maxlevels`.

use super::worker::Source;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the walk found under one path.
#[derive(Debug, Default)]
pub struct Found {
    /// The `.py` files, in compileall's order, named as compileall names them (the path given,
    /// joined with each name below it): the name is compiled into the `.pyc`.
    pub files: Vec<Source>,
    /// Folders that could not be listed, with why (compileall prints `Can't list`).
    pub unlisted: Vec<(PathBuf, std::io::Error)>,
}

/// compileall's recursion limit when neither `-l` nor `-r` is given:
/// `sys.getrecursionlimit()`, 1000 by default.
pub const MAX_LEVELS: usize = 1000;

/// Walks `paths` in order as `python -m compileall PATH...` does, descending at most
/// `max_levels` folders below each folder argument (0: its own files only).
pub fn find(paths: &[PathBuf], max_levels: usize) -> Found {
    let mut found = Found::default();
    for path in paths {
        // `os.path.isfile(dest)`: follows symbolic links.
        if path.is_file() {
            if is_python_source(path) {
                found.files.push(Source {
                    path: path.clone(),
                    under: None,
                });
            }
        } else {
            let under = Arc::new(path.clone());
            walk_dir(path, max_levels, &under, &mut found);
        }
    }
    found
}

/// Whether a file is reached twice, through arguments that overlap (`site site/pkg`, a file
/// listed with `-i` and found under a folder too): compileall compiles it twice, in order, and
/// the second time finds the first's `.pyc` (or, forced, writes its own `-d` name last). One
/// walk never reaches a file twice (links to folders are not descended), so one argument
/// cannot overlap; each folder is resolved once.
pub fn reached_twice(files: &[Source], arguments: usize) -> bool {
    if arguments < 2 {
        return false;
    }
    let mut resolved: HashMap<&Path, PathBuf> = HashMap::new();
    let mut seen = HashSet::with_capacity(files.len());
    files.iter().any(|file| {
        let parent = file.path.parent().unwrap_or(Path::new(""));
        let folder = resolved.entry(parent).or_insert_with(|| {
            let named = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            fs::canonicalize(named).unwrap_or_else(|_| parent.to_path_buf())
        });
        !seen.insert(folder.join(file.path.file_name().unwrap_or_default()))
    })
}

/// `_walk_dir`: the folder's sorted names, depth first; `under` is the folder argument.
fn walk_dir(dir: &Path, levels: usize, under: &Arc<PathBuf>, found: &mut Found) {
    let listed = fs::read_dir(dir).and_then(|entries| {
        entries
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<std::io::Result<Vec<_>>>()
    });
    let mut names = match listed {
        Ok(names) => names,
        Err(err) => {
            found.unlisted.push((dir.to_path_buf(), err));
            return;
        }
    };
    names.sort_by_cached_key(|name| python_sort_key(name.as_encoded_bytes()));
    for name in names {
        if name == "__pycache__" {
            continue;
        }
        let full = dir.join(&name);
        // `os.path.isdir` follows links; a link to a folder is neither taken nor descended.
        if !full.is_dir() {
            if is_python_source(&full) {
                found.files.push(Source {
                    path: full,
                    under: Some(Arc::clone(under)),
                });
            }
        } else if levels > 0 && !full.is_symlink() {
            walk_dir(&full, levels - 1, under, found);
        }
    }
}

/// compileall compiles a name whose last three characters are `.py`.
fn is_python_source(path: &Path) -> bool {
    path.as_os_str().as_encoded_bytes().ends_with(b".py")
}

/// The code points Python decodes a file name to (`os.fsdecode`: UTF-8, each undecodable
/// byte as the lone surrogate U+DC80..U+DCFF), so that names sort as `sorted(os.listdir())`.
fn python_sort_key(name: &[u8]) -> Vec<u32> {
    let mut key = Vec::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        key.extend(chunk.valid().chars().map(u32::from));
        key.extend(chunk.invalid().iter().map(|&b| 0xDC00 + u32::from(b)));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_python_strings() {
        // Bytes order and code point order agree on UTF-8; an undecodable byte becomes
        // U+DCxx, which sorts below U+E000.. (here U+FFFD, bytes EF BF BD) though 0xFF > 0xEF.
        let mut names: Vec<&[u8]> = vec![b"a\xef\xbf\xbd", b"a\xff", b"B", b"a", b"_"];
        names.sort_by_key(|n| python_sort_key(n));
        assert_eq!(
            names,
            vec![&b"B"[..], b"_", b"a", b"a\xff", b"a\xef\xbf\xbd"]
        );
    }

    #[test]
    fn the_walk_skips_what_compileall_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "b.py",
            "a.py",
            "c.txt",
            "pkg/z.py",
            "__pycache__/x.py",
            "pkg/m.pyc",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("pkg"), root.join("linked")).unwrap();
            std::os::unix::fs::symlink(root.join("a.py"), root.join("alias.py")).unwrap();
        }
        let found = find(&[root.to_path_buf(), root.join("nowhere")], MAX_LEVELS);
        let names: Vec<_> = found
            .files
            .iter()
            .map(|s| s.path.strip_prefix(root).unwrap().to_str().unwrap())
            .collect();
        #[cfg(unix)]
        assert_eq!(names, ["a.py", "alias.py", "b.py", "pkg/z.py"]);
        #[cfg(not(unix))]
        assert_eq!(names, ["a.py", "b.py", "pkg/z.py"]);
        assert_eq!(found.unlisted.len(), 1);
    }
}
