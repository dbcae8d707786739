//! PEP 440 versions and specifier sets, as `packaging` 26.3 reads and compares them
//! (`packaging/version.py`, `specifiers.py`, `_ranges.py`); see `docs/decisions.md`,
//! "PEP 440/508: our own reader, by measurement", for why not a crate.
//!
//! [`Pep440Version`] and [`parse_version`] for versions, [`Specifiers`] for specifier sets.
//! Numbers are Python integers: any length up to CPython's 4,300-digit `int()` limit, beyond
//! which packaging raises `ValueError` (here: not a version, and `contains` answers `None`).

use super::pep508_compat::{is_python_space, python_lower, python_strip};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// CPython's `sys.int_max_str_digits` default: `int()` of a longer digit string raises.
const MAX_DIGITS: usize = 4300;

/// A non-negative integer of any size (Python's `int`), without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Num {
    Small(u64),
    /// The decimal digits of a number above `u64::MAX`, without leading zeros.
    Big(Box<str>),
}

/// A digit run longer than CPython's `int()` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TooLong;

impl Num {
    const ZERO: Num = Num::Small(0);

    /// `int(digits)`; `digits` is a non-empty run of ASCII digits.
    fn parse(digits: &str) -> Result<Num, TooLong> {
        if digits.len() > MAX_DIGITS {
            return Err(TooLong);
        }
        let trimmed = digits.trim_start_matches('0');
        Ok(match trimmed.parse::<u64>() {
            Ok(n) => Num::Small(n),
            Err(_) if trimmed.is_empty() => Num::ZERO,
            Err(_) => Num::Big(trimmed.into()),
        })
    }

    fn is_zero(&self) -> bool {
        *self == Num::ZERO
    }

    /// `self + 1`.
    fn succ(&self) -> Num {
        match self {
            Num::Small(n) => match n.checked_add(1) {
                Some(n) => Num::Small(n),
                None => Num::Big((u128::from(*n) + 1).to_string().into()),
            },
            Num::Big(digits) => {
                let mut out: Vec<u8> = digits.bytes().collect();
                let mut i = out.len();
                loop {
                    if i == 0 {
                        out.insert(0, b'1');
                        break;
                    }
                    i -= 1;
                    if out[i] == b'9' {
                        out[i] = b'0';
                    } else {
                        out[i] += 1;
                        break;
                    }
                }
                Num::Big(String::from_utf8(out).unwrap_or_default().into())
            }
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(n) => write!(f, "{n}"),
            Num::Big(digits) => f.write_str(digits),
        }
    }
}

/// The kind of a pre-release, in PEP 440's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum PreKind {
    Alpha,
    Beta,
    Rc,
}

/// One part of a local version label: numbers sort after strings (PEP 440).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum LocalPart {
    Text(Box<str>),
    Number(Num),
}

impl Ord for LocalPart {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (LocalPart::Text(a), LocalPart::Text(b)) => a.cmp(b),
            (LocalPart::Text(_), LocalPart::Number(_)) => Ordering::Less,
            (LocalPart::Number(_), LocalPart::Text(_)) => Ordering::Greater,
            (LocalPart::Number(a), LocalPart::Number(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for LocalPart {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The parts of a version as packaging's `Version` holds them. Versions that do not fit the
/// packed key keep them (see [`Pep440Version`]); [`Parts::cmp_reference`] is packaging's
/// `_cmpkey` order written out, which the packed key must agree with.
#[derive(Debug, Clone)]
struct Parts {
    epoch: Num,
    release: Vec<Num>,
    pre: Option<(PreKind, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Option<Vec<LocalPart>>,
}

impl Parts {
    /// The pre/post/dev part of packaging's comparison key.
    fn suffix(&self) -> (i8, &Num, u8, &Num, u8, &Num) {
        let pre_rank = match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => -1,
            (None, _, _) => 3,
            (Some((kind, _)), _, _) => *kind as i8,
        };
        let pre_n = self.pre.as_ref().map_or(&Num::ZERO, |(_, n)| n);
        (
            pre_rank,
            pre_n,
            u8::from(self.post.is_some()),
            self.post.as_ref().unwrap_or(&Num::ZERO),
            u8::from(self.dev.is_none()),
            self.dev.as_ref().unwrap_or(&Num::ZERO),
        )
    }

    /// The release without trailing zeros (`1.0.0` equals `1`).
    fn trimmed_release(&self) -> &[Num] {
        let end = self
            .release
            .iter()
            .rposition(|n| !n.is_zero())
            .map_or(0, |i| i + 1);
        &self.release[..end]
    }

    /// packaging's order (`_cmpkey`: epoch, release without trailing zeros, pre/post/dev, local).
    fn cmp_reference(&self, other: &Parts) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.trimmed_release().cmp(other.trimmed_release()))
            .then_with(|| self.suffix().cmp(&other.suffix()))
            .then_with(|| self.local.cmp(&other.local))
    }

    /// Hashes what [`Parts::cmp_reference`] compares.
    fn hash_reference<H: std::hash::Hasher>(&self, state: &mut H) {
        use std::hash::Hash;
        self.epoch.hash(state);
        self.trimmed_release().hash(state);
        self.suffix().hash(state);
        self.local.hash(state);
    }

    /// The packed key of the public part (all but the local label); `None` where it does not
    /// fit.
    fn public_key(&self) -> Option<u128> {
        let small = |n: &Num| match n {
            Num::Small(n) => Some(*n),
            Num::Big(_) => None,
        };
        let mut release = [0; KEY_RELEASE_SLOTS];
        for (i, n) in self.release.iter().enumerate() {
            match release.get_mut(i) {
                Some(slot) => *slot = small(n)?,
                None if n.is_zero() => {}
                None => return None,
            }
        }
        pack_key(
            small(&self.epoch)?,
            release,
            match &self.pre {
                Some((kind, n)) => Some((*kind, small(n)?)),
                None => None,
            },
            match &self.post {
                Some(n) => Some(small(n)?),
                None => None,
            },
            match &self.dev {
                Some(n) => Some(small(n)?),
                None => None,
            },
        )
    }
}

/// packaging's `str(Version)` of the parts.
impl fmt::Display for Parts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let epoch = (!self.epoch.is_zero()).then_some(&self.epoch);
        let pre = self.pre.as_ref().map(|(kind, n)| (*kind, n));
        write_public(
            f,
            epoch,
            self.release.iter(),
            pre,
            self.post.as_ref(),
            self.dev.as_ref(),
        )?;
        write_local(f, self.local.as_deref())
    }
}

