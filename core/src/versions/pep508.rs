//! PEP 508 requirements, through `pep508_rs` (see `docs/decisions.md` for why that crate).
//!
//! This module is the only place that touches `pep508_rs`: the rest of core sees
//! [`Requirement`] values and [`RequirementError`]s with byte offsets.

use crate::record::{Requirement, RequirementKind};
use pep508_rs::marker::{ExtraOperator, MarkerExpression, MarkerValueExtra};
use pep508_rs::{Requirement as Pep508Requirement, VersionOrUrl};
use std::str::FromStr;

/// A requirement string that is not valid PEP 508.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementError {
    /// A lower-case message.
    pub message: String,
    /// Byte offset of the fault in the requirement string.
    pub offset: usize,
}

/// Parses one PEP 508 requirement. `kind` is the role it plays; a top-level `extra == "x"`
/// in its marker turns a [`RequirementKind::Run`] into [`RequirementKind::Optional`].
pub fn parse_requirement(
    raw: &str,
    kind: RequirementKind,
    line: u32,
) -> Result<Requirement, RequirementError> {
    precheck(raw)?;
    let input = swap_inverted_tilde(raw, false);
    // Markers repeat across requirements far more than requirements do (`extra == "dev"`,
    // `python_version < "3.11"`), and building and printing pep508_rs's marker tree is most
    // of the work: parse the marker apart, once per thread. Anything unusual, and every
    // error, goes through the whole-requirement parse below, so results are the same.
    if let Some((head, marker)) = split_marker(&input) {
        if let (Ok(parsed), Some(marker)) = (
            Pep508Requirement::<pep508_rs::VerbatimUrl>::from_str(head),
            cached_marker(marker),
        ) {
            if parsed.marker.is_true() {
                let kind = match (kind, marker.extra) {
                    (RequirementKind::Run, Some(extra)) => RequirementKind::Optional(extra),
                    (kind, _) => kind,
                };
                return Ok(requirement(raw, &parsed, marker.text, kind, line));
            }
        }
    }
    parse_whole(raw, &input, kind, line)
}

/// [`parse_requirement`] without the marker cache: `input` is `raw` as pep508_rs reads it.
fn parse_whole(
    raw: &str,
    input: &str,
    kind: RequirementKind,
    line: u32,
) -> Result<Requirement, RequirementError> {
    let parsed = parse_guarded(input).map_err(|err| {
        // pep508_rs counts its span in characters; convert to a byte offset.
        let offset = raw
            .char_indices()
            .nth(err.start)
            .map_or(raw.len(), |(i, _)| i);
        RequirementError {
            message: lower_first(&err.message.to_string()),
            offset,
        }
    })?;
    let kind = match (kind, top_level_extra(parsed.marker.clone())) {
        (RequirementKind::Run, Some(extra)) => RequirementKind::Optional(extra),
        (kind, _) => kind,
    };
    let marker = parsed.marker.contents().map(|m| m.to_string());
    Ok(requirement(raw, &parsed, marker, kind, line))
}

/// `pep508_rs`'s parse, safe on text outside ASCII. Its error paths slice the input by
/// character counts, which panics after a multi-byte character (found by fuzzing, even inside
/// quoted strings that [`precheck`] lets through): such text is first parsed with every
/// non-ASCII character replaced by `x`, which has the same shape and character positions, and
/// only a text that parses so is parsed as written.
fn parse_guarded(
    input: &str,
) -> Result<Pep508Requirement<pep508_rs::VerbatimUrl>, pep508_rs::Pep508Error<pep508_rs::VerbatimUrl>>
{
    if !input.is_ascii() {
        let ascii: String = input
            .chars()
            .map(|c| if c.is_ascii() { c } else { 'x' })
            .collect();
        Pep508Requirement::<pep508_rs::VerbatimUrl>::from_str(&ascii)?;
    }
    Pep508Requirement::<pep508_rs::VerbatimUrl>::from_str(input)
}

