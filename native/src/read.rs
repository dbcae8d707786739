//! Reading one found file and parsing it: the unit of work the engine runs in parallel.

use crate::walk::{describe, Found};
use pkglens_core::resolve_requirements_within;
use pkglens_core::{detect, is_egg_info, parse_egg_info, parse_guarded};
use pkglens_core::{ErrorKind, Format, Input, ParseError, Record, MAX_INPUT};
use pkglens_core::{Step, WheelReader};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A record, and the detailed error behind it when it failed (for rendering with `^^^`).
pub type Parsed = (Record, Option<ParseError>);

/// The path as it appears in output: as given, with `/` separators. On Unix a name is bytes:
/// one that is not UTF-8, or holds a `\`, is written escaped, `\` as `\\` and each byte that
/// is not UTF-8 as `\xNN`, so that two files never share a name in the output and
/// [`path_of`] gives the file back (documented in docs/schema.md).
pub fn display_path(path: &Path) -> String {
    if std::path::MAIN_SEPARATOR == '\\' {
        return path.to_string_lossy().replace('\\', "/");
    }
    match path.to_str() {
        // `to_str` checks UTF-8 a word at a time; escaping only runs when needed.
        Some(text) if !text.contains('\\') => text.to_owned(),
        _ => escaped(path.as_os_str().as_encoded_bytes()),
    }
}

/// Bytes as [`display_path`] escapes them.
fn escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// The file a path shown by [`display_path`] names (an include's path is built from it).
pub fn path_of(shown: &str) -> PathBuf {
    #[cfg(unix)]
    if shown.contains('\\') {
        use std::os::unix::ffi::OsStringExt;
        let mut bytes = Vec::with_capacity(shown.len());
        let mut rest = shown.as_bytes();
        while let Some((&first, tail)) = rest.split_first() {
            let hex = tail
                .get(1..3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (first, tail.first(), hex) {
                (b'\\', Some(b'\\'), _) => {
                    bytes.push(b'\\');
                    rest = &tail[1..];
                }
                (b'\\', Some(b'x'), Some(byte)) => {
                    bytes.push(byte);
                    rest = &tail[3..];
                }
                (byte, ..) => {
                    bytes.push(byte);
                    rest = tail;
                }
            }
        }
        return PathBuf::from(std::ffi::OsString::from_vec(bytes));
    }
    PathBuf::from(shown)
}

/// Where a requirements file's `-r` and `-c` includes may be read from: inside the folders
/// being read (links resolved), or, with `--allow-outside`, anywhere.
#[derive(Debug, Clone)]
pub struct Includes {
    /// The folders, canonical; `None`: anywhere.
    roots: Option<Vec<PathBuf>>,
}

impl Includes {
    /// Includes read from anywhere.
    pub fn anywhere() -> Self {
        Includes { roots: None }
    }

    /// Includes read only inside `paths` (a file's folder, for a file).
    pub fn within(paths: &[PathBuf]) -> Self {
        let roots = paths
            .iter()
            .filter_map(|path| {
                let canonical = fs::canonicalize(path).ok()?;
                if canonical.is_dir() {
                    Some(canonical)
                } else {
                    canonical.parent().map(Path::to_path_buf)
                }
            })
            .collect();
        Includes { roots: Some(roots) }
    }

    /// Whether the file at `path` may be read. A path that does not exist may: reading it
    /// then says so.
    fn allows(&self, path: &str) -> bool {
        let Some(roots) = &self.roots else {
            return true;
        };
        match fs::canonicalize(path_of(path)) {
            Ok(real) => roots.iter().any(|root| real.starts_with(root)),
            Err(_) => true,
        }
    }
}

/// A file the walk passed over, and why.
pub type PassedOver = (PathBuf, &'static str);

/// Reads and parses what the walk found, or gives back a file it passed over. Reading never
/// fails: failures are records with status `error`.
pub fn read_and_parse(found: Found, includes: &Includes) -> Result<Parsed, PassedOver> {
    match found {
        Found::File { path, format } => Ok(read_file(&path, format, includes)),
        Found::Skipped { path, reason } => Err((path, reason)),
        Found::Unreadable { path, message } => {
            let err = ParseError::whole(&display_path(&path), None, ErrorKind::Io, message);
            Ok((Record::from_error(&err), Some(err)))
        }
    }
}

/// Reads and parses the file at `path` as `format`, or as its name and content say.
pub fn read_file(path: &Path, format: Option<Format>, includes: &Includes) -> Parsed {
    let shown = display_path(path);
    if format == Some(Format::Wheel) {
        return read_wheel(path, &shown);
    }
    with_buffer(|buffer| {
        if let Err((kind, message)) = read_capped(path, buffer) {
            let err = ParseError::whole(&shown, format, kind, message);
            return (Record::from_error(&err), Some(err));
        }
        // A file named on the command line is read whatever its name: by its content.
        let format = format.or_else(|| detect(&shown, buffer));
        match format {
            // Requirements files are resolved with their includes, read from disk.
            Some(Format::RequirementsTxt) => parse_requirements(&shown, buffer, includes),
            Some(Format::PkgInfo) if in_egg_info(path) => parse_with_requires_txt(path, buffer),
            _ => parse_bytes(&shown, format, buffer),
        }
    })
}

/// A folder held open, under which files are opened by their path relative to it (`openat`):
/// the kernel then walks only that path's folders, not the whole path's from the root again.
/// A resolve opens some two thousand files of one repository per request, and walking the
/// repository's own path for each was a twentieth of its time. Where the folder cannot be
/// held (or off Unix), files are opened by their whole path.
pub struct OpenDir {
    path: PathBuf,
    shown: String,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl OpenDir {
    /// Holds `path` open, if it is a folder that can be opened.
    pub fn new(path: PathBuf) -> OpenDir {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(&path, flags, Mode::empty()).ok();
            let shown = display_path(&path);
            OpenDir { path, shown, fd }
        }
        #[cfg(not(unix))]
        OpenDir {
            shown: display_path(&path),
            path,
        }
    }

    /// The folder's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path below this folder of a path shown as `shown` ([`display_path`]), when it is
    /// below it and shown without escapes.
    pub fn below<'s>(&self, shown: &'s str) -> Option<&'s str> {
        let rest = shown.strip_prefix(self.shown.as_str())?;
        // At a folder boundary: `repo2/x` is not below `repo`.
        let rest = match self.shown.ends_with('/') {
            true => rest,
            false => rest.strip_prefix('/')?,
        };
        let plain = !rest.is_empty() && !rest.contains('\\') && !self.shown.contains('\\');
        plain.then_some(rest)
    }
}