/// Writes `+label` in normal form (parts joined by `.`), nothing without a label.
fn write_local(f: &mut fmt::Formatter<'_>, local: Option<&[LocalPart]>) -> fmt::Result {
    for (i, part) in local.unwrap_or_default().iter().enumerate() {
        f.write_str(if i == 0 { "+" } else { "." })?;
        match part {
            LocalPart::Text(t) => f.write_str(t)?,
            LocalPart::Number(n) => write!(f, "{n}")?,
        }
    }
    Ok(())
}

/// Writes the public part of a version in packaging's normal form: `[E!]R(.R)*[{a|b|rc}N]
/// [.postN][.devN]`; `epoch` is `None` when it is 0.
fn write_public<N: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    epoch: Option<N>,
    release: impl Iterator<Item = N>,
    pre: Option<(PreKind, N)>,
    post: Option<N>,
    dev: Option<N>,
) -> fmt::Result {
    if let Some(epoch) = epoch {
        write!(f, "{epoch}!")?;
    }
    for (i, n) in release.enumerate() {
        if i > 0 {
            f.write_str(".")?;
        }
        write!(f, "{n}")?;
    }
    if let Some((kind, n)) = pre {
        let kind = match kind {
            PreKind::Alpha => "a",
            PreKind::Beta => "b",
            PreKind::Rc => "rc",
        };
        write!(f, "{kind}{n}")?;
    }
    if let Some(n) = post {
        write!(f, ".post{n}")?;
    }
    if let Some(n) = dev {
        write!(f, ".dev{n}")?;
    }
    Ok(())
}

/// Release numbers the packed key holds; later ones must be 0 for a version to be packed.
const KEY_RELEASE_SLOTS: usize = 4;

/// The fields of the packed key, most significant first, and their widths in bits: epoch,
/// four release numbers, pre-release rank (0: dev-release without pre/post, 1-3: a/b/rc, 4:
/// none), pre-release number, post flag and number, "no dev" flag and dev number. This is
/// packaging's `_cmpkey` order field by field (absent numbers are 0, as in
/// [`Parts::suffix`]), so comparing two keys as integers compares the versions. The widths
/// cover `YYYYMMDD` in the first release number and the dev number (nightly builds).
const KEY_WIDTHS: [u32; 11] = [2, 32, 16, 16, 9, 3, 7, 1, 16, 1, 25];

/// Bits of the key below the release: two versions with the same epoch and release (trailing
/// zeros aside) have the same key above them.
const KEY_SUFFIX_BITS: u32 = 3 + 7 + 1 + 16 + 1 + 25;

const _: () = {
    let mut total = 0;
    let mut i = 0;
    while i < KEY_WIDTHS.len() {
        total += KEY_WIDTHS[i];
        i += 1;
    }
    assert!(total == 128);
};