/// The [`Requirement`] of a parsed one, its marker given as text.
fn requirement(
    raw: &str,
    parsed: &Pep508Requirement<pep508_rs::VerbatimUrl>,
    marker: Option<String>,
    kind: RequirementKind,
    line: u32,
) -> Requirement {
    let (spec, url) = match &parsed.version_or_url {
        None => (String::new(), None),
        Some(VersionOrUrl::VersionSpecifier(specifiers)) => (render_specifiers(specifiers), None),
        Some(VersionOrUrl::Url(url)) => (
            String::new(),
            Some(url.given().map_or_else(|| url.to_string(), str::to_owned)),
        ),
    };
    Requirement {
        raw: raw.to_owned(),
        name: name_as_written(raw),
        spec,
        extras: parsed.extras.iter().map(ToString::to_string).collect(),
        marker,
        url,
        kind,
        line,
    }
}

/// `specifiers.to_string()`, without the formatting machinery: pep440_rs formats each part of
/// each version into a `String` of its own, a fifth of reading a requirements file.
fn render_specifiers(specifiers: &pep508_rs::pep440_rs::VersionSpecifiers) -> String {
    use pep508_rs::pep440_rs::{LocalSegment, Operator, PrereleaseKind};
    use std::fmt::Write;
    let mut out = String::with_capacity(specifiers.len() * 12);
    for (i, specifier) in specifiers.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        #[allow(deprecated)]
        let (operator, star) = match specifier.operator() {
            Operator::Equal => ("==", false),
            Operator::EqualStar => ("==", true),
            Operator::ExactEqual => ("===", false),
            Operator::NotEqual => ("!=", false),
            Operator::NotEqualStar => ("!=", true),
            Operator::TildeEqual => ("~=", false),
            Operator::LessThan => ("<", false),
            Operator::LessThanEqual => ("<=", false),
            Operator::GreaterThan => (">", false),
            Operator::GreaterThanEqual => (">=", false),
        };
        out.push_str(operator);
        let version = specifier.version();
        // Writing to a `String` cannot fail.
        if version.epoch() != 0 {
            let _ = write!(out, "{}!", version.epoch());
        }
        for (k, part) in version.release().iter().enumerate() {
            if k > 0 {
                out.push('.');
            }
            push_number(&mut out, *part);
        }
        if let Some(pre) = version.pre() {
            out.push_str(match pre.kind {
                PrereleaseKind::Alpha => "a",
                PrereleaseKind::Beta => "b",
                PrereleaseKind::Rc => "rc",
            });
            push_number(&mut out, pre.number);
        }
        if let Some(post) = version.post() {
            out.push_str(".post");
            push_number(&mut out, post);
        }
        if let Some(dev) = version.dev() {
            out.push_str(".dev");
            push_number(&mut out, dev);
        }
        for (k, segment) in version.local().iter().enumerate() {
            out.push(if k == 0 { '+' } else { '.' });
            match segment {
                LocalSegment::String(text) => out.push_str(text),
                LocalSegment::Number(n) => push_number(&mut out, *n),
            }
        }
        if star {
            out.push_str(".*");
        }
    }
    out
}

fn push_number(out: &mut String, n: u64) {
    if n < 10 {
        // A single digit: `n` is below 10.
        out.push(char::from(b'0' + n as u8));
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{n}");
    }
}

/// The extra of a top-level `extra == "x"` in a marker.
fn top_level_extra(marker: pep508_rs::MarkerTree) -> Option<String> {
    match marker.top_level_extra() {
        Some(MarkerExpression::Extra {
            operator: ExtraOperator::Equal,
            name,
        }) => Some(match name {
            MarkerValueExtra::Extra(extra) => extra.to_string(),
            MarkerValueExtra::Arbitrary(text) => text,
        }),
        _ => None,
    }
}

