//! Text encodings by the names Python gives them, decoded as Python decodes them (strict):
//! what a `package.py`'s coding cookie (PEP 263) and a requirements file's (pip's
//! `_decode_req_file`) name.
//!
//! UTF-8, ASCII, Latin-1, cp1252, ISO-8859-15, UTF-16 and UTF-32 are decoded here, always.
//! The other codecs (the Windows, ISO-8859, KOI8 and Mac single-byte ones, Shift_JIS, cp932,
//! EUC-JP, ISO-2022-JP, GBK, GB2312, GB18030, Big5, EUC-KR, cp949) are decoded by `encoding_rs` when the
//! `python-codecs` feature is on (the native CLI); the wasm build leaves them out for its size
//! budget and says so. Where the WHATWG decoders of `encoding_rs` take bytes Python's codecs
//! reject (the Windows code pages' unassigned bytes, which WHATWG maps to C1 controls), the
//! byte is an error here too. `core/test-data/codecs/python.json` (Python's own decoding,
//! `scripts/conformance/codecs_python.py`) is what the tests compare with.

use std::borrow::Cow;

/// A codec of Python's that pkglens knows, by its module name in Python's `encodings` package
/// (`cp1251`, `shift_jis`, `utf_16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Codec(&'static str);

/// The codecs [`Codec::lookup`] knows, for messages about a name it does not.
pub(crate) const KNOWN: &str = "one of Python's UTF, ASCII, Latin, Windows, ISO-8859, KOI8, \
     Mac, Japanese, Chinese or Korean codecs";

/// Why bytes could not be decoded: the message and the byte offset of the fault.
#[derive(Debug)]
pub(crate) struct DecodeError {
    pub(crate) message: String,
    pub(crate) offset: usize,
}

impl Codec {
    /// UTF-8, the default of Python source and of pip's requirements files.
    pub(crate) const UTF8: Codec = Codec("utf_8");

    /// The codec Python's `codecs.lookup(name)` finds, among those pkglens knows: the name
    /// lower-cased, runs of characters other than letters, digits and `.` made one `_`, then
    /// looked up as an alias (with `.` as `_` too) or a codec's own name.
    pub(crate) fn lookup(name: &str) -> Option<Codec> {
        let normal = normalize(name);
        let find = |key: &str| {
            ALIASES
                .binary_search_by(|(alias, _)| (*alias).cmp(key))
                .ok()
                .map(|i| Codec(ALIASES[i].1))
        };
        find(&normal).or_else(|| find(&normal.replace('.', "_")))
    }

    /// Python's name of the codec (`cp1251`).
    #[cfg(test)]
    pub(crate) fn name(self) -> &'static str {
        self.0
    }

    /// `bytes` as Python's `bytes.decode(codec)` gives them, or the first byte it rejects.
    /// `utf_16` and `utf_32` read a byte-order mark (little-endian without one), as Python.
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
        match self.0 {
            "utf_8" => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
                let offset = e.valid_up_to();
                fault(bytes, offset, "utf-8")
            }),
            "ascii" => match bytes.iter().position(|&b| b >= 0x80) {
                Some(offset) => Err(fault(bytes, offset, "ascii")),
                None => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            },
            "latin_1" => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            "iso8859_15" => Ok(Cow::Owned(bytes.iter().map(|&b| latin9(b)).collect())),
            "cp1252" => {
                let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
                for (offset, &b) in bytes.iter().enumerate() {
                    text.push(cp1252(b).ok_or_else(|| fault(bytes, offset, "cp1252"))?);
                }
                Ok(Cow::Owned(text))
            }
            "utf_32" | "utf_32_le" | "utf_32_be" => utf32(self.0, bytes).map(Cow::Owned),
            "utf_16" | "utf_16_le" | "utf_16_be" => utf16(self.0, bytes).map(Cow::Owned),
            codec => decode_other(codec, bytes),
        }
    }
}

/// The message of a byte the codec rejects.
fn fault(bytes: &[u8], offset: usize, codec: &str) -> DecodeError {
    let message = match bytes.get(offset) {
        Some(b) => {
            format!("expected {codec} text, found byte 0x{b:02x} that {codec} does not decode")
        }
        None => format!("expected {codec} text, found a truncated sequence at the end"),
    };
    DecodeError { message, offset }
}

