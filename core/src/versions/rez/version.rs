//! [`RezVersion`]: rez's `Version`, its alphanumeric tokens and their order (the "Tokens and
//! separators", "Token order" and "Version order" quirks of the [module docs](super)).
//!
//! A version keeps its text as written and nothing else but an integer key: its tokens and
//! their sub-tokens are found in the text when a comparison needs them (one allocation per
//! version parsed, where a token list of strings cost a dozen; the solver parses a version
//! for every package folder it lists).

use super::{found_at, is_token_byte, RezVersionError};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// rez's order of two sub-tokens (a run of digits, or of letters and `_`): letters before
/// numbers, numbers by value then as written (`01` before `1`), letters as strings.
fn cmp_sub((a, a_numeric): (&str, bool), (b, b_numeric): (&str, bool)) -> Ordering {
    match (a_numeric, b_numeric) {
        (false, false) => a.cmp(b),
        (false, true) => Ordering::Less,
        (true, false) => Ordering::Greater,
        (true, true) => cmp_decimal(a, b).then_with(|| a.cmp(b)),
    }
}

/// The sub-tokens of a token (rez's `AlphanumericVersionToken`): its runs of digits and of
/// other token characters, each with whether it is digits.
struct Subs<'a>(&'a str);

impl<'a> Iterator for Subs<'a> {
    type Item = (&'a str, bool);
    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.0.as_bytes();
        let numeric = bytes.first()?.is_ascii_digit();
        let end = bytes
            .iter()
            .position(|b| b.is_ascii_digit() != numeric)
            .unwrap_or(bytes.len());
        // Tokens are ASCII: every byte is a character boundary.
        let (sub, rest) = self.0.split_at(end);
        self.0 = rest;
        Some((sub, numeric))
    }
}

/// rez's order of two tokens: their sub-tokens compared in turn, a prefix first.
fn cmp_token(a: &str, b: &str) -> Ordering {
    cmp_in_turn(Subs(a), Subs(b), cmp_sub)
}

/// Two sequences compared item by item, the shorter first when one is a prefix of the other
/// (a derived `Ord` of a `Vec`).
fn cmp_in_turn<T>(
    mut a: impl Iterator<Item = T>,
    mut b: impl Iterator<Item = T>,
    cmp: impl Fn(T, T) -> Ordering,
) -> Ordering {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match cmp(x, y) {
                Ordering::Equal => {}
                unequal => return unequal,
            },
        }
    }
}

/// The tokens of a version's text: its runs of token characters (ASCII), each separator being
/// one character that is not a token's (of one byte or more).
fn tokens_of(text: &str) -> Tokens<'_> {
    Tokens(text)
}

struct Tokens<'a>(&'a str);

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.0.as_bytes();
        let start = bytes.iter().position(|&b| is_token_byte(b))?;
        let end = bytes[start..]
            .iter()
            .position(|&b| !is_token_byte(b))
            .map_or(bytes.len(), |n| start + n);
        // Both ends are ASCII bytes or the text's ends: character boundaries.
        let token = self.0.get(start..end)?;
        self.0 = self.0.get(end..)?;
        Some(token)
    }
}

/// A rez version: zero or more alphanumeric tokens separated by one
/// separator character each. The empty version is the lowest version.
///
/// Clones share the text: the solver copies versions into every bound, range and slice it
/// makes, so a clone is a reference count.
#[derive(Debug, Clone, Default)]
pub struct RezVersion {
    /// The text and key; `None` for a version without tokens.
    parts: Option<Arc<Parts>>,
    /// rez's internal `Version.inf` (greater than every version); never
    /// produced by parsing.
    pub(super) inf: bool,
}

/// A version as written, and its order as one integer when it has one.
#[derive(Debug)]
struct Parts {
    /// The tokens and separators as written (rez's `str(version)`); never empty.
    text: Box<str>,
    /// The tokens' order packed in one integer ([`fast_key`]), for most versions.
    key: Option<u128>,
}

/// Bits of one token in a [`fast_key`].
const KEY_BITS: u32 = 24;

