//! A project's files on an index and the one pip would pick: wheels whose tags the target
//! supports and sdists, of a valid version, whose `Requires-Python` the target meets; then
//! pip's order (not yanked, newest, best wheel tag, an sdist after every wheel, highest build).

use super::transfer::{sha256_of_fragment, split_fragment};
use crate::formats::index_page::IndexPage;
use crate::formats::requirements_txt::url_filename;
use crate::formats::wheel_name::parse_wheel_filename;
use crate::set::wheel_tag_rank;
use crate::versions::pep440::{parse_version, Pep440Version, Specifiers};
use crate::versions::pep508::normalize_name;
use crate::versions::target::TargetEnvironment;
use serde::{Deserialize, Deserializer, Serialize};

/// One file of a project's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFile {
    /// The file name (the JSON page's, else the URL's last segment, decoded).
    pub filename: String,
    /// The absolute URL, without its fragment.
    pub url: String,
    /// Its SHA-256, when the page (or the link's `#sha256=`) gives one.
    pub sha256: Option<String>,
    /// `Requires-Python` (PEP 503's `data-requires-python`).
    pub requires_python: Option<String>,
    /// Yanked (PEP 592).
    pub yanked: bool,
    /// A PEP 658 metadata file is served at `url + ".metadata"`: its SHA-256 if given. In JSON
    /// the field is absent when no file is offered and `null` for one offered without a hash
    /// (a plain `Option<Option<_>>` would read both as absent).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub metadata: Option<Option<String>>,
}