/// Reads `path` (shown as `shown`) and gives its bytes to `f`, as [`read_file`] reads a file it
/// parses as `format`; `Err` is the error [`read_file`] would record for a file it cannot read.
/// With `at`, the file is opened by its path relative to that folder.
pub fn with_file_bytes<R>(
    at: Option<(&OpenDir, &Path)>,
    path: &Path,
    shown: &str,
    format: Format,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, ParseError> {
    with_buffer(|buffer| match read_capped_in(at, path, buffer) {
        Ok(()) => Ok(f(buffer)),
        Err((kind, message)) => Err(ParseError::whole(shown, Some(format), kind, message)),
    })
}

/// Whether `path` is a `PKG-INFO` in an `*.egg-info` folder (which may hold a `requires.txt`).
fn in_egg_info(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "PKG-INFO")
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|dir| is_egg_info(&dir.to_string_lossy()))
}

/// An egg-info's `PKG-INFO` with the `requires.txt` beside it, merged as pip merges it.
fn parse_with_requires_txt(path: &Path, pkg_info: &[u8]) -> Parsed {
    let shown = display_path(path);
    let requires = path
        .parent()
        .map(|dir| dir.join("requires.txt"))
        .and_then(|file| {
            let mut bytes = Vec::new();
            read_capped(&file, &mut bytes).ok().map(|()| bytes)
        });
    let parse = || parse_egg_info(&shown, pkg_info, requires.as_deref());
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)) {
        Ok(Ok(record)) => (record, None),
        Ok(Err(err)) => (Record::from_error(&err), Some(err)),
        Err(_) => {
            let err = ParseError::whole(
                &shown,
                Some(Format::PkgInfo),
                ErrorKind::Syntax,
                "internal error: the parser panicked on this input (please report it)",
            );
            (Record::from_error(&err), Some(err))
        }
    }
}