/// Splits a non-empty `s` into tokens as rez's grammar does, giving `each` every token with the
/// separator after it (none after the last); `Err` holds the byte where a token is missing.
fn split(s: &str, mut each: impl FnMut(&str, Option<char>)) -> Result<(), usize> {
    let bytes = s.as_bytes();
    let mut i = 0usize;
    loop {
        let start = i;
        while bytes.get(i).is_some_and(|&b| is_token_byte(b)) {
            i += 1;
        }
        if i == start {
            return Err(i);
        }
        let token = s.get(start..i).unwrap_or("");
        let sep = s.get(i..).and_then(|r| r.chars().next());
        each(token, sep);
        match sep {
            None => return Ok(()),
            Some(c) => i += c.len_utf8(),
        }
    }
}

/// rez's order of `tokens` as one integer, when every token is a number without leading zeros
/// below 2^24 - 1 and there are at most 5 of them (nine versions in ten of rez's benchmark
/// repository): token `i` is stored as its value plus one, most significant first, and the
/// slots after the last token are zero. Comparing two keys is comparing the token lists: a
/// token's number orders as rez orders numeric tokens, and a version that is a prefix of
/// another is lower, as its next slot is zero. The solver compares versions more than it does
/// anything else.
fn fast_key<'t>(tokens: impl Iterator<Item = &'t str>) -> Option<u128> {
    let slots = 128 / KEY_BITS;
    let mut key: u128 = 0;
    for (i, digits) in tokens.enumerate() {
        let numeric = digits.bytes().all(|b| b.is_ascii_digit());
        let leading_zero = digits.len() > 1 && digits.starts_with('0');
        if i >= slots as usize || !numeric || digits.len() > 7 || leading_zero {
            return None;
        }
        let value: u128 = digits.parse().ok()?;
        let slot = value + 1;
        if slot >= 1 << KEY_BITS {
            return None;
        }
        key |= slot << (KEY_BITS * (slots - 1 - i as u32));
    }
    Some(key)
}

/// rez's order of the version whose [`fast_key`] is `key` against a version of `tokens` that
/// has none (one of them a letter, a long number, a leading zero, or a sixth token): the
/// key's numbers are compared with the tokens in turn, without spelling the keyed version out.
fn cmp_key_tokens(key: u128, mut tokens: Tokens<'_>) -> Ordering {
    let slots = 128 / KEY_BITS;
    for i in 0..slots {
        let slot = (key >> (KEY_BITS * (slots - 1 - i))) & ((1 << KEY_BITS) - 1);
        let unequal = match (slot, tokens.next()) {
            (0, None) => return Ordering::Equal,
            (0, Some(_)) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (slot, Some(token)) => cmp_number_token((slot - 1) as u32, token),
        };
        if unequal != Ordering::Equal {
            return unequal;
        }
    }
    match tokens.next() {
        None => Ordering::Equal,
        Some(_) => Ordering::Less,
    }
}

/// rez's order of the token that is the number `n` (written without leading zeros, below
/// 2^24) against `token`.
fn cmp_number_token(n: u32, token: &str) -> Ordering {
    let bytes = token.as_bytes();
    let len = bytes
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(bytes.len());
    // A token that starts with letters is lower than a number.
    let Some(first) = token.get(..len).filter(|f| !f.is_empty()) else {
        return Ordering::Greater;
    };
    let trimmed = first.trim_start_matches('0');
    let by_value = match trimmed.len() {
        // More digits than any number below 2^24 has.
        9.. => Ordering::Less,
        _ => n.cmp(&trimmed.bytes().fold(0, |v, d| v * 10 + u32::from(d - b'0'))),
    };
    // An equal value written with leading zeros is lower as written (`01` < `1`), except that
    // `0` is a prefix of `00`.
    let as_written = match (first.len() == trimmed.len() || (n == 0 && first == "0"), n) {
        (true, _) => Ordering::Equal,
        (false, 0) => Ordering::Less,
        (false, _) => Ordering::Greater,
    };
    match by_value.then(as_written) {
        // The number is one sub-token: a token with more is greater.
        Ordering::Equal if len < token.len() => Ordering::Less,
        order => order,
    }
}