/// Python's `encodings.normalize_encoding` of the lower-cased name (what `codecs.lookup`
/// searches with).
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut punct = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '.' {
            if punct && !out.is_empty() {
                out.push('_');
            }
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            }
            punct = false;
        } else {
            punct = true;
        }
    }
    out
}

/// UTF-32 as Python decodes it: `utf_32` takes a byte-order mark (else little-endian); a
/// code point past U+10FFFF, a surrogate or a length not a multiple of four is an error.
fn utf32(codec: &str, bytes: &[u8]) -> Result<String, DecodeError> {
    let (mut big, mut start) = (codec == "utf_32_be", 0);
    if codec == "utf_32" {
        if bytes.starts_with(b"\xFF\xFE\x00\x00") {
            start = 4;
        } else if bytes.starts_with(b"\x00\x00\xFE\xFF") {
            (big, start) = (true, 4);
        }
    }
    let mut text = String::with_capacity(bytes.len() / 4);
    for (i, unit) in bytes[start..].chunks(4).enumerate() {
        let offset = start + i * 4;
        let Ok(unit) = <[u8; 4]>::try_from(unit) else {
            return Err(fault(bytes, bytes.len(), "utf-32"));
        };
        let value = if big {
            u32::from_be_bytes(unit)
        } else {
            u32::from_le_bytes(unit)
        };
        text.push(char::from_u32(value).ok_or_else(|| fault(bytes, offset, "utf-32"))?);
    }
    Ok(text)
}

/// UTF-16 as Python decodes it: `utf_16` takes a byte-order mark (else little-endian); an
/// unpaired surrogate or an odd length is an error. (Windows PowerShell 5 writes `pip freeze >
/// requirements.txt` as UTF-16 with a mark.)
fn utf16(codec: &str, bytes: &[u8]) -> Result<String, DecodeError> {
    let (mut big, mut start) = (codec == "utf_16_be", 0);
    if codec == "utf_16" {
        if bytes.starts_with(b"\xFF\xFE") {
            start = 2;
        } else if bytes.starts_with(b"\xFE\xFF") {
            (big, start) = (true, 2);
        }
    }
    let body = &bytes[start..];
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut offset = start;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| fault(bytes, offset, "utf-16"))?;
        offset += c.len_utf16() * 2;
        text.push(c);
    }
    if body.len() % 2 == 1 {
        return Err(fault(bytes, bytes.len() - 1, "utf-16"));
    }
    Ok(text)
}

/// The codecs decoded by `encoding_rs`.
#[cfg(feature = "python-codecs")]
fn decode_other<'a>(codec: &'static str, bytes: &'a [u8]) -> Result<Cow<'a, str>, DecodeError> {
    let Some((encoding, kind)) = whatwg(codec) else {
        return Err(not_decoded(codec));
    };
    if let Err(offset) = python_structure(codec, bytes) {
        return Err(fault(bytes, offset, codec));
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut read = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&bytes[read..], &mut text, true);
        read += n;
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => text.reserve(bytes.len() - read + 16),
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                let offset = read - usize::from(bad) - usize::from(after);
                // A lone byte WHATWG rejects and Python's codec maps by itself.
                let single = PYTHON_SINGLES
                    .iter()
                    .find(|(name, byte, _)| *name == codec && Some(byte) == bytes.get(offset));
                match single {
                    Some(&(_, _, c)) if bad == 1 && after == 0 => text.push(c),
                    _ => return Err(fault(bytes, offset, codec)),
                }
            }
        }
    }
    if kind == Kind::Multi {
        return Ok(Cow::Owned(text));
    }
    // A single-byte codec: one byte, one character, held to Python's table where WHATWG's
    // differs.
    let mut python = String::with_capacity(text.len());
    for (offset, (&b, c)) in bytes.iter().zip(text.chars()).enumerate() {
        let c = match PYTHON_DIFFERS
            .iter()
            .find(|(name, byte, _)| *name == codec && *byte == b)
        {
            Some(&(_, _, c)) => c,
            // WHATWG maps a Windows code page's unassigned bytes to C1 controls; Python's
            // cp125x and cp874 reject them.
            None if kind == Kind::Windows && ('\u{80}'..='\u{9f}').contains(&c) => None,
            None => Some(c),
        };
        python.push(c.ok_or_else(|| fault(bytes, offset, codec))?);
    }
    Ok(Cow::Owned(python))
}

