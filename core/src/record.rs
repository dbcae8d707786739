//! The values every parser produces: [`Record`], [`Package`], [`Requirement`] and
//! [`ParseError`], serialised as schema `pkglens/1` (see `docs/schema.md`).
//!
//! Field order in these structs is the field order of the JSON: keep it stable, the output is
//! compared byte for byte across targets.

use serde::{Deserialize, Serialize};
use std::fmt;

pub(crate) mod json;
pub use json::{requirement_size_hint, write_record_json};

/// The schema identifier written at the top of every JSON document.
pub const SCHEMA: &str = "pkglens/1";

/// The file formats pkglens knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Core metadata of an installed or built distribution (`METADATA`).
    Metadata,
    /// Core metadata of a source distribution or egg (`PKG-INFO`).
    PkgInfo,
    /// A rez `package.py`.
    RezPackagePy,
    /// A rez `package.yaml`.
    RezPackageYaml,
    /// A `pyproject.toml`.
    Pyproject,
    /// A pip requirements file.
    RequirementsTxt,
    /// A PEP 751 `pylock.toml`.
    Pylock,
    /// A `uv.lock`.
    UvLock,
    /// A built distribution (`*.whl`).
    Wheel,
    /// A source distribution (`*.tar.gz`, `*.zip`).
    Sdist,
}

impl Format {
    /// Every format, in the order of [`Format`]'s variants.
    pub const ALL: [Format; 10] = [
        Format::Metadata,
        Format::PkgInfo,
        Format::RezPackagePy,
        Format::RezPackageYaml,
        Format::Pyproject,
        Format::RequirementsTxt,
        Format::Pylock,
        Format::UvLock,
        Format::Wheel,
        Format::Sdist,
    ];

    /// The name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Metadata => "metadata",
            Format::PkgInfo => "pkg-info",
            Format::RezPackagePy => "rez-package-py",
            Format::RezPackageYaml => "rez-package-yaml",
            Format::Pyproject => "pyproject",
            Format::RequirementsTxt => "requirements-txt",
            Format::Pylock => "pylock",
            Format::UvLock => "uv-lock",
            Format::Wheel => "wheel",
            Format::Sdist => "sdist",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a record was read completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every field was read.
    Ok,
    /// Some fields are computed when the file is loaded; the static ones are reported.
    Dynamic,
    /// The file could not be read; see [`Record::error`].
    Error,
}

/// The ecosystem a package belongs to. Packages of different ecosystems never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Python distributions (names normalised per PEP 503).
    Python,
    /// rez packages.
    Rez,
}

/// What one input file describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The path of the file as the caller named it.
    pub path: String,
    /// The detected format, or `None` when detection failed.
    pub format: Option<Format>,
    /// Whether the record is complete.
    pub status: Status,
    /// Why the record is `dynamic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why the record is an `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// The packages the file defines (one for metadata and rez files, many for lock files).
    pub packages: Vec<Package>,
    /// Requirements that belong to no package in the file (a requirements list, a pyproject's
    /// build system).
    pub requirements: Vec<Requirement>,
}

impl Record {
    /// A complete record with no packages yet.
    pub fn new(path: impl Into<String>, format: Format) -> Self {
        Record {
            path: path.into(),
            format: Some(format),
            status: Status::Ok,
            reason: None,
            error: None,
            packages: Vec::new(),
            requirements: Vec::new(),
        }
    }

    /// The record that stands in a batch's slot for an input that failed to parse.
    pub fn from_error(err: &ParseError) -> Self {
        Record {
            path: err.path.clone(),
            format: err.format,
            status: Status::Error,
            reason: None,
            error: Some(err.info.clone()),
            packages: Vec::new(),
            requirements: Vec::new(),
        }
    }

    /// Marks the record dynamic, appending `reason` to any earlier reason.
    pub fn mark_dynamic(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        self.status = Status::Dynamic;
        self.reason = Some(match self.reason.take() {
            Some(old) => format!("{old}; {reason}"),
            None => reason,
        });
    }
}

