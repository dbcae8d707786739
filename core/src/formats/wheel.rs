//! Wheels (`*.whl`, the binary distribution format): the core metadata of the wheel's
//! `{name}-{version}.dist-info/METADATA`, read lazily.
//!
//! Sans-I/O: [`WheelReader`] never reads a file. It says which byte ranges it needs and the
//! caller fetches them (`pread`, an HTTP `Range` request, `Blob.slice` in a browser):
//! 1. the tail ([`WheelReader::first_read`], [`TAIL_LEN`] bytes): the end of central
//!    directory record (EOCD), its zip64 locator and record, and usually the whole central
//!    directory;
//! 2. the central directory, when it is not entirely in the tail;
//! 3. the `METADATA` member: its local header and compressed data, in one read.
//!
//! Rare layouts cost one more read each: a zip comment so long that the EOCD is not in the
//! tail (the tail is read again, [`LONG_TAIL_LEN`] bytes), a zip64 end record far from its
//! locator, or a local header whose extra field is over 1 KiB longer than the central one.
//!
//! Members are stored or deflated (inflated by `miniz_oxide`, pure Rust, with a size cap and a
//! CRC-32 check). A damaged archive is an error of kind `binary`; encryption and other
//! compression methods are `unsupported`. Every offset and length read from the input is
//! checked: no input makes this module panic.

use crate::versions::pep508::normalize_name;
use crate::{ErrorInfo, ErrorKind, Format, ParseError, Record, Status};

/// How much of the end of the file the caller reads first: the EOCD and, for most wheels, the
/// whole central directory.
pub const TAIL_LEN: u64 = 64 * 1024;

/// The tail read again when the EOCD is not in the first one (a zip comment of up to 65535
/// bytes, plus the EOCD, the zip64 locator and the zip64 record).
pub const LONG_TAIL_LEN: u64 = 128 * 1024;

/// The largest member (inflated) this module reads: 16 MiB.
pub const MAX_MEMBER: u64 = 16 * 1024 * 1024;

/// The largest central directory this module reads: 64 MiB.
pub const MAX_CENTRAL_DIRECTORY: u64 = 64 * 1024 * 1024;

/// Bytes read past a member's expected end, in case its local extra field is longer than its
/// central one.
const SLACK: u64 = 1024;

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_EOCD_LEN: usize = 56;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const CENTRAL_LEN: usize = 46;
const LOCAL_SIG: u32 = 0x0403_4b50;
const LOCAL_LEN: usize = 30;
const MAX_COMMENT: usize = 0xffff;

/// A range of bytes of the file: `len` bytes from offset `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ByteRange {
    /// Offset of the first byte.
    pub start: u64,
    /// Number of bytes.
    pub len: u64,
}

impl ByteRange {
    /// The offset just past the range.
    pub fn end(&self) -> u64 {
        self.start.saturating_add(self.len)
    }
}

/// What a [`WheelReader`] wants next.
#[derive(Debug)]
pub enum Step {
    /// Read this range and give it to [`WheelReader::feed`].
    Read(ByteRange),
    /// Finished: the record, or why the wheel could not be read.
    Done(Result<Record, ParseError>),
}

// ---------------------------------------------------------------------------------------------
// Zip reading, shared with the zip sdists of `sdist.rs`.
// ---------------------------------------------------------------------------------------------

/// A failure of the zip layer: a category and a lower-case message.
pub(crate) type ZipError = (ErrorKind, String);

fn damaged(message: impl Into<String>) -> ZipError {
    (ErrorKind::Binary, message.into())
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

fn to_usize(n: u64) -> Option<usize> {
    usize::try_from(n).ok()
}

/// One member, as listed in the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ZipEntry {
    /// The member's name (UTF-8, or lossily decoded).
    pub name: String,
    /// General purpose flags (bit 0: encrypted).
    pub flags: u16,
    /// Compression method (0 stored, 8 deflate).
    pub method: u16,
    /// CRC-32 of the inflated data.
    pub crc: u32,
    /// Size of the data as stored.
    pub compressed: u64,
    /// Size of the inflated data.
    pub uncompressed: u64,
    /// Offset of the local header in the file (corrected for data before the archive).
    pub header_offset: u64,
    /// Name length plus extra length of the central entry: the local ones are usually equal.
    pub name_extra_len: u64,
}

