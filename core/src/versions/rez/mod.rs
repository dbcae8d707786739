//! rez version semantics: [`RezVersion`], [`RezVersionRange`] and [`RezRequirement`],
//! mirroring `rez.version` (rez 3.4.0) exactly, including its quirks.
//!
//! # Quirks of rez's version grammar (all reproduced here on purpose)
//!
//! * **Tokens and separators.** A version is one or more tokens of
//!   `[A-Za-z0-9_]` separated by exactly one separator character. Inside a
//!   *version range* only `.` and `-` separate tokens, but [`RezVersion::parse`]
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
//!   reproduced both when parsing and in [`RezVersionRange::union`].
//! * **Empty ranges.** rez has no empty range (it returns `None`); here it is
//!   [`RezVersionRange::none`], displayed as `<none>` (which does not parse).
//!   rez's `inverse` raises "Invalid bound" on touching bounds like
//!   `1..3|>3`; [`RezVersionRange::complement`] just drops the empty gap.
//! * **Requirements.** `name` is everything before the first of `-@#=<>`
//!   and is not validated (it may be empty or contain spaces). One leading
//!   `!` makes a conflict, one leading `~` a weak (and conflict) requirement
//!   whose stored `range` is, as in rez, the *complement* of the written one
//!   (`~foo` alone stores the empty range, rez's `None`). A leading `.` is
//!   kept in the name, as rez does, and flagged as `ephemeral`.
//!
//! Errors are [`RezVersionError`]s whose message reads "expected X, found Y"
//! and whose `span` is a byte span into the parsed string. Nothing in
//! this module panics on any input.
//!
//! # Where things are
//!
//! * `version`: [`RezVersion`], its tokens and their order.
//! * `bound`: the intervals a range is made of (rez `_LowerBound`, `_UpperBound`, `_Bound`).
//! * `range_parser`: the bound syntax, rez's `_VersionRangeParser` regex written out by hand.
//! * `range`: [`RezVersionRange`], its normalisation (the merge quirk) and set operations.
//! * `requirement`: [`RezRequirement`], its `!`/`~` prefixes and merging.

mod bound;
mod range;
mod range_parser;
mod requirement;
mod version;

pub use range::RezVersionRange;
pub use requirement::RezRequirement;
pub use version::RezVersion;

use crate::text::Fault;
use std::fmt;
use std::ops::Range;

/// A parse error: lower-case "expected X, found Y" message and the byte span of the fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RezVersionError {
    /// A lower-case message: what was expected and what was found.
    pub message: String,
    /// The byte span of the fault in the input (empty for a point).
    pub span: Range<usize>,
}

impl RezVersionError {
    /// A fault at byte `offset`.
    fn new(message: impl Into<String>, offset: usize) -> Self {
        Self::from(Fault::at(offset, message))
    }

    fn shifted(self, by: usize) -> Self {
        Self::from(Fault::new(self.span, self.message).shifted(by))
    }
}

impl From<Fault> for RezVersionError {
    fn from(Fault { message, span }: Fault) -> Self {
        RezVersionError { message, span }
    }
}

impl fmt::Display for RezVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.span.start)
    }
}

impl std::error::Error for RezVersionError {}

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