/// A requirement without a URL split at its `;` into the part before and a marker that is
/// not blank; `None` for any other shape (a URL may hold `;`).
///
/// The marker must be ASCII: pep508_rs parsing a marker alone mixes character and byte counts
/// in its error messages and panics on other text (found by fuzzing); the whole-requirement
/// parse is guarded by [`precheck`].
fn split_marker(input: &str) -> Option<(&str, &str)> {
    let (head, marker) = input.split_once(';')?;
    let blank = marker.trim().is_empty();
    (!blank && marker.is_ascii() && !head.contains('@')).then_some((head, marker))
}

/// A marker as the record shows it, and the extra it selects at top level.
#[derive(Debug, Clone)]
struct CachedMarker {
    text: Option<String>,
    extra: Option<String>,
}

/// Parses a marker through a per-thread cache; `None` when it does not parse alone.
fn cached_marker(text: &str) -> Option<CachedMarker> {
    /// Bounds the cache: a corpus with more distinct markers than this starts it afresh.
    const MAX_MARKERS: usize = 4096;
    std::thread_local! {
        static MARKERS: std::cell::RefCell<foldhash::HashMap<String, Option<CachedMarker>>> =
            std::cell::RefCell::new(foldhash::HashMap::default());
    }
    MARKERS.with(|cache| {
        if let Some(hit) = cache.borrow().get(text) {
            return hit.clone();
        }
        let parsed = pep508_rs::MarkerTree::from_str(text)
            .ok()
            .map(|tree| CachedMarker {
                text: tree.contents().map(|m| m.to_string()),
                extra: top_level_extra(tree),
            });
        let mut cache = cache.borrow_mut();
        if cache.len() >= MAX_MARKERS {
            cache.clear();
        }
        cache.insert(text.to_owned(), parsed.clone());
        parsed
    })
}

/// Rejects, with a proper error, the inputs on which `pep508_rs` 0.9.2 panics (found by
/// fuzzing; see `fuzz/regressions/pep508`): a name or an extra that ends in `.`, `_` or `-`
/// (its tokenizer and its name validation disagree), and a character outside ASCII where the
/// grammar has only ASCII tokens (its cursor mixes character and byte counts). `packaging`
/// rejects all of these too.
fn precheck(raw: &str) -> Result<(), RequirementError> {
    let bytes = raw.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    let check_token = |start: usize, end: usize, what: &str| -> Result<(), RequirementError> {
        match (
            bytes.get(start),
            end.checked_sub(1).and_then(|last| bytes.get(last)),
        ) {
            (Some(first), _) if !first.is_ascii_alphanumeric() => Err(RequirementError {
                message: format!(
                    "expected {what} starting with a letter or digit, found `{}`",
                    *first as char
                ),
                offset: start,
            }),
            (_, Some(last)) if !last.is_ascii_alphanumeric() => Err(RequirementError {
                message: format!(
                    "expected {what} ending with a letter or digit, found `{}`",
                    *last as char
                ),
                offset: end - 1,
            }),
            _ => Ok(()),
        }
    };
    // `pep508_rs` skips whitespace in Unicode's sense (vertical tab and no-break space too).
    let skip_space = |mut i: usize| {
        while let Some(c) = raw.get(i..).and_then(|rest| rest.chars().next()) {
            if !c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
        }
        i
    };
    let mut i = skip_space(0);
    let name_start = i;
    while bytes.get(i).copied().is_some_and(is_name) {
        i += 1;
    }
    if i > name_start {
        check_token(name_start, i, "a name")?;
    }
    i = skip_space(i);
    if bytes.get(i) == Some(&b'[') {
        i += 1;
        loop {
            i = skip_space(i);
            while bytes.get(i) == Some(&b',') {
                i = skip_space(i + 1);
            }
            let start = i;
            while bytes.get(i).copied().is_some_and(is_name) {
                i += 1;
            }
            if i > start {
                check_token(start, i, "an extra")?;
            } else {
                break;
            }
        }
    }
    // Outside quoted strings and a direct reference's URL, the grammar is ASCII: text that is
    // all ASCII and on one line has nothing more to check.
    let unusual = bytes.iter().fold(false, |any, &b| {
        any | !b.is_ascii() | (b == b'\n') | (b == b'\r')
    });
    if !unusual {
        return Ok(());
    }
    // (`pep508_rs`'s `peek_while` after a marker expression is where bytes and characters mix.)
    let mut quote = None;
    let mut in_url = false;
    let mut in_marker = false;
    for (offset, c) in raw.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') if !in_url => quote = Some(c),
            (None, '@') if !in_url && !in_marker => in_url = true,
            (None, ';') if !in_url => in_marker = true,
            (None, ';') if raw[..offset].ends_with(char::is_whitespace) => {
                in_url = false;
                in_marker = true;
            }
            // packaging's tokenizer has only spaces and tabs for whitespace.
            (None, '\n' | '\r') => {
                return Err(RequirementError {
                    message: "expected the end of the requirement, found a line break".into(),
                    offset,
                })
            }
            (None, c) if !c.is_ascii() && !in_url => {
                return Err(RequirementError {
                    message: format!("expected an ASCII character outside quotes, found `{c}`"),
                    offset,
                })
            }
            _ => {}
        }
    }
    Ok(())
}

