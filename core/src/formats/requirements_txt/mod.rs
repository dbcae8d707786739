//! pip requirements files (`requirements.txt`, `constraints.txt`), read the way pip 25's
//! `pip/_internal/req/req_file.py` and `req/constructors.py` read them.
//!
//! The format is pip's command line spread over lines, and it has quirks worth knowing:
//! - lines are split as Python's `str.splitlines` splits them (`\n`, `\r\n`, `\r`, and also
//!   `\v`, `\f`, `\x1c`-`\x1e`, `\u{85}`, `\u{2028}`, `\u{2029}`); a UTF-8 byte-order mark is
//!   skipped;
//! - the order is fixed: first lines ending in `\` are joined (all leading and trailing
//!   backslashes of a continued line are dropped, and the joined line takes the number of its
//!   first line), then comments are removed, then `${VAR}` is expanded. So a comment line ends a
//!   continuation, but `foo # note \` continues into the next line, which then is comment too;
//!   and a `#` that an environment variable brings in is not a comment;
//! - a comment starts at a `#` at the start of a line or after whitespace: `url#egg=x` keeps
//!   its fragment, `url #egg=x` does not;
//! - only `${NAME}` with `NAME` made of `A-Z`, `0-9` and `_` is expanded; an unset or empty
//!   variable is left as written;
//! - a line is cut at the first space-separated token that starts with `-`: what comes before
//!   is the requirement (kept verbatim: markers are not shell-split), what follows is split like
//!   a shell (`shlex`) and read by `optparse`, so long options may be abbreviated (`--req`),
//!   short ones glued to their value (`-rbase.txt`), `--opt=value` and `--opt value` both work,
//!   stray words after the options are ignored, and only spaces separate: `foo\t--hash=...` is
//!   one (invalid) requirement;
//! - a line with a requirement keeps only `--hash` (not for editables) and `--config-settings`;
//!   its other options are ignored. A line with `-r`/`-c` and no requirement is an include and
//!   nothing else on it counts; only the first `-r` (or, failing that, `-c`) is followed;
//! - includes are relative to the including file, kinds come from the directive alone (a `-r`
//!   inside a constraints file reads plain requirements), and an include of a file already open
//!   higher up the chain is an error (a file may be included twice from different branches);
//! - a requirement that is not a URL is split at its first `;` into requirement and marker; a
//!   URL (`http`, `https`, `file`, `ftp` or a VCS scheme) is split at the first `; ` (a
//!   semicolon followed by a space), since `;` may occur in URLs;
//! - a URL or local archive is named by its wheel file name (`name==version`) or its `#egg=`
//!   fragment; a local path is anything that looks like one (contains `/` or starts with `.`)
//!   and is not valid PEP 508, or ends in an archive extension. pip asks the file system
//!   whether a path is a directory; this module never does, and takes such paths on trust;
//! - `-e` takes a local directory, `name @ vcs-url`, or a VCS URL with `#egg=name`; a bare
//!   `git:` (`hg:`, `svn:`, `bzr:`) URL gets its `git+` prefix.
//!
//! Where pip stops at the first bad line, this module records the fault (the first one in
//! [`Record::error`], all in [`RequirementsFile::errors`]) and reads on.
//!
//! The reader's parts, in the order a line meets them: `lines` (physical and logical lines),
//! `shlex` and `options` (the options part of a line), `requirement` (the requirement
//! part), and `include` (following `-r` and `-c`).

mod include;
mod lines;
mod options;
pub(crate) mod redact;
mod requirement;
mod shlex;
#[cfg(test)]
mod tests;

use crate::codecs::{Codec, DecodeError, KNOWN};
use crate::text::Fault;
use crate::{
    ErrorInfo, ErrorKind, Format, ParseError, Record, Requirement, RequirementKind, Status,
};
use include::resolve_include;
use lines::{
    expand_env, is_line_break, may_expand, py_space, runs, to_u32, Lines, LogicalLines, Mapped,
};
use options::{options_start, parse_options, Dest};
use redact::{hide_values, redact_requirement, unexpand, Piece};
pub use redact::{redact_auth_from_url, redact_in_text};
pub(crate) use requirement::url_filename;
use requirement::{requirement_from_editable, requirement_from_line};

pub use include::{
    resolve_requirements, resolve_requirements_detailed, resolve_requirements_input,
    resolve_requirements_within, IncludeRead, Resolved, Source, MAX_FILES,
};

/// Which directive included a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IncludeKind {
    /// `-r` / `--requirement`.
    Requirements,
    /// `-c` / `--constraint`.
    Constraints,
}