/// The packed key of a public version; `None` when a number is too wide for its field.
fn pack_key(
    epoch: u64,
    release: [u64; KEY_RELEASE_SLOTS],
    pre: Option<(PreKind, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
) -> Option<u128> {
    let pre_rank = match (pre, post, dev) {
        (None, None, Some(_)) => 0,
        (None, _, _) => 4,
        (Some((kind, _)), _, _) => 1 + kind as u64,
    };
    let fields = [
        epoch,
        release[0],
        release[1],
        release[2],
        release[3],
        pre_rank,
        pre.map_or(0, |(_, n)| n),
        u64::from(post.is_some()),
        post.unwrap_or(0),
        u64::from(dev.is_none()),
        dev.unwrap_or(0),
    ];
    let mut key = 0u128;
    for (value, width) in fields.into_iter().zip(KEY_WIDTHS) {
        if value >> width != 0 {
            return None;
        }
        key = (key << width) | u128::from(value);
    }
    Some(key)
}

/// The fields of a packed key, in [`KEY_WIDTHS`]'s order.
fn unpack_key(key: u128) -> [u64; 11] {
    let mut fields = [0; 11];
    let mut shift = 128;
    for (field, width) in fields.iter_mut().zip(KEY_WIDTHS) {
        shift -= width;
        // The mask keeps `width` (at most 32) bits, so the value fits a u64.
        *field = ((key >> shift) & ((1u128 << width) - 1)) as u64;
    }
    fields
}

/// A parsed PEP 440 version, ordered and compared as packaging's `Version` (`_cmpkey`).
///
/// Most versions are packed: packaging's comparison key of the public version is built once,
/// at parse time, as one `u128` (`KEY_WIDTHS`); comparing, equality and hashing use it (and
/// the local label, the last part of packaging's key, where there is one); the parts are
/// decoded from it when needed. A version whose public part the key cannot hold (a number
/// wider than its field, a nonzero fifth release number) is wide: it keeps its `Parts` and
/// compares by `Parts::cmp_reference`. Which form a version takes depends only on its public
/// value, so a packed and a wide version are never equal.
#[derive(Debug, Clone)]
pub struct Pep440Version {
    /// The packed key of the public version; 0 (unused) for a wide version.
    key: u128,
    /// How many release numbers a packed version was written with (`1.0` has two; the key
    /// does not tell trailing zeros apart).
    release_len: usize,
    /// The local label of a packed version, or the parts of a wide one.
    extra: Option<Box<Extra>>,
}

/// What a [`Pep440Version`] holds besides its key.
#[derive(Debug, Clone)]
enum Extra {
    /// The local label of a packed version.
    Local(Vec<LocalPart>),
    /// All the parts of a wide version.
    Wide(Parts),
}

/// A version from text: `Ok(None)` when it is not PEP 440, `Err` when a number is too long
/// for Python's `int()` (packaging raises `ValueError` rather than `InvalidVersion`).
fn parse_checked(text: &str) -> Result<Option<Pep440Version>, TooLong> {
    // Text that starts and ends with a letter or digit has nothing to strip.
    let bytes = text.as_bytes();
    let text = match (bytes.first(), bytes.last()) {
        (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => text,
        _ => python_strip(text),
    };
    if !text.is_ascii() {
        return Ok(None);
    }
    let mut cursor = Cursor {
        text: text.as_bytes(),
        pos: 0,
    };
    let mut shape = Shape::default();
    if cursor.version(Allow::ALL, &mut shape).is_none() {
        return Ok(None);
    }
    if cursor.pos != text.len() {
        return Ok(None);
    }
    shape.build(text).map(Some)
}

/// A PEP 440 version, for ordering; `None` when `text` is not one.
/// Surrounding whitespace is ignored, in Python's sense (`str.strip`, as packaging).
///
/// `version = ["v"] [N "!"] N ("." N)* [pre] [post] [dev] ["+" local]` with
/// `pre = [sep] ("a" | "alpha" | "b" | "beta" | "c" | "rc" | "pre" | "preview") [sep] [N]`,
/// `post = "-" N | [sep] ("post" | "rev" | "r") [sep] [N]`, `dev = [sep] "dev" [sep] [N]`,
/// `sep = "." | "_" | "-"`, letters in any case (packaging's `VERSION_PATTERN`)
pub fn parse_version(text: &str) -> Option<Pep440Version> {
    parse_checked(text).ok().flatten()
}

impl FromStr for Pep440Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_version(text).ok_or_else(|| format!("invalid version: {text:?}"))
    }
}

impl Pep440Version {
    /// The version of `parts`: packed when the key holds their public part.
    fn from_parts(parts: Parts) -> Pep440Version {
        match parts.public_key() {
            Some(key) => Pep440Version {
                key,
                release_len: parts.release.len(),
                extra: parts.local.map(|local| Box::new(Extra::Local(local))),
            },
            None => Pep440Version {
                key: 0,
                release_len: 0,
                extra: Some(Box::new(Extra::Wide(parts))),
            },
        }
    }

    /// The parts of a wide version; `None` for a packed one.
    fn wide(&self) -> Option<&Parts> {
        match self.extra.as_deref() {
            Some(Extra::Wide(parts)) => Some(parts),
            _ => None,
        }
    }

    fn local(&self) -> Option<&[LocalPart]> {
        match self.extra.as_deref() {
            Some(Extra::Local(local)) => Some(local),
            Some(Extra::Wide(parts)) => parts.local.as_deref(),
            None => None,
        }
    }

