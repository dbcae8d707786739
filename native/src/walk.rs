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
    units(root, 0).flat_map(Unit::expand).collect()
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

/// The units of a walk, in order, made as they are taken: a folder opened by [`units`] is held
/// as a [`Listing`] (its sorted names in one buffer) until the walk reaches each entry, so a
/// folder of 200,000 entries costs tens of bytes an entry rather than a path and a unit each.
pub struct Units {
    pieces: std::collections::VecDeque<Piece>,
}

/// A unit, or a listed folder whose entries are still to be made into units.
enum Piece {
    One(Unit),
    Listed(Listing),
}

impl Piece {
    /// The folder at `dir` listed, or what was found instead (it could not be read).
    fn listed(dir: &Path, place: Place) -> Piece {
        match Listing::read(dir, place) {
            Ok(listing) => Piece::Listed(listing),
            Err(found) => Piece::One(Unit::Found(found)),
        }
    }

    /// How many units it holds at most (a listing's entries include files it passes over
    /// silently and folders it does not enter).
    fn len(&self) -> usize {
        match self {
            Piece::One(_) => 1,
            Piece::Listed(listing) => listing.order.len() - listing.next,
        }
    }

    /// Whether opening it would list a folder.
    fn may_open(&self) -> bool {
        match self {
            Piece::One(unit) => matches!(unit, Unit::Dir(..)),
            Piece::Listed(listing) => listing.remaining().any(|e| e.file_type.is_dir()),
        }
    }
}

impl Units {
    /// The units of one unit.
    pub fn one(unit: Unit) -> Units {
        Units {
            pieces: [Piece::One(unit)].into(),
        }
    }
}

impl Iterator for Units {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            match self.pieces.front_mut()? {
                Piece::Listed(listing) => {
                    if let Some(unit) = listing.next() {
                        return Some(unit);
                    }
                    self.pieces.pop_front();
                }
                Piece::One(_) => match self.pieces.pop_front() {
                    Some(Piece::One(unit)) => return Some(unit),
                    _ => unreachable!("the front piece is one unit"),
                },
            }
        }
    }
}

/// Splits the walk of `root` into units: the root's entries, with directories opened level
/// by level until there are at least `target` units (or nothing left to open).
pub fn units(root: &Path, target: usize) -> Units {
    let first = match fs::metadata(root) {
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
            Piece::listed(root, place)
        }
        Ok(meta) if !meta.is_file() => Piece::One(Unit::Found(not_regular(root, meta.file_type()))),
        Ok(_) => Piece::One(Unit::Found(Found::File {
            path: root.to_path_buf(),
            format: detect_by_name(&root.to_string_lossy()),
        })),
        Err(err) => Piece::One(Unit::Found(Found::Unreadable {
            path: root.to_path_buf(),
            message: describe(&err),
        })),
    };
    // The root is open; open further levels while there are too few units. Only small
    // listings are ever opened here (fewer entries than `target` in all).
    let mut pieces = vec![first];
    while pieces.iter().map(Piece::len).sum::<usize>() < target
        && pieces.iter().any(Piece::may_open)
    {
        pieces = pieces
            .into_iter()
            .flat_map(|piece| -> Vec<Piece> {
                match piece {
                    Piece::One(Unit::Dir(path, place)) => vec![Piece::listed(&path, place)],
                    Piece::One(unit) => vec![Piece::One(unit)],
                    Piece::Listed(listing) => listing
                        .map(|unit| match unit {
                            Unit::Dir(path, place) => Piece::listed(&path, place),
                            unit => Piece::One(unit),
                        })
                        .collect(),
                }
            })
            .collect();
    }
    Units {
        pieces: pieces.into(),
    }
}

/// One entry of a [`Listing`]: where its name is in the listing's buffer, and its type.
#[derive(Clone, Copy)]
struct Entry {
    /// Offset of the name in [`Listing::names`]: its chunk is `offset / NAME_CHUNK`.
    offset: u32,
    len: u16,
    file_type: fs::FileType,
}

/// Bytes of names per chunk of a [`Listing`]: the names are stored in chunks that never grow,
/// so listing a huge folder never copies (and frees) ever larger buffers.
const NAME_CHUNK: usize = 64 * 1024;

/// Entries per chunk of a [`Listing`].
const ENTRY_CHUNK: usize = 4096;

/// A directory's entries sorted by name as bytes, their names in a few large buffers, made
/// into units one at a time: subdirectories to enter, the files read (their name, folder or
/// siblings say a supported format) and those passed over. About 40 bytes an entry.
pub struct Listing {
    dir: PathBuf,
    place: Place,
    /// The directory's own name (a file's folder decides some formats).
    folder: String,
    names: Vec<Vec<u8>>,
    entries: Vec<Vec<Entry>>,
    /// Entry numbers in name order.
    order: Vec<u32>,
    /// The next position in `order` to make into a unit.
    next: usize,
}

