//! rez version semantics: [`Version`], [`VersionRange`] and [`Requirement`],
//! mirroring `rez.version` (rez 3.4.0) exactly, including its quirks.
//!
//! # Quirks of rez's version grammar (all reproduced here on purpose)
//!
//! * **Tokens and separators.** A version is one or more tokens of
//!   `[A-Za-z0-9_]` separated by exactly one separator character. Inside a
//!   *version range* only `.` and `-` separate tokens, but [`Version::parse`]
//!   accepts *any* single non-token character (`"1+2"`, `"1 2"`, `"1é2"`).
//!   Separators are cosmetic: `1.2-3 == 1-2.3`, but `Display` keeps them.
//! * **Token order.** Each token is split into alternating alpha and numeric
//!   sub-tokens. Alpha sub-tokens sort before numeric ones, alpha compare
//!   byte-wise and case-sensitively (`_` < `A-Z` < `a-z`), numeric compare by
//!   value and then textually, so `01 < 1` and `beta < 1`, `gamma33 < 33gamma`.
//!   Numbers have arbitrary precision.
//! * **Version order.** Token lists compare lexicographically, a proper prefix
//!   is smaller: `"" < 0 < 1 < 1.a < 1.0 < 1.0.0 < 1.1 < 1a`. The empty
//!   version is the lowest version of all.
//! * **Family ranges.** The range `"1"` is `1+<1_` (`_` is appended to the last
//!   token: a new `_` sub-token after a number, glued onto a trailing alpha
//!   sub-token). It holds `1`, `1.0`, `1.a.b`, but not `1a`, `1_`. For an
//!   alpha tail the "family" leaks: `"1.a"` is `1.a+<1.a_` and so also holds
//!   `1.aZ`, `1.aB7` and `1.a0`, but not `1.aa`.
//! * **Bound syntax.** `==v`, `v+`, `>=v`, `>v`, `<v`, `<=v`, `a..b`,
//!   `lo<up` (a `+` and a `,` are optional: `1<2`, `1,<2`, `1+,<2`), and
//!   "descending" `up,lo` forms that need the comma: `<3,>2`. In the descending
//!   form a lower bound written `<v` is *inclusive* (`"<3,<2"` is `2+<3`) and an
//!   upper bound without operator is inclusive (`"3,>2"` and `"3+,>2"` are
//!   `>2<=3`). The empty version may be a bound: `">"` (everything but the
//!   empty version), `"=="`, `"<="`, `".."`, `"+<="` (only the empty
//!   version), `"+"`, `">="` (any). A bare `"<"` is a syntax error.
//! * **Alternatives.** `|` separates alternatives; an empty alternative makes
//!   the whole range "any" (`"3|"` is any), but alternatives after it are
//!   still syntax checked. Each alternative may end in one `\n` (Python's
//!   `$`), so `"3\n"` is `3` and a lone `"\n"` alternative adds nothing
//!   (`"\n|3"` is `3`, `"\n"` is any).
//! * **Normalisation quirk.** rez merges sorted bounds comparing a bound's
//!   lower end with the running maximum upper end but takes the inclusivity
//!   of the *previous* bound's upper end. So `"1+<3|1.5..2|>3"` becomes `1+`
//!   (which contains `3`!) while `"1..3|1.5+<2|>3"` stays `1..3|>3`. This is
//!   reproduced both when parsing and in [`VersionRange::union`].
//! * **Empty ranges.** rez has no empty range (it returns `None`); here it is
//!   [`VersionRange::none`], displayed as `<none>` (which does not parse).
//!   rez's `inverse` raises "Invalid bound" on touching bounds like
//!   `1..3|>3`; [`VersionRange::complement`] just drops the empty gap.
//! * **Requirements.** `name` is everything before the first of `-@#=<>`
//!   and is not validated (it may be empty or contain spaces). One leading
//!   `!` makes a conflict, one leading `~` a weak (and conflict) requirement
//!   whose stored `range` is, as in rez, the *complement* of the written one
//!   (`~foo` alone stores the empty range, rez's `None`). A leading `.` is
//!   kept in the name, as rez does, and flagged as `ephemeral`.
//!
//! Errors are [`VersionError`]s whose message reads "expected X, found Y"
//! and whose `offset` is a byte offset into the parsed string. Nothing in
//! this module panics on any input.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

// ---------------------------------------------------------------------------
// errors

/// A parse error: lower-case "expected X, found Y" message and byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// A lower-case message: what was expected and what was found.
    pub message: String,
    /// Byte offset of the fault in the input.
    pub offset: usize,
}