    /// The parts: borrowed for a wide version, decoded from the key for a packed one.
    fn parts(&self) -> Cow<'_, Parts> {
        match self.wide() {
            Some(parts) => Cow::Borrowed(parts),
            None => Cow::Owned(Parts {
                epoch: self.epoch(),
                release: self.release(),
                pre: self.pre(),
                post: self.post(),
                dev: self.dev(),
                local: self.local().map(<[LocalPart]>::to_vec),
            }),
        }
    }

    fn epoch(&self) -> Num {
        match self.wide() {
            Some(parts) => parts.epoch.clone(),
            None => Num::Small(unpack_key(self.key)[0]),
        }
    }

    /// The release numbers as written (trailing zeros included).
    fn release(&self) -> Vec<Num> {
        match self.wide() {
            Some(parts) => parts.release.clone(),
            None => {
                let fields = unpack_key(self.key);
                (0..self.release_len)
                    .map(|i| {
                        Num::Small(if i < KEY_RELEASE_SLOTS {
                            fields[1 + i]
                        } else {
                            0
                        })
                    })
                    .collect()
            }
        }
    }

    fn pre(&self) -> Option<(PreKind, Num)> {
        match self.wide() {
            Some(parts) => parts.pre.clone(),
            None => {
                let fields = unpack_key(self.key);
                let kind = match fields[5] {
                    1 => PreKind::Alpha,
                    2 => PreKind::Beta,
                    3 => PreKind::Rc,
                    _ => return None,
                };
                Some((kind, Num::Small(fields[6])))
            }
        }
    }

    fn post(&self) -> Option<Num> {
        match self.wide() {
            Some(parts) => parts.post.clone(),
            None => {
                let fields = unpack_key(self.key);
                (fields[7] == 1).then_some(Num::Small(fields[8]))
            }
        }
    }

    fn dev(&self) -> Option<Num> {
        match self.wide() {
            Some(parts) => parts.dev.clone(),
            None => {
                let fields = unpack_key(self.key);
                (fields[9] == 0).then_some(Num::Small(fields[10]))
            }
        }
    }

    /// A pre-release or a development release (packaging's `is_prerelease`).
    pub fn is_prerelease(&self) -> bool {
        self.pre().is_some() || self.dev().is_some()
    }

    /// Same epoch and release, trailing zeros aside: `_ranges`'s "family" test.
    fn same_release(&self, other: &Pep440Version) -> bool {
        match (self.wide(), other.wide()) {
            (None, None) => self.key >> KEY_SUFFIX_BITS == other.key >> KEY_SUFFIX_BITS,
            _ => {
                let (a, b) = (self.parts(), other.parts());
                a.epoch == b.epoch && a.trimmed_release() == b.trimmed_release()
            }
        }
    }

    /// Same public version as `other`, any local label (`V`'s "local family").
    fn same_public(&self, other: &Pep440Version) -> bool {
        match (self.wide(), other.wide()) {
            (None, None) => self.key == other.key,
            _ => {
                self.same_release(other)
                    && self.pre() == other.pre()
                    && self.post() == other.post()
                    && self.dev() == other.dev()
            }
        }
    }

    /// `epoch!release.dev0`.
    fn dev0(&self, release: Vec<Num>) -> Pep440Version {
        Pep440Version::from_parts(Parts {
            epoch: self.epoch(),
            release,
            pre: None,
            post: None,
            dev: Some(Num::ZERO),
            local: None,
        })
    }

    /// `1.2 -> 1.3.dev0`: the least version above every `1.2.*` (packaging's
    /// `_next_prefix_dev0`).
    fn next_prefix_dev0(&self, release: &[Num]) -> Pep440Version {
        let mut release = release.to_vec();
        if let Some(last) = release.last_mut() {
            *last = last.succ();
        }
        self.dev0(release)
    }

    /// This version without its local label and with other post/dev parts.
    fn with(&self, post: Option<Num>, dev: Option<Num>) -> Pep440Version {
        Pep440Version::from_parts(Parts {
            post,
            dev,
            local: None,
            ..self.parts().into_owned()
        })
    }
}

impl Pep440Version {
    /// [`Ord::cmp`] where either version has a local label or is wide; out of line, so that
    /// the common case, one integer comparison, stays small enough to inline into sorts.
    #[inline(never)]
    fn cmp_with_extra(&self, other: &Pep440Version) -> Ordering {
        match (self.wide(), other.wide()) {
            // packaging's key ends with the local label.
            (None, None) => self
                .key
                .cmp(&other.key)
                .then_with(|| self.local().cmp(&other.local())),
            _ => self.parts().cmp_reference(&other.parts()),
        }
    }
}

impl Ord for Pep440Version {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        if self.extra.is_none() && other.extra.is_none() {
            self.key.cmp(&other.key)
        } else {
            self.cmp_with_extra(other)
        }
    }
}

impl PartialOrd for Pep440Version {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        match (self.wide(), other.wide()) {
            (None, None) => self.key == other.key && self.local() == other.local(),
            _ => self.cmp(other) == Ordering::Equal,
        }
    }
}