/// A field that is there, `null` or not: `Some` of its value.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A page's links (core reads the page) as files: absolute URLs (`join` resolves a reference
/// against a base URL, as the WHATWG URL standard does, and answers `None` for a link that is
/// not http(s)) without their fragment, a `#sha256=` fragment as the hash when the page gives
/// none. Links are resolved against the HTML page's `<base href>`, else against `page_url`.
pub fn index_files(
    page_url: &str,
    page: IndexPage,
    join: &dyn Fn(&str, &str) -> Option<String>,
) -> Vec<IndexFile> {
    let base = page
        .base
        .and_then(|base| join(page_url, &base))
        .unwrap_or_else(|| page_url.to_owned());
    page.links
        .into_iter()
        .filter_map(|link| {
            let absolute = join(&base, &link.href)?;
            let (url, fragment) = split_fragment(&absolute);
            Some(IndexFile {
                filename: link.filename.unwrap_or_else(|| url_filename(url)),
                url: url.to_owned(),
                sha256: link
                    .sha256
                    .or_else(|| fragment.and_then(sha256_of_fragment)),
                requires_python: link.requires_python,
                yanked: link.yanked,
                metadata: link.metadata,
            })
        })
        .collect()
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

/// The version of an sdist file name (`{name}-{version}.tar.gz` or `.zip`), the name matched
/// against the project's normalised name as pip does.
fn sdist_version(filename: &str, project: &str) -> Option<String> {
    let lower = filename.to_ascii_lowercase();
    let stem_len = [".tar.gz", ".zip"]
        .iter()
        .find_map(|ext| lower.strip_suffix(ext).map(str::len))?;
    let stem = filename.get(..stem_len)?;
    stem.match_indices('-').find_map(|(i, _)| {
        (normalize_name(&stem[..i]) == project).then(|| stem[i + 1..].to_owned())
    })
}

/// The candidates of `files` for a project on the target: wheels whose tags it supports and
/// sdists, of a valid version, whose `Requires-Python` the target's Python meets (as pip's
/// `--python-version` tests it).
pub fn candidates(
    files: &[IndexFile],
    project: &str,
    target: &TargetEnvironment,
) -> Vec<Candidate> {
    let project = normalize_name(project);
    files
        .iter()
        .filter_map(|file| {
            if let Some(spec) = &file.requires_python {
                // pip skips a file whose Requires-Python is not valid (with a warning).
                let spec = Specifiers::parse(spec)?;
                if !spec.contains(&target.python).unwrap_or(false) {
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

/// The candidate pip would install for `spec`: versions in the set (pre-releases only when the
/// set names one or nothing else matches, as `packaging`'s `filter` decides), then pip's sort:
/// not yanked first, then the newest version, then the best wheel tag (an sdist after every
/// wheel), then the highest build tag.
pub fn best_candidate<'c>(candidates: &'c [Candidate], spec: &str) -> Option<&'c Candidate> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::index_page::{parse_index_html, parse_index_json};

    /// The shape PyPI serves (`/simple/<name>/` as text/html, PEP 503 + 592 + 658 + 714).
    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta name="pypi:repository-version" content="1.1"></head><body>
<a href="../../packages/aa/demo-1.0.tar.gz#sha256=AB" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a><br />
<a href="https://files.example/demo-2.0-py3-none-any.whl#sha256=cd" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=ef" data-core-metadata="sha256=ef">demo-2.0-py3-none-any.whl</a><br />
<a href="https://files.example/demo-3.0-py3-none-any.whl" data-yanked="">demo-3.0-py3-none-any.whl</a>
<a href='https://files.example/demo-4.0b1-py3-none-any.whl'>demo-4.0b1</a>
</body></html>"#;

    /// A join good enough for these pages: absolute links as they are, `../../x` against
    /// `https://index.example/simple/demo/`.
    fn join(base: &str, href: &str) -> Option<String> {
        if href.starts_with("https://") {
            return Some(href.to_owned());
        }
        let mut base: Vec<&str> = base.trim_end_matches('/').split('/').collect();
        let mut rest = href;
        while let Some(r) = rest.strip_prefix("../") {
            base.pop();
            rest = r;
        }
        Some(format!("{}/{rest}", base.join("/")))
    }

    fn html() -> Vec<IndexFile> {
        index_files(
            "https://index.example/simple/demo/",
            parse_index_html(PAGE),
            &join,
        )
    }

    #[test]
    fn html_page_as_pip_reads_it() {
        let files = html();
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
        let files = html();
        let target = TargetEnvironment::default();
        let all = candidates(&files, "demo", &target);
        let pick = |spec: &str| best_candidate(&all, spec).map(|c| c.file.filename.clone());
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
        let pick = |spec: &str| best_candidate(&old, spec).map(|c| c.file.filename.as_str());
        assert_eq!(pick(""), Some("demo-3.0-py3-none-any.whl"));
        assert_eq!(pick(">3.5"), Some("demo-4.0b1-py3-none-any.whl"));
    }

    #[test]
    fn json_page_as_pip_reads_it() {
        let text = r#"{"meta":{"api-version":"1.1"},"name":"demo","files":[
          {"filename":"demo-2.0-py3-none-any.whl","url":"../../f/demo-2.0-py3-none-any.whl","hashes":{"sha256":"CD"},
           "requires-python":">=3.8","core-metadata":{"sha256":"ef"},"yanked":false},
          {"filename":"demo-3.0-py3-none-any.whl","url":"https://f.example/demo-3.0-py3-none-any.whl","hashes":{},"yanked":"broken"}]}"#;
        let files = index_files(
            "https://index.example/simple/demo/",
            parse_index_json(text).unwrap(),
            &join,
        );
        assert_eq!(
            files[0].url,
            "https://index.example/f/demo-2.0-py3-none-any.whl"
        );
        assert_eq!(files[0].sha256.as_deref(), Some("cd"));
        assert_eq!(files[0].metadata, Some(Some("ef".into())));
        assert!(files[1].yanked);
    }

    #[test]
    fn metadata_offered_without_a_hash_survives_json() {
        let mut files = html();
        files[1].metadata = Some(None);
        let text = serde_json::to_string(&files).unwrap();
        let back: Vec<IndexFile> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, files);
        // Offered without a hash: `null`; not offered: absent.
        assert_eq!(text.matches(r#""metadata""#).count(), 1);
        assert!(text.contains(r#""metadata":null"#));
    }
}
