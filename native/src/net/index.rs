//! A package index (the "simple" repository API): a project's page, as PEP 691 JSON or PEP 503
//! HTML, its files, and the file pip would pick for a requirement on a target, read fewest
//! bytes first: the PEP 658/714 metadata file when the index offers one, else the wheel's
//! ranges ([`super::remote_wheel`]), else (no wheel at all) the sdist's `PKG-INFO`, marked
//! `dynamic` where PEP 643 says its requirements are not reliable.

use super::auth;
use super::cache::Cache;
use super::http::{status_error, Client, NetError};
use super::remote_wheel::{self, hex, Target};
use crate::read::Parsed;
use pkglens_core::{normalize_name, parse_sdist, parse_version, parse_wheel_filename};
use pkglens_core::{parse_index_html, parse_index_json, IndexPage};
use pkglens_core::{wheel_tag_rank, ErrorKind, Format, ParseError, Pep440Version, Record};
use pkglens_core::{Specifiers, TargetEnvironment};
use sha2::{Digest, Sha256};

/// The largest index page read.
const MAX_PAGE: u64 = 64 << 20;

/// The largest sdist downloaded to read its `PKG-INFO`.
const MAX_SDIST: u64 = 256 << 20;

/// What pip sends: JSON preferred, HTML accepted.
const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

/// One file of a project's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// The file name (the URL's last segment, decoded).
    pub filename: String,
    /// The absolute URL, without its fragment.
    pub url: String,
    /// Its SHA-256, when the page gives one.
    pub sha256: Option<String>,
    /// `Requires-Python` (PEP 503's `data-requires-python`).
    pub requires_python: Option<String>,
    /// Yanked (PEP 592).
    pub yanked: bool,
    /// A PEP 658 metadata file is served at `url + ".metadata"`: its SHA-256 if given.
    pub metadata: Option<Option<String>>,
}

/// The index page of `name` under `index`: its files, or why it could not be read (a 404 is
/// "no such project").
pub fn project_files(
    client: &Client,
    cache: &Cache,
    index: &str,
    name: &str,
) -> Result<Vec<IndexFile>, NetError> {
    let base = if index.ends_with('/') {
        index.to_owned()
    } else {
        format!("{index}/")
    };
    let url = format!("{base}{}/", normalize_name(name));
    let page = cache.page(client, &url, ACCEPT, MAX_PAGE)?;
    match page.status {
        200..=299 => {}
        404 => {
            return Err(NetError::fatal(format!(
                "no project named {name} on {}",
                auth::redact(&base)
            )))
        }
        status => return Err(status_error(status)),
    }
    let json = page
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("json"));
    let text = String::from_utf8_lossy(&page.body);
    if json {
        parse_json(&page.url, &text).map_err(NetError::fatal)
    } else {
        Ok(parse_html(&page.url, &text))
    }
}

/// The files of a PEP 691 JSON page, their links resolved against `page_url`.
pub fn parse_json(page_url: &str, text: &str) -> Result<Vec<IndexFile>, String> {
    Ok(files_of(page_url, parse_index_json(text)?))
}

/// The files of a PEP 503 HTML page, their links resolved against its `<base href>`, else
/// against `page_url`.
pub fn parse_html(page_url: &str, text: &str) -> Vec<IndexFile> {
    files_of(page_url, parse_index_html(text))
}

/// A page's links (core reads the page) as files: absolute URLs without their fragment, a
/// `#sha256=` fragment as the hash when the page gives none, links to other schemes dropped.
fn files_of(page_url: &str, page: IndexPage) -> Vec<IndexFile> {
    let base = page
        .base
        .and_then(|base| auth::join(page_url, &base))
        .unwrap_or_else(|| page_url.to_owned());
    page.links
        .into_iter()
        .filter_map(|link| {
            let absolute = auth::join(&base, &link.href)?;
            let (url, fragment) = auth::split_fragment(&absolute);
            Some(IndexFile {
                filename: link.filename.unwrap_or_else(|| last_segment(url)),
                url: url.to_owned(),
                sha256: link
                    .sha256
                    .or_else(|| fragment.and_then(remote_wheel::sha256_of_fragment)),
                requires_python: link.requires_python,
                yanked: link.yanked,
                metadata: link.metadata,
            })
        })
        .collect()
}