impl VersionError {
    fn new(message: impl Into<String>, offset: usize) -> Self {
        VersionError {
            message: message.into(),
            offset,
        }
    }

    fn shifted(mut self, by: usize) -> Self {
        self.offset = self.offset.saturating_add(by);
        self
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for VersionError {}

/// Describes what is at byte `i` of `s` for an error message.
fn found_at(s: &str, i: usize) -> String {
    match s.get(i..).and_then(|r| r.chars().next()) {
        Some(c) => format!("{c:?}"),
        None => "end of input".to_string(),
    }
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

// ---------------------------------------------------------------------------
// tokens

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

// ---------------------------------------------------------------------------
// Version

/// A rez version: zero or more alphanumeric tokens separated by one
/// separator character each. The empty version is the lowest version.
#[derive(Debug, Clone, Default)]
pub struct Version {
    tokens: Vec<Token>,
    seps: Vec<char>,
    /// rez's internal `Version.inf` (greater than every version); never
    /// produced by parsing.
    inf: bool,
}

impl Version {
    /// Parses a version string as rez's `Version(s)` does.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        let mut v = Version::default();
        if s.is_empty() {
            return Ok(v);
        }
        let bytes = s.as_bytes();
        let mut i = 0usize;
        loop {
            let start = i;
            while bytes.get(i).is_some_and(|&b| is_token_byte(b)) {
                i += 1;
            }
            if i == start {
                return Err(VersionError::new(
                    format!("expected version token, found {}", found_at(s, i)),
                    i,
                ));
            }
            let tok = s.get(start..i).unwrap_or("");
            v.tokens.push(Token::from_str_unchecked(tok));
            match s.get(i..).and_then(|r| r.chars().next()) {
                None => return Ok(v),
                Some(c) => {
                    v.seps.push(c);
                    i += c.len_utf8();
                }
            }
        }
    }

    /// The empty version `""`.
    pub fn empty() -> Version {
        Version::default()
    }

    /// True for the empty version (rez: `not version`).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && !self.inf
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// The tokens as strings, eg `["1", "2", "12"]` for `1.2.12`.
    pub fn as_tuple(&self) -> Vec<String> {
        self.tokens.iter().map(|t| t.to_string()).collect()
    }

    /// Copy with at most `n` tokens (rez `trim`).
    pub fn trim(&self, n: usize) -> Version {
        if self.inf {
            return self.clone();
        }
        let n = n.min(self.tokens.len());
        Version {
            tokens: self.tokens.iter().take(n).cloned().collect(),
            seps: self
                .seps
                .iter()
                .take(n.saturating_sub(1))
                .cloned()
                .collect(),
            inf: false,
        }
    }

    /// rez `next()`: the smallest version above this version's family, eg
    /// `1.2` -> `1.2_`, `1.a` -> `1.a_`. The empty version's next is
    /// internal infinity.
    fn next_version(&self) -> Version {
        let mut other = self.clone();
        if self.inf {
            return other;
        }
        match other.tokens.pop() {
            Some(t) => {
                other.tokens.push(t.next());
                other
            }
            None => Version {
                tokens: Vec::new(),
                seps: Vec::new(),
                inf: true,
            },
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.inf == other.inf && self.tokens == other.tokens
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inf.hash(state);
        self.tokens.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.inf, other.inf) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.tokens.cmp(&other.tokens),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inf {
            return f.write_str("[INF]");
        }
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                if let Some(c) = self.seps.get(i - 1) {
                    write!(f, "{c}")?;
                }
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

// ---------------------------------------------------------------------------
// bounds

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct LowerBound {
    version: Version,
    inclusive: bool,
}

impl LowerBound {
    fn min() -> Self {
        LowerBound {
            version: Version::empty(),
            inclusive: true,
        }
    }

    fn contains(&self, v: &Version) -> bool {
        *v > self.version || (self.inclusive && *v == self.version)
    }
}

impl Ord for LowerBound {
    fn cmp(&self, other: &Self) -> Ordering {
        self.version
            .cmp(&other.version)
            .then(match (self.inclusive, other.inclusive) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => Ordering::Equal,
            })
    }
}

impl PartialOrd for LowerBound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for LowerBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.version.is_empty(), self.inclusive) {
            (false, true) => write!(f, "{}+", self.version),
            (false, false) => write!(f, ">{}", self.version),
            (true, true) => Ok(()),
            (true, false) => f.write_str(">"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct UpperBound {
    version: Version,
    inclusive: bool,
}

impl UpperBound {
    fn inf() -> Self {
        UpperBound {
            version: Version {
                tokens: Vec::new(),
                seps: Vec::new(),
                inf: true,
            },
            inclusive: true,
        }
    }

    fn contains(&self, v: &Version) -> bool {
        *v < self.version || (self.inclusive && *v == self.version)
    }
}

impl Ord for UpperBound {
    fn cmp(&self, other: &Self) -> Ordering {
        self.version
            .cmp(&other.version)
            .then(match (self.inclusive, other.inclusive) {
                (false, true) => Ordering::Less,
                (true, false) => Ordering::Greater,
                _ => Ordering::Equal,
            })
    }
}

impl PartialOrd for UpperBound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for UpperBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inclusive {
            write!(f, "<={}", self.version)
        } else {
            write!(f, "<{}", self.version)
        }
    }
}

/// One contiguous interval (rez `_Bound`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Bound {
    lower: LowerBound,
    upper: UpperBound,
}

fn bound_ok(lower: &LowerBound, upper: &UpperBound) -> bool {
    lower.version < upper.version
        || (lower.version == upper.version && lower.inclusive && upper.inclusive)
}

impl Bound {
    fn any() -> Self {
        Bound {
            lower: LowerBound::min(),
            upper: UpperBound::inf(),
        }
    }