/// The EOCD's view of the central directory.
#[derive(Debug, Clone, Copy)]
struct Directory {
    /// Absolute offset of the record the central directory ends at (zip64 EOCD or EOCD).
    end_record: u64,
    size: u64,
    offset: u64,
}

/// The part of locating the EOCD that the tail could not answer.
enum EocdFind {
    /// Found: the directory, and where a zip64 record must be read from, if it is not in the
    /// tail.
    Found(Directory, Option<u64>),
    /// The EOCD (or its zip64 locator) lies before the tail: read a longer one.
    NeedLongerTail,
}

/// Finds the EOCD in `tail` (the file's last bytes, starting at absolute `tail_start`).
fn find_eocd(tail: &[u8], tail_start: u64) -> Result<EocdFind, ZipError> {
    let whole = tail_start == 0;
    if tail.len() < EOCD_LEN {
        return if whole {
            Err(damaged(format!(
                "not a zip archive: {} bytes is too short for an end of central directory record",
                tail.len()
            )))
        } else {
            Ok(EocdFind::NeedLongerTail)
        };
    }
    let last = tail.len() - EOCD_LEN;
    let first = last.saturating_sub(MAX_COMMENT);
    let mut exact = None;
    let mut loose = None;
    for pos in (first..=last).rev() {
        if u32_at(tail, pos) != Some(EOCD_SIG) {
            continue;
        }
        let comment = u16_at(tail, pos + 20).map_or(usize::MAX, usize::from);
        let end = (pos + EOCD_LEN).saturating_add(comment);
        if end == tail.len() {
            exact = Some(pos);
            break;
        }
        if end <= tail.len() && loose.is_none() {
            loose = Some(pos);
        }
    }
    let Some(pos) = exact.or(loose) else {
        // The scan covered every comment length only if the tail is long enough.
        return if whole || tail.len() >= MAX_COMMENT + EOCD_LEN {
            Err(damaged(
                "not a zip archive: no end of central directory record",
            ))
        } else {
            Ok(EocdFind::NeedLongerTail)
        };
    };
    let eocd_abs = tail_start.saturating_add(pos as u64);
    let rd16 = |at: usize| u64::from(u16_at(tail, pos + at).unwrap_or(0));
    let rd32 = |at: usize| u64::from(u32_at(tail, pos + at).unwrap_or(0));
    let (disk, cd_disk) = (rd16(4), rd16(6));
    let mut dir = Directory {
        end_record: eocd_abs,
        size: rd32(12),
        offset: rd32(16),
    };
    let maybe_zip64 = rd16(10) == 0xffff || dir.size == 0xffff_ffff || dir.offset == 0xffff_ffff;
    // The zip64 locator sits just before the EOCD.
    let locator = pos.checked_sub(ZIP64_LOCATOR_LEN);
    let locator_found = locator.and_then(|at| u32_at(tail, at)) == Some(ZIP64_LOCATOR_SIG);
    if !locator_found {
        if maybe_zip64 && locator.is_none() && !whole {
            // The zip64 locator, if any, is before the tail.
            return Ok(EocdFind::NeedLongerTail);
        }
        if disk != 0 || cd_disk != 0 {
            return Err((
                ErrorKind::Unsupported,
                "multi-disk (split) zip archives are not supported".into(),
            ));
        }
        return Ok(EocdFind::Found(dir, None));
    }
    let at = locator.unwrap_or(0);
    let locator_disks = u32_at(tail, at + 16).unwrap_or(0);
    if locator_disks > 1 {
        return Err((
            ErrorKind::Unsupported,
            "multi-disk (split) zip archives are not supported".into(),
        ));
    }
    let record = u64_at(tail, at + 8).unwrap_or(u64::MAX);
    // Where the record is, in order: where the locator says, right before the locator.
    let before_locator = at.checked_sub(ZIP64_EOCD_LEN);
    for candidate in [
        record
            .checked_sub(tail_start)
            .and_then(to_usize)
            .filter(|&p| p.checked_add(ZIP64_EOCD_LEN).is_some_and(|e| e <= at)),
        before_locator,
    ]
    .into_iter()
    .flatten()
    {
        if u32_at(tail, candidate) == Some(ZIP64_EOCD_SIG) {
            dir = zip64_directory(
                &tail[candidate..],
                tail_start.saturating_add(candidate as u64),
            )?;
            return Ok(EocdFind::Found(dir, None));
        }
    }
    if record
        .checked_add(ZIP64_EOCD_LEN as u64)
        .is_some_and(|e| e <= eocd_abs)
    {
        dir.end_record = record;
        Ok(EocdFind::Found(dir, Some(record)))
    } else if !whole && before_locator.is_none() {
        Ok(EocdFind::NeedLongerTail)
    } else {
        Err(damaged(format!(
            "zip64 end of central directory record not found (locator points at offset {record})"
        )))
    }
}