/// The last path segment of a URL, percent-decoded.
fn last_segment(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let segment = path.rsplit('/').next().unwrap_or(path);
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// A file that could be installed, with what pip sorts candidates by.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The file.
    pub file: IndexFile,
    /// Its version.
    pub version: Pep440Version,
    /// A wheel's tag rank ([`wheel_tag_rank`]); `None` for an sdist.
    pub tag_rank: Option<(u32, u32)>,
    /// A wheel's build tag, as a number and its text (pip sorts by them).
    build: (u64, String),
}

/// The name and version of an sdist file name (`{name}-{version}.tar.gz` or `.zip`), the name
/// matched against the project's normalised name as pip does.
fn sdist_version(filename: &str, project: &str) -> Option<String> {
    let lower = filename.to_ascii_lowercase();
    let stem_len = [".tar.gz", ".zip"]
        .iter()
        .find_map(|ext| lower.strip_suffix(ext).map(str::len))?;
    let stem = &filename[..stem_len];
    stem.match_indices('-').find_map(|(i, _)| {
        (normalize_name(&stem[..i]) == project).then(|| stem[i + 1..].to_owned())
    })
}

/// The candidates of `files` for a project on the target: wheels whose tags it supports and
/// sdists, of a valid version, whose `Requires-Python` it meets.
pub fn candidates(
    files: &[IndexFile],
    project: &str,
    target: &TargetEnvironment,
) -> Vec<Candidate> {
    let project = normalize_name(project);
    let python = target_python(target);
    files
        .iter()
        .filter_map(|file| {
            if let Some(spec) = &file.requires_python {
                // pip skips a file whose Requires-Python is not valid (with a warning).
                let spec = Specifiers::parse(spec)?;
                if !spec.contains(&python).unwrap_or(false) {
                    return None;
                }
            }
            let (version, tag_rank, build) = if file.filename.ends_with(".whl") {
                let name = parse_wheel_filename(&file.filename).ok()?;
                if normalize_name(&name.name) != project {
                    return None;
                }
                let rank = wheel_tag_rank(
                    target,
                    &name.python_tags,
                    &name.abi_tags,
                    &name.platform_tags,
                )?;
                let build = name.build.map_or((0, String::new()), |b| {
                    let digits: String = b.chars().take_while(char::is_ascii_digit).collect();
                    (digits.parse().unwrap_or(0), b[digits.len()..].to_owned())
                });
                (name.version, Some(rank), build)
            } else {
                (
                    sdist_version(&file.filename, &project)?,
                    None,
                    (0, String::new()),
                )
            };
            Some(Candidate {
                version: parse_version(&version)?,
                file: file.clone(),
                tag_rank,
                build,
            })
        })
        .collect()
}

/// The Python version `Requires-Python` is tested against: the target's, as pip's
/// `--python-version` gives it.
fn target_python(target: &TargetEnvironment) -> String {
    target.python.clone()
}

/// The candidate pip would install for `spec`: versions in the set (pre-releases only when the
/// set names one or nothing else matches, as `packaging`'s `filter` decides), then pip's sort:
/// not yanked first, then the newest version, then the best wheel tag (an sdist after every
/// wheel), then the highest build tag.
pub fn best<'c>(candidates: &'c [Candidate], spec: &str) -> Option<&'c Candidate> {
    let specifiers = Specifiers::parse(spec)?;
    let matching: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| specifiers.contains_version(&c.version))
        .collect();
    let allow_pre = names_prerelease(spec) || matching.iter().all(|c| c.version.is_prerelease());
    matching
        .into_iter()
        .filter(|c| allow_pre || !c.version.is_prerelease())
        .max_by(|a, b| sort_key(a).cmp(&sort_key(b)))
}

/// What pip sorts candidates by: not yanked, version, wheel tag (reversed rank), build tag.
type SortKey<'c> = (
    bool,
    &'c Pep440Version,
    std::cmp::Reverse<(u32, u32)>,
    &'c (u64, String),
);

/// pip's `CandidateEvaluator._sort_key`, larger is better.
fn sort_key(c: &Candidate) -> SortKey<'_> {
    (
        !c.file.yanked,
        &c.version,
        std::cmp::Reverse(c.tag_rank.unwrap_or((u32::MAX, u32::MAX))),
        &c.build,
    )
}