/// One package: a distribution of a given version, or a rez package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// `python` or `rez`.
    pub ecosystem: Ecosystem,
    /// The name as written in the file.
    pub name: String,
    /// The version as written in the file (empty when the file has none).
    pub version: String,
    /// Run-time requirements (for python: `Requires-Dist`, with `optional:<extra>` kinds).
    pub requires: Vec<Requirement>,
    /// Python: `Requires-Python`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_python: Option<String>,
    /// Python: `Provides-Extra`, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provides_extra: Vec<String>,
    /// Python: `Summary`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Python: `Metadata-Version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_version: Option<String>,
    /// Python: `License-Expression` (metadata 2.4+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_expression: Option<String>,
    /// Python: fields declared `Dynamic` (metadata 2.2+), or pyproject's `dynamic`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dynamic: Vec<String>,
    /// rez: `build_requires`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub build_requires: Vec<Requirement>,
    /// rez: `private_build_requires`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_build_requires: Vec<Requirement>,
    /// rez: `variants`, each a list of requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Vec<Requirement>>,
    /// rez: `tools`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// rez: `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Any other format-specific fields, as JSON (rez: authors, uuid, help, ...).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The 1-based line where the package is defined (lock files), or 0 for a whole file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Package {
    /// A package with a name and version and nothing else.
    pub fn new(ecosystem: Ecosystem, name: impl Into<String>, version: impl Into<String>) -> Self {
        Package {
            ecosystem,
            name: name.into(),
            version: version.into(),
            requires: Vec::new(),
            requires_python: None,
            provides_extra: Vec::new(),
            summary: None,
            metadata_version: None,
            license_expression: None,
            dynamic: Vec::new(),
            build_requires: Vec::new(),
            private_build_requires: Vec::new(),
            variants: Vec::new(),
            tools: Vec::new(),
            description: None,
            extra: serde_json::Map::new(),
            line: 0,
        }
    }
}

/// The role a requirement plays.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequirementKind {
    /// Needed at run time.
    Run,
    /// Needed to build (a pyproject's build system, rez `build_requires`).
    Build,
    /// rez `private_build_requires`.
    PrivateBuild,
    /// Needed when an extra is requested.
    Optional(String),
    /// A member of a dependency group (PEP 735).
    Group(String),
    /// A constraint: limits versions, installs nothing (pip `-c`).
    Constraint,
    /// rez `~foo`: limits versions if present, pulls nothing in.
    Weak,
    /// rez `!foo`: must not be present in the range.
    Conflict,
}

impl fmt::Display for RequirementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequirementKind::Optional(extra) => write!(f, "optional:{extra}"),
            RequirementKind::Group(group) => write!(f, "group:{group}"),
            kind => f.write_str(kind.as_static_str().unwrap_or_default()),
        }
    }
}

impl RequirementKind {
    /// The text of a kind without a name (`run`, `build`...), `None` for the others.
    fn as_static_str(&self) -> Option<&'static str> {
        Some(match self {
            RequirementKind::Run => "run",
            RequirementKind::Build => "build",
            RequirementKind::PrivateBuild => "private_build",
            RequirementKind::Constraint => "constraint",
            RequirementKind::Weak => "weak",
            RequirementKind::Conflict => "conflict",
            RequirementKind::Optional(_) | RequirementKind::Group(_) => return None,
        })
    }
}

impl Serialize for RequirementKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Every requirement of a large file goes through here: skip the formatting machinery.
        match self {
            RequirementKind::Optional(name) | RequirementKind::Group(name) => {
                let prefix = if matches!(self, RequirementKind::Optional(_)) {
                    "optional:"
                } else {
                    "group:"
                };
                let mut text = String::with_capacity(prefix.len() + name.len());
                text.push_str(prefix);
                text.push_str(name);
                s.serialize_str(&text)
            }
            _ => s.serialize_str(self.as_static_str().unwrap_or_default()),
        }
    }
}

impl std::str::FromStr for RequirementKind {
    type Err = String;

    /// The inverse of `Display`: `run`, `optional:<extra>`, `group:<name>`...
    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text {
            "run" => RequirementKind::Run,
            "build" => RequirementKind::Build,
            "private_build" => RequirementKind::PrivateBuild,
            "constraint" => RequirementKind::Constraint,
            "weak" => RequirementKind::Weak,
            "conflict" => RequirementKind::Conflict,
            _ => match text.split_once(':') {
                Some(("optional", extra)) => RequirementKind::Optional(extra.to_owned()),
                Some(("group", group)) => RequirementKind::Group(group.to_owned()),
                _ => return Err(format!("unknown requirement kind `{text}`")),
            },
        })
    }
}

