//! Core metadata: `METADATA` (wheels, `.dist-info`) and `PKG-INFO` (sdists, `.egg-info`),
//! metadata versions 1.0 to 2.5.
//!
//! The format is an RFC 822 message read the way Python's `email.parser` with the `compat32`
//! policy reads it, since that is what `packaging.metadata.parse_email` (the reference) uses:
//! - a header is `Name: value`; the value loses the blanks after the colon and its final line
//!   ending; a line that starts with a space or a tab continues the previous header, and is
//!   kept as written (line ending and leading blanks included);
//! - headers end at the first empty line, or at the first line that is neither a header nor a
//!   continuation (that line then starts the body: a "missing separator" defect, tolerated);
//! - the body, if any, is the description (metadata 2.1+); a `Description` header is the older
//!   way and may hold folded lines starting with `|`;
//! - header names are case-insensitive; list fields (`Requires-Dist`, `Provides-Extra`,
//!   `Classifier`, `Dynamic`, ...) repeat; a single-valued field that repeats keeps its first
//!   value here (packaging leaves it unparsed);
//! - `Name` and `Version` are required; invalid UTF-8 is an error with its position.

use crate::record::{
    Ecosystem, ErrorKind, Format, Package, ParseError, Record, RequirementKind, Status,
};
use crate::redact_in_text;
use crate::text::decode_utf8;
use crate::versions::pep508::parse_requirement;
use serde_json::Value;

/// One header as read: its name, value and where the value starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// The name as written.
    pub name: &'a str,
    /// The value, continuation lines included.
    pub value: String,
    /// 1-based line of the header.
    pub line: u32,
    /// Byte offset of the value's first character in the text.
    pub value_offset: usize,
}

/// A metadata message split into headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// Headers in file order.
    pub headers: Vec<Header<'a>>,
    /// The body (everything after the headers), if not empty.
    pub body: Option<&'a str>,
}

impl<'a> Message<'a> {
    /// Every value of the header `name` (case-insensitive), in file order.
    pub fn get_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Header<'a>> + 's {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
    }

    /// The first value of the header `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

/// Whether `line` starts a header in `email.feedparser`'s sense: printable ASCII other than
/// `:` up to a colon.
///
/// `header_start = name ":" ; name = 1*(%x21-39 / %x3B-7E)`
fn header_name(line: &str) -> Option<&str> {
    let colon = line.find(':')?;
    let name = &line[..colon];
    name.bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b':')
        .then_some(name)
}

/// Splits `text` into lines, keeping each line's ending (`\n`, `\r\n` or `\r`).
fn lines_with_endings(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'\n' && bytes[end] != b'\r' {
            end += 1;
        }
        if end < bytes.len() {
            end += if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        let line = (start, &text[start..end]);
        start = end;
        Some(line)
    })
}

fn strip_ending(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// Splits a metadata text into headers and body, as `email.parser` (compat32) does.
///
/// `message = *(header *continuation) [empty_line | non_header_line] body ;
/// continuation = (SP / HTAB) text line_end`
pub fn parse_message(text: &str) -> Message<'_> {
    let mut headers: Vec<Header<'_>> = Vec::new();
    let mut body_start = text.len();
    for (index, (offset, line)) in lines_with_endings(text).enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = strip_ending(line);
        if content.is_empty() {
            body_start = offset + line.len();
            break;
        }
        if content.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.value.push_str(line);
                continue;
            }
        }
        match header_name(content) {
            Some(name) => {
                let rest = &line[name.len() + 1..];
                let value = rest.trim_start_matches([' ', '\t']);
                headers.push(Header {
                    name,
                    value: value.to_owned(),
                    line: line_no,
                    value_offset: offset + name.len() + 1 + (rest.len() - value.len()),
                });
            }
            None => {
                // Not a header: the body starts here (email's MissingHeaderBodySeparator).
                body_start = offset;
                break;
            }
        }
    }
    for header in &mut headers {
        let trimmed = header.value.trim_end_matches(['\r', '\n']).len();
        header.value.truncate(trimmed);
    }
    let body = &text[body_start.min(text.len())..];
    Message {
        headers,
        body: (!body.is_empty()).then_some(body),
    }
}

