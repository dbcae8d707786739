//! Source distributions (`*.tar.gz`, `*.zip`): the core metadata of their top-level
//! `{name}-{version}/PKG-INFO`.
//!
//! A `.tar.gz` is streamed through a gzip decoder (`flate2`, pure-Rust backend) and a tar
//! reader (`tar`), stopping at the first regular file named `PKG-INFO` with exactly one path
//! component before it; at most [`MAX_STREAM`] bytes are inflated on the way, and `PKG-INFO`
//! may be at most [`MAX_PKG_INFO`] bytes. A `.zip` sdist is read with the zip reader of
//! [`zip`](crate::formats::zip) over the in-memory bytes. Plain `.tar` is read too; bzip2 and
//! xz are not.

use crate::formats::core_metadata::parse_core_metadata;
use crate::formats::zip::{entries_in_memory, member_in_memory, unique, ZipEntry, ZipError};
use crate::{ErrorKind, Format, ParseError, Record};
use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// The most bytes of a `.tar.gz` this module inflates while looking for `PKG-INFO`: 256 MiB.
pub(crate) const MAX_STREAM: u64 = 256 * 1024 * 1024;

/// The largest `PKG-INFO` this module reads: 16 MiB.
pub(crate) const MAX_PKG_INFO: u64 = 16 * 1024 * 1024;

fn error(path: &str, kind: ErrorKind, message: impl Into<String>) -> ParseError {
    ParseError::whole(path, Some(Format::Sdist), kind, message)
}

/// Whether `name` is `{top}/PKG-INFO`: exactly one (non-empty, not `.`/`..`) component before
/// it, after any leading `./`.
fn is_top_level_pkg_info(name: &[u8]) -> bool {
    let mut name = name;
    while let Some(rest) = name.strip_prefix(b"./") {
        name = rest;
    }
    let Some(top) = name.strip_suffix(b"/PKG-INFO") else {
        return false;
    };
    !top.is_empty() && top != b"." && top != b".." && !top.contains(&b'/')
}

/// Reads an sdist held whole in memory.
///
/// The kind is taken from the content (gzip, zip or tar magic), else from the file name.
pub fn parse_sdist(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let lower = path.to_ascii_lowercase();
    let data = if bytes.starts_with(&[0x1f, 0x8b]) {
        read_tar_gz(path, bytes, MAX_STREAM)?
    } else if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || lower.ends_with(".zip")
    {
        read_zip(path, bytes)?
    } else if bytes.get(257..262) == Some(b"ustar") || lower.ends_with(".tar") {
        read_tar(path, bytes, &Rc::new(Cell::new(false)))?
    } else if bytes.starts_with(b"BZh") {
        return Err(error(
            path,
            ErrorKind::Unsupported,
            "bzip2-compressed sdists are not supported (only .tar.gz and .zip)",
        ));
    } else if bytes.starts_with(b"\xfd7zXZ\0") {
        return Err(error(
            path,
            ErrorKind::Unsupported,
            "xz-compressed sdists are not supported (only .tar.gz and .zip)",
        ));
    } else {
        return Err(error(
            path,
            ErrorKind::Binary,
            "not an sdist: expected a gzip-compressed tar or a zip archive",
        ));
    };
    let (member, pkg_info) = data;
    let mut record = parse_core_metadata(path, Format::Sdist, &pkg_info).map_err(|mut err| {
        err.info.message = format!("{member}: {}", err.info.message);
        err
    })?;
    record.format = Some(Format::Sdist);
    if let Some(error) = record.error.as_mut() {
        error.message = format!("{member}: {}", error.message);
    }
    Ok(record)
}

/// A reader that fails once more than `left` bytes went through it, raising `hit`.
struct Capped<R> {
    inner: R,
    left: u64,
    hit: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // Anything more is over the cap (a probe of one byte tells the end from more).
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.hit.set(true);
                    Err(io::Error::other("decompressed size limit reached"))
                }
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}

fn read_tar_gz(path: &str, bytes: &[u8], cap: u64) -> Result<(String, Vec<u8>), ParseError> {
    let hit = Rc::new(Cell::new(false));
    let gz = flate2::read::MultiGzDecoder::new(bytes);
    let capped = Capped {
        inner: gz,
        left: cap,
        hit: Rc::clone(&hit),
    };
    read_tar(path, capped, &hit)
}

fn read_tar<R: Read>(
    path: &str,
    reader: R,
    hit: &Rc<Cell<bool>>,
) -> Result<(String, Vec<u8>), ParseError> {
    let io_error = |err: io::Error| {
        if hit.get() {
            error(
                path,
                ErrorKind::TooLarge,
                "no PKG-INFO before the inflated archive reached the size pkglens reads (256 MiB)",
            )
        } else {
            error(
                path,
                ErrorKind::Binary,
                format!("damaged archive: {}", lower_first(&err.to_string())),
            )
        }
    };
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path_bytes();
        if !is_top_level_pkg_info(&name) {
            continue;
        }
        let name = String::from_utf8_lossy(&name).into_owned();
        let size = entry.size();
        if size > MAX_PKG_INFO {
            return Err(error(
                path,
                ErrorKind::TooLarge,
                format!(
                    "{name} is {size} bytes, larger than the {MAX_PKG_INFO} bytes pkglens reads"
                ),
            ));
        }
        let mut data = Vec::new();
        entry
            .take(MAX_PKG_INFO)
            .read_to_end(&mut data)
            .map_err(io_error)?;
        if (data.len() as u64) < size {
            return Err(error(
                path,
                ErrorKind::Binary,
                format!("{name} is truncated: {} of {size} bytes", data.len()),
            ));
        }
        return Ok((name, data));
    }
    Err(error(
        path,
        ErrorKind::MissingField,
        "not an sdist: no top-level `*/PKG-INFO` in the archive",
    ))
}

