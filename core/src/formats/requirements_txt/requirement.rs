//! A requirement line: pip's `parse_req_from_line` and `parse_editable`, without the file
//! system (PEP 508, URLs, local archives and paths, `-e` targets).

use std::borrow::Cow;

use super::lines::py_space;
use crate::text::Fault;
use crate::versions::pep508::parse_requirement;
use crate::{Requirement, RequirementKind};

const VCS_SCHEMES: &[&str] = &[
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
    "bzr+file",
    "git+http",
    "git+https",
    "git+ssh",
    "git+git",
    "git+file",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn+ssh",
    "svn+http",
    "svn+https",
    "svn+svn",
    "svn+file",
];

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip",
    ".whl",
    ".tar.bz2",
    ".tbz",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
];

/// The scheme `urllib.parse.urlsplit` finds, lower-cased.
///
/// `url = scheme ':' any*`, `scheme = alpha (alnum | '+' | '-' | '.')*`
fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// pip's `is_url`.
pub(super) fn is_url(name: &str) -> bool {
    url_scheme(name).is_some_and(|s| {
        matches!(s.as_str(), "http" | "https" | "file" | "ftp") || VCS_SCHEMES.contains(&s.as_str())
    })
}

/// pip's `_looks_like_path` (POSIX separators).
fn looks_like_path(name: &str) -> bool {
    name.contains('/') || name.starts_with('.')
}

/// Whether a path that is not PEP 508 may be taken for a local directory. pip takes it only
/// when the directory exists; this module cannot look, so it refuses only what no project
/// folder is named like: a `:` past a drive letter, the shape of a password file's lines
/// (`root:x:0:0:root:/root:/bin/bash`, `root:$6$salt$hash:19000:...`), which pip rejects as
/// invalid requirements.
fn may_be_directory(path: &str) -> bool {
    let after_drive = match path.as_bytes() {
        [letter, b':', ..] if letter.is_ascii_alphabetic() => &path[2..],
        _ => path,
    };
    !after_drive.contains(':')
}

/// pip's `splitext`: the extension, with `.tar` kept in front of a compression suffix.
fn pip_ext(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    let Some(dot) = base
        .rfind('.')
        .filter(|&d| d > base.len() - base.trim_start_matches('.').len())
    else {
        return "";
    };
    let stem = base.get(..dot).unwrap_or("").as_bytes();
    let ext_start = if stem.len() >= 4 && stem[stem.len() - 4..].eq_ignore_ascii_case(b".tar") {
        dot - 4
    } else {
        dot
    };
    base.get(ext_start..).unwrap_or("")
}

fn is_archive(name: &str) -> bool {
    // The extension ends the name: most names end in no archive's extension at all.
    let ends_in = |archive: &&str| {
        name.len() >= archive.len()
            && name.as_bytes()[name.len() - archive.len()..]
                .eq_ignore_ascii_case(archive.as_bytes())
    };
    if !ARCHIVE_EXTENSIONS.iter().any(ends_in) {
        return false;
    }
    let ext = pip_ext(name);
    ARCHIVE_EXTENSIONS
        .iter()
        .any(|archive| archive.eq_ignore_ascii_case(ext))
}

/// pip's `_strip_extras`: `path[extras]` as (`path`, `[extras]`).
///
/// `path_with_extras = path space* ['[' extras ']']`
fn strip_extras(path: &str) -> (&str, Option<&str>) {
    if path.ends_with(']') {
        if let Some(open) = path.rfind('[') {
            let inner = path.get(open + 1..path.len() - 1).unwrap_or("");
            if open > 0 && !inner.is_empty() && !inner.contains(']') {
                let head = path.get(..open).unwrap_or("");
                return (head.trim_end_matches(py_space), path.get(open..));
            }
        }
    }
    (path, None)
}

/// The `#egg=` (or `&egg=`) fragment of a URL.
///
/// `egg = ('#' | '&') 'egg=' name ['&' any*]`
fn egg_fragment(url: &str) -> Option<&str> {
    let at = url
        .match_indices("egg=")
        .find(|(i, _)| matches!(url.as_bytes().get(i.wrapping_sub(1)), Some(b'#' | b'&')))?
        .0;
    let rest = url.get(at + 4..)?;
    Some(rest.split('&').next().unwrap_or(rest))
}