/// The byte structure Python's stricter codecs require where WHATWG decodes their Windows
/// supersets (GBK for gb2312, cp949 for euc_kr, Big5-HKSCS for big5): EUC pairs of bytes
/// 0xA1 to 0xFE, Big5 leads 0xA1 to 0xF9. The offset of the first byte out of place.
#[cfg(feature = "python-codecs")]
fn python_structure(codec: &str, bytes: &[u8]) -> Result<(), usize> {
    let (leads, trail): (std::ops::RangeInclusive<u8>, fn(u8) -> bool) = match codec {
        "gb2312" | "euc_kr" => (0xA1..=0xFE, |b| (0xA1..=0xFE).contains(&b)),
        "big5" => (0xA1..=0xF9, |b| matches!(b, 0x40..=0x7E | 0xA1..=0xFE)),
        _ => return Ok(()),
    };
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
        } else if leads.contains(&b) && bytes.get(i + 1).is_some_and(|&t| trail(t)) {
            i += 2;
        } else {
            return Err(i);
        }
    }
    Ok(())
}

/// Bytes Python's multi-byte codecs decode alone where WHATWG's reject them (checked in the
/// tests): cp932 maps 0xA0 and 0xFD to 0xFF to private-use characters.
#[cfg(feature = "python-codecs")]
const PYTHON_SINGLES: [(&str, u8, char); 4] = [
    ("cp932", 0xA0, '\u{F8F0}'),
    ("cp932", 0xFD, '\u{F8F1}'),
    ("cp932", 0xFE, '\u{F8F2}'),
    ("cp932", 0xFF, '\u{F8F3}'),
];

/// What an `encoding_rs` decoder is, for what Python's codec adds to it.
#[cfg(feature = "python-codecs")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A Windows code page (`cp125x`, `cp874`).
    Windows,
    /// Another single-byte codec.
    SingleByte,
    /// A multi-byte codec.
    Multi,
}

/// The bytes Python's single-byte codecs decode unlike WHATWG's (every byte 0x80 to 0xFF of
/// each compared in the tests): cp1255's 0xCA is unassigned in Python, and Python's KOI8-U
/// keeps box drawings where WHATWG's (KOI8-RU) has Belarusian letters.
#[cfg(feature = "python-codecs")]
const PYTHON_DIFFERS: [(&str, u8, Option<char>); 3] = [
    ("cp1255", 0xCA, None),
    ("koi8_u", 0xAE, Some('\u{255D}')),
    ("koi8_u", 0xBE, Some('\u{256C}')),
];

