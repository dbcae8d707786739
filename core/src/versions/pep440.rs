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

mod parse;
mod specifiers;

use parse::{Allow, Cursor, Shape};
pub use specifiers::Specifiers;
pub(crate) use specifiers::{specifier_contains, specifier_token_len};

#[cfg(test)]
mod tests;