impl<'de> Deserialize<'de> for RequirementKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One requirement as written, and its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The requirement exactly as written.
    pub raw: String,
    /// The name as written.
    pub name: String,
    /// The version constraint (PEP 440 specifiers or a rez range); empty for any version.
    pub spec: String,
    /// Requested extras, in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
    /// The environment marker, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// A direct reference URL, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The role of the requirement.
    pub kind: RequirementKind,
    /// The 1-based line it was read from (0 when unknown).
    pub line: u32,
}

/// What went wrong with one input, in a shape that serialises as schema `Error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// A stable, machine-readable category.
    pub kind: ErrorKind,
    /// A lower-case message: what was expected and what was found.
    pub message: String,
    /// 1-based line of the fault (0 when it concerns the whole file).
    pub line: u32,
    /// 1-based column of the fault, in characters (0 when it concerns the whole file).
    pub column: u32,
}

/// Categories of [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input is not valid UTF-8 where text is required.
    Encoding,
    /// The input breaks the format's grammar.
    Syntax,
    /// A field the format requires is absent.
    MissingField,
    /// A field holds a value the format does not allow.
    InvalidValue,
    /// The input is larger than the parser accepts.
    TooLarge,
    /// The input looks binary where text is required, or is a damaged archive.
    Binary,
    /// The format was not recognised, or is not supported.
    Unsupported,
    /// The file could not be read (set by the I/O edge, never by core).
    Io,
}

/// A failure to parse one input. It names the file, and where in it the fault is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The input's path as the caller named it.
    pub path: String,
    /// The format the parser expected, if known.
    pub format: Option<Format>,
    /// What went wrong and where.
    pub info: ErrorInfo,
    /// The offending source line, for rendering with `^^^` (empty when not applicable).
    pub source_line: String,
    /// How many characters of `source_line`, from `info.column` on, the fault covers (0 for a
    /// point). Not part of the JSON: only the rendered message underlines the span.
    pub span_columns: u32,
}

impl ParseError {
    /// `bytes` is not UTF-8 from byte `offset` on: an `encoding` error at the line and column
    /// where the valid text ends, saying that `what` ("metadata", "pyproject.toml") must be
    /// UTF-8.
    pub fn not_utf8(path: &str, format: Format, bytes: &[u8], offset: usize, what: &str) -> Self {
        let valid = std::str::from_utf8(&bytes[..offset.min(bytes.len())]).unwrap_or("");
        let pos = crate::text::Position::of(valid, valid.len());
        let mut err = ParseError::whole(
            path,
            Some(format),
            ErrorKind::Encoding,
            format!("invalid UTF-8 at byte {offset}: {what} must be UTF-8"),
        );
        err.info.line = pos.line;
        err.info.column = pos.column;
        err
    }

    /// An error about the whole input (no line or column). A URL's credentials quoted in
    /// `message` are redacted (`user:****@`), as in every error.
    pub fn whole(
        path: &str,
        format: Option<Format>,
        kind: ErrorKind,
        message: impl Into<String>,
    ) -> Self {
        ParseError {
            path: path.to_owned(),
            format,
            info: ErrorInfo {
                kind,
                message: redacted(message.into()),
                line: 0,
                column: 0,
            },
            source_line: String::new(),
            span_columns: 0,
        }
    }

    /// An error at a byte offset of `text`; line and column are computed from it.
    pub fn at(
        path: &str,
        format: Option<Format>,
        kind: ErrorKind,
        message: impl Into<String>,
        text: &str,
        offset: usize,
    ) -> Self {
        Self::spanned(path, format, kind, message, text, offset..offset)
    }

    /// An error covering the bytes `span` of `text`: line and column are those of its start,
    /// and the rendered message underlines it up to the end of that line. A URL's credentials
    /// in the message or the quoted line are redacted (`user:****@`, pip's
    /// `redact_auth_from_url`): the line of a METADATA, a pyproject or a lock file that fails
    /// to parse is shown, and must not show a password.
    pub fn spanned(
        path: &str,
        format: Option<Format>,
        kind: ErrorKind,
        message: impl Into<String>,
        text: &str,
        span: std::ops::Range<usize>,
    ) -> Self {
        let pos = crate::text::Position::of(text, span.start);
        let line = crate::text::line_at(text, span.start);
        ParseError {
            path: path.to_owned(),
            format,
            info: ErrorInfo {
                kind,
                message: redacted(message.into()),
                line: pos.line,
                column: pos.column,
            },
            source_line: redacted(line.to_owned()),
            span_columns: span_chars(text, span),
        }
    }
}