    /// rez `_Bound(lower, upper)` with `invalid_bound_error=True`.
    fn checked(lower: Option<LowerBound>, upper: Option<UpperBound>) -> Option<Bound> {
        let lower = lower.unwrap_or_else(LowerBound::min);
        let upper = upper.unwrap_or_else(UpperBound::inf);
        if bound_ok(&lower, &upper) {
            Some(Bound { lower, upper })
        } else {
            None
        }
    }

    /// -1 below, 0 inside, 1 above (rez `version_containment`).
    fn containment(&self, v: &Version) -> i8 {
        if !self.lower.contains(v) {
            -1
        } else if !self.upper.contains(v) {
            1
        } else {
            0
        }
    }

    fn contains_bound(&self, b: &Bound) -> bool {
        self.lower <= b.lower && self.upper >= b.upper
    }

    fn intersection(&self, other: &Bound) -> Option<Bound> {
        // Python max()/min() keep the first argument on ties.
        let lower = if other.lower > self.lower {
            &other.lower
        } else {
            &self.lower
        };
        let upper = if other.upper < self.upper {
            &other.upper
        } else {
            &self.upper
        };
        if bound_ok(lower, upper) {
            Some(Bound {
                lower: lower.clone(),
                upper: upper.clone(),
            })
        } else {
            None
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, up) = (&self.lower, &self.upper);
        if up.version.inf {
            write!(f, "{lo}")
        } else if lo.version == up.version {
            write!(f, "=={}", lo.version)
        } else if lo.inclusive && up.inclusive {
            if lo.version.is_empty() {
                write!(f, "<={}", up.version)
            } else {
                write!(f, "{}..{}", lo.version, up.version)
            }
        } else if lo.inclusive && !up.inclusive && lo.version.next_version() == up.version {
            write!(f, "{}", lo.version)
        } else {
            write!(f, "{lo}{up}")
        }
    }
}

// ---------------------------------------------------------------------------
// range parser (a hand-written equivalent of rez's `_VersionRangeParser`
// regex; each alternative is tried in the regex's order)

/// End of the maximal `[tok]+([.-][tok]+)*` match at `i`, if any.
fn scan_v(p: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while p.get(j).is_some_and(|&b| is_token_byte(b)) {
        j += 1;
    }
    if j == i {
        return None;
    }
    loop {
        let sep = matches!(p.get(j), Some(b'.') | Some(b'-'));
        if sep && p.get(j + 1).is_some_and(|&b| is_token_byte(b)) {
            j += 2;
            while p.get(j).is_some_and(|&b| is_token_byte(b)) {
                j += 1;
            }
        } else {
            return Some(j);
        }
    }
}

/// Optional version at `i`: `(end, Some((start, end)))` or `(i, None)`.
fn opt_v(p: &[u8], i: usize) -> (usize, Option<(usize, usize)>) {
    match scan_v(p, i) {
        Some(j) => (j, Some((i, j))),
        None => (i, None),
    }
}

fn has(p: &[u8], i: usize, lit: &[u8]) -> bool {
    p.get(i..i.saturating_add(lit.len())) == Some(lit)
}

type Span = Option<(usize, usize)>;

/// The matched alternative of one `|`-separated part (groups as spans).
enum Alt {
    /// `v`
    Version((usize, usize)),
    /// `==v?`
    Exact(Span),
    /// `v?..v?`
    Inclusive(Span, Span),
    /// `(>|>=)?v?` then `+` when there is no operator; `exclusive` is `>`
    Lower { exclusive: bool, v: Span },
    /// `(<|<=)?v?`; `empty` when nothing at all matched
    Upper {
        empty: bool,
        exclusive: bool,
        v: Span,
    },
    /// lower (maybe empty) then `,?` `(<|<=)v?`
    Asc {
        lower_present: bool,
        lower_excl: bool,
        lv: Span,
        upper_excl: bool,
        uv: Span,
    },
    /// upper (maybe empty) then `,` `(<|>|>=)v?`
    Desc {
        upper_present: bool,
        upper_excl: bool,
        uv: Span,
        lower_excl: bool,
        lv: Span,
    },
}

/// Tries the alternatives in regex order. `Err(pos)` gives the furthest
/// position any alternative reached, for the error message.
fn match_part(p: &[u8]) -> Result<Alt, usize> {
    let n = p.len();
    let mut far = 0usize;
    let mut reach = |pos: usize| {
        if pos > far {
            far = pos;
        }
    };

    // 1. version
    if let Some(j) = scan_v(p, 0) {
        if j == n {
            return Ok(Alt::Version((0, j)));
        }
        reach(j);
    }

    // 2. exact version
    if has(p, 0, b"==") {
        let (j, v) = opt_v(p, 2);
        if j == n {
            return Ok(Alt::Exact(v));
        }
        reach(j);
    }

    // 3. inclusive bound
    {
        let (j, lv) = opt_v(p, 0);
        if has(p, j, b"..") {
            let (k, uv) = opt_v(p, j + 2);
            if k == n {
                return Ok(Alt::Inclusive(lv, uv));
            }
            reach(k);
        } else {
            reach(j);
        }
    }

    // 4. lower bound
    {
        let mut prefixes: Vec<(usize, bool)> = Vec::new(); // (len, exclusive)
        if has(p, 0, b">") {
            prefixes.push((1, true));
        }
        if has(p, 0, b">=") {
            prefixes.push((2, false));
        }
        for (plen, exclusive) in prefixes {
            let (j, v) = opt_v(p, plen);
            if j == n {
                return Ok(Alt::Lower { exclusive, v });
            }
            reach(j);
        }
        let (j, v) = opt_v(p, 0);
        if has(p, j, b"+") && j + 1 == n {
            return Ok(Alt::Lower {
                exclusive: false,
                v,
            });
        }
        reach(j);
    }

    // 5. upper bound
    {
        if has(p, 0, b"<") && scan_v(p, 1).is_some() {
            let (j, v) = opt_v(p, 1);
            if j == n {
                return Ok(Alt::Upper {
                    empty: false,
                    exclusive: true,
                    v,
                });
            }
            reach(j);
        }
        if has(p, 0, b"<=") {
            let (j, v) = opt_v(p, 2);
            if j == n {
                return Ok(Alt::Upper {
                    empty: false,
                    exclusive: false,
                    v,
                });
            }
            reach(j);
        }
        let (j, v) = opt_v(p, 0);
        if j == n {
            return Ok(Alt::Upper {
                empty: j == 0,
                exclusive: false,
                v,
            });
        }
        reach(j);
    }

    // 6. ascending range: lower then upper
    {
        let mut prefixes: Vec<(usize, bool, bool)> = Vec::new(); // (len, present, excl)
        if has(p, 0, b">") {
            prefixes.push((1, true, true));
        }
        if has(p, 0, b">=") {
            prefixes.push((2, true, false));
        }
        prefixes.push((0, false, false));
        for (plen, has_prefix, lower_excl) in prefixes {
            let (mut j, lv) = opt_v(p, plen);
            if !has_prefix && has(p, j, b"+") {
                j += 1;
            }
            let lower_present = j > 0;
            if lv.is_some() && has(p, j, b",") {
                j += 1;
            }
            let upper_excl = if has(p, j, b"<") && scan_v(p, j + 1).is_some() {
                j += 1;
                true
            } else if has(p, j, b"<=") {
                j += 2;
                false
            } else {
                reach(j);
                continue;
            };
            let (k, uv) = opt_v(p, j);
            if k == n {
                return Ok(Alt::Asc {
                    lower_present,
                    lower_excl,
                    lv,
                    upper_excl,
                    uv,
                });
            }
            reach(k);
        }
    }

    // 7. descending range: upper then comma then lower
    {
        let mut prefixes: Vec<(usize, bool, bool)> = Vec::new(); // (len, present, excl)
        if has(p, 0, b"<") {
            prefixes.push((1, true, true));
        }
        if has(p, 0, b"<=") {
            prefixes.push((2, true, false));
        }
        prefixes.push((0, false, false));
        for (plen, has_prefix, upper_excl) in prefixes {
            let (mut j, uv) = opt_v(p, plen);
            if !has_prefix && has(p, j, b"+") {
                j += 1;
            }
            let upper_present = j > 0;
            if uv.is_some() {
                if has(p, j, b",") {
                    j += 1;
                } else {
                    reach(j);
                    continue;
                }
            }
            let lower_excl = if has(p, j, b"<") && scan_v(p, j + 1).is_some() {
                j += 1;
                false
            } else if has(p, j, b">=") {
                j += 2;
                false
            } else if has(p, j, b">") {
                j += 1;
                true
            } else {
                reach(j);
                continue;
            };
            let (k, lv) = opt_v(p, j);
            if k == n {
                return Ok(Alt::Desc {
                    upper_present,
                    upper_excl,
                    uv,
                    lower_excl,
                    lv,
                });
            }
            reach(k);
        }
    }

    Err(far)
}

/// The version of an optional span (missing -> the empty version).
fn span_version(part: &str, span: Span) -> Version {
    span.and_then(|(a, b)| part.get(a..b))
        .and_then(|s| Version::parse(s).ok())
        .unwrap_or_default()
}

fn invalid_bound(part: &str, off: usize) -> VersionError {
    VersionError::new(
        format!("expected lower bound not above upper bound, found {part:?}"),
        off,
    )
}

/// Runs the parser action for one matched part.
fn act(alt: Alt, part: &str, off: usize) -> Result<Option<Bound>, VersionError> {
    let v = |s: Span| span_version(part, s);
    let bound = match alt {
        Alt::Version(span) => {
            let ver = v(Some(span));
            let upper = UpperBound {
                version: ver.next_version(),
                inclusive: false,
            };
            Bound::checked(
                Some(LowerBound {
                    version: ver,
                    inclusive: true,
                }),
                Some(upper),
            )
        }
        Alt::Exact(span) => {
            let ver = v(span);
            Bound::checked(
                Some(LowerBound {
                    version: ver.clone(),
                    inclusive: true,
                }),
                Some(UpperBound {
                    version: ver,
                    inclusive: true,
                }),
            )
        }
        Alt::Inclusive(lv, uv) => Bound::checked(
            Some(LowerBound {
                version: v(lv),
                inclusive: true,
            }),
            Some(UpperBound {
                version: v(uv),
                inclusive: true,
            }),
        ),
        Alt::Lower { exclusive, v: span } => Bound::checked(
            Some(LowerBound {
                version: v(span),
                inclusive: !exclusive,
            }),
            None,
        ),
        Alt::Upper {
            empty,
            exclusive,
            v: span,
        } => {
            if empty {
                return Ok(None);
            }
            Bound::checked(
                None,
                Some(UpperBound {
                    version: v(span),
                    inclusive: !exclusive,
                }),
            )
        }
        Alt::Asc {
            lower_present,
            lower_excl,
            lv,
            upper_excl,
            uv,
        } => {
            let lower = lower_present.then(|| LowerBound {
                version: v(lv),
                inclusive: !lower_excl,
            });
            Bound::checked(
                lower,
                Some(UpperBound {
                    version: v(uv),
                    inclusive: !upper_excl,
                }),
            )
        }
        Alt::Desc {
            upper_present,
            upper_excl,
            uv,
            lower_excl,
            lv,
        } => {
            let upper = if upper_present {
                let version = v(uv);
                if version.is_empty() && upper_excl {
                    return Err(VersionError::new(
                        format!("expected version after '<', found {part:?}"),
                        off,
                    ));
                }
                Some(UpperBound {
                    version,
                    inclusive: !upper_excl,
                })
            } else {
                None
            };
            Bound::checked(
                Some(LowerBound {
                    version: v(lv),
                    inclusive: !lower_excl,
                }),
                upper,
            )
        }
    };
    match bound {
        Some(b) => Ok(Some(b)),
        None => Err(invalid_bound(part, off)),
    }
}

// ---------------------------------------------------------------------------
// VersionRange

/// A rez version range: a sorted list of disjoint intervals. The empty list
/// is the empty range (rez's `None`), see [`VersionRange::none`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionRange {
    bounds: Vec<Bound>,
}