impl Eq for Pep440Version {}

/// Consistent with `Eq`: a packed version hashes its key and local label, a wide one its parts
/// (the two forms are never equal).
impl std::hash::Hash for Pep440Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self.wide() {
            None => {
                self.key.hash(state);
                self.local().hash(state);
            }
            Some(parts) => parts.hash_reference(state),
        }
    }
}

/// packaging's `str(Version)`: the normal form.
impl fmt::Display for Pep440Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(parts) = self.wide() else {
            let fields = unpack_key(self.key);
            let release = (0..self.release_len).map(|i| {
                if i < KEY_RELEASE_SLOTS {
                    fields[1 + i]
                } else {
                    0
                }
            });
            let pre = match fields[5] {
                1 => Some((PreKind::Alpha, fields[6])),
                2 => Some((PreKind::Beta, fields[6])),
                3 => Some((PreKind::Rc, fields[6])),
                _ => None,
            };
            write_public(
                f,
                (fields[0] != 0).then_some(fields[0]),
                release,
                pre,
                (fields[7] == 1).then_some(fields[8]),
                (fields[9] == 0).then_some(fields[10]),
            )?;
            return write_local(f, self.local());
        };
        parts.fmt(f)
    }
}

/// What a version may hold where it is read: a specifier's operator narrows packaging's
/// version grammar (no local label after `<`, a `.*` only after `==`/`!=`, ...).
#[derive(Debug, Clone, Copy)]
struct Allow {
    local: bool,
    wildcard: bool,
    /// The fewest release numbers (`~=` needs two).
    min_release: usize,
}

impl Allow {
    const ALL: Allow = Allow {
        local: true,
        wildcard: false,
        min_release: 1,
    };
}

/// Where the parts of a version lie in its text (byte ranges), before numbers are read.
#[derive(Debug, Default)]
struct Shape {
    epoch: Option<(usize, usize)>,
    /// The release numbers and the dots between them.
    release: (usize, usize),
    release_len: usize,
    /// The first release numbers as the key holds them, read while scanning; `None` once a
    /// number does not fit a `u64` or a later one is not 0.
    release_packed: Option<[u64; KEY_RELEASE_SLOTS]>,
    pre: Option<(PreKind, Option<(usize, usize)>)>,
    post: Option<Option<(usize, usize)>>,
    dev: Option<Option<(usize, usize)>>,
    local: Option<(usize, usize)>,
    wildcard: bool,
}

impl Shape {
    /// Counts one more release number and packs it while it fits.
    fn add_release_number(&mut self, digits: &[u8]) {
        if self.release_len == 0 {
            self.release_packed = Some([0; KEY_RELEASE_SLOTS]);
        }
        let slot = self.release_len;
        self.release_len += 1;
        let Some(packed) = &mut self.release_packed else {
            return;
        };
        let n = small_number(digits);
        match (n, packed.get_mut(slot)) {
            (Some(n), Some(slot)) => *slot = n,
            (Some(0), None) => {}
            _ => self.release_packed = None,
        }
    }

    /// The version: packed straight from the text when it fits the key (no allocation), else
    /// through its parts.
    fn build(&self, text: &str) -> Result<Pep440Version, TooLong> {
        match self.packed(text) {
            Some(version) => Ok(version),
            None => self.parts(text).map(Pep440Version::from_parts),
        }
    }

    /// The packed version; `None` when a number of the public part does not fit the key (or a
    /// number is longer than Python reads: [`Shape::parts`] says so).
    fn packed(&self, text: &str) -> Option<Pep440Version> {
        let num = |span: Option<(usize, usize)>| match span {
            Some((a, b)) => small_number(&text.as_bytes()[a..b]),
            None => Some(0),
        };
        let release = self.release_packed?;
        let pre = match self.pre {
            Some((kind, n)) => Some((kind, num(n)?)),
            None => None,
        };
        let post = match self.post {
            Some(n) => Some(num(n)?),
            None => None,
        };
        let dev = match self.dev {
            Some(n) => Some(num(n)?),
            None => None,
        };
        let key = pack_key(num(self.epoch)?, release, pre, post, dev)?;
        let extra = match self.local {
            Some((a, b)) => Some(Box::new(Extra::Local(local_parts(&text[a..b]).ok()?))),
            None => None,
        };
        Some(Pep440Version {
            key,
            release_len: self.release_len,
            extra,
        })
    }

