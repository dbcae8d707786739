//! [`RezVersion`]: rez's `Version`, its alphanumeric tokens and their order (the "Tokens and
//! separators", "Token order" and "Version order" quirks of the [module docs](super)).

use super::{found_at, is_token_byte, RezVersionError};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SubToken {
    s: String,
    numeric: bool,
}

fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Ord for SubToken {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.numeric, other.numeric) {
            (false, false) => self.s.cmp(&other.s),
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (true, true) => cmp_decimal(&self.s, &other.s).then_with(|| self.s.cmp(&other.s)),
        }
    }
}

impl PartialOrd for SubToken {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One alphanumeric version token (rez `AlphanumericVersionToken`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Token {
    subs: Vec<SubToken>,
}

impl Token {
    /// `s` must consist of token characters only.
    fn from_str_unchecked(s: &str) -> Token {
        let mut subs: Vec<SubToken> = Vec::new();
        for c in s.chars() {
            let numeric = c.is_ascii_digit();
            match subs.last_mut() {
                Some(last) if last.numeric == numeric => last.s.push(c),
                _ => subs.push(SubToken {
                    s: c.to_string(),
                    numeric,
                }),
            }
        }
        Token { subs }
    }

    fn next(&self) -> Token {
        let mut subs = self.subs.clone();
        match subs.last_mut() {
            Some(last) if !last.numeric => last.s.push('_'),
            _ => subs.push(SubToken {
                s: "_".to_string(),
                numeric: false,
            }),
        }
        Token { subs }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.subs {
            f.write_str(&s.s)?;
        }
        Ok(())
    }
}

/// A rez version: zero or more alphanumeric tokens separated by one
/// separator character each. The empty version is the lowest version.
///
/// Clones share the tokens: the solver copies versions into every bound, range and slice it
/// makes, so a clone is a reference count, not a copy of every token's strings.
#[derive(Debug, Clone, Default)]
pub struct RezVersion {
    /// The tokens and separators; `None` for a version without tokens.
    parts: Option<Arc<Parts>>,
    /// rez's internal `Version.inf` (greater than every version); never
    /// produced by parsing.
    pub(super) inf: bool,
}

/// The tokens of a version and the separator after each but the last.
#[derive(Debug)]
struct Parts {
    tokens: Vec<Token>,
    seps: Vec<char>,
    /// The tokens' order packed in one integer ([`fast_key`]), for most versions.
    key: Option<u128>,
}

/// Bits of one token in a [`fast_key`].
const KEY_BITS: u32 = 24;

/// rez's order of `tokens` as one integer, when every token is a number without leading zeros
/// below 2^24 - 1 and there are at most 5 of them (nine versions in ten of rez's benchmark
/// repository): token `i` is stored as its value plus one, most significant first, and the
/// slots after the last token are zero. Comparing two keys is comparing the token lists: a
/// token's number orders as rez orders numeric tokens, and a version that is a prefix of
/// another is lower, as its next slot is zero. The solver compares versions more than it does
/// anything else.
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

fn fast_key(tokens: &[Token]) -> Option<u128> {
    let slots = 128 / KEY_BITS;
    if tokens.len() > slots as usize {
        return None;
    }
    let mut key: u128 = 0;
    for (i, token) in tokens.iter().enumerate() {
        let [sub] = token.subs.as_slice() else {
            return None;
        };
        let digits = sub.s.as_str();
        if !sub.numeric || digits.len() > 7 || (digits.len() > 1 && digits.starts_with('0')) {
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

impl RezVersion {
    /// Parses a version string as rez's `Version(s)` does.
    ///
    /// `version = "" | token (sep token)*`, `token = [A-Za-z0-9_]+`,
    /// `sep = any one character that is not a token character`
    pub fn parse(s: &str) -> Result<RezVersion, RezVersionError> {
        if s.is_empty() {
            return Ok(RezVersion::default());
        }
        let (mut tokens, mut seps) = (Vec::new(), Vec::new());
        split(s, |token, sep| {
            tokens.push(Token::from_str_unchecked(token));
            seps.extend(sep);
        })
        .map_err(|i| {
            RezVersionError::new(
                format!("expected version token, found {}", found_at(s, i)),
                i,
            )
        })?;
        Ok(RezVersion::from_parts(tokens, seps, false))
    }

    /// Whether [`parse`](RezVersion::parse) accepts `s`, without building the version (a
    /// folder's name is checked for every package read).
    pub fn is_valid(s: &str) -> bool {
        s.is_empty() || split(s, |_, _| {}).is_ok()
    }

    fn from_parts(tokens: Vec<Token>, seps: Vec<char>, inf: bool) -> RezVersion {
        RezVersion {
            parts: (!tokens.is_empty()).then(|| {
                let key = fast_key(&tokens);
                Arc::new(Parts { tokens, seps, key })
            }),
            inf,
        }
    }

    fn tokens(&self) -> &[Token] {
        self.parts.as_deref().map_or(&[], |p| &p.tokens)
    }

    fn seps(&self) -> &[char] {
        self.parts.as_deref().map_or(&[], |p| &p.seps)
    }

    /// The fast keys of both, when both have one.
    fn keys(&self, other: &Self) -> Option<(u128, u128)> {
        Some((self.parts.as_deref()?.key?, other.parts.as_deref()?.key?))
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
        self.tokens().len()
    }

    /// The tokens as strings, eg `["1", "2", "12"]` for `1.2.12`.
    pub fn as_tuple(&self) -> Vec<String> {
        self.tokens().iter().map(|t| t.to_string()).collect()
    }

    /// Copy with at most `n` tokens (rez `trim`).
    pub fn trim(&self, n: usize) -> RezVersion {
        if self.inf {
            return self.clone();
        }
        let n = n.min(self.len());
        RezVersion::from_parts(
            self.tokens().iter().take(n).cloned().collect(),
            self.seps()
                .iter()
                .take(n.saturating_sub(1))
                .cloned()
                .collect(),
            false,
        )
    }

    /// Copy without its first `n` tokens: rez's `version.tokens[n:]`, which compares as a
    /// version of those tokens does (a token list; `soft_timestamp`'s key holds one).
    pub fn skip(&self, n: usize) -> RezVersion {
        if self.inf {
            return self.clone();
        }
        let n = n.min(self.len());
        RezVersion::from_parts(
            self.tokens()[n..].to_vec(),
            self.seps().iter().skip(n).cloned().collect(),
            false,
        )
    }

    /// rez `next()`: the smallest version above this version's family, eg
    /// `1.2` -> `1.2_`, `1.a` -> `1.a_`. The empty version's next is
    /// internal infinity.
    pub(super) fn next_version(&self) -> RezVersion {
        if self.inf {
            return self.clone();
        }
        let mut tokens = self.tokens().to_vec();
        match tokens.pop() {
            Some(t) => {
                tokens.push(t.next());
                RezVersion::from_parts(tokens, self.seps().to_vec(), false)
            }
            None => RezVersion::infinity(),
        }
    }
}

impl PartialEq for RezVersion {
    fn eq(&self, other: &Self) -> bool {
        self.inf == other.inf
            && (self.same_parts(other)
                || match self.keys(other) {
                    Some((a, b)) => a == b,
                    None => self.tokens() == other.tokens(),
                })
    }
}

impl Eq for RezVersion {}

impl Hash for RezVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inf.hash(state);
        self.tokens().hash(state);
    }
}

impl Ord for RezVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.inf, other.inf) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) if self.same_parts(other) => Ordering::Equal,
            (false, false) => match self.keys(other) {
                Some((a, b)) => a.cmp(&b),
                None => self.tokens().cmp(other.tokens()),
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
        if self.inf {
            return f.write_str("[INF]");
        }
        for (i, t) in self.tokens().iter().enumerate() {
            if i > 0 {
                if let Some(c) = self.seps().get(i - 1) {
                    write!(f, "{c}")?;
                }
            }
            write!(f, "{t}")?;
        }
        Ok(())
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
                let by_tokens = a.tokens().cmp(b.tokens());
                assert_eq!(a.cmp(b), by_tokens, "{a} against {b}");
                assert_eq!(a == b, by_tokens == Ordering::Equal, "{a} against {b}");
            }
        }
    }
}
