//! A zip reader driven by byte ranges, shared by wheels ([`wheel`](crate::formats::wheel)) and
//! zip sdists ([`sdist`](crate::formats::sdist)).
//!
//! Sans-I/O: the reader never reads a file. `ZipIndex` says which byte ranges it needs and the
//! caller fetches them: first the tail ([`TAIL_LEN`] bytes), which holds the end of central
//! directory record (EOCD), its zip64 locator and record, and usually the whole central
//! directory; then, only when it is not all in the tail, the central directory. One member is
//! then read from one range (`member_range`): its local header and data (`read_member`).
//!
//! Zip quirks handled:
//! - a zip comment (up to 65535 bytes, which may itself hold an EOCD signature): the EOCD is
//!   the last one whose comment reaches exactly the end of the file, else the last that fits;
//!   a comment so long that the EOCD is not in the tail costs one longer tail read
//!   ([`LONG_TAIL_LEN`] bytes);
//! - zip64: the zip64 locator and end record (looked for where the locator says, then right
//!   before the locator; one more read when it is far from both), and the zip64 extra field of
//!   central entries whose sizes or offset are `0xffffffff` (a damaged extra field is ignored
//!   from there on, as Python's `zipfile` does);
//! - data before the archive (a prefix, a self-extracting stub): every listed offset is shifted
//!   by the gap between where the central directory says it ends and where its end record is,
//!   as Python's `zipfile` computes it;
//! - lying central directories: every offset, length and count read from the input is checked
//!   against the file and the bytes at hand; a directory that runs past its end record, a bad
//!   entry signature (an error at the first one, as in `zipfile`), data that inflates to more
//!   or less than the declared size, a stored member whose two sizes differ and a CRC-32
//!   mismatch are all errors;
//! - data descriptors (sizes and CRC after the data, zeros in the local header): sizes and
//!   CRC are always taken from the central directory, never from the local header;
//! - local headers whose name and extra field are longer than the central one: 1 KiB is read
//!   past a member's expected end, and a longer header costs one more read;
//! - stored and deflated members (inflated by `miniz_oxide`, pure Rust, capped at
//!   [`MAX_MEMBER`] bytes, with a CRC-32 check); encrypted members, other compression methods
//!   (bzip2, lzma, zstandard, xz) and multi-disk archives are `unsupported`.
//!
//! A damaged archive is an error of kind `binary`. No input makes this module panic.

use crate::ErrorKind;

/// How much of the end of the file the caller reads first: the EOCD and, for most wheels, the
/// whole central directory.
pub(crate) const TAIL_LEN: u64 = 64 * 1024;

/// The tail read again when the EOCD is not in the first one (a zip comment of up to 65535
/// bytes, plus the EOCD, the zip64 locator and the zip64 record).
pub(crate) const LONG_TAIL_LEN: u64 = 128 * 1024;

/// The largest member (inflated) this module reads: 16 MiB.
pub(crate) const MAX_MEMBER: u64 = 16 * 1024 * 1024;

/// The largest central directory this module reads: 64 MiB.
pub(crate) const MAX_CENTRAL_DIRECTORY: u64 = 64 * 1024 * 1024;

/// Bytes read past a member's expected end, in case its local extra field is longer than its
/// central one.
const SLACK: u64 = 1024;

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_EOCD_LEN: usize = 56;
pub(crate) const CENTRAL_SIG: u32 = 0x0201_4b50;
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

/// A failure of the zip layer: a category and a lower-case message.
pub(crate) type ZipError = (ErrorKind, String);

/// A damaged archive: an error of kind `binary`.
pub(crate) fn damaged(message: impl Into<String>) -> ZipError {
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

/// `n` as a `usize`, if it fits.
pub(crate) fn to_usize(n: u64) -> Option<usize> {
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
///
/// `eocd = sig(4) disk(2) cd-disk(2) disk-entries(2) entries(2) cd-size(4) cd-offset(4)
/// comment-len(2) comment`, preceded, in zip64, by `locator = sig(4) disk(4) record(8)
/// disks(4)`.
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
///
/// `zip64-eocd = sig(4) size(8) made-by(2) needed(2) disk(4) cd-disk(4) disk-entries(8)
/// entries(8) cd-size(8) cd-offset(8)`
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
///
/// `central-directory = *(sig(4) made-by(2) needed(2) flags(2) method(2) time(2) date(2)
/// crc(4) csize(4) usize(4) name-len(2) extra-len(2) comment-len(2) disk(2) attrs(6)
/// offset(4) name extra comment)`
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
///
/// `extra = *(id(2) len(2) data(len))`; the zip64 one (id 1): `[usize(8)] [csize(8)]
/// [offset(8)]`, each present only where the central entry holds 0xffffffff.
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
///
/// `local-header = sig(4) needed(2) flags(2) method(2) time(2) date(2) crc(4) csize(4)
/// usize(4) name-len(2) extra-len(2) name extra data(csize)`
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
    /// The length of the first tail read.
    first_tail: u64,
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
        Self::with_tail(file_size, TAIL_LEN)
    }

    /// An index whose first read is the last `tail` bytes (at least the 22 of an end record).
    pub(crate) fn with_tail(file_size: u64, tail: u64) -> Self {
        ZipIndex {
            file_size,
            first_tail: tail.max(EOCD_LEN as u64),
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
        self.tail(self.first_tail)
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

/// `entry` when it is the only member of its name; else an error: two members of one name
/// are read differently by different readers (pkglens would take the first, pip and Python's
/// `zipfile` the last), a way to show a reviewer other metadata than an installer reads.
pub(crate) fn unique<'e>(
    entries: &[ZipEntry],
    entry: &'e ZipEntry,
) -> Result<&'e ZipEntry, ZipError> {
    let count = entries.iter().filter(|e| e.name == entry.name).count();
    if count > 1 {
        return Err((
            ErrorKind::InvalidValue,
            format!(
                "{count} members named {}: readers disagree on which one counts",
                entry.name
            ),
        ));
    }
    Ok(entry)
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

/// Building zip archives in tests (wheels and zip sdists).
#[cfg(test)]
pub(crate) mod test_zip {
    use super::*;

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
}