/// The file name of a URL's or path's last segment, percent-decoded.
pub(crate) fn url_filename(url: &str) -> String {
    let no_fragment = url.split('#').next().unwrap_or(url);
    let no_query = no_fragment.split('?').next().unwrap_or(no_fragment);
    let path = match no_query.split_once("://") {
        Some((_, rest)) => rest.find('/').and_then(|i| rest.get(i..)).unwrap_or(""),
        None => no_query,
    };
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    percent_decode(name)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(value) = hex {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// packaging's `parse_wheel_filename`, as the requirement `name==version`.
///
/// `wheel = name '-' version ['-' build] '-' python '-' abi '-' platform '.whl'`
fn wheel_requirement(filename: &str) -> Result<String, String> {
    let invalid = |why: &str| format!("invalid wheel filename ({why}): '{filename}'");
    let stem = filename
        .strip_suffix(".whl")
        .ok_or_else(|| invalid("extension must be '.whl'"))?;
    let dashes = stem.matches('-').count();
    if dashes != 4 && dashes != 5 {
        return Err(invalid("wrong number of parts"));
    }
    let mut parts = stem.splitn(dashes - 1, '-');
    let name = parts.next().unwrap_or("");
    let version = parts.next().unwrap_or("");
    if name.contains("__")
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return Err(invalid("invalid project name"));
    }
    if dashes == 5 {
        let build = parts.next().unwrap_or("");
        if !build.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(invalid("invalid build number"));
        }
    }
    Ok(format!("{name}=={version}"))
}

/// The project name of an sdist file name (`name-version.tar.gz`), if it has one.
///
/// `sdist = name '-' digit version_rest archive_extension`
fn sdist_name(filename: &str) -> Option<&str> {
    let ext = pip_ext(filename);
    let stem = filename.get(..filename.len().checked_sub(ext.len())?)?;
    let (name, version) = stem.rsplit_once('-')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && version.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(name)
}

/// [`parse_requirement`], its fault's span in `text`.
fn pep508(text: &str, kind: &RequirementKind, line: u32) -> Result<Requirement, Fault> {
    parse_requirement(text, kind.clone(), line)
        .map_err(|e| Fault::new(e.span, format!("invalid requirement: {}", e.message)))
}

/// A marker, checked and normalised; `offset` is where `marker` starts.
fn parse_marker(marker: &str, offset: usize) -> Result<Option<String>, Fault> {
    if marker.is_empty() {
        return Ok(None);
    }
    let probe = format!("x ; {marker}");
    parse_requirement(&probe, RequirementKind::Run, 0)
        .map(|r| r.marker)
        .map_err(|e| {
            let at = |i: usize| offset + i.saturating_sub(4);
            Fault::new(
                at(e.span.start)..at(e.span.end),
                format!("invalid marker: {}", e.message),
            )
        })
}

/// pip's `convert_extras`.
fn convert_extras(extras: Option<&str>) -> Result<Vec<String>, String> {
    let Some(extras) = extras else {
        return Ok(Vec::new());
    };
    parse_requirement(
        &format!("placeholder{}", extras.to_lowercase()),
        RequirementKind::Run,
        0,
    )
    .map(|r| r.extras)
    .map_err(|e| format!("invalid extras {extras}: {}", e.message))
}

fn unnamed(raw: &str, url: &str, kind: &RequirementKind, line: u32) -> Requirement {
    Requirement {
        raw: raw.to_owned(),
        name: String::new(),
        spec: String::new(),
        extras: Vec::new(),
        marker: None,
        url: Some(url.to_owned()),
        kind: kind.clone(),
        line,
    }
}

/// A requirement named by a wheel file name, an `#egg=` fragment or an sdist file name.
fn named_by_file(
    raw: &str,
    url: &str,
    filename: &str,
    egg: Option<&str>,
    kind: &RequirementKind,
    line: u32,
) -> Result<Requirement, String> {
    let mut req = if pip_ext(filename) == ".whl" {
        let text = wheel_requirement(filename)?;
        pep508(&text, kind, line).map_err(|_| format!("invalid wheel filename: '{filename}'"))?
    } else if let Some(egg) = egg {
        pep508(egg, kind, line).map_err(|f| f.message)?
    } else if let Some(name) = sdist_name(filename) {
        let mut req = unnamed(raw, url, kind, line);
        name.clone_into(&mut req.name);
        req
    } else {
        unnamed(raw, url, kind, line)
    };
    raw.clone_into(&mut req.raw);
    req.url = Some(url.to_owned());
    req.marker = None;
    Ok(req)
}

