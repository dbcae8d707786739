//! PEP 440 versions and specifier sets, through `pep508_rs`'s `pep440_rs` (see
//! `docs/decisions.md` for why that crate).
//!
//! Core reaches the `pep440_rs` crate through this module (`versions::pep508_compat`, which
//! adapts the crate, names it too): [`Pep440Version`] and [`parse_version`] for versions,
//! [`Specifiers`] for specifier sets, and the renderer that PEP 508 requirements use to show
//! their specifiers. Where the crate and packaging part
//! (the `==V.*` padding, `<` across epochs, Python's whitespace) the fix is in
//! `versions::pep508_compat`.

use super::pep508_compat::{is_python_space, specifiers_contain};
use std::str::FromStr;

/// A parsed PEP 440 version.
pub type Pep440Version = pep508_rs::pep440_rs::Version;

/// A PEP 440 version, for ordering; `None` when `text` is not one.
/// Surrounding whitespace is ignored, in Python's sense (`str.strip`, as packaging).
///
/// `version = [N "!"] N ("." N)* [("a" | "b" | "rc") N] [".post" N] [".dev" N] ["+" local]`
/// (PEP 440's normal form; the spellings PEP 440 normalises are accepted too)
pub fn parse_version(text: &str) -> Option<pep508_rs::pep440_rs::Version> {
    let text = text.trim_matches(is_python_space);
    if !text.is_ascii() {
        return None;
    }
    pep508_rs::pep440_rs::Version::from_str(text).ok()
}

/// A parsed PEP 440 specifier set (`>=1.0, <2`), ready to test versions against.
#[derive(Debug, Clone)]
pub struct Specifiers(pep508_rs::pep440_rs::VersionSpecifiers);

impl Specifiers {
    /// Parses a specifier set; `None` when it is not valid PEP 440.
    ///
    /// `specifiers = specifier ("," specifier)*`, `specifier = op version [".*"]`,
    /// `op = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "==="`
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
        Some(specifiers_contain(&self.0, &version))
    }

    /// Whether a parsed `version` satisfies every specifier (pre-releases included).
    pub fn contains_version(&self, version: &Pep440Version) -> bool {
        specifiers_contain(&self.0, version)
    }
}

/// `specifiers.to_string()`, without the formatting machinery: pep440_rs formats each part of
/// each version into a `String` of its own, a fifth of reading a requirements file.
pub(super) fn render_specifiers(specifiers: &pep508_rs::pep440_rs::VersionSpecifiers) -> String {
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
}