fn read_zip(path: &str, bytes: &[u8]) -> Result<(String, Vec<u8>), ParseError> {
    let zip_error = |(kind, message): ZipError| error(path, kind, message);
    let entries = entries_in_memory(bytes).map_err(zip_error)?;
    let entry: &ZipEntry = entries
        .iter()
        .find(|e| is_top_level_pkg_info(e.name.as_bytes()))
        .ok_or_else(|| {
            error(
                path,
                ErrorKind::MissingField,
                "not an sdist: no top-level `*/PKG-INFO` in the archive",
            )
        })?;
    let entry = unique(&entries, entry).map_err(zip_error)?;
    let data = member_in_memory(bytes, entry).map_err(zip_error)?;
    Ok((entry.name.clone(), data))
}

fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::zip::test_zip::{build_zip, member, Options};
    use crate::Status;
    use std::io::Write;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const PKG_INFO: &str = "Metadata-Version: 2.1\nName: demo\nVersion: 0.3\nRequires-Dist: six\n";

    fn tar(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            builder.append_data(&mut header, name, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn check(record: &Record) {
        assert_eq!(record.status, Status::Ok, "{:?}", record.error);
        assert_eq!(record.format, Some(Format::Sdist));
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("demo", "0.3"));
        assert_eq!(p.requires[0].raw, "six");
    }

    #[test]
    fn tar_gz_stops_at_the_top_level_pkg_info() {
        let nested = b"Name: wrong\nVersion: 9\n";
        let long_dir = format!("demo-0.3/{}/x.egg-info/PKG-INFO", "d".repeat(120));
        let files: [(&str, &[u8]); 5] = [
            ("demo-0.3/src/demo.egg-info/PKG-INFO", nested),
            (&long_dir, nested),
            ("PKG-INFO", nested),
            ("./demo-0.3/PKG-INFO", PKG_INFO.as_bytes()),
            ("demo-0.3/setup.py", b"\0\0\0"),
        ];
        let bytes = gzip(&tar(&files));
        check(&parse_sdist("demo-0.3.tar.gz", &bytes).unwrap());
        // A plain tar too.
        check(&parse_sdist("demo-0.3.tar", &tar(&files)).unwrap());
    }

    #[test]
    fn zip_sdists() {
        let (bytes, _) = build_zip(
            &[
                member(
                    "demo-0.3/demo.egg-info/PKG-INFO",
                    b"Name: x\nVersion: 1\n",
                    8,
                ),
                member("demo-0.3/PKG-INFO", PKG_INFO.as_bytes(), 8),
            ],
            &Options::default(),
        );
        check(&parse_sdist("demo-0.3.zip", &bytes).unwrap());
    }

    #[test]
    fn errors() {
        let no_pkg_info = gzip(&tar(&[("demo-0.3/setup.py", b"x")]));
        let err = parse_sdist("d.tar.gz", &no_pkg_info).unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::MissingField);
        assert_eq!(
            parse_sdist("d.tar.gz", b"hello").unwrap_err().info.kind,
            ErrorKind::Binary
        );
        assert_eq!(
            parse_sdist("d.tar.bz2", b"BZh91AY").unwrap_err().info.kind,
            ErrorKind::Unsupported
        );
        // The inflated-size cap.
        let big = vec![0u8; 1 << 20];
        let bytes = gzip(&tar(&[
            ("demo-0.3/big", &big),
            ("demo-0.3/PKG-INFO", PKG_INFO.as_bytes()),
        ]));
        let err = read_tar_gz("d.tar.gz", &bytes, 1 << 19).unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::TooLarge);
        assert!(read_tar_gz("d.tar.gz", &bytes, 2 << 20).is_ok());
        // Truncations and mutations: errors, never panics.
        let good = gzip(&tar(&[("demo-0.3/PKG-INFO", PKG_INFO.as_bytes())]));
        // (Streaming stops at PKG-INFO: a cut after it loses nothing that was read.)
        let full = parse_sdist("d.tar.gz", &good).unwrap();
        for cut in 0..good.len() {
            if let Ok(record) = parse_sdist("d.tar.gz", &good[..cut]) {
                assert_eq!(record, full, "cut at {cut}");
            }
        }
        let raw = tar(&[("demo-0.3/PKG-INFO", PKG_INFO.as_bytes())]);
        for i in 0..1024 {
            for v in [0u8, 0xff, raw[i] ^ 1] {
                let mut bad = raw.clone();
                bad[i] = v;
                let _ = parse_sdist("d.tar", &bad);
            }
        }
        // A bad PKG-INFO names the member.
        let bytes = gzip(&tar(&[("demo-0.3/PKG-INFO", b"Version: 1\n")]));
        let err = parse_sdist("d.tar.gz", &bytes).unwrap_err();
        assert!(
            err.info.message.starts_with("demo-0.3/PKG-INFO: "),
            "{}",
            err.info.message
        );
    }
}