/// Reads a zip64 EOCD record found at absolute offset `at`.
fn zip64_directory(bytes: &[u8], at: u64) -> Result<Directory, ZipError> {
    if u32_at(bytes, 0) != Some(ZIP64_EOCD_SIG) {
        return Err(damaged(format!(
            "bad zip64 end of central directory signature at offset {at}"
        )));
    }
    let (Some(disk), Some(cd_disk), Some(size), Some(offset)) = (
        u32_at(bytes, 16),
        u32_at(bytes, 20),
        u64_at(bytes, 40),
        u64_at(bytes, 48),
    ) else {
        return Err(damaged("truncated zip64 end of central directory record"));
    };
    if disk != 0 || cd_disk != 0 {
        return Err((
            ErrorKind::Unsupported,
            "multi-disk (split) zip archives are not supported".into(),
        ));
    }
    Ok(Directory {
        end_record: at,
        size,
        offset,
    })
}

/// Where the central directory is, and the shift to add to every offset it lists (data before
/// the archive, as Python's `zipfile` computes it).
fn locate_directory(dir: &Directory) -> Result<(ByteRange, u64), ZipError> {
    let listed_end = dir
        .offset
        .checked_add(dir.size)
        .ok_or_else(|| damaged("central directory offset and size overflow"))?;
    let shift = dir.end_record.checked_sub(listed_end).ok_or_else(|| {
        damaged(format!(
            "central directory ({} bytes at offset {}) runs past its end record at offset {}",
            dir.size, dir.offset, dir.end_record
        ))
    })?;
    if dir.size > MAX_CENTRAL_DIRECTORY {
        return Err((
            ErrorKind::TooLarge,
            format!(
                "central directory is {} bytes, larger than the {MAX_CENTRAL_DIRECTORY} bytes pkglens reads",
                dir.size
            ),
        ));
    }
    let start = dir.offset.saturating_add(shift);
    Ok((
        ByteRange {
            start,
            len: dir.size,
        },
        shift,
    ))
}

/// Parses a central directory (`bytes` is exactly its range) into its entries.
pub(crate) fn parse_central_directory(bytes: &[u8], shift: u64) -> Result<Vec<ZipEntry>, ZipError> {
    let mut entries = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let sig = u32_at(bytes, pos);
        if sig != Some(CENTRAL_SIG) {
            // Python's zipfile stops at the first bad signature with an error; do the same.
            return Err(damaged(format!(
                "bad central directory entry signature at directory offset {pos}"
            )));
        }
        let field16 = |at: usize| u16_at(bytes, pos + at).map(usize::from);
        let field32 = |at: usize| u32_at(bytes, pos + at);
        let (Some(flags), Some(method), Some(crc), Some(csize), Some(usize_), Some(name_len)) = (
            u16_at(bytes, pos + 8),
            u16_at(bytes, pos + 10),
            field32(16),
            field32(20),
            field32(24),
            field16(28),
        ) else {
            return Err(damaged("truncated central directory entry"));
        };
        let (Some(extra_len), Some(comment_len), Some(offset)) =
            (field16(30), field16(32), field32(42))
        else {
            return Err(damaged("truncated central directory entry"));
        };
        let name_start = pos + CENTRAL_LEN;
        let extra_start = name_start + name_len;
        let next = extra_start + extra_len + comment_len;
        let (Some(name), Some(extra)) = (
            bytes.get(name_start..extra_start),
            bytes.get(extra_start..extra_start + extra_len),
        ) else {
            return Err(damaged("truncated central directory entry"));
        };
        if next > bytes.len() {
            return Err(damaged("truncated central directory entry"));
        }
        let mut entry = ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            flags,
            method,
            crc,
            compressed: u64::from(csize),
            uncompressed: u64::from(usize_),
            header_offset: u64::from(offset),
            name_extra_len: (name_len + extra_len) as u64,
        };
        apply_zip64_extra(&mut entry, extra, csize, usize_, offset)?;
        entry.header_offset = entry
            .header_offset
            .checked_add(shift)
            .ok_or_else(|| damaged("local header offset overflows"))?;
        entries.push(entry);
        pos = next;
    }
    Ok(entries)
}