/// Fields kept in [`Package::extra`], as (header, JSON key, repeats). Their values are shown
/// with a URL's credentials redacted (`Project-URL: Source, https://user:****@host/`): a
/// private index's `Download-URL` must not leak its password into a report.
const EXTRA_FIELDS: &[(&str, &str, bool)] = &[
    ("Home-page", "home_page", false),
    ("Download-URL", "download_url", false),
    ("Author", "author", false),
    ("Author-email", "author_email", false),
    ("Maintainer", "maintainer", false),
    ("Maintainer-email", "maintainer_email", false),
    ("License", "license", false),
    ("Keywords", "keywords", false),
    (
        "Description-Content-Type",
        "description_content_type",
        false,
    ),
    ("Classifier", "classifiers", true),
    ("Project-URL", "project_urls", true),
    ("Platform", "platforms", true),
    ("Supported-Platform", "supported_platforms", true),
    ("Requires-External", "requires_external", true),
    ("Provides-Dist", "provides_dist", true),
    ("Obsoletes-Dist", "obsoletes_dist", true),
    ("License-File", "license_files", true),
];

/// Parses a `METADATA` or `PKG-INFO` file.
///
/// A missing `Name` or `Version`, or invalid UTF-8, is an error. A `Requires-Dist` that is not
/// valid PEP 508 does not lose the rest: the record is returned with status `error`, the error
/// pointing at the fault, and every other field read.
pub fn parse_core_metadata(path: &str, format: Format, bytes: &[u8]) -> Result<Record, ParseError> {
    let text = decode_utf8(bytes)
        .map_err(|offset| ParseError::not_utf8(path, format, bytes, offset, "metadata"))?;
    let message = parse_message(text);
    let required = |field: &'static str| {
        message
            .get(field)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ParseError::whole(
                    path,
                    Some(format),
                    ErrorKind::MissingField,
                    format!("expected a `{field}` header, found none"),
                )
            })
    };
    let name = required("Name")?;
    let version = required("Version")?;

    let mut record = Record::new(path, format);
    let mut package = Package::new(Ecosystem::Python, name, version);
    package.metadata_version = message.get("Metadata-Version").map(str::to_owned);
    package.summary = message.get("Summary").map(str::to_owned);
    package.requires_python = message.get("Requires-Python").map(str::to_owned);
    package.license_expression = message.get("License-Expression").map(str::to_owned);
    package.provides_extra = message
        .get_all("Provides-Extra")
        .map(|h| h.value.clone())
        .collect();
    package.dynamic = message
        .get_all("Dynamic")
        .map(|h| h.value.clone())
        .collect();
    for (header, key, repeats) in EXTRA_FIELDS {
        if *repeats {
            let values: Vec<Value> = message
                .get_all(header)
                .map(|h| Value::String(redact_in_text(&h.value).into_owned()))
                .collect();
            if !values.is_empty() {
                package
                    .extra
                    .insert((*key).to_owned(), Value::Array(values));
            }
        } else if let Some(value) = message.get(header) {
            package.extra.insert(
                (*key).to_owned(),
                Value::String(redact_in_text(value).into_owned()),
            );
        }
    }

    for header in message.get_all("Requires-Dist") {
        match parse_requirement(&header.value, RequirementKind::Run, header.line) {
            Ok(mut requirement) => {
                super::redact_requirement(&mut requirement);
                package.requires.push(requirement)
            }
            Err(err) if record.error.is_none() => {
                let at = header.value_offset;
                let fault = ParseError::spanned(
                    path,
                    Some(format),
                    ErrorKind::Syntax,
                    format!("invalid Requires-Dist: {}", err.message),
                    text,
                    at + err.span.start..at + err.span.end,
                );
                record.status = Status::Error;
                record.error = Some(fault.info);
            }
            Err(_) => {}
        }
    }
    record.packages.push(package);
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn parse(text: &str) -> Result<Record, ParseError> {
        parse_core_metadata("x/METADATA", Format::Metadata, text.as_bytes())
    }

    #[test]
    fn headers_continuations_and_body() {
        let text = "Metadata-Version: 2.1\r\nName: demo\r\nVersion: 1.0\r\nSummary: one\r\n  two\r\nKeywords:\tfast\r\n\r\nThe body.\r\n";
        let message = parse_message(text);
        assert_eq!(message.get("summary"), Some("one\r\n  two"));
        assert_eq!(message.get("KEYWORDS"), Some("fast"));
        assert_eq!(message.body, Some("The body.\r\n"));
        assert_eq!(message.headers[3].line, 4);
    }

    #[test]
    fn a_non_header_line_starts_the_body() {
        let message = parse_message("Name: a\nVersion: 1\nthis is not a header\nmore\n");
        assert_eq!(message.headers.len(), 2);
        assert_eq!(message.body, Some("this is not a header\nmore\n"));
    }

    /// A private index's credentials in the URL fields (the shape of PyPI's `Project-URL:
    /// Label, url` lines, and a `Download-URL` pointing at an authenticated mirror) and in the
    /// line an error quotes: never shown, `user:****@` as pip's `redact_auth_from_url` shows it.
    #[test]
    fn credentials_in_urls_and_errors_are_redacted() {
        let text = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\
                    Home-page: https://tok3n@git.example/demo\n\
                    Download-URL: https://user:hunter2@pypi.example/demo-1.0.tar.gz\n\
                    Project-URL: Source, https://user:hunter2@git.example/demo\n\
                    Project-URL: Docs, https://docs.example/demo\n\
                    Requires-Dist: q @ https://user:hunter2@pypi.example/q.tar.gz ; os_name ==\n";
        let record = parse(text).unwrap();
        let extra = &record.packages[0].extra;
        assert_eq!(extra["home_page"], "https://****@git.example/demo");
        assert_eq!(
            extra["download_url"],
            "https://user:****@pypi.example/demo-1.0.tar.gz"
        );
        assert_eq!(
            extra["project_urls"],
            serde_json::json!([
                "Source, https://user:****@git.example/demo",
                "Docs, https://docs.example/demo"
            ])
        );
        let error = record.error.as_ref().unwrap();
        assert_eq!(error.line, 8);
        let shown = serde_json::to_string(&record).unwrap();
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok3n"),
            "{shown}"
        );
    }

    #[test]
    fn fields_of_a_record() {
        let text = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nRequires-Python: >=3.9\nLicense-Expression: MIT\nDynamic: Requires-Dist\nProvides-Extra: test\nRequires-Dist: requests>=2\nRequires-Dist: pytest; extra == \"test\"\nClassifier: A\nClassifier: B\n\nbody\n";
        let record = parse(text).unwrap();
        assert_eq!(record.status, Status::Ok);
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("demo", "1.0"));
        assert_eq!(p.requires_python.as_deref(), Some(">=3.9"));
        assert_eq!(p.license_expression.as_deref(), Some("MIT"));
        assert_eq!(p.dynamic, vec!["Requires-Dist"]);
        assert_eq!(p.provides_extra, vec!["test"]);
        assert_eq!(p.requires.len(), 2);
        assert_eq!(p.requires[0].line, 8);
        assert_eq!(p.requires[1].kind, RequirementKind::Optional("test".into()));
        assert_eq!(p.extra["classifiers"], serde_json::json!(["A", "B"]));
    }

    #[test]
    fn missing_name_is_an_error_in_its_slot() {
        let err = parse("Metadata-Version: 2.1\nVersion: 1.0\n").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::MissingField);
        assert!(err.info.message.contains("`Name`"));
        let err = parse("Metadata-Version: 2.1\nName: x\nVersion:   \n").unwrap_err();
        assert!(err.info.message.contains("`Version`"));
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let err =
            parse_core_metadata("p", Format::PkgInfo, b"Name: a\nVersion: \xff\n").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::Encoding);
        assert_eq!((err.info.line, err.info.column), (2, 10));
    }

    /// The fuzzer's crashing METADATA inputs (panics inside `pep508_rs`) now parse.
    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "reads files from disk")]
    fn regression_fuzz_inputs_do_not_panic() {
        let dir = format!(
            "{}/../fuzz/regressions/core_metadata",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let _ = parse_core_metadata("METADATA", Format::Metadata, &bytes);
            seen += 1;
        }
        assert!(seen >= 2);
    }

    #[test]
    fn a_bad_requirement_keeps_the_rest() {
        let record =
            parse("Name: a\nVersion: 1\nRequires-Dist: ok\nRequires-Dist: bad >= ;\nSummary: s\n")
                .unwrap();
        assert_eq!(record.status, Status::Error);
        let error = record.error.as_ref().unwrap();
        assert_eq!(error.line, 4);
        assert!(error.column > 15, "{error:?}");
        assert_eq!(record.packages[0].requires.len(), 1);
        assert_eq!(record.packages[0].summary.as_deref(), Some("s"));
    }
}