/// Whether a specifier set names a pre-release (`>=2.0b1`): then pre-releases are allowed, as
/// `SpecifierSet.prereleases` says.
fn names_prerelease(spec: &str) -> bool {
    spec.split(',').any(|clause| {
        let clause = clause.trim();
        if clause.starts_with("!=") {
            return false;
        }
        let version = clause.trim_start_matches(['=', '<', '>', '~', '!']).trim();
        let version = version.strip_suffix(".*").unwrap_or(version);
        parse_version(version).is_some_and(|v| v.is_prerelease())
    })
}

/// The record of the chosen file: the PEP 658 metadata file when offered (a wheel's or an
/// sdist's), else the wheel by ranges, else the sdist's `PKG-INFO`.
pub fn read_candidate(client: &Client, candidate: &Candidate) -> Parsed {
    let file = &candidate.file;
    let shown = auth::redact(&file.url).into_owned();
    if let (None, Some(hash)) = (candidate.tag_rank, &file.metadata) {
        let url = format!("{}.metadata", file.url);
        let target = Target {
            url: &url,
            shown: shown.clone(),
            sha256: hash.clone(),
        };
        match remote_wheel::fetch_metadata(client, &target) {
            Ok(bytes) => return remote_wheel::parse_sdist_metadata(&target, &bytes),
            // A metadata file the index offers but does not serve: the sdist instead.
            Err(err) if err.status.is_some_and(|s| (400..500).contains(&s)) => {}
            // A wrong hash, or the network: said, not worked around.
            Err(err) => {
                let error =
                    ParseError::whole(&shown, Some(Format::Sdist), ErrorKind::Io, err.message);
                return (Record::from_error(&error), Some(error));
            }
        }
    }
    if candidate.tag_rank.is_none() {
        return read_sdist(client, file, &shown);
    }
    if let Some(hash) = &file.metadata {
        let url = format!("{}.metadata", file.url);
        let target = Target {
            url: &url,
            shown: shown.clone(),
            sha256: hash.clone(),
        };
        match remote_wheel::fetch_metadata(client, &target) {
            Ok(bytes) => return remote_wheel::parse_metadata(&target, &file.filename, &bytes),
            // A metadata file the index offers but does not serve: read the wheel instead.
            Err(err) if err.status.is_some_and(|s| (400..500).contains(&s)) => {}
            // A wrong hash, or the network: said, not worked around.
            Err(err) => {
                let error =
                    ParseError::whole(&shown, Some(Format::Wheel), ErrorKind::Io, err.message);
                return (Record::from_error(&error), Some(error));
            }
        }
    }
    let target = Target {
        url: &file.url,
        shown,
        sha256: file.sha256.clone(),
    };
    remote_wheel::read(client, &target)
}

/// An sdist downloaded whole (it cannot be read by ranges: a compressed tar), its hash
/// checked, its `PKG-INFO` read; marked `dynamic` per PEP 643: all of it before metadata 2.2,
/// else the fields it declares `Dynamic`.
fn read_sdist(client: &Client, file: &IndexFile, shown: &str) -> Parsed {
    let failed = |message: String| {
        let err = ParseError::whole(shown, Some(Format::Sdist), ErrorKind::Io, message);
        (Record::from_error(&err), Some(err))
    };
    let fetched = match client.get(&file.url, &[], MAX_SDIST) {
        Ok(f) if (200..300).contains(&f.status) => f,
        Ok(f) => return failed(status_error(f.status).message),
        Err(err) => return failed(err.message),
    };
    if let Some(want) = &file.sha256 {
        let got = hex(&Sha256::digest(&fetched.body));
        if &got != want {
            return failed(format!(
                "sha256 mismatch: expected {want}, the server sent {got}"
            ));
        }
    }
    let mut record = match parse_sdist(shown, &fetched.body) {
        Ok(record) => record,
        Err(err) => return (Record::from_error(&err), Some(err)),
    };
    let reason = sdist_dynamic_reason(&record);
    if let Some(reason) = reason {
        record.mark_dynamic(reason);
    }
    (record, None)
}