/// Replaces the 0xffffffff sizes and offset of an entry with those of its zip64 extra field.
fn apply_zip64_extra(
    entry: &mut ZipEntry,
    extra: &[u8],
    csize: u32,
    usize_: u32,
    offset: u32,
) -> Result<(), ZipError> {
    let mut at = 0usize;
    while let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let data_start = at + 4;
        let data_end = data_start + usize::from(len);
        let Some(data) = extra.get(data_start..data_end) else {
            break; // a damaged extra field: Python ignores the rest too
        };
        if id == 0x0001 {
            let mut values = (0..data.len() / 8).filter_map(|i| u64_at(data, i * 8));
            let mut next = || {
                values.next().ok_or_else(|| {
                    damaged(format!("truncated zip64 extra field of {}", entry.name))
                })
            };
            let uncompressed = if usize_ == u32::MAX {
                Some(next()?)
            } else {
                None
            };
            let compressed = if csize == u32::MAX {
                Some(next()?)
            } else {
                None
            };
            let header_offset = if offset == u32::MAX {
                Some(next()?)
            } else {
                None
            };
            entry.uncompressed = uncompressed.unwrap_or(entry.uncompressed);
            entry.compressed = compressed.unwrap_or(entry.compressed);
            entry.header_offset = header_offset.unwrap_or(entry.header_offset);
            return Ok(());
        }
        at = data_end;
    }
    Ok(())
}

/// The range to read for `entry`: its local header, name, extra field and data, plus slack for
/// a local extra field longer than the central one; clamped to the file.
pub(crate) fn member_range(entry: &ZipEntry, file_size: u64) -> Result<ByteRange, ZipError> {
    if entry.header_offset >= file_size {
        return Err(damaged(format!(
            "local header of {} at offset {} is past the end of the {file_size}-byte file",
            entry.name, entry.header_offset
        )));
    }
    let wanted = (LOCAL_LEN as u64)
        .saturating_add(entry.name_extra_len)
        .saturating_add(entry.compressed)
        .saturating_add(SLACK);
    Ok(ByteRange {
        start: entry.header_offset,
        len: wanted.min(file_size - entry.header_offset),
    })
}

/// What reading a member's range gave.
pub(crate) enum Member {
    /// The inflated, CRC-checked data.
    Data(Vec<u8>),
    /// The local extra field was longer than the slack: read this range instead.
    Reread(ByteRange),
}

