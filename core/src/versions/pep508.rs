//! PEP 508 requirements and environment markers, through `pep508_rs` (see
//! `docs/decisions.md` for why that crate), and PEP 503 name normalisation.
//!
//! With [`super::pep440`] and `versions::pep508_compat`, the only place that names
//! `pep508_rs`: the rest of core sees [`Requirement`] values and [`RequirementError`]s with
//! byte offsets, [`Marker`]s evaluated in a [`TargetEnvironment`], and [`normalize_name`]. What makes the crate read
//! requirements as packaging does (and keeps it from panicking) is in
//! `versions::pep508_compat`.

use super::pep440::render_specifiers;
use super::pep508_compat::{name_as_written, parse_guarded, precheck, swap_inverted_tilde};
use crate::record::{Requirement, RequirementKind};
use pep508_rs::marker::{ExtraOperator, MarkerExpression, MarkerValueExtra};
use pep508_rs::{Requirement as Pep508Requirement, VersionOrUrl};
use std::ops::Range;
use std::str::FromStr;

/// A requirement string that is not valid PEP 508.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementError {
    /// A lower-case message.
    pub message: String,
    /// The byte span of the fault in the requirement string (empty for a point).
    pub span: Range<usize>,
}

/// Parses one PEP 508 requirement. `kind` is the role it plays; a top-level `extra == "x"`
/// in its marker turns a [`RequirementKind::Run`] into [`RequirementKind::Optional`].
///
/// `requirement = name [extras] (versionspec | "@" url) [";" marker]`, where
/// `extras = "[" [name ("," name)*] "]"` and `versionspec = specifiers | "(" specifiers ")"`
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
        // pep508_rs counts its span in characters; convert it to bytes.
        let byte = |chars: usize| raw.char_indices().nth(chars).map_or(raw.len(), |(i, _)| i);
        let start = byte(err.start);
        RequirementError {
            message: lower_first(&err.message.to_string()),
            span: start..byte(err.start.saturating_add(err.len)).max(start),
        }
    })?;
    let kind = match (kind, top_level_extra(parsed.marker.clone())) {
        (RequirementKind::Run, Some(extra)) => RequirementKind::Optional(extra),
        (kind, _) => kind,
    };
    let marker = parsed.marker.contents().map(|m| m.to_string());
    Ok(requirement(raw, &parsed, marker, kind, line))
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
    ///
    /// `marker = marker_and ("or" marker_and)*`, `marker_and = marker_expr ("and" marker_expr)*`,
    /// `marker_expr = marker_var marker_op marker_var | "(" marker ")"`
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
            err.span.start > 0 && err.span.start <= "foo >= ; bar".len(),
            "{err:?}"
        );
        let err = parse_requirement("é>=1", RequirementKind::Run, 0).unwrap_err();
        assert_eq!(err.span.start, 0);
    }

    #[test]
    fn errors_span_the_faulty_text() {
        // The name's bad first character.
        let err = parse_requirement("-foo>=1", RequirementKind::Run, 0).unwrap_err();
        assert_eq!(err.span, 0..4, "{err:?}");
        let err = parse_requirement("foo\n>=1", RequirementKind::Run, 0).unwrap_err();
        assert_eq!(err.span, 3..4, "{err:?}");
        // pep508_rs's own span, in bytes.
        let err = parse_requirement("foo >= 1.0.*.a", RequirementKind::Run, 0).unwrap_err();
        assert!(err.span.end > err.span.start, "{err:?}");
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize_name("Foo.Bar__baz-Qux"), "foo-bar-baz-qux");
        assert_eq!(normalize_name("zope.interface"), "zope-interface");
    }
}
