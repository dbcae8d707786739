//! Following `-r` and `-c` includes: where an include points (relative to the including
//! file, or a URL), pip's order, cycles and [`MAX_FILES`]. The one place includes are resolved:
//! callers only say how a path is read (from disk, from a batch's inputs, or not at all).

use super::lines::Lines;
use super::redact::redact_in_text;
use super::requirement::is_url;
use super::{parse_requirements_txt_as, GlobalOption, Include, IncludeKind, Item, LineOptions};
use crate::text::{decode_utf8, normalize_path};
use crate::{ErrorInfo, ErrorKind, Format, Input, ParseError, Record, Status};

/// Where a resolved requirement was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file, as the root was named or as its include resolved.
    pub path: String,
    /// The 1-based line in that file (also `Requirement::line`).
    pub line: u32,
}

/// A requirements file with its includes followed.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The root's path, every requirement in pip's order; status `error` if any file had a
    /// bad line (the first one; its message names the file when it is not the root).
    pub record: Record,
    /// Where each requirement was read, parallel to `record.requirements`.
    pub sources: Vec<Source>,
    /// Options of each requirement, parallel to `record.requirements` (`requirement` is
    /// re-indexed).
    pub options: Vec<LineOptions>,
    /// Global options of every file, in pip's order, with the file they are in.
    pub global: Vec<(String, GlobalOption)>,
    /// Bad lines of every file, with the file they are in.
    pub errors: Vec<(String, ErrorInfo)>,
}

/// pip's `SCHEME_RE`: `^(http|https|file):`, case-insensitive.
fn is_remote(path: &str) -> bool {
    let lower = path.get(..6).unwrap_or(path).to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("file:")
}

/// Where an include points, seen from the file `from`.
///
/// `include_path = url | '/' path | relative_path` (a relative path is joined to `from`'s
/// folder, or to its URL's)
pub(super) fn resolve_include(from: &str, written: &str) -> String {
    if is_remote(from) {
        if is_url(written) || is_remote(written) {
            return written.to_owned();
        }
        let base = from.split(['?', '#']).next().unwrap_or(from);
        if written.starts_with('/') {
            let origin_end = base
                .find("://")
                .and_then(|i| {
                    base.get(i + 3..)
                        .and_then(|r| r.find('/'))
                        .map(|j| i + 3 + j)
                })
                .unwrap_or(base.len());
            return format!("{}{written}", base.get(..origin_end).unwrap_or(base));
        }
        let dir = base.rfind('/').and_then(|i| base.get(..=i)).unwrap_or(base);
        return format!("{dir}{written}");
    }
    if is_remote(written) {
        return written.to_owned();
    }
    if written.starts_with('/') {
        return normalize_path(written);
    }
    match from.rfind('/') {
        Some(i) => normalize_path(&format!("{}/{written}", from.get(..i).unwrap_or(""))),
        None => normalize_path(written),
    }
}

/// What the caller's I/O gives for an included file: its bytes, or why not (`None`: there is
/// no such file; `Some(why)`: it is there but cannot be read, such as a FIFO).
pub type IncludeRead = Result<Vec<u8>, Option<String>>;