/// rez `VersionRange._union`, returning whether the merge quirk (see the
/// module docs) changed the result.
fn union_bounds(bounds: Vec<Bound>) -> (Vec<Bound>, bool) {
    if bounds.len() < 2 {
        return (bounds, false);
    }
    let mut sorted = bounds;
    sorted.sort();
    let mut out: Vec<Bound> = Vec::new();
    let mut quirk = false;
    let mut upper: Option<UpperBound> = None;
    let mut prev_upper_incl = false;
    let mut start = 0usize;
    for (i, b) in sorted.iter().enumerate() {
        if let (true, Some(up)) = (i > 0, upper.as_ref()) {
            let same = b.lower.version == up.version;
            let split =
                b.lower.version > up.version || (same && !b.lower.inclusive && !prev_upper_incl);
            if same && !b.lower.inclusive && prev_upper_incl != up.inclusive {
                quirk = true;
            }
            if split {
                if let Some(first) = sorted.get(start) {
                    out.push(Bound {
                        lower: first.lower.clone(),
                        upper: up.clone(),
                    });
                }
                start = i;
            }
        }
        prev_upper_incl = b.upper.inclusive;
        upper = Some(match upper {
            Some(u) if b.upper <= u => u,
            _ => b.upper.clone(),
        });
    }
    if let (Some(first), Some(up)) = (sorted.get(start), upper) {
        out.push(Bound {
            lower: first.lower.clone(),
            upper: up,
        });
    }
    (out, quirk)
}