/// `text` with every URL's credentials redacted ([`crate::redact_in_text`]).
fn redacted(text: String) -> String {
    match crate::redact_in_text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

/// How many characters of `span` in `text` lie on the line of its start.
fn span_chars(text: &str, span: std::ops::Range<usize>) -> u32 {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let covered = text[start..]
        .chars()
        .take_while(|&c| c != '\n' && c != '\r')
        .scan(start, |at, c| {
            *at += c.len_utf8();
            Some(*at)
        })
        .take_while(|&at| at <= span.end)
        .count();
    u32::try_from(covered).unwrap_or(u32::MAX)
}

impl fmt::Display for ParseError {
    /// `path:line:column: message`, then the line with `^` under each column
    /// of the fault's span.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ErrorInfo {
            message,
            line,
            column,
            ..
        } = &self.info;
        if *line == 0 {
            return write!(f, "{}: {message}", self.path);
        }
        write!(f, "{}:{line}:{column}: {message}", self.path)?;
        if !self.source_line.is_empty() {
            let gutter = line.to_string();
            let pad = " ".repeat(gutter.len());
            let carets = crate::text::underline(&self.source_line, *column, self.span_columns);
            write!(
                f,
                "\n{pad} |\n{gutter} | {}\n{pad} | {carets}",
                self.source_line
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The line an error quotes (a pyproject's, a lock file's, a METADATA's) and its message
    /// show a URL's credentials redacted, as pip's `redact_auth_from_url` does.
    #[test]
    fn errors_never_quote_credentials() {
        let text = "name = 1\nurl = \"https://user:hunter2@h/x\" oops\n";
        let at = text.find("oops").unwrap();
        let err = ParseError::at(
            "pyproject.toml",
            Some(Format::Pyproject),
            ErrorKind::Syntax,
            "unexpected `oops` after \"https://tok3n@h/x\"",
            text,
            at,
        );
        assert_eq!(err.source_line, "url = \"https://user:****@h/x\" oops");
        assert_eq!(
            err.info.message,
            "unexpected `oops` after \"https://****@h/x\""
        );
        assert_eq!((err.info.line, err.info.column), (2, 34));
        let shown = err.to_string();
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok3n"),
            "{shown}"
        );
        let whole = ParseError::whole("x", None, ErrorKind::Io, "https://u:pw@h/ refused");
        assert_eq!(whole.info.message, "https://u:****@h/ refused");
    }

    #[test]
    fn errors_underline_their_span() {
        let text = "a = 1\nb = [x, \"y\"]\nc = 3\n";
        let err = ParseError::spanned("f", None, ErrorKind::Syntax, "bad", text, 10..13);
        assert_eq!(
            (err.info.line, err.info.column, err.span_columns),
            (2, 5, 3)
        );
        assert_eq!(
            err.to_string(),
            "f:2:5: bad\n  |\n2 | b = [x, \"y\"]\n  |     ^^^"
        );
        // A span that runs over the line's end stops there.
        let err = ParseError::spanned("f", None, ErrorKind::Syntax, "bad", text, 10..22);
        assert_eq!(err.span_columns, 8);
        assert!(err.to_string().ends_with("|     ^^^^^^^^"), "{err}");
        // A point, and an empty span, are one caret.
        let err = ParseError::at("f", None, ErrorKind::Syntax, "bad", text, 10);
        assert_eq!(err.span_columns, 0);
        assert!(err.to_string().ends_with("|     ^"), "{err}");
    }

    #[test]
    fn wide_characters_and_tabs_keep_the_carets_under_the_span() {
        let text = "\tname = \"日本\"";
        let err = ParseError::spanned("f", None, ErrorKind::Syntax, "bad", text, 8..16);
        assert_eq!((err.info.column, err.span_columns), (9, 4));
        assert!(err.to_string().ends_with("| \t       ^^^^^^"), "{err:?}");
    }
}