/// The `encoding_rs` decoder of a Python codec, and its kind.
#[cfg(feature = "python-codecs")]
fn whatwg(codec: &str) -> Option<(&'static encoding_rs::Encoding, Kind)> {
    use encoding_rs::*;
    use Kind::{Multi, SingleByte, Windows};
    Some(match codec {
        "cp1250" => (WINDOWS_1250, Windows),
        "cp1251" => (WINDOWS_1251, Windows),
        "cp1253" => (WINDOWS_1253, Windows),
        "cp1254" => (WINDOWS_1254, Windows),
        "cp1255" => (WINDOWS_1255, Windows),
        "cp1256" => (WINDOWS_1256, Windows),
        "cp1257" => (WINDOWS_1257, Windows),
        "cp1258" => (WINDOWS_1258, Windows),
        "cp874" => (WINDOWS_874, Windows),
        "cp866" => (IBM866, SingleByte),
        "koi8_r" => (KOI8_R, SingleByte),
        "koi8_u" => (KOI8_U, SingleByte),
        "mac_roman" => (MACINTOSH, SingleByte),
        "mac_cyrillic" => (X_MAC_CYRILLIC, SingleByte),
        "iso8859_2" => (ISO_8859_2, SingleByte),
        "iso8859_3" => (ISO_8859_3, SingleByte),
        "iso8859_4" => (ISO_8859_4, SingleByte),
        "iso8859_5" => (ISO_8859_5, SingleByte),
        "iso8859_6" => (ISO_8859_6, SingleByte),
        "iso8859_7" => (ISO_8859_7, SingleByte),
        "iso8859_8" => (ISO_8859_8, SingleByte),
        "iso8859_10" => (ISO_8859_10, SingleByte),
        "iso8859_13" => (ISO_8859_13, SingleByte),
        "iso8859_14" => (ISO_8859_14, SingleByte),
        "iso8859_16" => (ISO_8859_16, SingleByte),
        "shift_jis" | "cp932" => (SHIFT_JIS, Multi),
        "euc_jp" => (EUC_JP, Multi),
        "iso2022_jp" => (ISO_2022_JP, Multi),
        "gbk" | "gb2312" => (GBK, Multi),
        "gb18030" => (GB18030, Multi),
        "big5" => (BIG5, Multi),
        "euc_kr" | "cp949" => (EUC_KR, Multi),
        _ => return None,
    })
}

/// Without the `python-codecs` feature only the codecs decoded here are.
#[cfg(not(feature = "python-codecs"))]
fn decode_other<'a>(codec: &'static str, _bytes: &'a [u8]) -> Result<Cow<'a, str>, DecodeError> {
    Err(not_decoded(codec))
}

/// A codec Python knows that this build does not decode.
fn not_decoded(codec: &str) -> DecodeError {
    DecodeError {
        message: format!(
            "expected an encoding this build of pkglens decodes, found Python's {codec} \
             (the native CLI decodes it; the WebAssembly build carries only utf-8, ascii, \
             latin-1, cp1252, iso-8859-15, utf-16 and utf-32)"
        ),
        offset: 0,
    }
}

/// cp1252 as Python decodes it: five bytes have no character.
fn cp1252(b: u8) -> Option<char> {
    const HIGH: [u16; 32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
        0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => match HIGH[usize::from(b - 0x80)] {
            0 => None,
            code => char::from_u32(u32::from(code)),
        },
        _ => Some(char::from(b)),
    }
}

/// ISO-8859-15: Latin-1 with eight characters replaced (the euro sign among them).
fn latin9(b: u8) -> char {
    match b {
        0xA4 => '\u{20AC}',
        0xA6 => '\u{0160}',
        0xA8 => '\u{0161}',
        0xB4 => '\u{017D}',
        0xB8 => '\u{017E}',
        0xBC => '\u{0152}',
        0xBD => '\u{0153}',
        0xBE => '\u{0178}',
        _ => char::from(b),
    }
}

