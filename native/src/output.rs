//! Where output goes: standard output, or the file `-o FILE` names. What is written there is
//! [`crate::render`]'s. A file is written as a temporary file beside FILE and renamed at the
//! end: readers never see half a file.

use anyhow::Context;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where output goes: standard output, or a file replaced atomically.
pub struct Destination {
    writer: BufWriter<Box<dyn Write + Send>>,
    pending: Option<(tempfile::TempPath, PathBuf)>,
}

impl Destination {
    /// The file `-o` names, or standard output without it.
    pub fn for_output(output: Option<&Path>) -> anyhow::Result<Self> {
        Ok(match output {
            Some(path) => Destination::file(path)
                .with_context(|| format!("cannot write to {}", path.display()))?,
            None => Destination::stdout(),
        })
    }

    /// Standard output.
    pub fn stdout() -> Self {
        Destination {
            writer: BufWriter::with_capacity(64 * 1024, Box::new(io::stdout())),
            pending: None,
        }
    }

    /// A temporary file beside `path`, renamed to `path` by [`Destination::commit`].
    pub fn file(path: &Path) -> io::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".pkglens-")
            .tempfile_in(dir)?;
        let (file, temp_path) = temp.into_parts();
        Ok(Destination {
            writer: BufWriter::with_capacity(64 * 1024, Box::new(file)),
            pending: Some((temp_path, path.to_path_buf())),
        })
    }

    /// Flushes, and for a file, renames it into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        if let Some((temp, target)) = self.pending.take() {
            drop(self.writer);
            temp.persist(&target).map_err(|e| e.error)?;
            let _ = fs::metadata(&target)?;
        }
        Ok(())
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}