    fn parts(&self, text: &str) -> Result<Parts, TooLong> {
        let num = |span: Option<(usize, usize)>| match span {
            Some((a, b)) => Num::parse(&text[a..b]),
            None => Ok(Num::ZERO),
        };
        let release = text[self.release.0..self.release.1]
            .split('.')
            .map(Num::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let local = match self.local {
            None => None,
            Some((a, b)) => Some(local_parts(&text[a..b])?),
        };
        Ok(Parts {
            epoch: num(self.epoch)?,
            release,
            pre: match self.pre {
                Some((kind, n)) => Some((kind, num(n)?)),
                None => None,
            },
            post: self.post.map(num).transpose()?,
            dev: self.dev.map(num).transpose()?,
            local,
        })
    }
}

/// A local label's parts (`ubuntu-1.2` is `ubuntu`, 1, 2), letters in lower case.
fn local_parts(label: &str) -> Result<Vec<LocalPart>, TooLong> {
    label
        .split(['.', '_', '-'])
        .map(|part| {
            if part.bytes().all(|b| b.is_ascii_digit()) {
                Num::parse(part).map(LocalPart::Number)
            } else {
                Ok(LocalPart::Text(part.to_ascii_lowercase().into()))
            }
        })
        .collect()
}

/// A run of ASCII digits as a `u64`; `None` when it overflows or is longer than Python's
/// `int()` reads (leading zeros count there, as in [`Num::parse`]).
fn small_number(digits: &[u8]) -> Option<u64> {
    if digits.len() > MAX_DIGITS {
        return None;
    }
    digits.iter().try_fold(0u64, |n, b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// A byte cursor over ASCII text, matching packaging's version regexes without backtracking
/// (its groups are possessive, so the greedy reading is the regex's).
struct Cursor<'t> {
    text: &'t [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn digits(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then_some((start, self.pos))
    }

    fn separator(&mut self) -> bool {
        if matches!(self.peek(), Some(b'.' | b'_' | b'-')) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The first of `words` (any case) at the cursor, consumed.
    fn word<T: Copy>(&mut self, words: &[(&str, T)]) -> Option<T> {
        let rest = &self.text[self.pos..];
        let first = rest.first()?.to_ascii_lowercase();
        let (word, value) = words.iter().find(|(w, _)| {
            w.as_bytes()[0] == first
                && rest.len() >= w.len()
                && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes())
        })?;
        self.pos += word.len();
        Some(*value)
    }

    /// Runs `part`; restores the position where it gives `None` (an optional group).
    fn optional<T>(&mut self, part: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let out = part(self);
        if out.is_none() {
            self.pos = start;
        }
        out
    }

    /// Reads a version into `shape` (a fresh one: it is filled in, not reset); `None` where the
    /// text does not start with one. (An out-parameter: returning the shape cost a copy of it,
    /// a tenth of a parse.)
    fn version(&mut self, allow: Allow, shape: &mut Shape) -> Option<()> {
        if matches!(self.peek(), Some(b'v' | b'V')) {
            self.pos += 1;
        }
        shape.epoch = self.optional(|c| {
            let n = c.digits()?;
            (c.peek() == Some(b'!')).then(|| c.pos += 1).map(|()| n)
        });
        let first = self.digits()?;
        shape.release = first;
        shape.add_release_number(&self.text[first.0..first.1]);
        while let Some((start, end)) = self.optional(|c| {
            (c.peek() == Some(b'.')).then(|| c.pos += 1)?;
            c.digits()
        }) {
            shape.release.1 = end;
            shape.add_release_number(&self.text[start..end]);
        }
        if shape.release_len < allow.min_release {
            return None;
        }
        if allow.wildcard && self.text[self.pos..].starts_with(b".*") {
            self.pos += 2;
            shape.wildcard = true;
            return Some(());
        }
        const PRE: [(&str, PreKind); 8] = [
            ("alpha", PreKind::Alpha),
            ("a", PreKind::Alpha),
            ("beta", PreKind::Beta),
            ("b", PreKind::Beta),
            ("preview", PreKind::Rc),
            ("pre", PreKind::Rc),
            ("c", PreKind::Rc),
            ("rc", PreKind::Rc),
        ];
        shape.pre = self.optional(|c| {
            c.separator();
            let kind = c.word(&PRE)?;
            c.separator();
            Some((kind, c.digits()))
        });
        shape.post = self
            .optional(|c| {
                (c.peek() == Some(b'-')).then(|| c.pos += 1)?;
                c.digits().map(Some)
            })
            .or_else(|| {
                self.optional(|c| {
                    c.separator();
                    c.word(&[("post", ()), ("rev", ()), ("r", ())])?;
                    c.separator();
                    Some(c.digits())
                })
            });
        shape.dev = self.optional(|c| {
            c.separator();
            c.word(&[("dev", ())])?;
            c.separator();
            Some(c.digits())
        });
        if allow.local {
            shape.local = self.optional(|c| {
                (c.peek() == Some(b'+')).then(|| c.pos += 1)?;
                let start = c.pos;
                let alnum = |c: &mut Cursor| {
                    let s = c.pos;
                    while c.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                        c.pos += 1;
                    }
                    (c.pos > s).then_some(())
                };
                alnum(c)?;
                while c
                    .optional(|c| c.separator().then_some(()).and_then(|()| alnum(c)))
                    .is_some()
                {}
                Some((start, c.pos))
            });
        }
        Some(())
    }
}