/// Every name Python 3.11's `codecs.lookup` accepts for the codecs pkglens knows (after
/// [`normalize`]), sorted, with the codec it names: generated from
/// `core/test-data/codecs/python.json`.
#[rustfmt::skip]
const ALIASES: [(&str, &str); 219] = [
    ("1250", "cp1250"), ("1251", "cp1251"), ("1252", "cp1252"), ("1253", "cp1253"),
    ("1254", "cp1254"), ("1255", "cp1255"), ("1256", "cp1256"), ("1257", "cp1257"),
    ("1258", "cp1258"), ("646", "ascii"), ("866", "cp866"), ("8859", "latin_1"), ("932", "cp932"),
    ("936", "gbk"), ("949", "cp949"), ("ansi_x3.4_1968", "ascii"), ("ansi_x3.4_1986", "ascii"),
    ("ansi_x3_4_1968", "ascii"), ("arabic", "iso8859_6"), ("ascii", "ascii"),
    ("asmo_708", "iso8859_6"), ("big5", "big5"), ("big5_tw", "big5"), ("chinese", "gb2312"),
    ("cp1250", "cp1250"), ("cp1251", "cp1251"), ("cp1252", "cp1252"), ("cp1253", "cp1253"),
    ("cp1254", "cp1254"), ("cp1255", "cp1255"), ("cp1256", "cp1256"), ("cp1257", "cp1257"),
    ("cp1258", "cp1258"), ("cp367", "ascii"), ("cp65001", "utf_8"), ("cp819", "latin_1"),
    ("cp866", "cp866"), ("cp874", "cp874"), ("cp932", "cp932"), ("cp936", "gbk"),
    ("cp949", "cp949"), ("csascii", "ascii"), ("csbig5", "big5"), ("csibm866", "cp866"),
    ("csiso2022jp", "iso2022_jp"), ("csiso58gb231280", "gb2312"), ("csisolatin1", "latin_1"),
    ("csisolatin2", "iso8859_2"), ("csisolatin3", "iso8859_3"), ("csisolatin4", "iso8859_4"),
    ("csisolatin6", "iso8859_10"), ("csisolatinarabic", "iso8859_6"),
    ("csisolatincyrillic", "iso8859_5"), ("csisolatingreek", "iso8859_7"),
    ("csisolatinhebrew", "iso8859_8"), ("cskoi8r", "koi8_r"), ("csshiftjis", "shift_jis"),
    ("cyrillic", "iso8859_5"), ("ecma_114", "iso8859_6"), ("ecma_118", "iso8859_7"),
    ("elot_928", "iso8859_7"), ("euc_cn", "gb2312"), ("euc_jp", "euc_jp"), ("euc_kr", "euc_kr"),
    ("euccn", "gb2312"), ("eucgb2312_cn", "gb2312"), ("eucjp", "euc_jp"), ("euckr", "euc_kr"),
    ("gb18030", "gb18030"), ("gb18030_2000", "gb18030"), ("gb2312", "gb2312"),
    ("gb2312_1980", "gb2312"), ("gb2312_80", "gb2312"), ("gbk", "gbk"), ("greek", "iso8859_7"),
    ("greek8", "iso8859_7"), ("hebrew", "iso8859_8"), ("ibm367", "ascii"), ("ibm819", "latin_1"),
    ("ibm866", "cp866"), ("iso2022_jp", "iso2022_jp"), ("iso2022jp", "iso2022_jp"),
    ("iso646_us", "ascii"), ("iso8859", "latin_1"), ("iso8859_1", "latin_1"),
    ("iso8859_10", "iso8859_10"), ("iso8859_13", "iso8859_13"), ("iso8859_14", "iso8859_14"),
    ("iso8859_15", "iso8859_15"), ("iso8859_16", "iso8859_16"), ("iso8859_2", "iso8859_2"),
    ("iso8859_3", "iso8859_3"), ("iso8859_4", "iso8859_4"), ("iso8859_5", "iso8859_5"),
    ("iso8859_6", "iso8859_6"), ("iso8859_7", "iso8859_7"), ("iso8859_8", "iso8859_8"),
    ("iso_2022_jp", "iso2022_jp"), ("iso_646.irv_1991", "ascii"), ("iso_8859_1", "latin_1"),
    ("iso_8859_10", "iso8859_10"), ("iso_8859_10_1992", "iso8859_10"),
    ("iso_8859_13", "iso8859_13"), ("iso_8859_14", "iso8859_14"),
    ("iso_8859_14_1998", "iso8859_14"), ("iso_8859_15", "iso8859_15"),
    ("iso_8859_16", "iso8859_16"), ("iso_8859_16_2001", "iso8859_16"),
    ("iso_8859_1_1987", "latin_1"), ("iso_8859_2", "iso8859_2"), ("iso_8859_2_1987", "iso8859_2"),
    ("iso_8859_3", "iso8859_3"), ("iso_8859_3_1988", "iso8859_3"), ("iso_8859_4", "iso8859_4"),
    ("iso_8859_4_1988", "iso8859_4"), ("iso_8859_5", "iso8859_5"),
    ("iso_8859_5_1988", "iso8859_5"), ("iso_8859_6", "iso8859_6"),
    ("iso_8859_6_1987", "iso8859_6"), ("iso_8859_7", "iso8859_7"),
    ("iso_8859_7_1987", "iso8859_7"), ("iso_8859_8", "iso8859_8"),
    ("iso_8859_8_1988", "iso8859_8"), ("iso_celtic", "iso8859_14"), ("iso_ir_100", "latin_1"),
    ("iso_ir_101", "iso8859_2"), ("iso_ir_109", "iso8859_3"), ("iso_ir_110", "iso8859_4"),
    ("iso_ir_126", "iso8859_7"), ("iso_ir_127", "iso8859_6"), ("iso_ir_138", "iso8859_8"),
    ("iso_ir_144", "iso8859_5"), ("iso_ir_157", "iso8859_10"), ("iso_ir_199", "iso8859_14"),
    ("iso_ir_226", "iso8859_16"), ("iso_ir_58", "gb2312"), ("iso_ir_6", "ascii"),
    ("koi8_r", "koi8_r"), ("koi8_u", "koi8_u"), ("korean", "euc_kr"), ("ks_c_5601", "euc_kr"),
    ("ks_c_5601_1987", "euc_kr"), ("ks_x_1001", "euc_kr"), ("ksc5601", "euc_kr"),
    ("ksx1001", "euc_kr"), ("l1", "latin_1"), ("l10", "iso8859_16"), ("l2", "iso8859_2"),
    ("l3", "iso8859_3"), ("l4", "iso8859_4"), ("l6", "iso8859_10"), ("l7", "iso8859_13"),
    ("l8", "iso8859_14"), ("l9", "iso8859_15"), ("latin", "latin_1"), ("latin1", "latin_1"),
    ("latin10", "iso8859_16"), ("latin2", "iso8859_2"), ("latin3", "iso8859_3"),
    ("latin4", "iso8859_4"), ("latin6", "iso8859_10"), ("latin7", "iso8859_13"),
    ("latin8", "iso8859_14"), ("latin9", "iso8859_15"), ("latin_1", "latin_1"),
    ("mac_cyrillic", "mac_cyrillic"), ("mac_roman", "mac_roman"), ("maccyrillic", "mac_cyrillic"),
    ("macintosh", "mac_roman"), ("macroman", "mac_roman"), ("ms932", "cp932"), ("ms936", "gbk"),
    ("ms949", "cp949"), ("ms_kanji", "cp932"), ("mskanji", "cp932"), ("s_jis", "shift_jis"),
    ("shift_jis", "shift_jis"), ("shiftjis", "shift_jis"), ("sjis", "shift_jis"),
    ("u16", "utf_16"), ("u32", "utf_32"), ("u8", "utf_8"), ("u_jis", "euc_jp"), ("uhc", "cp949"),
    ("ujis", "euc_jp"), ("unicodebigunmarked", "utf_16_be"),
    ("unicodelittleunmarked", "utf_16_le"), ("us", "ascii"), ("us_ascii", "ascii"),
    ("utf", "utf_8"), ("utf16", "utf_16"), ("utf32", "utf_32"), ("utf8", "utf_8"),
    ("utf8_ucs2", "utf_8"), ("utf8_ucs4", "utf_8"), ("utf_16", "utf_16"),
    ("utf_16_be", "utf_16_be"), ("utf_16_le", "utf_16_le"), ("utf_16be", "utf_16_be"),
    ("utf_16le", "utf_16_le"), ("utf_32", "utf_32"), ("utf_32_be", "utf_32_be"),
    ("utf_32_le", "utf_32_le"), ("utf_32be", "utf_32_be"), ("utf_32le", "utf_32_le"),
    ("utf_8", "utf_8"), ("windows_1250", "cp1250"), ("windows_1251", "cp1251"),
    ("windows_1252", "cp1252"), ("windows_1253", "cp1253"), ("windows_1254", "cp1254"),
    ("windows_1255", "cp1255"), ("windows_1256", "cp1256"), ("windows_1257", "cp1257"),
    ("windows_1258", "cp1258"), ("x_mac_japanese", "shift_jis"), ("x_mac_korean", "euc_kr"),
    ("x_mac_simp_chinese", "gb2312"), ("x_mac_trad_chinese", "big5"),
];

#[cfg(test)]
mod tests;