/// One `-r` or `-c` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Include {
    /// The directive.
    pub kind: IncludeKind,
    /// The included file, resolved against the including file's directory, `/`-separated and
    /// normalised (`a/b/../c` is `a/c`); a URL is kept as written.
    pub path: String,
    /// The path exactly as written after the option.
    pub written: String,
    /// The 1-based line of the directive.
    pub line: u32,
    /// The 1-based column of the path in that line (in characters).
    pub column: u32,
}

/// The options pip reads on one requirement line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineOptions {
    /// Index of the requirement in `record.requirements`.
    pub requirement: usize,
    /// The 1-based line of the requirement.
    pub line: u32,
    /// Whether the requirement came from `-e` / `--editable`.
    pub editable: bool,
    /// `--hash` values as `algorithm:digest`, in the order written (none for editables: pip
    /// ignores them there).
    pub hashes: Vec<String>,
    /// Every other option on the line, as `--name=value` (or `--name`); pip uses only
    /// `--config-settings` and ignores the rest.
    pub other: Vec<String>,
}

/// One global option (`--index-url`, `--pre`, ...) from a line with no requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalOption {
    /// The long option name, e.g. `--index-url` (`-i` and `--pypi-url` are `--index-url`).
    pub name: String,
    /// Its value, empty for flags.
    pub value: String,
    /// The 1-based line.
    pub line: u32,
}

/// A line's item, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// `record.requirements[i]` (and `options[i]`).
    Requirement(usize),
    /// `includes[i]`.
    Include(usize),
}

/// One requirements file, read alone (includes are listed, not followed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RequirementsFile {
    /// Format `requirements-txt`; requirements in `record.requirements` with kind `run`
    /// (or `constraint` when read as a constraints file). Unnamed requirements (a path or URL
    /// with no name pip could know without fetching it) have an empty `name` and a `url`.
    pub record: Record,
    /// Per-requirement options, parallel to `record.requirements`.
    pub options: Vec<LineOptions>,
    /// Global options, in file order.
    pub global: Vec<GlobalOption>,
    /// `-r` and `-c` lines, in file order.
    pub includes: Vec<Include>,
    /// Requirements and includes interleaved in file order.
    pub items: Vec<Item>,
    /// Every bad line (the first is also `record.error`).
    pub errors: Vec<ErrorInfo>,
    /// The offending physical line for each of `errors`.
    pub error_lines: Vec<String>,
}

/// Physical lines joined and read as one job: enough to outweigh handing it to a thread.
const RUN_LINES: usize = 512;

/// Runs read before their results are added: enough to share among threads, few enough that
/// the lines' results stay in cache.
const RUNS_AT_ONCE: usize = 8;

/// What one logical line adds to a file.
enum LineOutcome<'a> {
    /// A syntax error, its span in the file.
    Fault(Fault),
    /// `-r` / `-c`.
    Include(Include),
    /// Options that apply to the whole file.
    Globals(Vec<GlobalOption>),
    /// A requirement and its options (`requirement` is set when it is added).
    Requirement(Requirement, LineOptions),
    /// A line that may hold a variable, to expand and read on the caller's thread.
    Unexpanded(Mapped<'a>),
}

/// `fault`, at byte `at` on of `logical`'s text, as a span of the file.
fn in_file(logical: &Mapped<'_>, fault: Fault, at: usize) -> Fault {
    let start = logical.at(at + fault.span.start);
    let end = logical.at(at + fault.span.end).max(start);
    Fault::new(start..end, fault.message)
}