impl RezVersion {
    /// Parses a version string as rez's `Version(s)` does.
    ///
    /// `version = "" | token (sep token)*`, `token = [A-Za-z0-9_]+`,
    /// `sep = any one character that is not a token character`
    pub fn parse(s: &str) -> Result<RezVersion, RezVersionError> {
        if s.is_empty() {
            return Ok(RezVersion::default());
        }
        split(s, |_, _| {}).map_err(|i| {
            RezVersionError::new(
                format!("expected version token, found {}", found_at(s, i)),
                i,
            )
        })?;
        Ok(RezVersion::from_valid(s))
    }

    /// Whether [`parse`](RezVersion::parse) accepts `s`, without building the version (a
    /// folder's name is checked for every package read).
    pub fn is_valid(s: &str) -> bool {
        s.is_empty() || split(s, |_, _| {}).is_ok()
    }

    /// The version of `text`, which [`is_valid`](RezVersion::is_valid) accepts.
    fn from_valid(text: &str) -> RezVersion {
        RezVersion {
            parts: (!text.is_empty()).then(|| {
                let key = fast_key(tokens_of(text));
                Arc::new(Parts {
                    text: text.into(),
                    key,
                })
            }),
            inf: false,
        }
    }

    /// The text as written; empty for the empty version and `Version.inf`.
    fn text(&self) -> &str {
        self.parts.as_deref().map_or("", |p| &p.text)
    }

    fn tokens(&self) -> Tokens<'_> {
        tokens_of(self.text())
    }

    fn key(&self) -> Option<u128> {
        self.parts.as_deref()?.key
    }

    /// Whether both share the same tokens (a clone of one another): equal without comparing.
    fn same_parts(&self, other: &Self) -> bool {
        match (&self.parts, &other.parts) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// rez's internal `Version.inf`, above every version.
    pub(super) fn infinity() -> RezVersion {
        RezVersion {
            parts: None,
            inf: true,
        }
    }

    /// Whether this is rez's internal `Version.inf` (the version of an unbounded range's
    /// upper bound): package orderers compare it as rez does, which differs from other versions.
    pub fn is_infinity(&self) -> bool {
        self.inf
    }

    /// The empty version `""`.
    pub fn empty() -> RezVersion {
        RezVersion::default()
    }

    /// True for the empty version (rez: `not version`).
    pub fn is_empty(&self) -> bool {
        self.parts.is_none() && !self.inf
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens().count()
    }

    /// The tokens as strings, eg `["1", "2", "12"]` for `1.2.12`.
    pub fn as_tuple(&self) -> Vec<String> {
        self.tokens().map(str::to_string).collect()
    }

    /// The byte where token `n` starts (the text's length when there are `n` tokens or fewer).
    fn token_start(&self, n: usize) -> usize {
        let text = self.text();
        match n {
            0 => 0,
            _ => text
                .char_indices()
                .filter(|&(_, c)| !c.is_ascii() || !is_token_byte(c as u8))
                .nth(n - 1)
                .map_or(text.len(), |(i, c)| i + c.len_utf8()),
        }
    }

    /// Copy with at most `n` tokens (rez `trim`).
    pub fn trim(&self, n: usize) -> RezVersion {
        if self.inf || n >= self.len() {
            return self.clone();
        }
        // Token `n` starts one separator after token `n - 1` ends.
        let text = self.text();
        let end = self.token_start(n);
        let end = text[..end].char_indices().last().map_or(0, |(i, _)| i);
        RezVersion::from_valid(&text[..end])
    }

    /// Copy without its first `n` tokens: rez's `version.tokens[n:]`, which compares as a
    /// version of those tokens does (a token list; `soft_timestamp`'s key holds one).
    pub fn skip(&self, n: usize) -> RezVersion {
        if self.inf || n == 0 {
            return self.clone();
        }
        RezVersion::from_valid(&self.text()[self.token_start(n)..])
    }

    /// rez `next()`: the smallest version above this version's family, eg
    /// `1.2` -> `1.2_`, `1.a` -> `1.a_`. The empty version's next is
    /// internal infinity.
    pub(super) fn next_version(&self) -> RezVersion {
        match (self.inf, self.text()) {
            (true, _) => self.clone(),
            (false, "") => RezVersion::infinity(),
            // `_` joins the last token's last sub-token when that is letters, else makes one.
            (false, text) => RezVersion::from_valid(&format!("{text}_")),
        }
    }
}