/// Checks and inflates `entry` from `bytes`, the content of `range` (from [`member_range`]).
pub(crate) fn read_member(
    entry: &ZipEntry,
    range: ByteRange,
    bytes: &[u8],
    file_size: u64,
) -> Result<Member, ZipError> {
    let name = &entry.name;
    if entry.flags & 1 != 0 {
        return Err((
            ErrorKind::Unsupported,
            format!("{name} is encrypted; encrypted zip members are not supported"),
        ));
    }
    match entry.method {
        0 | 8 => {}
        method => {
            let what = match method {
                12 => "bzip2",
                14 => "lzma",
                93 => "zstandard",
                95 => "xz",
                _ => "an unknown method",
            };
            return Err((
                ErrorKind::Unsupported,
                format!("{name} is compressed with {what} (method {method}); only stored and deflate are supported"),
            ));
        }
    }
    if entry.uncompressed > MAX_MEMBER {
        return Err((
            ErrorKind::TooLarge,
            format!(
                "{name} is {} bytes inflated, larger than the {MAX_MEMBER} bytes pkglens reads",
                entry.uncompressed
            ),
        ));
    }
    if u32_at(bytes, 0) != Some(LOCAL_SIG) {
        return Err(damaged(format!(
            "bad local header signature for {name} at offset {}",
            range.start
        )));
    }
    let (Some(name_len), Some(extra_len)) = (u16_at(bytes, 26), u16_at(bytes, 28)) else {
        return Err(damaged(format!("truncated local header of {name}")));
    };
    let data_start = (LOCAL_LEN as u64) + u64::from(name_len) + u64::from(extra_len);
    let data_end = data_start
        .checked_add(entry.compressed)
        .ok_or_else(|| damaged(format!("size of {name} overflows")))?;
    let data = match (to_usize(data_start), to_usize(data_end)) {
        (Some(s), Some(e)) => bytes.get(s..e),
        _ => None,
    };
    let Some(data) = data else {
        let needed = ByteRange {
            start: range.start,
            len: data_end,
        };
        if needed.end() > file_size {
            return Err(damaged(format!(
                "{name} is truncated: its data ends at offset {}, past the end of the {file_size}-byte file",
                needed.end()
            )));
        }
        return Ok(Member::Reread(needed));
    };
    let out = if entry.method == 0 {
        if entry.compressed != entry.uncompressed {
            return Err(damaged(format!(
                "{name} is stored but its sizes differ ({} and {} bytes)",
                entry.compressed, entry.uncompressed
            )));
        }
        data.to_vec()
    } else {
        // One byte more than declared tells a lying size without inflating a bomb.
        let limit = to_usize(entry.uncompressed.saturating_add(1)).unwrap_or(usize::MAX);
        match miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit) {
            Ok(out) => out,
            Err(err) if err.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                return Err(damaged(format!(
                    "{name} inflates to more than the {} bytes the central directory says",
                    entry.uncompressed
                )));
            }
            Err(err) => {
                return Err(damaged(format!(
                    "{name}: damaged deflate data ({:?})",
                    err.status
                )));
            }
        }
    };
    if out.len() as u64 != entry.uncompressed {
        return Err(damaged(format!(
            "{name} inflates to {} bytes, but the central directory says {}",
            out.len(),
            entry.uncompressed
        )));
    }
    let crc = crc32fast::hash(&out);
    if crc != entry.crc {
        return Err(damaged(format!(
            "{name}: CRC-32 mismatch (computed {crc:08x}, expected {:08x})",
            entry.crc
        )));
    }
    Ok(Member::Data(out))
}

/// The zip layer's state machine up to the list of entries.
pub(crate) struct ZipIndex {
    file_size: u64,
    state: IndexState,
}

enum IndexState {
    Tail { long: bool },
    Zip64Record { dir: Directory },
    Directory { shift: u64 },
}

/// What [`ZipIndex::feed`] gives.
pub(crate) enum IndexStep {
    Read(ByteRange),
    Entries(Vec<ZipEntry>),
}

impl ZipIndex {
    pub(crate) fn new(file_size: u64) -> Self {
        ZipIndex {
            file_size,
            state: IndexState::Tail { long: false },
        }
    }

    fn tail(&self, len: u64) -> ByteRange {
        let len = len.min(self.file_size);
        ByteRange {
            start: self.file_size - len,
            len,
        }
    }

    pub(crate) fn first_read(&self) -> ByteRange {
        self.tail(TAIL_LEN)
    }

    /// Gives the bytes of `range` (the range last asked for).
    pub(crate) fn feed(&mut self, range: ByteRange, bytes: &[u8]) -> Result<IndexStep, ZipError> {
        match self.state {
            IndexState::Tail { long } => match find_eocd(bytes, range.start)? {
                EocdFind::NeedLongerTail if !long && self.file_size > range.len => {
                    self.state = IndexState::Tail { long: true };
                    Ok(IndexStep::Read(self.tail(LONG_TAIL_LEN)))
                }
                EocdFind::NeedLongerTail => Err(damaged(
                    "not a zip archive: no end of central directory record",
                )),
                EocdFind::Found(dir, Some(record)) => {
                    self.state = IndexState::Zip64Record { dir };
                    Ok(IndexStep::Read(ByteRange {
                        start: record,
                        len: ZIP64_EOCD_LEN as u64,
                    }))
                }
                EocdFind::Found(dir, None) => self.directory(dir, range, bytes),
            },
            IndexState::Zip64Record { dir } => {
                let found = zip64_directory(bytes, range.start)?;
                // Only this record was given: the directory needs its own read.
                self.directory(
                    Directory {
                        end_record: dir.end_record,
                        ..found
                    },
                    range,
                    &[],
                )
            }
            IndexState::Directory { shift } => {
                parse_central_directory(bytes, shift).map(IndexStep::Entries)
            }
        }
    }

