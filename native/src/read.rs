//! Reading one found file and parsing it: the unit of work the engine runs in parallel.

use crate::walk::{describe, Found};
use pkglens_core::resolve_requirements_input;
use pkglens_core::{detect, is_egg_info, parse_egg_info, parse_guarded};
use pkglens_core::{ErrorKind, Format, Input, ParseError, Record, MAX_INPUT};
use pkglens_core::{Step, WheelReader};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A record, and the detailed error behind it when it failed (for rendering with `^^^`).
pub type Parsed = (Record, Option<ParseError>);

/// The path as it appears in output: as given, with `/` separators.
pub fn display_path(path: &Path) -> String {
    // `to_str` checks UTF-8 a word at a time; the lossy decoding only runs when it fails.
    let text = path
        .to_str()
        .map_or_else(|| path.to_string_lossy(), std::borrow::Cow::Borrowed);
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// A file the walk passed over, and why.
pub type PassedOver = (PathBuf, &'static str);

/// Reads and parses what the walk found, or gives back a file it passed over. Reading never
/// fails: failures are records with status `error`.
pub fn read_and_parse(found: Found) -> Result<Parsed, PassedOver> {
    match found {
        Found::File { path, format } => Ok(read_file(&path, format)),
        Found::Skipped { path, reason } => Err((path, reason)),
        Found::Unreadable { path, message } => {
            let err = ParseError::whole(&display_path(&path), None, ErrorKind::Io, message);
            Ok((Record::from_error(&err), Some(err)))
        }
    }
}

/// Reads and parses the file at `path` as `format`, or as its name and content say.
pub fn read_file(path: &Path, format: Option<Format>) -> Parsed {
    let shown = display_path(path);
    if format == Some(Format::Wheel) {
        return read_wheel(path, &shown);
    }
    with_buffer(|buffer| {
        if let Err(message) = read_capped(path, buffer) {
            let err = ParseError::whole(&shown, format, ErrorKind::Io, message);
            return (Record::from_error(&err), Some(err));
        }
        // A file named on the command line is read whatever its name: by its content.
        let format = format.or_else(|| detect(&shown, buffer));
        match format {
            // Requirements files are resolved with their includes, read from disk.
            Some(Format::RequirementsTxt) => parse_requirements(&shown, buffer),
            Some(Format::PkgInfo) if in_egg_info(path) => parse_with_requires_txt(path, buffer),
            _ => parse_bytes(&shown, format, buffer),
        }
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
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) => return io_error(describe(&err)),
    };
    let size = match file.metadata() {
        Ok(meta) => meta.len(),
        Err(err) => return io_error(describe(&err)),
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
/// that names them, and `${VAR}` expanded from the environment, as pip does.
fn parse_requirements(shown: &str, bytes: &[u8]) -> Parsed {
    let mut read = |path: &str| std::fs::read(path).ok();
    let env = |name: &str| std::env::var(name).ok();
    match resolve_requirements_input(&Input::new(shown, bytes), &mut read, &env) {
        Ok(record) => (record, None),
        Err(err) => (Record::from_error(&err), Some(err)),
    }
}

/// Parses standard input, already read, as `format` (`--as`), else as its content says; a
/// requirements file's includes are read relative to the working directory.
pub fn parse_stdin(format: Option<Format>, bytes: &[u8]) -> Parsed {
    match format.or_else(|| detect("-", bytes)) {
        Some(Format::RequirementsTxt) => parse_requirements("-", bytes),
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

/// Reads a whole file into `bytes` (cleared first), refusing one over [`MAX_INPUT`]: it reads
/// at most one byte more, and asks the size only then (no `stat` per file).
fn read_capped(path: &Path, bytes: &mut Vec<u8>) -> Result<(), String> {
    bytes.clear();
    let file = File::open(path).map_err(|e| describe(&e))?;
    (&file)
        .take(MAX_INPUT as u64 + 1)
        .read_to_end(bytes)
        .map_err(|e| describe(&e))?;
    if bytes.len() > MAX_INPUT {
        let len = file.metadata().map_or(bytes.len() as u64, |m| m.len());
        bytes.clear();
        return Err(format!(
            "file is {len} bytes, larger than the {MAX_INPUT} bytes pkglens reads"
        ));
    }
    Ok(())
}