/// The largest read buffer a thread keeps between files.
const KEPT_BUFFER: usize = 1 << 20;

/// Runs `f` with this thread's read buffer. Files are read into it, reused from file to
/// file: a fresh buffer per read would be fresh pages per read, each zeroed by the kernel.
fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    std::thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        let result = f(&mut buffer);
        if buffer.capacity() > KEPT_BUFFER {
            *buffer = Vec::new();
        }
        result
    })
}

/// A wheel read lazily: its tail, then only the byte ranges core asks for (the central
/// directory if the tail lacks it, then the METADATA member), with positioned reads.
fn read_wheel(path: &Path, shown: &str) -> Parsed {
    let io_error = |message: String| {
        let err = ParseError::whole(shown, Some(Format::Wheel), ErrorKind::Io, message);
        (Record::from_error(&err), Some(err))
    };
    let (file, size) = match open_regular(path, u64::MAX) {
        Ok(opened) => opened,
        Err((_, message)) => return io_error(message),
    };
    let mut reader = WheelReader::new(shown, size);
    let mut range = reader.first_read();
    with_buffer(|buffer| loop {
        buffer.clear();
        buffer.resize(usize::try_from(range.len).unwrap_or(0), 0);
        if let Err(err) = read_at(&file, buffer, range.start) {
            return io_error(describe(&err));
        }
        match reader.feed(range, buffer) {
            Step::Read(next) => range = next,
            Step::Done(Ok(record)) => return (record, None),
            Step::Done(Err(err)) => return (Record::from_error(&err), Some(err)),
        }
    })
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buffer)
}