/// Follows includes from `root`, in pip's order: every file's lines in file order, an
/// included file's lines at the point of its `-r` or `-c`. Requirements of constraints files
/// get [`RequirementKind::Constraint`](crate::RequirementKind::Constraint). `load` is the caller's I/O (`None`: no such file).
///
/// A cycle (a file including one that is already open up the chain) and a missing include
/// are errors; a bad line is not: it is the record's error and the rest is read.
pub fn resolve_requirements(
    root: &str,
    load: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Record, ParseError> {
    resolve(root, load, env, false).map(|r| r.record)
}

/// [`resolve_requirements`] for a file already read, `input`: an include of its own path is
/// its bytes again, any other is asked of `others` (the caller's I/O: the disk, the other
/// files of a batch, or nothing, when an include is an error naming it).
pub fn resolve_requirements_input(
    input: &Input<'_>,
    others: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Record, ParseError> {
    let mut load = |path: &str| {
        if path == input.path {
            return Ok(input.bytes.to_vec());
        }
        others(path).ok_or(None)
    };
    resolve_read(input.path, input.bytes, &mut load, env, false, None).map(|r| r.record)
}

/// [`resolve_requirements_input`] confined: an include of a local path for which `inside`
/// says `false` (outside the folders being read: `-r ../../../../etc/passwd`) is not read but
/// is an error naming it. `others` says why an include it cannot give is unreadable
/// (`Err(Some("not a regular file (a FIFO)"))`), or `Err(None)` when there is no such file.
pub fn resolve_requirements_within(
    input: &Input<'_>,
    others: &mut dyn FnMut(&str) -> IncludeRead,
    env: &dyn Fn(&str) -> Option<String>,
    inside: &dyn Fn(&str) -> bool,
) -> Result<Record, ParseError> {
    let mut load = |path: &str| {
        if path == input.path {
            return Ok(input.bytes.to_vec());
        }
        others(path)
    };
    resolve_read(input.path, input.bytes, &mut load, env, false, Some(inside)).map(|r| r.record)
}

/// The most files [`resolve_requirements`] reads (diamond-shaped includes are read again at
/// each place they are included, as pip does).
pub const MAX_FILES: usize = 10_000;

/// [`resolve_requirements`], with where each requirement came from, its options, the global
/// options and every bad line.
pub fn resolve_requirements_detailed(
    root: &str,
    load: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ParseError> {
    resolve(root, load, env, true)
}

fn resolve(
    root: &str,
    load: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
    detailed: bool,
) -> Result<Resolved, ParseError> {
    let Some(bytes) = load(root) else {
        return Err(ParseError::whole(
            root,
            Some(Format::RequirementsTxt),
            ErrorKind::InvalidValue,
            format!("expected a requirements file at {root}, found none"),
        ));
    };
    let mut load = |path: &str| load(path).ok_or(None);
    resolve_read(root, &bytes, &mut load, env, detailed, None)
}

/// [`resolve`] with the root already read: `load` is asked only for what it includes.
fn resolve_read(
    root: &str,
    bytes: &[u8],
    load: &mut dyn FnMut(&str) -> IncludeRead,
    env: &dyn Fn(&str) -> Option<String>,
    detailed: bool,
    inside: Option<&dyn Fn(&str) -> bool>,
) -> Result<Resolved, ParseError> {
    let mut resolved = Resolved {
        record: Record::new(root, Format::RequirementsTxt),
        sources: Vec::new(),
        options: Vec::new(),
        global: Vec::new(),
        errors: Vec::new(),
    };
    let mut walk = Walk {
        root,
        load,
        env,
        chain: vec![normalize_path(root)],
        files: 1,
        detailed,
        inside,
        out: &mut resolved,
    };
    walk.file(root, bytes, false)?;
    Ok(resolved)
}

struct Walk<'a> {
    root: &'a str,
    /// The caller's I/O: `Err(None)` no such file, `Err(Some(why))` there but unreadable.
    load: &'a mut dyn FnMut(&str) -> IncludeRead,
    env: &'a dyn Fn(&str) -> Option<String>,
    chain: Vec<String>,
    files: usize,
    /// Whether `out.sources` and `out.options` are wanted, or only `out.record`.
    detailed: bool,
    /// Whether a local include may be read (`None`: any may).
    inside: Option<&'a dyn Fn(&str) -> bool>,
    out: &'a mut Resolved,
}

impl Walk<'_> {
    fn file(&mut self, path: &str, bytes: &[u8], constraint: bool) -> Result<(), ParseError> {
        let parsed = parse_requirements_txt_as(path, bytes, self.env, constraint)?;
        for info in &parsed.errors {
            if self.out.record.error.is_none() {
                let mut first = info.clone();
                if path != self.root {
                    first.message = format!("{path}: {}", first.message);
                }
                self.out.record.status = Status::Error;
                self.out.record.error = Some(first);
            }
            self.out.errors.push((path.to_owned(), info.clone()));
        }
        self.out
            .global
            .extend(parsed.global.iter().map(|g| (path.to_owned(), g.clone())));
        if !self.detailed && parsed.includes.is_empty() {
            // Only the requirements are wanted and there is nothing to splice in: move them.
            if self.out.record.requirements.is_empty() {
                self.out.record.requirements = parsed.record.requirements;
            } else {
                self.out
                    .record
                    .requirements
                    .extend(parsed.record.requirements);
            }
            return Ok(());
        }
        // Items list requirements in the order they were pushed: take them by value.
        let mut requirements = parsed.record.requirements.into_iter();
        let mut options = parsed.options.into_iter();
        for item in &parsed.items {
            match *item {
                Item::Requirement(_) => {
                    let (Some(req), Some(mut opts)) = (requirements.next(), options.next()) else {
                        continue;
                    };
                    if self.detailed {
                        opts.requirement = self.out.record.requirements.len();
                        self.out.sources.push(Source {
                            path: path.to_owned(),
                            line: req.line,
                        });
                        self.out.options.push(opts);
                    }
                    self.out.record.requirements.push(req);
                }
                Item::Include(i) => {
                    let Some(include) = parsed.includes.get(i) else {
                        continue;
                    };
                    self.include(path, include, bytes)?;
                }
            }
        }
        Ok(())
    }

    fn include(&mut self, from: &str, include: &Include, bytes: &[u8]) -> Result<(), ParseError> {
        let source_line = decode_utf8(bytes)
            .ok()
            .and_then(|text| {
                let lines = Lines::new(text);
                let (start, end) = *lines.spans.get(include.line.saturating_sub(1) as usize)?;
                text.get(start..end).map(str::to_owned)
            })
            .unwrap_or_default();
        // Every include error is about the option and its path: underline from the
        // option's column to the path's end (one caret when the path is not found as written).
        let span_columns = source_line
            .char_indices()
            .nth(include.column.saturating_sub(1) as usize)
            .and_then(|(start, _)| {
                let tail = &source_line[start..];
                let end = tail.find(include.written.as_str())? + include.written.len();
                u32::try_from(tail[..end].chars().count()).ok()
            })
            .unwrap_or(0);
        // Messages and the line may hold a URL's credentials: shown redacted.
        let error = |kind: ErrorKind, message: String| ParseError {
            path: from.to_owned(),
            format: Some(Format::RequirementsTxt),
            info: ErrorInfo {
                kind,
                message: redact_in_text(&message).into_owned(),
                line: include.line,
                column: include.column,
            },
            source_line: redact_in_text(&source_line).into_owned(),
            span_columns,
        };
        let key = include.path.clone();
        if self.chain.contains(&key) {
            let mut chain = self.chain.clone();
            chain.push(key);
            return Err(error(
                ErrorKind::InvalidValue,
                format!("include cycle: {}", chain.join(" -> ")),
            ));
        }
        self.files += 1;
        if self.files > MAX_FILES {
            return Err(error(
                ErrorKind::TooLarge,
                format!("expected at most {MAX_FILES} included files, found more"),
            ));
        }
        if let Some(inside) = self.inside {
            if !is_remote(&key) && !inside(&key) {
                return Err(error(
                    ErrorKind::InvalidValue,
                    format!(
                        "refused to read {key}: the include is outside the folders being read \
                         (--allow-outside reads it)"
                    ),
                ));
            }
        }
        let content = match (self.load)(&key) {
            Ok(content) => content,
            Err(None) => {
                return Err(error(
                    ErrorKind::InvalidValue,
                    format!("expected a requirements file at {key}, found none"),
                ))
            }
            Err(Some(why)) => {
                return Err(error(
                    ErrorKind::Io,
                    format!("cannot read the included file {key}: {why}"),
                ))
            }
        };
        self.chain.push(key.clone());
        let result = self.file(&key, &content, include.kind == IncludeKind::Constraints);
        self.chain.pop();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn files(list: &[(&str, &str)]) -> HashMap<String, Vec<u8>> {
        list.iter()
            .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn resolve_follows_includes_in_pip_order() {
        let fs = files(&[
            ("req/main.txt", "a\n-r sub/base.txt\nb\n-c ../cons.txt\nc\n"),
            ("req/sub/base.txt", "x\n"),
            ("cons.txt", "a<2\n-r req/sub/base.txt\n"),
        ]);
        let mut load = |p: &str| fs.get(p).cloned();
        let r = resolve_requirements_detailed("req/main.txt", &mut load, &no_env).unwrap();
        let got: Vec<(&str, String, &str)> = r
            .record
            .requirements
            .iter()
            .zip(&r.sources)
            .map(|(q, s)| (q.name.as_str(), q.kind.to_string(), s.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", "run".into(), "req/main.txt"),
                ("x", "run".into(), "req/sub/base.txt"),
                ("b", "run".into(), "req/main.txt"),
                ("a", "constraint".into(), "cons.txt"),
                ("x", "run".into(), "req/sub/base.txt"),
                ("c", "run".into(), "req/main.txt"),
            ]
        );
        assert_eq!(r.record.path, "req/main.txt");
    }

    #[test]
    fn a_cycle_is_an_error_naming_the_chain() {
        let fs = files(&[("a.txt", "x\n-r b.txt\n"), ("b.txt", "-r a.txt\n")]);
        let mut load = |p: &str| fs.get(p).cloned();
        let err = resolve_requirements("a.txt", &mut load, &no_env).unwrap_err();
        assert_eq!(err.info.message, "include cycle: a.txt -> b.txt -> a.txt");
        assert_eq!((err.path.as_str(), err.info.line), ("b.txt", 1));
    }

    #[test]
    fn a_missing_include_is_an_error_at_its_line() {
        let fs = files(&[("a.txt", "x\n\n-r  nope.txt\n")]);
        let mut load = |p: &str| fs.get(p).cloned();
        let err = resolve_requirements("a.txt", &mut load, &no_env).unwrap_err();
        assert_eq!((err.info.line, err.info.column), (3, 1));
        assert!(err.info.message.contains("nope.txt"));
        assert_eq!(err.source_line, "-r  nope.txt");
        assert!(err.to_string().ends_with("| ^^^^^^^^^^^^"), "{err}");
    }

    #[test]
    fn bad_lines_in_included_files_name_the_file() {
        let fs = files(&[("a.txt", "-r b.txt\nok\n"), ("b.txt", "bad==\n")]);
        let mut load = |p: &str| fs.get(p).cloned();
        let r = resolve_requirements("a.txt", &mut load, &no_env).unwrap();
        assert_eq!(r.status, Status::Error);
        assert!(r.error.unwrap().message.starts_with("b.txt: "));
        assert_eq!(r.requirements.len(), 1);
    }
}