/// The marker keys `pep508_rs` 0.9.2 compares as strings.
const STRING_KEYS: [&str; 14] = [
    "implementation_name",
    "os_name",
    "os.name",
    "platform_machine",
    "platform.machine",
    "platform_python_implementation",
    "platform.python_implementation",
    "python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform.version",
    "sys_platform",
    "sys.platform",
];

/// Rewrites `'x' ~= os_name` (a quoted string, `~=`, a string key) as `os_name ~= 'x'`, the same
/// length. `pep508_rs` 0.9.2 ignores `os_name ~= 'x'` (with a warning) but panics on the
/// inverted form (`unreachable!` in its marker algebra), and the panic poisons its global
/// interner so that every later marker panics too. `packaging` parses both and raises
/// `UndefinedComparison` when it evaluates them. `in_marker` says whether `raw` is a marker
/// alone or a whole requirement.
fn swap_inverted_tilde(raw: &str, in_marker: bool) -> std::borrow::Cow<'_, str> {
    let bytes = raw.as_bytes();
    if !bytes.contains(&b'~') {
        return raw.into();
    }
    let mut swaps = Vec::new();
    let (mut quote, mut in_url, mut in_marker) = (None, false, in_marker);
    for (offset, c) in raw.char_indices() {
        match (quote, c) {
            (Some((q, start)), c) if c == q => {
                quote = None;
                if !in_marker {
                    continue;
                }
                let end = offset + 1;
                let skip = |mut i: usize| {
                    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    i
                };
                let op = skip(end);
                if bytes.get(op..op + 2) != Some(b"~=") {
                    continue;
                }
                let key_start = skip(op + 2);
                let mut key_end = key_start;
                while bytes
                    .get(key_end)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                {
                    key_end += 1;
                }
                if STRING_KEYS.contains(&&raw[key_start..key_end]) {
                    swaps.push((start, end, key_start, key_end));
                }
            }
            (Some(_), _) => {}
            (None, '\'' | '"') if !in_url => quote = Some((c, offset)),
            (None, '@') if !in_url && !in_marker => in_url = true,
            (None, ';') if !in_url => in_marker = true,
            (None, ';') if raw[..offset].ends_with(char::is_whitespace) => {
                in_url = false;
                in_marker = true;
            }
            _ => {}
        }
    }
    if swaps.is_empty() {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut last = 0;
    for (start, end, key_start, key_end) in swaps {
        out.push_str(&raw[last..start]);
        out.push_str(&raw[key_start..key_end]);
        out.push_str(&raw[end..key_start]);
        out.push_str(&raw[start..end]);
        last = key_end;
    }
    out.push_str(&raw[last..]);
    out.into()
}