impl PartialEq for RezVersion {
    fn eq(&self, other: &Self) -> bool {
        self.inf == other.inf
            && (self.same_parts(other)
                || match (self.key(), other.key()) {
                    (Some(a), Some(b)) => a == b,
                    // Equal tokens have a key both or neither.
                    (Some(_), None) | (None, Some(_)) => false,
                    // Separators do not count: `1.2` and `1-2` are equal, as in rez.
                    (None, None) => self.tokens().eq(other.tokens()),
                })
    }
}

impl Eq for RezVersion {}

impl Hash for RezVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inf.hash(state);
        // Versions with a key are equal only to versions with the same key.
        match self.parts.as_deref().and_then(|p| p.key) {
            Some(key) => key.hash(state),
            None => self.tokens().for_each(|t| t.hash(state)),
        }
    }
}

impl Ord for RezVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.inf, other.inf) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) if self.same_parts(other) => Ordering::Equal,
            (false, false) => match (self.key(), other.key()) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(a), None) => cmp_key_tokens(a, other.tokens()),
                (None, Some(b)) => cmp_key_tokens(b, self.tokens()).reverse(),
                (None, None) => cmp_in_turn(self.tokens(), other.tokens(), cmp_token),
            },
        }
    }
}

impl PartialOrd for RezVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for RezVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inf {
            true => f.write_str("[INF]"),
            false => f.write_str(self.text()),
        }
    }
}

impl FromStr for RezVersion {
    type Err = RezVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RezVersion::parse(s)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// Versions around every edge of [`fast_key`]: leading zeros, the largest slot, five and
    /// six tokens, letters, and prefixes of one another.
    const EDGES: [&str; 22] = [
        "0",
        "00",
        "01",
        "1",
        "1.0",
        "1.00",
        "1.0.0",
        "1.0.0.0.0",
        "1.0.0.0.0.0",
        "2",
        "10",
        "16777214",
        "16777215",
        "16777216",
        "9999999",
        "10000000",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.4.6",
        "1.2a",
        "1_",
        "a",
    ];

    #[test]
    fn is_valid_is_whether_parse_succeeds() {
        for s in [
            "",
            "1",
            "1.2.3",
            "7.6.3.30",
            "1..2",
            ".1",
            "1.",
            "1-2_a.b",
            "1é2",
            "é",
            "1.2\n",
            "a b",
            "1.2.3.4.5.6.7.8.9.10",
            "-",
            "1--2",
            "0.0.1rc1+local",
        ] {
            assert_eq!(
                RezVersion::is_valid(s),
                RezVersion::parse(s).is_ok(),
                "{s:?}"
            );
        }
        assert!(RezVersion::is_valid("1é2") && !RezVersion::is_valid("1.2\n."));
    }

    #[test]
    fn the_fast_key_orders_as_the_tokens_do() {
        let versions: Vec<RezVersion> = EDGES
            .iter()
            .map(|s| RezVersion::parse(s).unwrap())
            .collect();
        assert!(versions[3].parts.as_ref().unwrap().key.is_some());
        assert!(versions[1].parts.as_ref().unwrap().key.is_none());
        for a in &versions {
            for b in &versions {
                let by_tokens = cmp_in_turn(a.tokens(), b.tokens(), cmp_token);
                assert_eq!(a.cmp(b), by_tokens, "{a} against {b}");
                assert_eq!(a == b, by_tokens == Ordering::Equal, "{a} against {b}");
            }
        }
    }
}