/// Reads one logical line; pure, so lines can be read on any thread.
///
/// `logical_line = include | global_option+ | (requirement | editable) [' ' line_option+]`,
/// where `include = ('-r' | '-c') path` and the options start at the first ` -` token.
fn read_logical_line<'a>(
    logical: &Mapped<'_>,
    path: &str,
    text: &str,
    lines: &Lines,
    kind: &RequirementKind,
) -> LineOutcome<'a> {
    let line = logical.line;
    let (args, options, options_at) = match options_start(&logical.text) {
        Some(at) => (
            logical.text.get(..at.saturating_sub(1)).unwrap_or(""),
            logical.text.get(at..).unwrap_or(""),
            at,
        ),
        None => (&*logical.text, "", logical.text.len()),
    };
    let opts = match parse_options(options) {
        Ok(opts) => opts,
        Err(fault) => return LineOutcome::Fault(in_file(logical, fault, options_at)),
    };
    let editable = opts.first(Dest::Editable);
    if args.is_empty() && editable.is_none() {
        let include = opts
            .first(Dest::Requirement)
            .map(|v| (IncludeKind::Requirements, v))
            .or_else(|| {
                opts.first(Dest::Constraint)
                    .map(|v| (IncludeKind::Constraints, v))
            });
        if let Some((kind, (written, at))) = include {
            let (_, column, _) = lines.position(text, logical.at(options_at + at));
            return LineOutcome::Include(Include {
                kind,
                path: resolve_include(path, written),
                written: written.to_owned(),
                line,
                column,
            });
        }
        let globals = opts
            .values
            .iter()
            .filter(|(dest, ..)| matches!(dest, Dest::Global | Dest::Binary | Dest::Feature))
            .map(|(_, name, value, _)| GlobalOption {
                name: (*name).to_owned(),
                value: value.clone(),
                line,
            })
            .collect();
        return LineOutcome::Globals(globals);
    }
    let result = match (args.is_empty(), editable) {
        (true, Some((value, at))) => {
            requirement_from_editable(value, kind, line).map_err(|m| Fault::at(options_at + at, m))
        }
        (false, Some(_)) => {
            requirement_from_editable(args, kind, line).map_err(|m| Fault::at(0, m))
        }
        _ => requirement_from_line(args, kind, line),
    };
    let mut requirement = match result {
        Ok(requirement) => requirement,
        Err(fault) => return LineOutcome::Fault(in_file(logical, fault, 0)),
    };
    let trimmed = requirement.raw.trim_matches(py_space);
    if trimmed.len() != requirement.raw.len() {
        requirement.raw = trimmed.to_owned();
    }
    let mut line_options = LineOptions {
        requirement: 0,
        line,
        editable: editable.is_some(),
        ..LineOptions::default()
    };
    for (dest, name, value, _) in &opts.values {
        match dest {
            Dest::Editable => {}
            Dest::Hash if editable.is_none() => line_options.hashes.push(value.clone()),
            _ if value.is_empty() => line_options.other.push((*name).to_owned()),
            _ => line_options.other.push(format!("{name}={value}")),
        }
    }
    LineOutcome::Requirement(requirement, line_options)
}

/// `outcome` of a line read after `${VAR}` expansion (`expanded`, cut into `pieces`) with no
/// value shown: a requirement's `raw` as the file says it, each value in its `url` as `****`,
/// a fault's message with the values as `****`.
fn hide_expansions<'a>(
    outcome: LineOutcome<'a>,
    pieces: &[Piece],
    expanded: &str,
) -> LineOutcome<'a> {
    if !pieces.iter().any(|p| matches!(p, Piece::Expanded { .. })) {
        return outcome;
    }
    match outcome {
        LineOutcome::Requirement(mut requirement, options) => {
            requirement.raw = unexpand(pieces, expanded, &requirement.raw, |var, _| var.to_owned())
                .unwrap_or_else(|| hide_values(pieces, &requirement.raw));
            if let Some(url) = &mut requirement.url {
                *url = unexpand(pieces, expanded, url, |_, _| "****".to_owned())
                    .unwrap_or_else(|| hide_values(pieces, url));
            }
            LineOutcome::Requirement(requirement, options)
        }
        LineOutcome::Fault(fault) => LineOutcome::Fault(Fault::new(
            fault.span.clone(),
            hide_values(pieces, &fault.message),
        )),
        outcome => outcome,
    }
}

/// The text of a requirements file as pip 25.3's `_decode_req_file` gets it: a byte-order
/// mark says the codec (UTF-8, UTF-32, UTF-16, and is dropped); else a `coding[:=] name`
/// (PEP 263's pattern) in a `#` line among the first two names it; else UTF-8 (pip's fallback
/// to the locale's encoding is UTF-8 on the systems pkglens runs on, and the same error).
fn decode_as_pip(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, DecodeError> {
    const BOMS: [(&[u8], &str); 5] = [
        (b"\xEF\xBB\xBF", "utf_8"),
        (b"\xFF\xFE\x00\x00", "utf_32"),
        (b"\x00\x00\xFE\xFF", "utf_32_be"),
        (b"\xFF\xFE", "utf_16"),
        (b"\xFE\xFF", "utf_16_be"),
    ];
    for (bom, codec) in BOMS {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let codec = Codec::lookup(codec).unwrap_or(Codec::UTF8);
            return codec.decode(rest).map_err(|e| DecodeError {
                offset: e.offset + bom.len(),
                ..e
            });
        }
    }
    let codec = match pip_cookie(bytes) {
        Some(name) => Codec::lookup(name).ok_or_else(|| DecodeError {
            message: format!("expected an encoding pkglens knows ({KNOWN}), found '{name}'"),
            offset: 0,
        })?,
        None => Codec::UTF8,
    };
    codec.decode(bytes)
}