/// The leading name of a valid requirement, as written (pep508_rs keeps only the normalised one).
fn name_as_written(raw: &str) -> String {
    raw.trim_start()
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A parsed environment marker, ready to evaluate. `None` markers always apply.
#[derive(Debug, Clone)]
pub struct Marker(pep508_rs::MarkerTree);

impl Marker {
    /// Parses a marker expression (the part after `;`).
    pub fn parse(text: &str) -> Option<Marker> {
        let requirement = format!("a;{text}");
        if precheck(&requirement).is_err() {
            return None;
        }
        if !text.is_ascii() {
            // pep508_rs panics parsing some such markers alone (see `split_marker`): read it
            // as part of a requirement, the path `precheck` guards.
            return parse_guarded(&swap_inverted_tilde(&requirement, false))
                .ok()
                .map(|r| Marker(r.marker));
        }
        pep508_rs::MarkerTree::from_str(&swap_inverted_tilde(text, true))
            .ok()
            .map(Marker)
    }

    /// Whether the marker holds in `env` with `extras` requested.
    pub fn evaluate(&self, env: &pep508_rs::MarkerEnvironment, extras: &[String]) -> bool {
        let extras: Vec<pep508_rs::ExtraName> = extras
            .iter()
            .filter_map(|e| pep508_rs::ExtraName::from_str(e).ok())
            .collect();
        self.0.evaluate(env, &extras)
    }
}

/// A parsed PEP 440 specifier set (`>=1.0, <2`), ready to test versions against.
#[derive(Debug, Clone)]
pub struct Specifiers(pep508_rs::pep440_rs::VersionSpecifiers);

impl Specifiers {
    /// Parses a specifier set; `None` when it is not valid PEP 440.
    pub fn parse(text: &str) -> Option<Specifiers> {
        if !text.is_ascii() {
            return None;
        }
        pep508_rs::pep440_rs::VersionSpecifiers::from_str(text)
            .ok()
            .map(Specifiers)
    }

    /// Whether `version` satisfies every specifier (pre-releases included, as `pip check`
    /// tests installed versions). `None` when `version` is not valid PEP 440.
    pub fn contains(&self, version: &str) -> Option<bool> {
        let version = parse_version(version)?;
        Some(self.satisfied(&version))
    }

    /// `pep440_rs` 0.7.3's `contains`, except for `==V.*` and `!=V.*`: it compares the release
    /// with the prefix without padding, so that `==2.1.*` holds for `2` (packaging pads `2` to
    /// `2.0`; PEP 440: "the candidate version ... zero padded as necessary").
    fn satisfied(&self, version: &pep508_rs::pep440_rs::Version) -> bool {
        use pep508_rs::pep440_rs::Operator;
        let prefix_matches = |spec: &pep508_rs::pep440_rs::Version| {
            spec.epoch() == version.epoch()
                && spec
                    .release()
                    .iter()
                    .enumerate()
                    .all(|(i, part)| version.release().get(i).copied().unwrap_or(0) == *part)
        };
        self.0.iter().all(|spec| match spec.operator() {
            Operator::EqualStar => prefix_matches(spec.version()),
            Operator::NotEqualStar => !prefix_matches(spec.version()),
            // pep440_rs's `<` leaves out pre-releases of the same release whatever the
            // epochs: `<1!2.0` refused `2.0a1`.
            Operator::LessThan if spec.version().epoch() != version.epoch() => {
                version < spec.version()
            }
            _ => spec.contains(version),
        })
    }
}

/// A parsed PEP 440 version.
pub type Pep440Version = pep508_rs::pep440_rs::Version;

impl Specifiers {
    /// Whether a parsed `version` satisfies every specifier (pre-releases included).
    pub fn contains_version(&self, version: &Pep440Version) -> bool {
        self.satisfied(version)
    }
}

/// A PEP 440 version, for ordering; `None` when `text` is not one.
/// Surrounding whitespace is ignored, in Python's sense (`str.strip`, as packaging).
pub fn parse_version(text: &str) -> Option<pep508_rs::pep440_rs::Version> {
    let text = text.trim_matches(is_python_space);
    if !text.is_ascii() {
        return None;
    }
    pep508_rs::pep440_rs::Version::from_str(text).ok()
}

/// Python's `str.isspace`: Unicode's White_Space and the separators U+001C to U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The environment markers are evaluated in: a Python version and a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetEnvironment {
    /// `X.Y` or `X.Y.Z`.
    pub python: String,
    /// `linux`, `macos` or `windows` (Rust's `std::env::consts::OS` names).
    pub platform: String,
    /// `x86_64`, `aarch64`, ... (Rust's `std::env::consts::ARCH` names).
    pub machine: String,
}

