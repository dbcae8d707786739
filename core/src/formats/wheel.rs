//! Wheels (`*.whl`, the binary distribution format): the core metadata of the wheel's
//! `{name}-{version}.dist-info/METADATA`, read lazily.
//!
//! Sans-I/O: [`WheelReader`] never reads a file. It says which byte ranges it needs and the
//! caller fetches them (`pread`, an HTTP `Range` request, `Blob.slice` in a browser):
//! 1. the tail ([`WheelReader::first_read`], [`TAIL_LEN`](crate::formats::zip::TAIL_LEN)
//!    bytes): the end of central directory record (EOCD), its zip64 locator and record, and
//!    usually the whole central directory;
//! 2. the central directory, when it is not entirely in the tail;
//! 3. the `METADATA` member: its local header and compressed data, in one read.
//!
//! Rare layouts cost one more read each: a zip comment so long that the EOCD is not in the
//! tail (the tail is read again, [`LONG_TAIL_LEN`](crate::formats::zip::LONG_TAIL_LEN)
//! bytes), a zip64 end record far from its locator, or a local header whose extra field is
//! over 1 KiB longer than the central one.
//!
//! The zip layer (EOCD, zip64, central directory, inflating a member, and the quirks of each)
//! is [`zip`](crate::formats::zip); the file name is parsed by [`parse_wheel_filename`].
//! A damaged archive is an error of kind `binary`; encryption and
//! other compression methods are `unsupported`. No input makes this module panic.

use crate::formats::wheel_name::{parse_wheel_filename, WheelName};
use crate::formats::zip::{
    damaged, member_range, read_member, slice_of, to_usize, unique, ByteRange, IndexStep, Member,
    ZipEntry, ZipError, ZipIndex, TAIL_LEN,
};
use crate::versions::pep508::normalize_name;
use crate::{ErrorInfo, ErrorKind, Format, ParseError, Record, Status};

/// What a [`WheelReader`] wants next.
#[derive(Debug)]
pub enum Step {
    /// Read this range and give it to [`WheelReader::feed`].
    Read(ByteRange),
    /// Finished: the record, or why the wheel could not be read.
    Done(Result<Record, ParseError>),
}

/// Escapes a version as a wheel file name does: `-` becomes `_`.
fn escape_version(version: &str) -> String {
    version.replace('-', "_")
}