/// The codec a `# ... coding: name` line among the first two names, as pip's
/// `PEP263_ENCODING_RE` (`coding[:=]\s*([-\w.]+)`, ASCII) finds it.
fn pip_cookie(bytes: &[u8]) -> Option<&str> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        if line.first() != Some(&b'#') {
            continue;
        }
        let found = line.windows(7).enumerate().find_map(|(at, w)| {
            if !(w.starts_with(b"coding") && matches!(w[6], b':' | b'=')) {
                return None;
            }
            let rest = &line[at + 7..];
            let rest = &rest[rest
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
                .unwrap_or(rest.len())..];
            let len = rest
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
                .unwrap_or(rest.len());
            (len > 0)
                .then(|| std::str::from_utf8(&rest[..len]).ok())
                .flatten()
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Reads one requirements file; includes are listed in [`RequirementsFile::includes`], not
/// followed. `env` supplies environment variables for `${VAR}`. A constraints file (`-c`,
/// `constraint` true) gives requirements of kind [`RequirementKind::Constraint`].
///
/// `file = [bom] (logical_line | comment | blank)*`
pub(crate) fn parse_requirements_txt_as(
    path: &str,
    bytes: &[u8],
    env: &dyn Fn(&str) -> Option<String>,
    constraint: bool,
) -> Result<RequirementsFile, ParseError> {
    let format = Some(Format::RequirementsTxt);
    let text = decode_as_pip(bytes).map_err(|fault| {
        let offset = fault.offset;
        let valid = bytes
            .get(..offset)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
        let valid_lines = Lines::new(valid);
        let (line, column) = if valid.is_empty() || valid.ends_with(is_line_break) {
            (to_u32(valid_lines.spans.len() + 1), 1)
        } else {
            let (line, column, _) = valid_lines.position(valid, valid.len());
            (line, column)
        };
        let mut err = ParseError::whole(path, format, ErrorKind::Encoding, fault.message);
        err.info.line = line;
        err.info.column = column;
        err
    })?;
    let text: &str = &text;
    let kind = if constraint {
        RequirementKind::Constraint
    } else {
        RequirementKind::Run
    };
    let lines = Lines::new(text);
    // Most lines are requirements: size the lists once.
    let mut record = Record::new(path, Format::RequirementsTxt);
    record.requirements.reserve_exact(lines.spans.len());
    let mut file = RequirementsFile {
        record,
        options: Vec::with_capacity(lines.spans.len()),
        global: Vec::new(),
        includes: Vec::new(),
        items: Vec::with_capacity(lines.spans.len()),
        errors: Vec::new(),
        error_lines: Vec::new(),
    };
    let fault = |file: &mut RequirementsFile, message: String, at: usize| {
        let (line, column, source) = lines.position(text, at);
        let info = ErrorInfo {
            kind: ErrorKind::Syntax,
            message,
            line,
            column,
        };
        if file.record.error.is_none() {
            file.record.status = Status::Error;
            file.record.error = Some(info.clone());
        }
        file.errors.push(info);
        file.error_lines.push(redact_in_text(source).into_owned());
    };

    // Runs of physical lines are joined and read on a pool, a few at a time and in order, so a
    // large file uses every core with bounded memory. Variables are expanded on this thread
    // (`env` need not be shareable); lines that may hold one come back unread.
    let runs = runs(text, &lines.spans, RUN_LINES);
    for group in runs.chunks(RUNS_AT_ONCE) {
        let read = crate::parallel::map_in_pool(group, 1, |&(first, end)| {
            let spans = lines.spans.get(first..end).unwrap_or_default();
            let mut read = Vec::with_capacity(spans.len());
            read.extend(LogicalLines::new(text, spans, first).map(|logical| {
                match may_expand(&logical) {
                    true => LineOutcome::Unexpanded(logical),
                    false => read_logical_line(&logical, path, text, &lines, &kind),
                }
            }));
            read
        });
        for outcome in read.into_iter().flatten() {
            let outcome = match outcome {
                LineOutcome::Unexpanded(logical) => {
                    let pieces = redact::pieces(&logical.text, env);
                    let logical = expand_env(logical, env);
                    let outcome = read_logical_line(&logical, path, text, &lines, &kind);
                    hide_expansions(outcome, &pieces, &logical.text)
                }
                outcome => outcome,
            };
            match outcome {
                LineOutcome::Fault(Fault { message, span }) => {
                    fault(&mut file, redact_in_text(&message).into_owned(), span.start)
                }
                LineOutcome::Include(include) => {
                    file.items.push(Item::Include(file.includes.len()));
                    file.includes.push(include);
                }
                LineOutcome::Globals(globals) => file.global.extend(globals),
                LineOutcome::Requirement(mut requirement, mut line_options) => {
                    redact_requirement(&mut requirement);
                    line_options.requirement = file.record.requirements.len();
                    file.items
                        .push(Item::Requirement(file.record.requirements.len()));
                    file.record.requirements.push(requirement);
                    file.options.push(line_options);
                }
                LineOutcome::Unexpanded(_) => {}
            }
        }
    }
    Ok(file)
}