    /// Parses the directory from `have` (bytes of `have_range`) if it is all there, or asks
    /// for it.
    fn directory(
        &mut self,
        dir: Directory,
        have_range: ByteRange,
        have: &[u8],
    ) -> Result<IndexStep, ZipError> {
        let (cd, shift) = locate_directory(&dir)?;
        if cd.len == 0 {
            return Ok(IndexStep::Entries(Vec::new()));
        }
        if cd.end() > self.file_size {
            return Err(damaged("central directory runs past the end of the file"));
        }
        if cd.start >= have_range.start && cd.end() <= have_range.end() {
            let from = to_usize(cd.start - have_range.start).unwrap_or(usize::MAX);
            let to = from.saturating_add(to_usize(cd.len).unwrap_or(usize::MAX));
            if let Some(slice) = have.get(from..to) {
                return parse_central_directory(slice, shift).map(IndexStep::Entries);
            }
        }
        self.state = IndexState::Directory { shift };
        Ok(IndexStep::Read(cd))
    }
}

/// Runs `f` over a whole in-memory file as if its ranges were read one by one.
pub(crate) fn slice_of(bytes: &[u8], range: ByteRange) -> Result<&[u8], ZipError> {
    match (to_usize(range.start), to_usize(range.end())) {
        (Some(s), Some(e)) => bytes.get(s..e),
        _ => None,
    }
    .ok_or_else(|| damaged("range out of the file"))
}

/// Reads the entries of an in-memory zip archive.
pub(crate) fn entries_in_memory(bytes: &[u8]) -> Result<Vec<ZipEntry>, ZipError> {
    let mut index = ZipIndex::new(bytes.len() as u64);
    let mut range = index.first_read();
    loop {
        match index.feed(range, slice_of(bytes, range)?)? {
            IndexStep::Read(next) => range = next,
            IndexStep::Entries(entries) => return Ok(entries),
        }
    }
}

/// Inflates one member of an in-memory zip archive.
pub(crate) fn member_in_memory(bytes: &[u8], entry: &ZipEntry) -> Result<Vec<u8>, ZipError> {
    let size = bytes.len() as u64;
    let mut range = member_range(entry, size)?;
    for _ in 0..2 {
        match read_member(entry, range, slice_of(bytes, range)?, size)? {
            Member::Data(data) => return Ok(data),
            Member::Reread(next) => range = next,
        }
    }
    Err(damaged(format!(
        "{}: local header keeps growing",
        entry.name
    )))
}

// ---------------------------------------------------------------------------------------------
// Wheel file names.
// ---------------------------------------------------------------------------------------------

/// The parts of a wheel's file name:
/// `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelName {
    /// The distribution name, as escaped in the file name (`_` for runs of `-_.`).
    pub name: String,
    /// The version, as escaped in the file name (`_` for `-`).
    pub version: String,
    /// The optional build tag (starts with a digit).
    pub build: Option<String>,
    /// Python tags (a compressed tag set `py2.py3` is split on `.`).
    pub python_tags: Vec<String>,
    /// ABI tags.
    pub abi_tags: Vec<String>,
    /// Platform tags.
    pub platform_tags: Vec<String>,
}