/// A specifier's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Compatible,
    Equal,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    Arbitrary,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Compatible => "~=",
            Op::Equal => "==",
            Op::NotEqual => "!=",
            Op::LessEqual => "<=",
            Op::GreaterEqual => ">=",
            Op::Less => "<",
            Op::Greater => ">",
            Op::Arbitrary => "===",
        }
    }
}

/// One specifier (`>=1.0`, `==1.2.*`, `===foo`).
#[derive(Debug, Clone)]
struct Specifier {
    op: Op,
    /// The version as written after the operator (stripped).
    text: Box<str>,
    /// The parsed version (without `.*`); `Err` where a number is too long for Python.
    version: Result<Pep440Version, TooLong>,
    wildcard: bool,
}

impl Specifier {
    /// packaging's `Specifier(text)`: `None` when the regex does not match it.
    ///
    /// `specifier = op version`, `op = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">"`
    /// (no local label after `~=`, `<`, `<=`, `>`, `>=`; `.*` only after `==`/`!=`; two release
    /// numbers at least after `~=`), or `"===" text` (any text without whitespace, `;`, `)`)
    fn parse(text: &str) -> Option<Specifier> {
        let text = python_strip(text);
        let ops = [
            ("===", Op::Arbitrary),
            ("~=", Op::Compatible),
            ("==", Op::Equal),
            ("!=", Op::NotEqual),
            ("<=", Op::LessEqual),
            (">=", Op::GreaterEqual),
            ("<", Op::Less),
            (">", Op::Greater),
        ];
        let (op, rest) = ops
            .iter()
            .find_map(|(s, op)| text.strip_prefix(s).map(|rest| (*op, rest)))?;
        let version_text = python_strip(rest);
        if op == Op::Arbitrary {
            let bad = |c: char| is_python_space(c) || c == ';' || c == ')';
            return (!version_text.contains(bad)).then(|| Specifier {
                op,
                text: version_text.into(),
                version: Err(TooLong),
                wildcard: false,
            });
        }
        if !version_text.is_ascii() {
            return None;
        }
        let allow = Allow {
            local: matches!(op, Op::Equal | Op::NotEqual),
            wildcard: matches!(op, Op::Equal | Op::NotEqual),
            min_release: if op == Op::Compatible { 2 } else { 1 },
        };
        let mut cursor = Cursor {
            text: version_text.as_bytes(),
            pos: 0,
        };
        let mut shape = Shape::default();
        cursor.version(allow, &mut shape)?;
        if cursor.pos != version_text.len() {
            return None;
        }
        Some(Specifier {
            op,
            text: version_text.into(),
            version: shape.build(version_text),
            wildcard: shape.wildcard,
        })
    }

    /// Whether `v` satisfies this specifier, pre-releases included (packaging's
    /// `Specifier.contains(v, prereleases=True)`, through `_ranges`'s bounds). `Err` where
    /// packaging raises.
    fn matches(&self, v: &Pep440Version) -> Result<bool, TooLong> {
        let spec = self.version.as_ref().map_err(|e| *e)?;
        Ok(match (self.op, self.wildcard) {
            (Op::Equal, true) => wildcard_match(spec, v),
            (Op::NotEqual, true) => !wildcard_match(spec, v),
            (Op::Equal, false) => self.equal(spec, v),
            (Op::NotEqual, false) => !self.equal(spec, v),
            (Op::GreaterEqual, _) => v >= spec,
            // `<=V` takes V's local versions too.
            (Op::LessEqual, _) => v <= spec || v.same_public(spec),
            (Op::Greater, _) => match (spec.dev(), spec.post()) {
                // `>V.devN`: the next version is V.dev(N+1).
                (Some(dev), post) => *v >= spec.with(post, Some(dev.succ())),
                // `>V.postN`: the next version is V.post(N+1).dev0.
                (None, Some(post)) => *v >= spec.with(Some(post.succ()), Some(Num::ZERO)),
                // `>V` leaves out V's local and post-releases (PEP 440).
                (None, None) => v > spec && !(v.same_release(spec) && v.pre() == spec.pre()),
            },
            // `<V` leaves out V's pre-releases unless V is one.
            (Op::Less, _) => {
                if spec.is_prerelease() {
                    v < spec
                } else {
                    *v < spec.with(spec.post(), Some(Num::ZERO))
                }
            }
            (Op::Compatible, _) => {
                let release = spec.release();
                let prefix = &release[..release.len().saturating_sub(1)];
                v >= spec && *v < spec.next_prefix_dev0(prefix)
            }
            (Op::Arbitrary, _) => false,
        })
    }

    /// `==V` without `.*`: V's local versions match when V has no local label.
    fn equal(&self, spec: &Pep440Version, v: &Pep440Version) -> bool {
        let has_local = self.text.contains('+');
        spec <= v && (v <= spec || (!has_local && v.same_public(spec)))
    }
}

/// `==V.*`: from `V.dev0` up to the next prefix's `.dev0` (packaging's `wildcard_ranges`).
fn wildcard_match(base: &Pep440Version, v: &Pep440Version) -> bool {
    let release = base.release();
    *v >= base.dev0(release.clone()) && *v < base.next_prefix_dev0(&release)
}