/// One non-editable requirement line (pip's `parse_req_from_line`).
///
/// `requirement = (pep508 | archive_path [extras] | url | path) [';' marker]`, a URL's marker
/// after `'; '` only
pub(super) fn requirement_from_line(
    args: &str,
    kind: &RequirementKind,
    line: u32,
) -> Result<Requirement, Fault> {
    let url_like = is_url(args);
    let separator = if url_like { "; " } else { ";" };
    let found = if url_like {
        args.find(separator)
    } else {
        args.find(';')
    };
    let (name_part, marker) = match found {
        Some(i) => {
            let after = args.get(i + separator.len()..).unwrap_or("");
            let lead = after.len() - after.trim_start_matches(py_space).len();
            (
                args.get(..i).unwrap_or(""),
                Some((after.trim_matches(py_space), i + separator.len() + lead)),
            )
        }
        None => (args, None),
    };
    let marker_text = marker.map_or("", |(m, _)| m);
    let marker_offset = marker.map_or(args.len(), |(_, o)| o);
    let lead = name_part.len() - name_part.trim_start_matches(py_space).len();
    let name = name_part.trim_matches(py_space);

    let by_file = |url: &str, filename: &str, egg: Option<&str>, extras: Option<&str>| {
        let mut req =
            named_by_file(args, url, filename, egg, kind, line).map_err(|m| Fault::at(lead, m))?;
        let extras = convert_extras(extras).map_err(|m| Fault::at(lead, m))?;
        if !extras.is_empty() {
            req.extras = extras;
        }
        req.marker = parse_marker(marker_text, marker_offset)?;
        Ok(req)
    };

    if url_like {
        return by_file(name, &url_filename(name), egg_fragment(name), None);
    }
    let (path, extras) = strip_extras(name);
    if is_archive(path) {
        let pep508_like = name
            .split_once('@')
            .is_some_and(|(before, _)| !looks_like_path(before));
        if !pep508_like {
            let filename = path.rsplit('/').next().unwrap_or(path);
            return by_file(path, filename, None, extras);
        }
    }
    let combined = if marker_text.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned([name, " ; ", marker_text].concat())
    };
    match pep508(&combined, kind, line) {
        Ok(mut req) => {
            args.clone_into(&mut req.raw);
            Ok(req)
        }
        Err(_) if looks_like_path(name) && may_be_directory(path) => {
            let mut req = unnamed(args, path, kind, line);
            req.extras = convert_extras(extras).map_err(|m| Fault::at(lead, m))?;
            req.marker = parse_marker(marker_text, marker_offset)?;
            Ok(req)
        }
        Err(fault) => {
            // The name part was read as written; the marker after `" ; "` comes from
            // `marker_offset` on.
            let at = |i: usize| {
                if i <= name.len() {
                    lead + i
                } else {
                    marker_offset + i.saturating_sub(name.len() + 3)
                }
            };
            let start = at(fault.span.start);
            Err(Fault::new(
                start..at(fault.span.end).max(start),
                fault.message,
            ))
        }
    }
}

/// One `-e` requirement (pip's `parse_editable`).
///
/// `editable = name [extras] '@' vcs_url [';' marker] | ('file:' | vcs_scheme ':') url
/// ['#egg=' name] | local_dir [extras]`
pub(super) fn requirement_from_editable(
    text: &str,
    kind: &RequirementKind,
    line: u32,
) -> Result<Requirement, String> {
    let not_editable = || {
        format!(
            "{text} is not a valid editable requirement. it should either be a path to a local \
             project or a vcs url (beginning with {})",
            VCS_SCHEMES.join(", ")
        )
    };
    let acceptable = |url: &str| {
        url.starts_with("file:")
            || url_scheme(url).is_some_and(|s| VCS_SCHEMES.contains(&s.as_str()))
    };
    // `name[extras] @ url ; marker`.
    if let Ok(mut req) = parse_requirement(text, kind.clone(), line) {
        if let Some(url) = req.url.clone() {
            if !acceptable(&url) {
                return Err(not_editable());
            }
            text.clone_into(&mut req.raw);
            return Ok(req);
        }
    }
    let (path, extras) = strip_extras(text);
    let lower = path.to_ascii_lowercase();
    let vcs_prefix = ["bzr", "git", "hg", "svn"]
        .into_iter()
        .find(|v| text.to_ascii_lowercase().starts_with(&format!("{v}:")));
    let (url, egg, extras) = if lower.starts_with("file:") {
        (path.to_owned(), egg_fragment(path), extras)
    } else if let Some(vcs) = vcs_prefix {
        (format!("{vcs}+{text}"), egg_fragment(text), None)
    } else if url_scheme(text).is_some_and(|s| s.len() > 1) {
        (text.to_owned(), egg_fragment(text), None)
    } else {
        // A local directory: pip checks that it exists; this module cannot.
        let mut req = unnamed(text, path, kind, line);
        req.extras = convert_extras(extras)?;
        return Ok(req);
    };
    if !acceptable(&url) {
        return Err(not_editable());
    }
    let mut req = match egg {
        Some(egg) => pep508(egg, kind, line).map_err(|f| f.message)?,
        None if url.starts_with("file:") => unnamed(text, &url, kind, line),
        None => {
            return Err(format!(
                "could not detect requirement name for '{text}', please specify one with \
                 your_package_name @ url"
            ))
        }
    };
    let extras = convert_extras(extras)?;
    if !extras.is_empty() {
        req.extras = extras;
    }
    text.clone_into(&mut req.raw);
    req.url = Some(url);
    Ok(req)
}