impl VersionRange {
    /// Parses a range string exactly as rez's `VersionRange(s)` does.
    pub fn parse(s: &str) -> Result<VersionRange, VersionError> {
        let mut bounds: Vec<Bound> = Vec::new();
        let mut is_any = false;
        let mut off = 0usize;
        for part in s.split('|') {
            let part_off = off;
            off += part.len() + 1;
            if part.is_empty() {
                is_any = true;
                bounds.clear();
                continue;
            }
            let p = part.strip_suffix('\n').unwrap_or(part);
            let alt = match match_part(p.as_bytes()) {
                Ok(alt) => alt,
                Err(pos) => {
                    return Err(VersionError::new(
                        format!("expected version range syntax, found {}", found_at(p, pos)),
                        part_off + pos,
                    ))
                }
            };
            if is_any {
                continue;
            }
            if let Some(b) = act(alt, p, part_off)? {
                bounds.push(b);
            }
        }
        if bounds.is_empty() {
            Ok(VersionRange::any())
        } else {
            Ok(VersionRange {
                bounds: union_bounds(bounds).0,
            })
        }
    }

    /// The range of all versions (`""`).
    pub fn any() -> Self {
        VersionRange {
            bounds: vec![Bound::any()],
        }
    }

    /// The empty range (rez represents it as `None`).
    pub fn none() -> Self {
        VersionRange { bounds: Vec::new() }
    }