impl Listing {
    /// Lists `dir`, or says why it cannot be read.
    fn read(dir: &Path, place: Place) -> Result<Listing, Found> {
        let unreadable = |err: std::io::Error| Found::Unreadable {
            path: dir.to_path_buf(),
            message: describe(&err),
        };
        let mut names: Vec<Vec<u8>> = Vec::new();
        let mut entries: Vec<Vec<Entry>> = Vec::new();
        let mut count = 0usize;
        for entry in fs::read_dir(dir).map_err(unreadable)?.flatten() {
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let bytes = name.as_encoded_bytes();
            // A name is at most a few hundred bytes on every file system.
            let Ok(len) = u16::try_from(bytes.len()) else {
                continue;
            };
            if names
                .last()
                .is_none_or(|chunk| chunk.len() + bytes.len() > NAME_CHUNK)
            {
                names.push(new_chunk(names.is_empty(), NAME_CHUNK));
            }
            let chunk = names.len() - 1;
            let Ok(offset) = u32::try_from(chunk * NAME_CHUNK + names[chunk].len()) else {
                break; // 4 GiB of names: no folder has that many
            };
            names[chunk].extend_from_slice(bytes);
            if entries
                .last()
                .is_none_or(|chunk| chunk.len() == ENTRY_CHUNK)
            {
                entries.push(new_chunk(entries.is_empty(), ENTRY_CHUNK));
            }
            if let Some(last) = entries.last_mut() {
                last.push(Entry {
                    offset,
                    len,
                    file_type,
                });
            }
            count += 1;
        }
        let mut listing = Listing {
            dir: dir.to_path_buf(),
            place,
            folder: dir
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            names,
            entries,
            order: (0..u32::try_from(count).unwrap_or(u32::MAX)).collect(),
            next: 0,
        };
        let mut order = std::mem::take(&mut listing.order);
        order.sort_unstable_by(|&a, &b| listing.name_at(a).cmp(listing.name_at(b)));
        listing.order = order;
        if listing.has_file("pyvenv.cfg") {
            listing.place = place.with_venv_marker();
        }
        Ok(listing)
    }

    fn entry(&self, number: u32) -> Entry {
        let number = number as usize;
        self.entries[number / ENTRY_CHUNK][number % ENTRY_CHUNK]
    }

    fn name(&self, entry: Entry) -> &[u8] {
        let offset = entry.offset as usize;
        let (chunk, start) = (offset / NAME_CHUNK, offset % NAME_CHUNK);
        &self.names[chunk][start..start + usize::from(entry.len)]
    }

    fn name_at(&self, number: u32) -> &[u8] {
        self.name(self.entry(number))
    }

    /// Entries not yet made into units.
    fn remaining(&self) -> impl Iterator<Item = Entry> + '_ {
        self.order[self.next..].iter().map(|&n| self.entry(n))
    }

    /// Whether the folder has a file (not a folder) named `name`: a binary search, the
    /// entries being sorted by bytes.
    fn has_file(&self, name: &str) -> bool {
        self.order
            .binary_search_by(|&n| self.name_at(n).cmp(name.as_bytes()))
            .is_ok_and(|i| !self.entry(self.order[i]).file_type.is_dir())
    }

    /// The unit of the entry at position `i` of the name order, if the walk enters it, reads
    /// it or says it passed it over.
    fn unit(&self, i: usize) -> Option<Unit> {
        let entry = self.entry(self.order[i]);
        let file_name = os_str(self.name(entry));
        let name = file_name.to_string_lossy();
        if entry.file_type.is_dir() {
            let child = self.place.child(&name)?;
            return Some(Unit::Dir(joined(&self.dir, &file_name), child));
        }
        let path = joined(&self.dir, &file_name);
        match self
            .place
            .file(&self.folder, &name, |sibling| self.has_file(sibling))
        {
            Choice::Read(format) => Some(Unit::Found(
                match regular_or_skipped(&path, entry.file_type) {
                    Ok(()) => Found::File {
                        path,
                        format: Some(format),
                    },
                    Err(skipped) => skipped,
                },
            )),
            Choice::Companion => None,
            Choice::Skip(reason) => Some(Unit::Found(Found::Skipped { path, reason })),
        }
    }
}

/// A chunk of a [`Listing`]: the first grows as needed (most folders hold a few entries),
/// later ones are made whole at once (a folder that fills one chunk is large).
fn new_chunk<T>(first: bool, size: usize) -> Vec<T> {
    if first {
        Vec::new()
    } else {
        Vec::with_capacity(size)
    }
}

impl Iterator for Listing {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        while self.next < self.order.len() {
            let i = self.next;
            self.next += 1;
            if let Some(unit) = self.unit(i) {
                return Some(unit);
            }
        }
        None
    }
}

/// A name from a listing's buffer (the bytes `OsStr::as_encoded_bytes` gave).
#[cfg(unix)]
fn os_str(bytes: &[u8]) -> std::borrow::Cow<'_, std::ffi::OsStr> {
    std::borrow::Cow::Borrowed(std::os::unix::ffi::OsStrExt::from_bytes(bytes))
}

/// A name from a listing's buffer (the bytes `OsStr::as_encoded_bytes` gave).
#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> std::borrow::Cow<'_, std::ffi::OsStr> {
    std::borrow::Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into())
}

/// A directory's entries as units (see [`Listing`]).
fn list_dir(dir: &Path, place: Place) -> Vec<Unit> {
    match Listing::read(dir, place) {
        Ok(listing) => listing.collect(),
        Err(found) => vec![Unit::Found(found)],
    }
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
            let got: Vec<Found> = units(root, target).flat_map(Unit::expand).collect();
            assert_eq!(got, expected, "target {target}");
        }
    }

    /// A folder larger than a listing's chunks (5,000 entries, 150 KB of names): every entry,
    /// in byte order, whatever chunk its name or entry landed in; and its units are made
    /// one at a time.
    #[test]
    fn a_large_folder_is_listed_in_order_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut expected: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    "pkg{:05}-{}-1.0.dist-info",
                    (i * 7919) % 5000,
                    "x".repeat(i % 9)
                )
            })
            .collect();
        for name in &expected {
            touch(root, &format!("{name}/METADATA"));
        }
        expected.sort();
        let units = units(root, 16);
        assert_eq!(units.pieces.len(), 1, "one listing, not a unit per entry");
        let got: Vec<String> = units
            .map(|unit| match unit {
                Unit::Dir(path, _) => path.file_name().unwrap().to_string_lossy().into_owned(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(got, expected);
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