impl Default for TargetEnvironment {
    fn default() -> Self {
        TargetEnvironment {
            python: "3.12".into(),
            platform: "linux".into(),
            machine: "x86_64".into(),
        }
    }
}

impl TargetEnvironment {
    /// The PEP 508 marker environment of this target (CPython). An invalid Python version
    /// falls back to the default's.
    pub fn marker_environment(&self) -> pep508_rs::MarkerEnvironment {
        let mut parts: Vec<&str> = self.python.split('.').collect();
        while parts.len() < 3 {
            parts.push("0");
        }
        let full = parts[..3].join(".");
        let short = parts[..2].join(".");
        let (sys_platform, system, os_name) = match self.platform.as_str() {
            "macos" | "darwin" => ("darwin", "Darwin", "posix"),
            "windows" | "win32" => ("win32", "Windows", "nt"),
            "freebsd" => ("freebsd", "FreeBSD", "posix"),
            _ => ("linux", "Linux", "posix"),
        };
        let machine = match (self.machine.as_str(), sys_platform) {
            ("x86_64", "win32") => "AMD64",
            ("aarch64", "darwin") => "arm64",
            ("aarch64", "win32") => "ARM64",
            (m, _) => m,
        };
        let env = |full: &str, short: &str| {
            pep508_rs::MarkerEnvironment::try_from(pep508_rs::MarkerEnvironmentBuilder {
                implementation_name: "cpython",
                implementation_version: full,
                os_name,
                platform_machine: machine,
                platform_python_implementation: "CPython",
                platform_release: "",
                platform_system: system,
                platform_version: "",
                python_full_version: full,
                python_version: short,
                sys_platform,
            })
        };
        env(&full, &short)
            .or_else(|_| env("3.12.0", "3.12"))
            .expect("3.12.0 is a valid version")
    }
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
        } else {
            if separator && !out.is_empty() {
                out.push('-');
            }
            separator = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn specifiers_render_as_pep440_rs_displays_them() {
        for text in [
            "==1.0",
            ">= 1.0 , <2",
            "~=1.4.5a1",
            "==1.0.*",
            "!=2.*",
            "===1.0",
            "==1!2.0.post3.dev4+local.7.x",
            ">=1.0rc1,<1.0b2.post0,!=0.9a12",
            "==10.20.30+abc.0012",
            "<=0",
            ">18446744073709551615",
            "== 1.0.0-1",
            "==1.0-dev",
        ] {
            let specifiers = pep508_rs::pep440_rs::VersionSpecifiers::from_str(text).unwrap();
            assert_eq!(
                render_specifiers(&specifiers),
                specifiers.to_string(),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_version_renders_as_pep440_rs_displays_it(
            epoch in proptest::option::of(0u64..3),
            release in proptest::collection::vec(0u64..200_000, 1..5),
            pre in proptest::option::of((0usize..3, 0u64..20)),
            post in proptest::option::of(0u64..12),
            dev in proptest::option::of(0u64..12),
            local in proptest::option::of("[a-z0-9]{1,4}(\\.[a-z0-9]{1,4}){0,2}"),
            op in 0usize..8,
        ) {
            let mut text = String::from([">=", "==", "!=", "~=", "<", "<=", ">", "==="][op]);
            if let Some(epoch) = epoch {
                text.push_str(&format!("{epoch}!"));
            }
            let release: Vec<String> = release.iter().map(u64::to_string).collect();
            text.push_str(&release.join("."));
            if let Some((kind, n)) = pre {
                text.push_str(&format!("{}{n}", ["a", "b", "rc"][kind]));
            }
            if let Some(post) = post {
                text.push_str(&format!(".post{post}"));
            }
            if let Some(dev) = dev {
                text.push_str(&format!(".dev{dev}"));
            }
            if let Some(local) = local {
                text.push_str(&format!("+{local}"));
            }
            if let Ok(specifiers) = pep508_rs::pep440_rs::VersionSpecifiers::from_str(&text) {
                proptest::prop_assert_eq!(render_specifiers(&specifiers), specifiers.to_string());
            }
        }
    }

    #[test]
    fn the_marker_cache_changes_no_result() {
        let cases = [
            "a; python_version < '3.8'",
            "a ;extra == 'dev'",
            "A[x, y] >=1.0, <2 ; extra == \"test\" and python_version >= '3.9'",
            "a (>=1.0) ; sys_platform == 'win32' or os_name == 'nt'",
            "a;",
            "a ; ",
            "a;;",
            "a; python_version <",
            "a[x; extra == 'y'",
            "a >=1.0; 'x' ~= os_name",
            "a; extra == 'UPPER_case.x'",
            "a @ https://x/a.whl ; python_version < '3'",
            "a @ https://x/a;b.whl",
            "a; extra != 'x'",
            "a; python_version < '3.8' and extra == 'x'",
            "a; (extra == 'x')",
        ];
        for kind in [RequirementKind::Run, RequirementKind::Build] {
            for raw in cases {
                // Twice: the second call is served from the cache.
                for _ in 0..2 {
                    let whole = parse_whole(raw, &swap_inverted_tilde(raw, false), kind.clone(), 1);
                    let cached =
                        precheck(raw).and_then(|()| parse_requirement(raw, kind.clone(), 1));
                    assert_eq!(
                        cached,
                        whole.and_then(|r| precheck(raw).map(|()| r)),
                        "{raw}"
                    );
                }
            }
        }
    }

    #[test]
    fn parts_of_a_requirement() {
        let r = parse_requirement(
            "Requests[security, socks] >=2.8.1, ==2.8.* ; python_version < '3.8'",
            RequirementKind::Run,
            3,
        )
        .unwrap();
        assert_eq!(r.name, "Requests");
        assert_eq!(r.extras, vec!["security", "socks"]);
        assert!(r.spec.contains(">=2.8.1") && r.spec.contains("==2.8.*"));
        assert_eq!(r.marker.as_deref(), Some("python_full_version < '3.8'"));
        assert_eq!(r.kind, RequirementKind::Run);
        assert_eq!(r.line, 3);
    }

    #[test]
    fn an_extra_marker_makes_the_requirement_optional() {
        let r = parse_requirement("pytest>=7; extra == 'test'", RequirementKind::Run, 0).unwrap();
        assert_eq!(r.kind, RequirementKind::Optional("test".into()));
    }

    #[test]
    fn urls_are_kept_as_written() {
        let r = parse_requirement(
            "pip @ https://example.com/pip-24.0.zip",
            RequirementKind::Run,
            0,
        )
        .unwrap();
        assert_eq!(r.url.as_deref(), Some("https://example.com/pip-24.0.zip"));
        assert_eq!(r.spec, "");
    }

    #[test]
    fn errors_point_at_the_fault() {
        let err = parse_requirement("foo >= ; bar", RequirementKind::Run, 0).unwrap_err();
        assert!(
            err.offset > 0 && err.offset <= "foo >= ; bar".len(),
            "{err:?}"
        );
        let err = parse_requirement("é>=1", RequirementKind::Run, 0).unwrap_err();
        assert_eq!(err.offset, 0);
    }

    /// Inputs on which `pep508_rs` 0.9.2 panics; found by `fuzz/fuzz_targets/pep508.rs`.
    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "reads files from disk")]
    fn regression_pep508_rs_panics_are_errors() {
        for (input, offset) in [
            ("a_ ", 1),
            ("a. >=1", 1),
            ("a[b_]", 3),
            ("a[b, -c]", 5),
            ("\u{b}z-\u{b}", 2),
            ("\u{a0}a_ ", 3),
            ("s;extra==\"\"\u{562}", 11),
        ] {
            let err = parse_requirement(input, RequirementKind::Run, 1).unwrap_err();
            assert_eq!(err.offset, offset, "{input:?}: {err:?}");
        }
        // The fuzzer's crashing inputs, kept in the repository, now parse to errors.
        let dir = format!("{}/../fuzz/regressions/pep508", env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let _ = parse_requirement(&String::from_utf8_lossy(&bytes), RequirementKind::Run, 1);
            seen += 1;
        }
        assert!(seen >= 3);
        // Non-ASCII inside quotes and URLs is still fine.
        assert!(parse_requirement("a; extra == 'é'", RequirementKind::Run, 1).is_ok());
        assert!(parse_requirement(
            "a @ https://example.com/é.whl ; extra == 'x'",
            RequirementKind::Run,
            1
        )
        .is_ok());
    }

    /// `'x' ~= os_name` panicked in `pep508_rs` 0.9.2 and poisoned its interner, so that every
    /// later marker panicked too; found by `tests/tests/pep440_508.rs` on packaging's vectors.
    #[test]
    fn regression_inverted_tilde_on_a_string_key() {
        let env = TargetEnvironment::default().marker_environment();
        for text in [
            "'1.0' ~= implementation_name",
            "\"dog\"~=os.name",
            "python_version >= '3' and 'linux' ~= sys_platform",
        ] {
            // Like `os_name ~= '1.0'`: accepted, the comparison ignored.
            let marker = Marker::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert!(marker.evaluate(&env, &[]), "{text}");
        }
        let r = parse_requirement(
            "a @ https://x.com/a.whl ; '1' ~= platform_machine",
            RequirementKind::Run,
            1,
        )
        .unwrap();
        assert_eq!(r.url.as_deref(), Some("https://x.com/a.whl"));
        assert!(parse_requirement("a; 'x' ~= os_name or", RequirementKind::Run, 1).is_err());
        // Version keys were never affected, and other markers still parse.
        assert!(Marker::parse("'3.8' ~= python_version").is_some());
        assert!(Marker::parse("os_name == 'posix'").is_some_and(|m| m.evaluate(&env, &[])));
    }

    /// Differences from packaging 26 found by `tests/tests/pep440_508.rs`.
    #[test]
    fn regression_packaging_conformance() {
        // A line break outside quotes ends nothing: packaging rejects it.
        for input in ["name>=1\n", "name; python_version >= \"3\"\n", "a\r\n"] {
            assert!(
                parse_requirement(input, RequirementKind::Run, 1).is_err(),
                "{input:?}"
            );
        }
        assert!(parse_requirement("a; os_name == '\n'", RequirementKind::Run, 1).is_ok());
        // `==V.*` pads the candidate's release with zeros.
        let spec = Specifiers::parse("==2.1.*").unwrap();
        assert_eq!(spec.contains("2"), Some(false));
        assert_eq!(spec.contains("2.1"), Some(true));
        assert_eq!(
            Specifiers::parse("!=2.0.*").unwrap().contains("2"),
            Some(false)
        );
        assert_eq!(
            Specifiers::parse("==2.0.*").unwrap().contains("2a1"),
            Some(true)
        );
        // `<` across epochs is a plain comparison.
        assert_eq!(
            Specifiers::parse("<1!2.0").unwrap().contains("2.0a1"),
            Some(true)
        );
        assert_eq!(
            Specifiers::parse("<2.0").unwrap().contains("2.0a1"),
            Some(false)
        );
        // Surrounding whitespace in Python's sense.
        assert!(parse_version("\u{202f}1.0\t\u{2029}\n ").is_some());
        assert!(parse_version("\u{1c}1.0").is_some());
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize_name("Foo.Bar__baz-Qux"), "foo-bar-baz-qux");
        assert_eq!(normalize_name("zope.interface"), "zope-interface");
    }
}
