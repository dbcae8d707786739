//! Where output goes: standard output, or the file `-o FILE` names. What is written there is
//! [`crate::render`]'s.
//!
//! `-o` never destroys what it names. A regular file (or a missing path) is written as a
//! temporary file beside it and renamed over it at the end, so readers never see half a file;
//! the file keeps its mode (a new one gets the umask's). Anything else is written through,
//! never replaced: a FIFO, a device (`/dev/null`, `/dev/stdout`, `>(gzip > x)`), and a
//! symbolic link, whose target is written (renamed over when it is a regular file) and which
//! stays a link. `-` is standard output. The temporary file is removed on every way out:
//! an error, a panic, and SIGINT, SIGTERM or SIGHUP ([`crate::os::TempFileGuard`]).

use crate::os::TempFileGuard;
use crate::read::display_path;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where output goes: standard output, a file written through, or a file replaced atomically.
pub struct Destination {
    writer: BufWriter<Box<dyn Write + Send>>,
    pending: Option<Pending>,
    /// The name errors give (`-o`'s path), empty for standard output.
    name: String,
}

/// A temporary file waiting to be renamed over its target.
struct Pending {
    temp: tempfile::TempPath,
    target: PathBuf,
    _guard: TempFileGuard,
}

/// What `-o` names, and so how it is written.
enum Kind {
    /// Standard output (`-`).
    Stdout,
    /// A regular file or a missing path (this path, links resolved): replaced atomically.
    Replace(PathBuf),
    /// Anything else: opened and written in place.
    WriteThrough,
}

impl Destination {
    /// The file `-o` names, or standard output without it (or with `-`).
    pub fn for_output(output: Option<&Path>) -> anyhow::Result<Self> {
        Ok(match output {
            Some(path) => Destination::file(path)
                .map_err(|e| anyhow::anyhow!("cannot write to {}: {e}", display_path(path)))?,
            None => Destination::stdout(),
        })
    }

    /// Standard output.
    pub fn stdout() -> Self {
        Destination {
            writer: BufWriter::with_capacity(64 * 1024, Box::new(io::stdout())),
            pending: None,
            name: String::new(),
        }
    }

    /// `path` as its kind says: replaced by [`Destination::commit`], or written through.
    pub fn file(path: &Path) -> io::Result<Self> {
        let name = display_path(path);
        let (writer, pending): (Box<dyn Write + Send>, _) = match kind(path)? {
            Kind::Stdout => return Ok(Destination::stdout()),
            Kind::Replace(target) => {
                let (file, pending) = temporary_beside(&target)?;
                (Box::new(file), Some(pending))
            }
            Kind::WriteThrough => (Box::new(open_through(path)?), None),
        };
        Ok(Destination {
            writer: BufWriter::with_capacity(64 * 1024, writer),
            pending,
            name,
        })
    }

    /// Flushes, and for a replaced file, renames it into place.
    pub fn commit(mut self) -> io::Result<()> {
        let name = std::mem::take(&mut self.name);
        self.writer.flush().map_err(|e| named(&name, e))?;
        if let Some(pending) = self.pending.take() {
            drop(self.writer);
            pending
                .temp
                .persist(&pending.target)
                .map_err(|e| named(&name, e.error))?;
        }
        Ok(())
    }
}

/// How `path` is written: see the module's documentation.
fn kind(path: &Path) -> io::Result<Kind> {
    if path.as_os_str() == "-" {
        return Ok(Kind::Stdout);
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Ok(Kind::Replace(path.to_path_buf()))
        }
        Err(err) => return Err(err),
    };
    if meta.is_file() {
        return Ok(Kind::Replace(path.to_path_buf()));
    }
    if meta.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    if meta.file_type().is_symlink() && !is_system_link(path) {
        // A link to a regular file: replace the file it leads to, and keep the link.
        if let Ok(target) = fs::canonicalize(path) {
            if fs::metadata(&target).is_ok_and(|m| m.is_file()) {
                return Ok(Kind::Replace(target));
            }
        }
    }
    Ok(Kind::WriteThrough)
}

/// Links the system makes to open files (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`): the
/// file they lead to is already open, by the shell, and must be written, not replaced.
fn is_system_link(path: &Path) -> bool {
    path.starts_with("/dev") || path.starts_with("/proc")
}

/// A temporary file beside `target`, with `target`'s mode (or the umask's for a new file),
/// registered for removal on a fatal signal.
fn temporary_beside(target: &Path) -> io::Result<(File, Pending)> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let existing = fs::metadata(target).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".pkglens-");
    // The name is registered for removal before the file exists: a signal that comes while
    // it is being created finds it (removing a name not yet made is harmless).
    let mut guard = None;
    let temp = builder.make_in(dir, |path| {
        // Called again for another name if this one is taken: the old guard goes first (its
        // drop unregisters whatever is registered).
        drop(guard.take());
        guard = Some(TempFileGuard::new(path));
        let mut options = OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        if existing.is_none() {
            // Created with 0666, less the umask: what `>` would have made.
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o666);
        }
        options.open(path)
    })?;
    let guard = guard.unwrap_or_else(|| TempFileGuard::new(temp.path()));
    let (file, temp) = temp.into_parts();
    if let Some(permissions) = existing {
        file.set_permissions(permissions)?;
    }
    Ok((
        file,
        Pending {
            temp,
            target: target.to_path_buf(),
            _guard: guard,
        },
    ))
}

/// Opens what `path` names for writing in place: truncated when it is a regular file (through
/// a system link), created when it is a dangling link.
fn open_through(path: &Path) -> io::Result<File> {
    let regular = fs::metadata(path).map(|m| m.is_file());
    let mut options = OpenOptions::new();
    options.write(true);
    match regular {
        Ok(true) => options.truncate(true),
        Ok(false) => &mut options,
        Err(err) if err.kind() == io::ErrorKind::NotFound => options.create(true).truncate(true),
        Err(err) => return Err(err),
    };
    options.open(path)
}

/// `err` with the file's name in front (a full disk says which file), its kind kept (a closed
/// pipe is still recognised as one).
fn named(name: &str, err: io::Error) -> io::Error {
    if name.is_empty() {
        err
    } else {
        io::Error::new(
            err.kind(),
            format!("{name}: {}", crate::walk::describe(&err)),
        )
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf).map_err(|e| named(&self.name, e))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(|e| named(&self.name, e))
    }
}