    /// The family range of a version, as the range string `"v"` (rez
    /// `VersionRange.from_version(v)`); for the empty version: any.
    pub fn from_version(v: &Version) -> Self {
        Bound::checked(
            Some(LowerBound {
                version: v.clone(),
                inclusive: true,
            }),
            Some(UpperBound {
                version: v.next_version(),
                inclusive: false,
            }),
        )
        .map(|b| VersionRange { bounds: vec![b] })
        .unwrap_or_else(VersionRange::any)
    }

    /// The range `==v`.
    pub fn exact(v: &Version) -> Self {
        VersionRange {
            bounds: vec![Bound {
                lower: LowerBound {
                    version: v.clone(),
                    inclusive: true,
                },
                upper: UpperBound {
                    version: v.clone(),
                    inclusive: true,
                },
            }],
        }
    }

    /// True for the "any" range.
    pub fn is_any(&self) -> bool {
        self.bounds.len() == 1 && self.bounds.first() == Some(&Bound::any())
    }

    /// True for the empty range.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Number of disjoint intervals.
    pub fn num_intervals(&self) -> usize {
        self.bounds.len()
    }

    /// Has a lower bound other than the empty version (rez `lower_bounded`).
    pub fn lower_bounded(&self) -> bool {
        self.bounds
            .first()
            .is_some_and(|b| b.lower != LowerBound::min())
    }

    /// Has an upper bound (rez `upper_bounded`).
    pub fn upper_bounded(&self) -> bool {
        self.bounds
            .last()
            .is_some_and(|b| b.upper != UpperBound::inf())
    }