/// Parses a wheel file name (a path is accepted: its last component is parsed).
///
/// Follows the binary distribution format specification: five or six `-`-separated parts, a
/// build tag that starts with a digit, compressed tag sets split on `.`. The name may hold
/// ASCII letters, digits, `_` and `.` (older wheels keep dots); the version may not hold `-`.
pub fn parse_wheel_filename(file_name: &str) -> Result<WheelName, String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base
        .strip_suffix(".whl")
        .ok_or_else(|| format!("invalid wheel file name {base:?}: expected a `.whl` suffix"))?;
    let parts: Vec<&str> = stem.split('-').collect();
    let (name, version, build, tags) = match parts.as_slice() {
        [n, v, p, a, pl] => (*n, *v, None, [*p, *a, *pl]),
        [n, v, b, p, a, pl] => (*n, *v, Some(*b), [*p, *a, *pl]),
        _ => {
            return Err(format!(
                "invalid wheel file name {base:?}: expected `name-version(-build)?-python-abi-platform.whl`, found {} parts",
                parts.len()
            ))
        }
    };
    let bad = |what: &str| format!("invalid wheel file name {base:?}: {what}");
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return Err(bad(&format!(
            "invalid distribution name {name:?} (letters, digits, `_` and `.` only)"
        )));
    }
    if version.is_empty() {
        return Err(bad("empty version"));
    }
    if let Some(build) = build {
        if !build.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad(&format!("build tag {build:?} must start with a digit")));
        }
    }
    let split = |set: &str, what: &str| -> Result<Vec<String>, String> {
        let tags: Vec<String> = set.split('.').map(str::to_owned).collect();
        if tags.iter().any(String::is_empty) {
            return Err(bad(&format!("empty {what} tag in {set:?}")));
        }
        Ok(tags)
    };
    Ok(WheelName {
        name: name.to_owned(),
        version: version.to_owned(),
        build: build.map(str::to_owned),
        python_tags: split(tags[0], "python")?,
        abi_tags: split(tags[1], "abi")?,
        platform_tags: split(tags[2], "platform")?,
    })
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
            return Ok(entry);
        }
    }
    match candidates.as_slice() {
        [(entry, _)] => Ok(entry),
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
        let index = ZipIndex::new(file_size);
        let first = index.first_read();
        WheelReader {
            path: path.to_owned(),
            file_size,
            name: parse_wheel_filename(path),
            state: ReaderState::Index(index, first),
            tail: None,
        }
    }

    /// The first range to read: the last `min(TAIL_LEN, size)` bytes.
    pub fn first_read(&self) -> ByteRange {
        let len = TAIL_LEN.min(self.file_size);
        ByteRange {
            start: self.file_size - len,
            len,
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
pub(crate) mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// One member for [`build_zip`].
    #[derive(Clone)]
    pub(crate) struct Member {
        pub name: String,
        pub data: Vec<u8>,
        pub method: u16,
        pub flags: u16,
        pub crc: Option<u32>,
        pub local_extra: Vec<u8>,
    }

    pub(crate) fn member(name: &str, data: &[u8], method: u16) -> Member {
        Member {
            name: name.to_owned(),
            data: data.to_vec(),
            method,
            flags: 0,
            crc: None,
            local_extra: Vec::new(),
        }
    }

    #[derive(Default)]
    pub(crate) struct Options {
        pub prefix: Vec<u8>,
        pub comment: Vec<u8>,
        pub zip64: bool,
    }

    /// A tiny zip writer: returns the archive and the central directory's range.
    pub(crate) fn build_zip(members: &[Member], opts: &Options) -> (Vec<u8>, ByteRange) {
        let mut out = opts.prefix.clone();
        let base = out.len();
        let mut central = Vec::new();
        for m in members {
            let offset = (out.len() - base) as u32;
            let stored = match m.method {
                8 => miniz_oxide::deflate::compress_to_vec(&m.data, 6),
                _ => m.data.clone(),
            };
            let crc = m.crc.unwrap_or_else(|| crc32fast::hash(&m.data));
            let local_extra = &m.local_extra;
            out.extend(LOCAL_SIG.to_le_bytes());
            out.extend(20u16.to_le_bytes());
            out.extend(m.flags.to_le_bytes());
            out.extend(m.method.to_le_bytes());
            out.extend([0u8; 4]);
            out.extend(crc.to_le_bytes());
            out.extend((stored.len() as u32).to_le_bytes());
            out.extend((m.data.len() as u32).to_le_bytes());
            out.extend((m.name.len() as u16).to_le_bytes());
            out.extend((local_extra.len() as u16).to_le_bytes());
            out.extend(m.name.as_bytes());
            out.extend(local_extra);
            out.extend(&stored);
            let mut extra = Vec::new();
            let (csize, usize_, off) = if opts.zip64 {
                extra.extend(1u16.to_le_bytes());
                extra.extend(24u16.to_le_bytes());
                extra.extend((m.data.len() as u64).to_le_bytes());
                extra.extend((stored.len() as u64).to_le_bytes());
                extra.extend(u64::from(offset).to_le_bytes());
                (u32::MAX, u32::MAX, u32::MAX)
            } else {
                (stored.len() as u32, m.data.len() as u32, offset)
            };
            central.extend(CENTRAL_SIG.to_le_bytes());
            central.extend(20u16.to_le_bytes());
            central.extend(20u16.to_le_bytes());
            central.extend(m.flags.to_le_bytes());
            central.extend(m.method.to_le_bytes());
            central.extend([0u8; 4]);
            central.extend(crc.to_le_bytes());
            central.extend(csize.to_le_bytes());
            central.extend(usize_.to_le_bytes());
            central.extend((m.name.len() as u16).to_le_bytes());
            central.extend((extra.len() as u16).to_le_bytes());
            central.extend(0u16.to_le_bytes());
            central.extend([0u8; 8]);
            central.extend(off.to_le_bytes());
            central.extend(m.name.as_bytes());
            central.extend(extra);
        }
        let cd_offset = out.len() - base;
        let cd_range = ByteRange {
            start: out.len() as u64,
            len: central.len() as u64,
        };
        out.extend(&central);
        let n = members.len();
        if opts.zip64 {
            let record = out.len() - base;
            out.extend(ZIP64_EOCD_SIG.to_le_bytes());
            out.extend(44u64.to_le_bytes());
            out.extend(45u16.to_le_bytes());
            out.extend(45u16.to_le_bytes());
            out.extend([0u8; 8]);
            out.extend((n as u64).to_le_bytes());
            out.extend((n as u64).to_le_bytes());
            out.extend((central.len() as u64).to_le_bytes());
            out.extend((cd_offset as u64).to_le_bytes());
            out.extend(ZIP64_LOCATOR_SIG.to_le_bytes());
            out.extend(0u32.to_le_bytes());
            out.extend((record as u64).to_le_bytes());
            out.extend(1u32.to_le_bytes());
        }
        out.extend(EOCD_SIG.to_le_bytes());
        out.extend([0u8; 4]);
        let count = if opts.zip64 { 0xffff } else { n as u16 };
        out.extend(count.to_le_bytes());
        out.extend(count.to_le_bytes());
        let (size, offset) = if opts.zip64 {
            (u32::MAX, u32::MAX)
        } else {
            (central.len() as u32, cd_offset as u32)
        };
        out.extend(size.to_le_bytes());
        out.extend(offset.to_le_bytes());
        out.extend((opts.comment.len() as u16).to_le_bytes());
        out.extend(&opts.comment);
        (out, cd_range)
    }

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

    #[test]
    fn wheel_file_names() {
        let n = parse_wheel_filename("distribution-1.0-1-py27-none-any.whl").unwrap();
        assert_eq!(
            n,
            WheelName {
                name: "distribution".into(),
                version: "1.0".into(),
                build: Some("1".into()),
                python_tags: vec!["py27".into()],
                abi_tags: vec!["none".into()],
                platform_tags: vec!["any".into()],
            }
        );
        let n = parse_wheel_filename("/tmp/pip-24.0-py3-none-any.whl").unwrap();
        assert_eq!(
            (n.name.as_str(), n.version.as_str(), n.build),
            ("pip", "24.0", None)
        );
        let n = parse_wheel_filename(
            "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        )
        .unwrap();
        assert_eq!(
            n.platform_tags,
            ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
        assert_eq!(
            (n.python_tags, n.abi_tags),
            (vec!["cp312".to_owned()], vec!["cp312".to_owned()])
        );
        let n = parse_wheel_filename("six-1.16.0-py2.py3-none-any.whl").unwrap();
        assert_eq!(n.python_tags, ["py2", "py3"]);
        let n = parse_wheel_filename("zope.interface-6.0-cp311-cp311-win_amd64.whl").unwrap();
        assert_eq!(n.name, "zope.interface");
        let n = parse_wheel_filename("C:\\w\\foo_bar-1.0_beta-200abc-py3-none-any.whl").unwrap();
        assert_eq!(
            (n.name.as_str(), n.build.as_deref()),
            ("foo_bar", Some("200abc"))
        );
        for bad in [
            "pip-24.0-py3-none-any.zip",
            "pip-24.0-py3-none.whl",
            "pip-24.0-x-y-py3-none-any.whl",
            "pip-24.0-abc-py3-none-any.whl", // build tag must start with a digit
            "-24.0-py3-none-any.whl",
            "pi+p-24.0-py3-none-any.whl",
            "pip--py3-none-any.whl",
            "pip-24.0-py3..py2-none-any.whl",
            ".whl",
        ] {
            assert!(parse_wheel_filename(bad).is_err(), "{bad}");
        }
    }
}