/// packaging's `Specifier(spec).contains(item, prereleases=True)`, as a marker comparison
/// on a version variable asks it: `None` when `spec` is not a specifier (the comparison then
/// falls back to text), `Some(Err)` where packaging raises.
pub(super) fn specifier_contains(spec: &str, item: &str) -> Option<Result<bool, ()>> {
    let spec = Specifier::parse(spec)?;
    if spec.op == Op::Arbitrary {
        return Some(Ok(python_lower(item) == python_lower(&spec.text)));
    }
    Some(match parse_checked(item) {
        Err(TooLong) => Err(()),
        Ok(None) => Ok(false),
        Ok(Some(v)) => spec.matches(&v).map_err(|_| ()),
    })
}

/// How many bytes at the start of `rest` packaging's `SPECIFIER` token takes (its specifier
/// regex matched, not full-matched, as `_tokenizer.py` does); `None` when it does not match.
pub(super) fn specifier_token_len(rest: &str) -> Option<usize> {
    if let Some(after) = rest.strip_prefix("===") {
        let text = after.trim_start_matches(is_python_space);
        let end = text
            .find(|c: char| is_python_space(c) || c == ';' || c == ')')
            .unwrap_or(text.len());
        return Some(rest.len() - text.len() + end);
    }
    let (op, after) = [
        ("==", Op::Equal),
        ("!=", Op::NotEqual),
        ("~=", Op::Compatible),
        ("<=", Op::LessEqual),
        (">=", Op::GreaterEqual),
        ("<", Op::Less),
        (">", Op::Greater),
    ]
    .iter()
    .find_map(|(s, op)| rest.strip_prefix(s).map(|after| (*op, after)))?;
    let text = after.trim_start_matches(is_python_space);
    let allow = Allow {
        local: matches!(op, Op::Equal | Op::NotEqual),
        wildcard: matches!(op, Op::Equal | Op::NotEqual),
        min_release: if op == Op::Compatible { 2 } else { 1 },
    };
    let mut cursor = Cursor {
        text: text.as_bytes(),
        pos: 0,
    };
    cursor.version(allow, &mut Shape::default())?;
    Some(rest.len() - text.len() + cursor.pos)
}

/// A parsed PEP 440 specifier set (`>=1.0, <2`), ready to test versions against.
#[derive(Debug, Clone)]
pub struct Specifiers {
    specs: Vec<Specifier>,
}

impl Specifiers {
    /// Parses a specifier set; `None` when it is not valid PEP 440.
    ///
    /// `specifiers = [specifier] ("," [specifier])*` (packaging's `SpecifierSet`: empty items
    /// between commas are skipped)
    pub fn parse(text: &str) -> Option<Specifiers> {
        let specs = text
            .split(',')
            .map(python_strip)
            .filter(|s| !s.is_empty())
            .map(Specifier::parse)
            .collect::<Option<Vec<_>>>()?;
        Some(Specifiers { specs })
    }

    /// Whether `version` satisfies every specifier, pre-releases included (packaging's
    /// `SpecifierSet.contains(version, prereleases=True)`, as `pip check` tests installed
    /// versions). `None` when `version` is not valid PEP 440 (unless the set takes it as
    /// text: an empty set, or `===` with the same text) or when packaging raises on it.
    pub fn contains(&self, version: &str) -> Option<bool> {
        let parsed = parse_checked(version).ok()?;
        if self.specs.is_empty() {
            return Some(true);
        }
        let mut all = true;
        for spec in &self.specs {
            let holds = match (spec.op, &parsed) {
                (Op::Arbitrary, _) => python_lower(version) == python_lower(&spec.text),
                (_, Some(v)) => spec.matches(v).ok()?,
                (_, None) => false,
            };
            if !holds {
                all = false;
                break;
            }
        }
        if parsed.is_none() && !all {
            return None;
        }
        Some(all)
    }

    /// Whether a parsed `version` satisfies every specifier (pre-releases included). `===`
    /// compares with the normal form (the text as written is no longer known).
    pub fn contains_version(&self, version: &Pep440Version) -> bool {
        self.specs.iter().all(|spec| match spec.op {
            Op::Arbitrary => python_lower(&version.to_string()) == python_lower(&spec.text),
            _ => spec.matches(version).unwrap_or(false),
        })
    }

    /// The set as a record shows it: each specifier with its version in normal form (`===`
    /// as written), joined by `, `.
    pub(super) fn render(&self) -> String {
        let mut out = String::with_capacity(self.specs.len() * 12);
        for (i, spec) in self.specs.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(spec.op.as_str());
            match &spec.version {
                Ok(v) if spec.op != Op::Arbitrary => {
                    use std::fmt::Write;
                    let _ = write!(out, "{v}");
                    if spec.wildcard {
                        out.push_str(".*");
                    }
                }
                _ => out.push_str(&spec.text),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