    /// rez `contains_version`.
    pub fn contains(&self, v: &Version) -> bool {
        if self.bounds.len() < 5 {
            for b in &self.bounds {
                match b.containment(v) {
                    0 => return true,
                    -1 => return false,
                    _ => {}
                }
            }
            return false;
        }
        let probe = Bound {
            lower: LowerBound {
                version: v.clone(),
                inclusive: true,
            },
            upper: UpperBound::inf(),
        };
        let i = self.bounds.partition_point(|b| *b < probe);
        if i > 0
            && self
                .bounds
                .get(i - 1)
                .is_some_and(|b| b.containment(v) == 0)
        {
            return true;
        }
        self.bounds.get(i).is_some_and(|b| b.containment(v) == 0)
    }

    /// rez `intersection` (`&`); the empty range where rez returns `None`.
    pub fn intersection(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for b1 in &self.bounds {
            for b2 in &other.bounds {
                if let Some(b) = b1.intersection(b2) {
                    out.push(b);
                }
            }
        }
        VersionRange { bounds: out }
    }

    /// rez `union` (`|`), including its merge quirk.
    pub fn union(&self, other: &Self) -> Self {
        VersionRange {
            bounds: union_bounds(self.bounds.iter().chain(&other.bounds).cloned().collect()).0,
        }
    }

    /// True when rez's union of `self` and `other` hits the merge quirk
    /// described in the module docs (the result may then hold versions that
    /// neither operand holds).
    pub fn union_hits_quirk(&self, other: &Self) -> bool {
        union_bounds(self.bounds.iter().chain(&other.bounds).cloned().collect()).1
    }

    /// rez `inverse` (`~`): the empty range for "any", "any" for the empty
    /// range; empty gaps between touching intervals are dropped (rez raises).
    pub fn complement(&self) -> Self {
        if self.bounds.is_empty() {
            return VersionRange::any();
        }
        if self.is_any() {
            return VersionRange::none();
        }
        let mut lbounds: Vec<Option<LowerBound>> = vec![None];
        let mut ubounds: Vec<Option<UpperBound>> = Vec::new();
        for b in &self.bounds {
            if b.lower.version.is_empty() && b.lower.inclusive {
                ubounds.push(None);
            } else {
                ubounds.push(Some(UpperBound {
                    version: b.lower.version.clone(),
                    inclusive: !b.lower.inclusive,
                }));
            }
            if b.upper.version.inf {
                lbounds.push(None);
            } else {
                lbounds.push(Some(LowerBound {
                    version: b.upper.version.clone(),
                    inclusive: !b.upper.inclusive,
                }));
            }
        }
        ubounds.push(None);
        let bounds = lbounds
            .into_iter()
            .zip(ubounds)
            .filter(|(l, u)| l.is_some() || u.is_some())
            .filter_map(|(l, u)| Bound::checked(l, u))
            .collect();
        VersionRange { bounds }
    }

    /// rez `issuperset`: every version of `other` is in `self`.
    pub fn is_superset(&self, other: &Self) -> bool {
        let mut lo = 0usize;
        for b2 in &other.bounds {
            let tail = self.bounds.get(lo..).unwrap_or(&[]);
            let i = lo + tail.partition_point(|b| b < b2);
            if i > 0 && self.bounds.get(i - 1).is_some_and(|b| b.contains_bound(b2)) {
                lo = i - 1;
                continue;
            }
            if self.bounds.get(i).is_some_and(|b| b.contains_bound(b2)) {
                lo = i;
                continue;
            }
            return false;
        }
        true
    }

    /// True when the ranges share at least one version.
    pub fn intersects(&self, other: &Self) -> bool {
        !self.intersection(other).is_empty()
    }

    /// The disjoint intervals as single-interval ranges (rez `split`).
    pub fn split(&self) -> Vec<VersionRange> {
        self.bounds
            .iter()
            .map(|b| VersionRange {
                bounds: vec![b.clone()],
            })
            .collect()
    }
}

impl Default for VersionRange {
    fn default() -> Self {
        VersionRange::any()
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bounds.is_empty() {
            return f.write_str("<none>");
        }
        for (i, b) in self.bounds.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            write!(f, "{b}")?;
        }
        Ok(())
    }
}

impl FromStr for VersionRange {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VersionRange::parse(s)
    }
}

// ---------------------------------------------------------------------------
// Requirement

/// A rez requirement such as `foo-1.2+<2`, `foo==1`, `!foo`, `~foo-1`.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Everything before the first `-@#=<>` (after a `!`/`~` prefix).
    pub name: String,
    /// The range; for weak requirements the *complement* of the written
    /// range, as rez stores it (empty for `~foo`).
    pub range: VersionRange,
    /// `~foo`: weak (also sets `conflict`).
    pub weak: bool,
    /// `!foo` or `~foo`.
    pub conflict: bool,
    /// The name starts with `.` (rez's ephemeral packages); the dot is kept.
    pub ephemeral: bool,
    sep: char,
}