/// Why an sdist's metadata cannot be trusted for its requirements (PEP 643): all of it before
/// metadata 2.2, else the fields it declares `Dynamic`. `None` when it can.
pub(super) fn sdist_dynamic_reason(record: &Record) -> Option<String> {
    record.packages.first().and_then(|package| {
        let version = package.metadata_version.as_deref().and_then(parse_version);
        let reliable = version.is_some_and(|v| v >= parse_version("2.2").expect("valid"));
        if !reliable {
            Some(
                "sdist metadata before 2.2: its requirements are known only once built (PEP 643)"
                    .to_owned(),
            )
        } else {
            let dynamic: Vec<&str> = package
                .dynamic
                .iter()
                .filter(|f| {
                    ["requires-dist", "requires-python", "provides-extra"]
                        .contains(&f.to_ascii_lowercase().as_str())
                })
                .map(String::as_str)
                .collect();
            (!dynamic.is_empty())
                .then(|| format!("sdist declares {} dynamic (PEP 643)", dynamic.join(", ")))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape PyPI serves (`/simple/<name>/` as text/html, PEP 503 + 592 + 658 + 714).
    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta name="pypi:repository-version" content="1.1"></head><body>
<a href="../../packages/aa/demo-1.0.tar.gz#sha256=AB" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a><br />
<a href="https://files.example/demo-2.0-py3-none-any.whl#sha256=cd" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=ef" data-core-metadata="sha256=ef">demo-2.0-py3-none-any.whl</a><br />
<a href="https://files.example/demo-3.0-py3-none-any.whl" data-yanked="">demo-3.0-py3-none-any.whl</a>
<a href='https://files.example/demo-4.0b1-py3-none-any.whl'>demo-4.0b1</a>
</body></html>"#;

    #[test]
    fn html_page_as_pip_reads_it() {
        let files = parse_html("https://index.example/simple/demo/", PAGE);
        assert_eq!(files.len(), 4);
        assert_eq!(
            files[0].url,
            "https://index.example/packages/aa/demo-1.0.tar.gz"
        );
        assert_eq!(files[0].sha256.as_deref(), Some("ab"));
        assert_eq!(files[0].requires_python.as_deref(), Some(">=3.8"));
        assert_eq!(files[1].metadata, Some(Some("ef".into())));
        assert!(files[2].yanked && !files[1].yanked);
        assert_eq!(files[3].filename, "demo-4.0b1-py3-none-any.whl");
    }

    #[test]
    fn newest_final_not_yanked() {
        let files = parse_html("https://index.example/simple/demo/", PAGE);
        let target = TargetEnvironment::default();
        let all = candidates(&files, "demo", &target);
        let pick = |spec: &str| best(&all, spec).map(|c| c.file.filename.clone());
        assert_eq!(pick("").as_deref(), Some("demo-2.0-py3-none-any.whl"));
        assert_eq!(pick("<2").as_deref(), Some("demo-1.0.tar.gz"));
        assert_eq!(
            pick(">=4.0b1").as_deref(),
            Some("demo-4.0b1-py3-none-any.whl")
        );
        assert_eq!(pick(">3.5").as_deref(), Some("demo-4.0b1-py3-none-any.whl"));
        assert_eq!(pick("==3.0").as_deref(), Some("demo-3.0-py3-none-any.whl"));
        assert_eq!(pick(">5"), None);
        let old = TargetEnvironment {
            python: "3.7".into(),
            ..TargetEnvironment::default()
        };
        // Only the yanked 3.0 and a pre-release fit 3.7: a final release, even yanked, first.
        let old = candidates(&files, "demo", &old);
        let pick = |spec: &str| best(&old, spec).map(|c| c.file.filename.as_str());
        assert_eq!(pick(""), Some("demo-3.0-py3-none-any.whl"));
        assert_eq!(pick(">3.5"), Some("demo-4.0b1-py3-none-any.whl"));
    }

    #[test]
    fn json_page_as_pip_reads_it() {
        let text = r#"{"meta":{"api-version":"1.1"},"name":"demo","files":[
          {"filename":"demo-2.0-py3-none-any.whl","url":"../../f/demo-2.0-py3-none-any.whl","hashes":{"sha256":"CD"},
           "requires-python":">=3.8","core-metadata":{"sha256":"ef"},"yanked":false},
          {"filename":"demo-3.0-py3-none-any.whl","url":"https://f.example/demo-3.0-py3-none-any.whl","hashes":{},"yanked":"broken"}]}"#;
        let files = parse_json("https://index.example/simple/demo/", text).unwrap();
        assert_eq!(
            files[0].url,
            "https://index.example/f/demo-2.0-py3-none-any.whl"
        );
        assert_eq!(files[0].sha256.as_deref(), Some("cd"));
        assert_eq!(files[0].metadata, Some(Some("ef".into())));
        assert!(files[1].yanked);
    }
}