/// Whether two versions are the same: PEP 440 equality when both parse, else equal strings
/// after escaping (case-insensitive).
fn same_version(a: &str, b: &str) -> bool {
    use crate::versions::pep440::Pep440Version as Version;
    use std::str::FromStr;
    let (a, b) = (escape_version(a.trim()), escape_version(b.trim()));
    match (Version::from_str(&a), Version::from_str(&b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.eq_ignore_ascii_case(&b),
    }
}

/// Picks the `METADATA` member: the `.dist-info` folder that matches the file name's name and
/// version, else the only one, else an error listing them.
fn pick_metadata<'e>(
    entries: &'e [ZipEntry],
    expected: Option<&WheelName>,
) -> Result<&'e ZipEntry, ZipError> {
    let candidates: Vec<(&ZipEntry, &str)> = entries
        .iter()
        .filter_map(|e| {
            let dir = e.name.strip_suffix("/METADATA")?;
            let stem = dir.strip_suffix(".dist-info")?;
            (!dir.contains('/') && !stem.is_empty()).then_some((e, stem))
        })
        .collect();
    if let Some(want) = expected {
        let name = normalize_name(&want.name);
        let version = escape_version(&want.version);
        let exact = candidates.iter().find(|(_, stem)| {
            stem.split_once('-')
                .is_some_and(|(n, v)| normalize_name(n) == name && escape_version(v) == version)
        });
        if let Some((entry, _)) = exact {
            return unique(entries, entry);
        }
    }
    match candidates.as_slice() {
        [(entry, _)] => unique(entries, entry),
        [] => {
            let dirs: Vec<&str> = entries
                .iter()
                .filter_map(|e| {
                    let top = e.name.split('/').next()?;
                    top.ends_with(".dist-info").then_some(top)
                })
                .collect();
            Err((
                ErrorKind::MissingField,
                if dirs.is_empty() {
                    "not a wheel: no `*.dist-info/METADATA` member".to_owned()
                } else {
                    format!("no METADATA in {}", dirs[0])
                },
            ))
        }
        many => {
            let names: Vec<String> = many.iter().map(|(_, s)| format!("{s}.dist-info")).collect();
            Err((
                ErrorKind::InvalidValue,
                format!(
                    "{} .dist-info folders and none matches the file name: {}",
                    names.len(),
                    names.join(", ")
                ),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The wheel reader.
// ---------------------------------------------------------------------------------------------

/// Reads a wheel's metadata from the ranges it asks for.
///
/// ```text
/// let mut reader = WheelReader::new(path, size);
/// let mut range = reader.first_read();
/// loop {
///     let bytes = read(range);            // pread, HTTP Range, Blob.slice
///     match reader.feed(range, &bytes) {
///         Step::Read(next) => range = next,
///         Step::Done(result) => break result,
///     }
/// }
/// ```
pub struct WheelReader {
    path: String,
    file_size: u64,
    name: Result<WheelName, String>,
    state: ReaderState,
    /// The last tail read: a small wheel's METADATA is often in it already.
    tail: Option<(ByteRange, Vec<u8>)>,
}

enum ReaderState {
    Index(ZipIndex, ByteRange),
    Member(ZipEntry, ByteRange),
    Done,
}

impl WheelReader {
    /// A reader for the wheel `path` (its file name is parsed for the name and version) of
    /// `file_size` bytes.
    pub fn new(path: &str, file_size: u64) -> Self {
        Self::with_first_read(path, file_size, TAIL_LEN)
    }

    /// A reader whose first read is the last `tail` bytes instead of 64 KiB (the
    /// central directory then more often needs a read of its own). Over HTTP, where a read is
    /// a request and bytes are the cost, 32 KiB reads 21x fewer bytes than whole files on the
    /// wheel corpus against 64 KiB's 14x, for 6% more requests.
    pub fn with_first_read(path: &str, file_size: u64, tail: u64) -> Self {
        let index = ZipIndex::with_tail(file_size, tail);
        let first = index.first_read();
        WheelReader {
            path: path.to_owned(),
            file_size,
            name: parse_wheel_filename(path),
            state: ReaderState::Index(index, first),
            tail: None,
        }
    }

    /// The first range to read: the last `min(TAIL_LEN, size)` bytes (or the tail given to
    /// [`WheelReader::with_first_read`]).
    pub fn first_read(&self) -> ByteRange {
        match &self.state {
            ReaderState::Index(_, first) => *first,
            _ => ByteRange {
                start: self.file_size,
                len: 0,
            },
        }
    }

    fn fail(&mut self, (kind, message): ZipError) -> Step {
        self.state = ReaderState::Done;
        Step::Done(Err(ParseError::whole(
            &self.path,
            Some(Format::Wheel),
            kind,
            message,
        )))
    }

    /// Gives the bytes of `range`, the range last asked for; returns the next range to read
    /// or the finished record.
    pub fn feed(&mut self, range: ByteRange, bytes: &[u8]) -> Step {
        let asked = match &self.state {
            ReaderState::Index(_, asked) | ReaderState::Member(_, asked) => *asked,
            ReaderState::Done => {
                return self.fail((
                    ErrorKind::Unsupported,
                    "the wheel reader has already finished".into(),
                ))
            }
        };
        if range != asked {
            return self.fail((
                ErrorKind::Unsupported,
                format!(
                    "expected the bytes at {}..{}, got {}..{}",
                    asked.start,
                    asked.end(),
                    range.start,
                    range.end()
                ),
            ));
        }
        if bytes.len() as u64 != range.len {
            return self.fail(damaged(format!(
                "truncated file: expected {} bytes at offset {}, got {}",
                range.len,
                range.start,
                bytes.len()
            )));
        }
        match std::mem::replace(&mut self.state, ReaderState::Done) {
            ReaderState::Index(mut index, _) => {
                if range.end() == self.file_size {
                    self.tail = Some((range, bytes.to_vec()));
                }
                let step = index.feed(range, bytes);
                self.feed_index(step, index)
            }
            ReaderState::Member(entry, _) => self.feed_member(entry, range, bytes),
            ReaderState::Done => self.fail((
                ErrorKind::Unsupported,
                "the wheel reader has already finished".into(),
            )),
        }
    }

    fn feed_index(&mut self, step: Result<IndexStep, ZipError>, index: ZipIndex) -> Step {
        match step {
            Err(err) => self.fail(err),
            Ok(IndexStep::Read(next)) => {
                self.state = ReaderState::Index(index, next);
                Step::Read(next)
            }
            Ok(IndexStep::Entries(entries)) => {
                let picked = pick_metadata(&entries, self.name.as_ref().ok())
                    .and_then(|e| member_range(e, self.file_size).map(|range| (e.clone(), range)));
                let (entry, next) = match picked {
                    Err(err) => return self.fail(err),
                    Ok(picked) => picked,
                };
                // Already read with the tail?
                let have = self.tail.take().and_then(|(tail, bytes)| {
                    let from = to_usize(next.start.checked_sub(tail.start)?)?;
                    let to = from.checked_add(to_usize(next.len)?)?;
                    Some(bytes.get(from..to)?.to_vec())
                });
                match have {
                    Some(bytes) => self.feed_member(entry, next, &bytes),
                    None => {
                        self.state = ReaderState::Member(entry, next);
                        Step::Read(next)
                    }
                }
            }
        }
    }

    fn feed_member(&mut self, entry: ZipEntry, range: ByteRange, bytes: &[u8]) -> Step {
        match read_member(&entry, range, bytes, self.file_size) {
            Err(err) => self.fail(err),
            Ok(Member::Reread(next)) if next.len > range.len => {
                self.state = ReaderState::Member(entry, next);
                Step::Read(next)
            }
            Ok(Member::Reread(_)) => self.fail(damaged(format!(
                "{}: local header does not fit its range",
                entry.name
            ))),
            Ok(Member::Data(data)) => {
                self.state = ReaderState::Done;
                Step::Done(self.finish(&entry.name, &data))
            }
        }
    }

    /// Parses the METADATA bytes and checks them against the file name.
    fn finish(&self, member: &str, data: &[u8]) -> Result<Record, ParseError> {
        let mut record =
            crate::formats::core_metadata::parse_core_metadata(&self.path, Format::Wheel, data)
                .map_err(|mut err| {
                    err.info.message = format!("{member}: {}", err.info.message);
                    err
                })?;
        record.format = Some(Format::Wheel);
        if let Some(error) = record.error.as_mut() {
            error.message = format!("{member}: {}", error.message);
        }
        let problem = match (&self.name, record.packages.first()) {
            (Err(message), _) => Some(message.clone()),
            (Ok(want), Some(package)) => {
                let name_ok = normalize_name(&want.name) == normalize_name(&package.name);
                let version_ok = same_version(&want.version, &package.version);
                (!(name_ok && version_ok)).then(|| {
                    format!(
                        "the file name says {}-{} but {member} says {} {}",
                        want.name, want.version, package.name, package.version
                    )
                })
            }
            (Ok(_), None) => None,
        };
        if let Some(message) = problem {
            if record.error.is_none() {
                record.status = Status::Error;
                record.error = Some(ErrorInfo {
                    kind: ErrorKind::InvalidValue,
                    message,
                    line: 0,
                    column: 0,
                });
            }
        }
        Ok(record)
    }
}

/// The record of a wheel read from its METADATA alone: a PEP 658 `<wheel>.metadata` file,
/// which an index serves beside the wheel so that resolvers need not open it. The record is
/// the one [`WheelReader`] gives for the wheel itself (format `wheel`, the name and version
/// checked against `wheel_file`'s), with `path` as its path.
pub fn parse_wheel_metadata(
    path: &str,
    wheel_file: &str,
    metadata: &[u8],
) -> Result<Record, ParseError> {
    let name = parse_wheel_filename(wheel_file);
    let member = match &name {
        Ok(n) => format!("{}-{}.dist-info/METADATA", n.name, n.version),
        Err(_) => "METADATA".to_owned(),
    };
    let reader = WheelReader {
        path: path.to_owned(),
        file_size: metadata.len() as u64,
        name,
        state: ReaderState::Done,
        tail: None,
    };
    reader.finish(&member, metadata)
}

/// Reads a wheel held whole in memory: runs [`WheelReader`] over the slice.
pub fn parse_wheel(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let mut reader = WheelReader::new(path, bytes.len() as u64);
    let mut range = reader.first_read();
    loop {
        let chunk = match slice_of(bytes, range) {
            Ok(chunk) => chunk,
            Err((kind, message)) => {
                return Err(ParseError::whole(path, Some(Format::Wheel), kind, message))
            }
        };
        match reader.feed(range, chunk) {
            Step::Read(next) => range = next,
            Step::Done(result) => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::zip::test_zip::{build_zip, member, Options};
    use crate::formats::zip::{CENTRAL_SIG, MAX_MEMBER};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const META: &str = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\nRequires-Python: >=3.8\nProvides-Extra: test\nRequires-Dist: requests>=2\nRequires-Dist: pytest; extra == \"test\"\n\nbody\n";
    const WHL: &str = "dist/demo_pkg-1.0-py3-none-any.whl";

    fn wheel(method: u16, opts: &Options) -> Vec<u8> {
        let members = [
            member("demo_pkg/__init__.py", b"x = 1\n", 8),
            member("demo_pkg-1.0.dist-info/METADATA", META.as_bytes(), method),
            member("demo_pkg-1.0.dist-info/RECORD", b"", 0),
        ];
        build_zip(&members, opts).0
    }

    /// Runs the lazy reader over `bytes`, returning the result and the ranges read.
    fn lazily(path: &str, bytes: &[u8]) -> (Result<Record, ParseError>, Vec<ByteRange>) {
        let mut reader = WheelReader::new(path, bytes.len() as u64);
        let mut range = reader.first_read();
        let mut reads = Vec::new();
        loop {
            reads.push(range);
            let chunk = slice_of(bytes, range).unwrap();
            match reader.feed(range, chunk) {
                Step::Read(next) => range = next,
                Step::Done(result) => return (result, reads),
            }
        }
    }

    fn check_demo(record: &Record) {
        assert_eq!(record.status, Status::Ok, "{:?}", record.error);
        assert_eq!(record.format, Some(Format::Wheel));
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("demo-pkg", "1.0"));
        assert_eq!(p.requires.len(), 2);
        assert_eq!(p.requires_python.as_deref(), Some(">=3.8"));
        assert_eq!(p.provides_extra, ["test"]);
    }

    fn kind_of(result: Result<Record, ParseError>) -> (ErrorKind, String) {
        let err = result.unwrap_err();
        (err.info.kind, err.info.message)
    }

    /// A PEP 658 metadata file gives the wheel's own record, and its name is checked.
    #[test]
    fn metadata_file_reads_as_its_wheel() {
        let bytes = wheel(8, &Options::default());
        let mut whole = parse_wheel(WHL, &bytes).unwrap();
        let mut alone = parse_wheel_metadata("x.metadata", WHL, META.as_bytes()).unwrap();
        (whole.path, alone.path) = (String::new(), String::new());
        assert_eq!(alone, whole);
        let other = parse_wheel_metadata("x", "dist/other-2.0-py3-none-any.whl", META.as_bytes());
        assert_eq!(other.unwrap().status, Status::Error);
    }

    /// A short first read: the same record, the directory and the member read apart when not
    /// in it.
    #[test]
    fn a_short_first_read_reads_the_same_record() {
        let bytes = wheel(8, &Options::default());
        for tail in [0, 22, 40, 100, 1 << 20] {
            let mut reader = WheelReader::with_first_read(WHL, bytes.len() as u64, tail);
            let mut range = reader.first_read();
            assert_eq!(range.end(), bytes.len() as u64);
            let result = loop {
                match reader.feed(range, slice_of(&bytes, range).unwrap()) {
                    Step::Read(next) => range = next,
                    Step::Done(result) => break result,
                }
            };
            check_demo(&result.unwrap());
        }
    }

    #[test]
    fn stored_and_deflated() {
        for method in [0, 8] {
            let bytes = wheel(method, &Options::default());
            check_demo(&parse_wheel(WHL, &bytes).unwrap());
            // Small wheel: the member is in the tail, one read in all.
            let (result, reads) = lazily(WHL, &bytes);
            check_demo(&result.unwrap());
            assert_eq!(reads.len(), 1);
        }
    }

    #[test]
    fn zip_comments_short_and_longest() {
        let bytes = wheel(
            8,
            &Options {
                comment: b"hello PK\x05\x06 there".to_vec(),
                ..Default::default()
            },
        );
        check_demo(&parse_wheel(WHL, &bytes).unwrap());
        // A 65535-byte comment puts the EOCD before the 64 KiB tail: one longer tail read.
        let bytes = wheel(
            8,
            &Options {
                comment: vec![b'c'; 0xffff],
                ..Default::default()
            },
        );
        let (result, reads) = lazily(WHL, &bytes);
        check_demo(&result.unwrap());
        assert_eq!(reads.len(), 2, "{reads:?}");
        assert_eq!(reads[1].len, bytes.len() as u64);
    }

    #[test]
    fn zip64_archives() {
        for method in [0, 8] {
            let bytes = wheel(
                method,
                &Options {
                    zip64: true,
                    ..Default::default()
                },
            );
            check_demo(&parse_wheel(WHL, &bytes).unwrap());
        }
    }

    #[test]
    fn data_before_the_archive_is_skipped() {
        let bytes = wheel(
            8,
            &Options {
                prefix: vec![b'#'; 5000],
                ..Default::default()
            },
        );
        check_demo(&parse_wheel(WHL, &bytes).unwrap());
    }

    #[test]
    fn a_central_directory_larger_than_the_tail_is_read_at_once() {
        let mut members = vec![member(
            "demo_pkg-1.0.dist-info/METADATA",
            META.as_bytes(),
            8,
        )];
        for i in 0..1500 {
            members.push(member(&format!("demo_pkg/{i:0>60}.py"), b"", 0));
        }
        let (bytes, cd) = build_zip(&members, &Options::default());
        assert!(cd.len > TAIL_LEN);
        let (result, reads) = lazily(WHL, &bytes);
        check_demo(&result.unwrap());
        assert_eq!(reads.len(), 3, "{reads:?}");
        assert_eq!(reads[1], cd);
        assert_eq!(reads[2].start, 0);
        // The same with zip64 and a prefix.
        let (bytes, cd) = build_zip(
            &members,
            &Options {
                zip64: true,
                prefix: vec![0; 100],
                ..Default::default()
            },
        );
        let (result, reads) = lazily(WHL, &bytes);
        check_demo(&result.unwrap());
        assert_eq!((reads.len(), reads[1]), (3, cd));
    }

    #[test]
    fn a_long_local_extra_field_costs_one_more_read() {
        let mut m = member("demo_pkg-1.0.dist-info/METADATA", META.as_bytes(), 8);
        m.local_extra = vec![0; 3000];
        let mut members = vec![m];
        members.push(member("big.bin", &vec![7u8; 200_000], 0));
        let (bytes, _) = build_zip(&members, &Options::default());
        let (result, reads) = lazily(WHL, &bytes);
        check_demo(&result.unwrap());
        assert_eq!(reads.len(), 3, "{reads:?}");
    }

    #[test]
    fn several_dist_info_folders() {
        let other = "Metadata-Version: 2.1\nName: other\nVersion: 2.0\n";
        let members = [
            member("other-2.0.dist-info/METADATA", other.as_bytes(), 8),
            member("Demo.Pkg-1.0.dist-info/METADATA", META.as_bytes(), 8),
        ];
        let (bytes, _) = build_zip(&members, &Options::default());
        // The exact match (by normalised name) wins, wherever it is.
        check_demo(&parse_wheel(WHL, &bytes).unwrap());
        // None matches: an error listing them.
        let (kind, message) = kind_of(parse_wheel("third-3.0-py3-none-any.whl", &bytes));
        assert_eq!(kind, ErrorKind::InvalidValue);
        assert!(
            message.contains("other-2.0.dist-info") && message.contains("Demo.Pkg-1.0.dist-info"),
            "{message}"
        );
        // Nested dist-info folders do not count; no dist-info at all is an error.
        let (bytes, _) = build_zip(
            &[member("a/b-1.0.dist-info/METADATA", META.as_bytes(), 0)],
            &Options::default(),
        );
        let (kind, message) = kind_of(parse_wheel(WHL, &bytes));
        assert_eq!(kind, ErrorKind::MissingField, "{message}");
    }

    /// Two central-directory entries named `X.dist-info/METADATA` (the second with other
    /// requirements): pip and `zipfile` read the last, a first-match reader the first. Neither
    /// is trusted: an error naming the member.
    #[test]
    fn duplicate_metadata_members_are_an_error() {
        let smuggled = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\nRequires-Dist: evil\n";
        let members = [
            member("demo_pkg-1.0.dist-info/METADATA", META.as_bytes(), 8),
            member("demo_pkg-1.0.dist-info/METADATA", smuggled.as_bytes(), 8),
        ];
        let (bytes, _) = build_zip(&members, &Options::default());
        let (kind, message) = kind_of(parse_wheel(WHL, &bytes));
        assert_eq!(kind, ErrorKind::InvalidValue);
        assert_eq!(
            message,
            "2 members named demo_pkg-1.0.dist-info/METADATA: readers disagree on which one counts"
        );
        let (lazy, _) = lazily(WHL, &bytes);
        assert_eq!(kind_of(lazy).0, ErrorKind::InvalidValue);
    }

    #[test]
    fn name_escaping_and_normalisation() {
        let meta = "Metadata-Version: 2.1\nName: Foo.Bar-baz\nVersion: 1.0rc1-post2\n";
        let members = [member(
            "foo_bar_baz-1.0rc1_post2.dist-info/METADATA",
            meta.as_bytes(),
            8,
        )];
        let (bytes, _) = build_zip(&members, &Options::default());
        let record = parse_wheel("Foo_Bar_baz-1.0rc1_post2-py3-none-any.whl", &bytes).unwrap();
        assert_eq!(record.status, Status::Ok, "{:?}", record.error);
        assert_eq!(record.packages[0].name, "Foo.Bar-baz");
        // PEP 440 equality: 1.0 is 1.0.0.
        let meta = "Metadata-Version: 2.1\nName: demo_pkg\nVersion: 1.0.0\n";
        let (bytes, _) = build_zip(
            &[member(
                "demo_pkg-1.0.0.dist-info/METADATA",
                meta.as_bytes(),
                8,
            )],
            &Options::default(),
        );
        assert_eq!(parse_wheel(WHL, &bytes).unwrap().status, Status::Ok);
    }

    #[test]
    fn a_mismatch_with_the_file_name_keeps_the_package() {
        let bytes = wheel(8, &Options::default());
        for (path, bad) in [
            ("demo_pkg-2.0-py3-none-any.whl", "demo_pkg-2.0"),
            ("other-1.0-py3-none-any.whl", "other-1.0"),
        ] {
            let record = parse_wheel(path, &bytes).unwrap();
            assert_eq!(record.status, Status::Error);
            let error = record.error.unwrap();
            assert_eq!(error.kind, ErrorKind::InvalidValue);
            assert!(
                error.message.contains(bad) && error.message.contains("demo-pkg 1.0"),
                "{}",
                error.message
            );
            assert_eq!(record.packages[0].name, "demo-pkg");
        }
        // A path that is no wheel file name: read, flagged.
        let record = parse_wheel("-", &bytes).unwrap();
        assert_eq!(record.status, Status::Error);
        assert!(record
            .error
            .unwrap()
            .message
            .contains("invalid wheel file name"));
    }

    #[test]
    fn damaged_archives_are_errors() {
        let good = wheel(8, &Options::default());
        // CRC mismatch.
        let mut m = member("demo_pkg-1.0.dist-info/METADATA", META.as_bytes(), 8);
        m.crc = Some(0x1234_5678);
        let (bytes, _) = build_zip(&[m.clone()], &Options::default());
        let (kind, message) = kind_of(parse_wheel(WHL, &bytes));
        assert_eq!(kind, ErrorKind::Binary);
        assert!(message.contains("CRC-32"), "{message}");
        // Encrypted, unsupported method.
        m.crc = None;
        m.flags = 1;
        let (bytes, _) = build_zip(&[m.clone()], &Options::default());
        assert_eq!(kind_of(parse_wheel(WHL, &bytes)).0, ErrorKind::Unsupported);
        m.flags = 0;
        m.method = 12;
        let (bytes, _) = build_zip(&[m], &Options::default());
        let (kind, message) = kind_of(parse_wheel(WHL, &bytes));
        assert_eq!(kind, ErrorKind::Unsupported);
        assert!(message.contains("bzip2"), "{message}");
        // Not a zip at all, and empty.
        assert_eq!(kind_of(parse_wheel(WHL, b"hello")).0, ErrorKind::Binary);
        assert_eq!(kind_of(parse_wheel(WHL, b"")).0, ErrorKind::Binary);
        // Every truncation is an error, never a panic; so are short or wrong feeds.
        for cut in 0..good.len() {
            assert!(parse_wheel(WHL, &good[..cut]).is_err(), "cut at {cut}");
        }
        let mut reader = WheelReader::new(WHL, good.len() as u64);
        let first = reader.first_read();
        assert!(matches!(reader.feed(first, &good[1..]), Step::Done(Err(_))));
        assert!(matches!(reader.feed(first, &good), Step::Done(Err(_))));
    }

    #[test]
    fn too_large_members() {
        // Declared over the cap.
        let big = vec![b'a'; (MAX_MEMBER + 10) as usize];
        let (bomb, _) = build_zip(
            &[member("demo_pkg-1.0.dist-info/METADATA", &big, 8)],
            &Options::default(),
        );
        assert_eq!(kind_of(parse_wheel(WHL, &bomb)).0, ErrorKind::TooLarge);
        // Declared small, inflating past the cap.
        let pos = bomb
            .windows(4)
            .rposition(|w| w == CENTRAL_SIG.to_le_bytes())
            .unwrap();
        let mut lying = bomb.clone();
        lying[pos + 24..pos + 28].copy_from_slice(&100u32.to_le_bytes());
        let (kind, message) = kind_of(parse_wheel(WHL, &lying));
        assert_eq!(kind, ErrorKind::Binary);
        assert!(message.contains("more than the 100 bytes"), "{message}");
    }

    /// A cheap fuzz: every byte of a small wheel (zip64 and not) set to a few values.
    #[test]
    fn mutations_never_panic() {
        for opts in [
            Options::default(),
            Options {
                zip64: true,
                ..Default::default()
            },
        ] {
            let good = wheel(8, &opts);
            for i in 0..good.len() {
                for v in [0u8, 0xff, good[i] ^ 0x01, good[i].wrapping_add(0x80)] {
                    let mut bad = good.clone();
                    bad[i] = v;
                    let _ = parse_wheel(WHL, &bad);
                }
            }
        }
    }
}