impl Requirement {
    /// Parses a requirement as rez's `Requirement(s)` does.
    pub fn parse(s: &str) -> Result<Requirement, VersionError> {
        let (conflict, weak, rest, pre) = if let Some(r) = s.strip_prefix('!') {
            (true, false, r, 1)
        } else if let Some(r) = s.strip_prefix('~') {
            (true, true, r, 1)
        } else {
            (false, false, s, 0)
        };
        let mut sep = '-';
        let (name, range) = match rest.find(['-', '@', '#', '=', '<', '>']) {
            Some(i) => {
                let name = rest.get(..i).unwrap_or("");
                let mut req = rest.get(i..).unwrap_or("");
                let mut roff = pre + i;
                if let Some(c) = req.chars().next().filter(|c| matches!(c, '-' | '@' | '#')) {
                    sep = c;
                    req = req.get(1..).unwrap_or("");
                    roff += 1;
                }
                let range = VersionRange::parse(req).map_err(|e| e.shifted(roff))?;
                (name, if weak { range.complement() } else { range })
            }
            None if weak => (rest, VersionRange::none()),
            None => (rest, VersionRange::any()),
        };
        Ok(Requirement {
            name: name.to_string(),
            range,
            weak,
            conflict,
            ephemeral: name.starts_with('.'),
            sep,
        })
    }

    /// An unversioned-or-ranged plain requirement.
    pub fn new(name: &str, range: VersionRange) -> Requirement {
        Requirement {
            name: name.to_string(),
            range,
            weak: false,
            conflict: false,
            ephemeral: name.starts_with('.'),
            sep: '-',
        }
    }

    /// rez `Requirement.conflicts_with` for two requirements.
    pub fn conflicts_with(&self, other: &Requirement) -> bool {
        if self.name != other.name || self.range.is_empty() || other.range.is_empty() {
            false
        } else if self.conflict {
            !other.conflict && self.range.is_superset(&other.range)
        } else if other.conflict {
            other.range.is_superset(&self.range)
        } else {
            !self.range.intersects(&other.range)
        }
    }

    /// rez `Requirement.merged`: the requirement satisfying both, or `None`
    /// when they conflict or have different names.
    pub fn merged(&self, other: &Requirement) -> Option<Requirement> {
        if self.name != other.name {
            return None;
        }
        // rez's `range is None` (only `~foo`) is the empty range here
        if self.range.is_empty() {
            return Some(other.clone());
        }
        if other.range.is_empty() {
            return Some(self.clone());
        }
        let with = |base: &Requirement, range: VersionRange| {
            (!range.is_empty()).then(|| Requirement {
                range,
                ..base.clone()
            })
        };
        let minus = |a: &VersionRange, b: &VersionRange| a.intersection(&b.complement());
        match (self.conflict, other.conflict) {
            (true, true) => {
                let range = self.range.union(&other.range);
                let weak = self.weak && other.weak && !range.is_any();
                Some(Requirement {
                    range,
                    weak,
                    ..self.clone()
                })
            }
            (true, false) => with(other, minus(&other.range, &self.range)),
            (false, true) => with(self, minus(&self.range, &other.range)),
            (false, false) => with(self, self.range.intersection(&other.range)),
        }
    }

    /// The range as written (for weak requirements the complement of
    /// `range`), which is what `Display` prints.
    pub fn written_range(&self) -> VersionRange {
        if self.weak || self.range.is_empty() {
            if self.range.is_empty() {
                VersionRange::any()
            } else {
                self.range.complement()
            }
        } else {
            self.range.clone()
        }
    }
}

impl PartialEq for Requirement {
    /// rez compares name, range and the conflict flag only.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.range == other.range && self.conflict == other.conflict
    }
}

impl Eq for Requirement {}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pre = if self.weak {
            "~"
        } else if self.conflict {
            "!"
        } else {
            ""
        };
        let range = self.written_range();
        if range.is_any() {
            return write!(f, "{pre}{}", self.name);
        }
        let rs = range.to_string();
        if rs.starts_with(['=', '<', '>']) {
            write!(f, "{pre}{}{rs}", self.name)
        } else {
            write!(f, "{pre}{}{}{rs}", self.name, self.sep)
        }
    }
}

impl FromStr for Requirement {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Requirement::parse(s)
    }
}