/// A requirements file with its `-r` and `-c` includes read from disk, relative to the file
/// that names them (where `includes` allows), and `${VAR}` expanded from the environment, as
/// pip does.
fn parse_requirements(shown: &str, bytes: &[u8], includes: &Includes) -> Parsed {
    // An include is read as a found file is: never a FIFO or a device, never over the limit.
    let mut read = |path: &str| {
        let mut bytes = Vec::new();
        let path = path_of(path);
        match read_capped(&path, &mut bytes) {
            Ok(()) => Ok(bytes),
            // No such file: core says so in pip's words; anything else says why.
            Err(_) if fs::symlink_metadata(&path).is_err() => Err(None),
            Err((_, why)) => Err(Some(why.trim_start_matches("skipped: ").to_owned())),
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let inside = |path: &str| includes.allows(path);
    match resolve_requirements_within(&Input::new(shown, bytes), &mut read, &env, &inside) {
        Ok(record) => (record, None),
        Err(err) => (Record::from_error(&err), Some(err)),
    }
}

/// Parses standard input, already read, as `format` (`--as`), else as its content says; a
/// requirements file's includes are read relative to the working directory.
pub fn parse_stdin(format: Option<Format>, bytes: &[u8], includes: &Includes) -> Parsed {
    match format.or_else(|| detect("-", bytes)) {
        Some(Format::RequirementsTxt) => parse_requirements("-", bytes, includes),
        format => parse_bytes("-", format, bytes),
    }
}

/// Parses bytes already read (standard input, or a file) as `format`, else as detected.
pub fn parse_bytes(shown: &str, format: Option<Format>, bytes: &[u8]) -> Parsed {
    let input = Input::new(shown, bytes);
    match parse_guarded(&input, format) {
        Ok(record) => (record, None),
        Err(err) => (Record::from_error(&err), Some(err)),
    }
}

/// Reads a whole file into `bytes` (cleared first), refusing one over [`MAX_INPUT`] by its
/// size before reading it (`too_large`), and anything that is not a regular file (`io`).
fn read_capped(path: &Path, bytes: &mut Vec<u8>) -> Result<(), (ErrorKind, String)> {
    read_capped_in(None, path, bytes)
}

/// [`read_capped`], opening the file relative to a folder with `at`.
fn read_capped_in(
    at: Option<(&OpenDir, &Path)>,
    path: &Path,
    bytes: &mut Vec<u8>,
) -> Result<(), (ErrorKind, String)> {
    bytes.clear();
    let (file, len) = open_regular_in(at, path, MAX_INPUT as u64)?;
    let io = |e: std::io::Error| (ErrorKind::Io, describe(&e));
    bytes
        .try_reserve_exact(usize::try_from(len).unwrap_or(MAX_INPUT))
        .map_err(|_| (ErrorKind::TooLarge, format!("no memory for {len} bytes")))?;
    // The size its `stat` gave, read in one system call: a `read_to_end` would ask once more
    // to see the end. A file that grows meanwhile is read as it was at its `stat`. A size of 0
    // may be a file whose size is not known ahead (procfs, some FUSE): read to its end, one
    // byte more than the limit, so that one over it is still refused.
    let limit = if len == 0 { MAX_INPUT as u64 + 1 } else { len };
    (&file).take(limit).read_to_end(bytes).map_err(io)?;
    if bytes.len() > MAX_INPUT {
        bytes.clear();
        return Err(too_large(MAX_INPUT as u64 + 1));
    }
    Ok(())
}

/// Opens `path` for reading, non-blocking; with `at`, by its path relative to that folder.
fn open_nonblocking(at: Option<(&OpenDir, &Path)>, path: &Path) -> std::io::Result<File> {
    #[cfg(unix)]
    if let Some((fd, relative)) = at.and_then(|(dir, relative)| Some((dir.fd.as_ref()?, relative)))
    {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        return Ok(File::from(rustix::fs::openat(
            fd,
            relative,
            flags,
            Mode::empty(),
        )?));
    }
    #[cfg(not(unix))]
    let _ = at;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// Opens `path` for reading if it is a regular file of at most `limit` bytes, and says its
/// size. Opened non-blocking, then checked on the open file: a FIFO put in place after the
/// walk looked never blocks the read, and a file swapped after the check is the file checked.
fn open_regular(path: &Path, limit: u64) -> Result<(File, u64), (ErrorKind, String)> {
    open_regular_in(None, path, limit)
}

/// [`open_regular`], opening the file relative to a folder with `at`.
fn open_regular_in(
    at: Option<(&OpenDir, &Path)>,
    path: &Path,
    limit: u64,
) -> Result<(File, u64), (ErrorKind, String)> {
    let io = |e: std::io::Error| (ErrorKind::Io, describe(&e));
    let file = open_nonblocking(at, path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        let what = crate::walk::type_name(meta.file_type());
        return Err((
            ErrorKind::Io,
            format!("skipped: not a regular file ({what})"),
        ));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    Ok((file, meta.len()))
}

/// The `too_large` error of a file of `len` bytes.
fn too_large(len: u64) -> (ErrorKind, String) {
    (
        ErrorKind::TooLarge,
        format!("file is {len} bytes, larger than the {MAX_INPUT} bytes pkglens reads"),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    /// Names that differ only in bytes that are not UTF-8, or in a backslash, stay apart, and
    /// each gives its file back.
    #[test]
    fn file_names_are_shown_losslessly() {
        let names: [&[u8]; 5] = [
            b"a\xff/METADATA",
            b"a\xfe/METADATA",
            b"a\\xff/METADATA",
            b"a/METADATA",
            b"caf\xc3\xa9\\",
        ];
        let shown: Vec<String> = names
            .iter()
            .map(|n| display_path(Path::new(std::ffi::OsStr::from_bytes(n))))
            .collect();
        assert_eq!(
            shown,
            [
                r"a\xff/METADATA",
                r"a\xfe/METADATA",
                r"a\\xff/METADATA",
                "a/METADATA",
                "caf\u{e9}\\\\"
            ]
        );
        for (name, shown) in names.iter().zip(&shown) {
            assert_eq!(path_of(shown).as_os_str().as_bytes(), *name);
        }
    }
}
