//! Which format a file is: by its name (and, in a walk, its folder and siblings), else by
//! sniffing its first bytes.
//!
//! A folder walk reads a file when one of these rules names it (`pkglens scan -v` lists the
//! files passed over, each with the reason):
//! - Core metadata: `METADATA` (in a `.dist-info`), `PKG-INFO`, a `foo-1.0.egg-info` *file*
//!   (distutils installs, common in Debian's dist-packages, write PKG-INFO's content under that
//!   name), and a PEP 658 metadata file as indexes serve them: `<wheel file name>.metadata`
//!   (a wheel's `METADATA`) or `<sdist file name>.metadata` (an sdist's `PKG-INFO`).
//! - rez `package.py`/`package.yaml`; `pyproject.toml`; `pylock.toml`, `pylock.<name>.toml`
//!   (PEP 751); `uv.lock`.
//! - Wheels (`.whl`), and sdists (`.tar.gz`, `.zip`) only when the name parses as an sdist's,
//!   `{name}-{version}` with a PEP 440 version: `dateutil-zoneinfo.tar.gz` and test fixtures are
//!   not distributions.
//! - Requirements files (pip's format): a `.txt`, `.in` or `.lock` whose name contains
//!   `requirements`, `constraints` or `reqs`, or has the word `req` (`req.txt`,
//!   `test-requirements-0.txt`, `requirements.lock`, `dev-requirements.in`); any `.txt`, `.in`
//!   or `.lock` in a folder so named, however deep (`requirements/extras/tests.txt`); and a
//!   `.txt` beside a `.in` of the same stem, both (pip-compile's input and output,
//!   `reproducible-linux.in` and `.txt`). Any other `.in` is not read: `MANIFEST.in`,
//!   `config.h.in`, `numpy.pc.in`, `*.pyx.in` are templates, not requirements.
//!
//! A file named on the command line is read whatever its name: by these rules, else by its
//! content ([`detect_by_content`]), else, for a `.txt`, as a requirements file.

use crate::formats::wheel_name::parse_wheel_filename;
use crate::record::{Format, RequirementKind};
use crate::versions::pep440::parse_version;
use crate::versions::pep508::parse_requirement;

/// The format named by `path`'s file name alone, if any. Only the last path component
/// matters; `/` and `\` both separate components. The rules that need the file's folder or
/// siblings are [`detect_in_folder`]'s.
pub fn detect_by_name(path: &str) -> Option<Format> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let format = match name {
        "METADATA" => Format::Metadata,
        "PKG-INFO" => Format::PkgInfo,
        "package.py" => Format::RezPackagePy,
        "package.yaml" => Format::RezPackageYaml,
        "pyproject.toml" => Format::Pyproject,
        "pylock.toml" => Format::Pylock,
        "uv.lock" => Format::UvLock,
        _ if lower.starts_with("pylock.") && lower.ends_with(".toml") => Format::Pylock,
        _ if lower.ends_with(".whl") => Format::Wheel,
        _ if is_sdist_name(name) => Format::Sdist,
        _ if lower.ends_with(".egg-info") && lower.len() > ".egg-info".len() => Format::PkgInfo,
        _ if is_wheel_metadata_name(name) => Format::Metadata,
        _ if is_sdist_metadata_name(name) => Format::PkgInfo,
        _ if requirements_stem(&lower).is_some_and(names_requirements) => Format::RequirementsTxt,
        _ => return None,
    };
    Some(format)
}

/// The format of a file named `name` that a folder walk reads: [`detect_by_name`]'s, or a
/// requirements file when it is a `.txt`, `.in` or `.lock` in a folder named like one
/// (`in_requirements_folder`, see [`names_requirements_folder`]), or one of pip-compile's
/// pairs, a `.txt` beside the `.in` of the same stem it was compiled from, and that `.in`
/// (`has_sibling` says whether the folder holds a file of that name).
pub fn detect_in_folder(
    name: &str,
    in_requirements_folder: bool,
    has_sibling: impl Fn(&str) -> bool,
) -> Option<Format> {
    if let Some(format) = detect_by_name(name) {
        return Some(format);
    }
    let lower = name.to_ascii_lowercase();
    requirements_stem(&lower)?;
    if in_requirements_folder {
        return Some(Format::RequirementsTxt);
    }
    // pip-compile's pair: `X.in` compiled to `X.txt` beside it.
    let paired = if let Some(stem) = lower.strip_suffix(".txt") {
        has_sibling(&format!("{}.in", &name[..stem.len()]))
    } else if let Some(stem) = lower.strip_suffix(".in") {
        has_sibling(&format!("{}.txt", &name[..stem.len()]))
    } else {
        false
    };
    paired.then_some(Format::RequirementsTxt)
}

/// Whether a folder named `name` holds requirements files (`requirements/`, `reqs/`,
/// `constraints/`, `dev-requirements/`): its `.txt`, `.in` and `.lock` files are read, and
/// those of its subfolders.
pub fn names_requirements_folder(name: &str) -> bool {
    names_requirements(&name.to_ascii_lowercase())
}

/// Why a folder walk passes over a file named `name` that [`detect_in_folder`] does not read:
/// the line `pkglens scan -v` prints.
pub fn passed_over_reason(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".in") {
        "a `.in` not named, placed or paired with a `.txt` like pip-tools' inputs (a template)"
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".zip") {
        "an archive not named like an sdist (`{name}-{version}.tar.gz`)"
    } else if lower.ends_with(".metadata") {
        "a `.metadata` not named like a wheel's or an sdist's (`<file name>.metadata`)"
    } else if lower.ends_with(".txt") || lower.ends_with(".lock") {
        "not named or placed like a requirements file"
    } else {
        "not a dependency file name"
    }
}

/// The stem of a file name (lower case) whose extension a requirements file can have: `.txt`,
/// `.in` (pip-tools' input) or `.lock` (rye's `requirements.lock`).
fn requirements_stem(lower: &str) -> Option<&str> {
    let stem = lower
        .strip_suffix(".txt")
        .or_else(|| lower.strip_suffix(".in"))
        .or_else(|| lower.strip_suffix(".lock"))?;
    (!stem.is_empty()).then_some(stem)
}

/// Whether a lower-case stem names requirements: it contains `requirements`, `constraints` or
/// `reqs`, or one of its words (split at `-`, `_`, `.`) is `req`.
fn names_requirements(stem: &str) -> bool {
    stem.contains("requirements")
        || stem.contains("constraints")
        || stem.contains("reqs")
        || stem.split(['-', '_', '.']).any(|word| word == "req")
}

/// Whether `name` is an sdist's file name: `{name}-{version}.tar.gz` or `.zip`, the version a
/// PEP 440 version (older sdists keep `-` in the name: `python-dateutil-2.8.2.tar.gz`).
fn is_sdist_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower
        .strip_suffix(".tar.gz")
        .or_else(|| lower.strip_suffix(".zip"))
    else {
        return false;
    };
    let Some((project, version)) = stem.rsplit_once('-') else {
        return false;
    };
    !project.is_empty()
        && project
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && version.starts_with(|c: char| c.is_ascii_digit() || c == 'v')
        && parse_version(version).is_some()
}

/// Whether `name` is a PEP 658 metadata file: `<wheel file name>.metadata`.
fn is_wheel_metadata_name(name: &str) -> bool {
    name.strip_suffix(".metadata")
        .is_some_and(|wheel| parse_wheel_filename(wheel).is_ok())
}

/// Whether `name` is a PEP 658 metadata file of an sdist: `<sdist file name>.metadata`, the
/// sdist's `PKG-INFO` as an index serves it (PEP 658 allows one for any distribution file).
fn is_sdist_metadata_name(name: &str) -> bool {
    name.strip_suffix(".metadata").is_some_and(is_sdist_name)
}

/// The format of a file whose name says nothing (standard input, an odd name): sniffed from
/// its first bytes. Every text format is told by what only it has: `Metadata-Version:` first;
/// TOML tables (`lock-version` of a pylock, `[[package]]` of a uv.lock, `[project]`, `[build-system]`); rez's `name = "..."`
/// Python assignment or `name:` YAML key at the start of a line; and a requirements file when
/// every line is a comment, a pip option or a PEP 508 requirement (`pip freeze` prints one).
pub fn detect_by_content(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.starts_with(b"PK\x03\x04") {
        return Some(Format::Wheel);
    }
    if head.starts_with(b"\x1f\x8b") {
        return Some(Format::Sdist);
    }
    let cut = head.len() > SNIFFED;
    let text = String::from_utf8_lossy(&head[..head.len().min(SNIFFED)]);
    // A line cut at the end of what is sniffed says nothing.
    let whole = match text.rfind('\n') {
        Some(end) if cut => &text[..end],
        _ => &text[..],
    };
    let first = whole.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.to_ascii_lowercase().starts_with("metadata-version:") {
        return Some(Format::Metadata);
    }
    if whole.lines().any(|l| l.starts_with("lock-version")) {
        return Some(Format::Pylock);
    }
    if whole.contains("[[package]]") && whole.contains("version = ") {
        return Some(Format::UvLock);
    }
    if whole.contains("[project]") || whole.contains("[build-system]") {
        return Some(Format::Pyproject);
    }
    if whole.lines().any(is_python_name_assignment) {
        return Some(Format::RezPackagePy);
    }
    if whole.lines().any(|l| l.starts_with("name:")) {
        return Some(Format::RezPackageYaml);
    }
    if looks_like_requirements(whole) {
        return Some(Format::RequirementsTxt);
    }
    None
}

/// How much of a file [`detect_by_content`] looks at.
const SNIFFED: usize = 4096;

/// `name = "..."` or `name = '...'` at the start of a line: a rez `package.py`.
fn is_python_name_assignment(line: &str) -> bool {
    line.strip_prefix("name")
        .map(|rest| rest.trim_start_matches([' ', '\t']))
        .and_then(|rest| rest.strip_prefix('='))
        .map(|rest| rest.trim_start_matches([' ', '\t']))
        .is_some_and(|rest| rest.starts_with(['"', '\'']))
}

/// Whether every line of `text` is blank, a comment, a pip option or a PEP 508 requirement,
/// and one at least is not blank.
fn looks_like_requirements(text: &str) -> bool {
    if text.contains('\0') {
        return false;
    }
    let mut any = false;
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or(line);
        let line = line.trim().trim_end_matches('\\').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        any = true;
        let option = line.starts_with('-');
        let url = line.contains("://") || line.starts_with(['.', '/']);
        if !option && !url && parse_requirement(line, RequirementKind::Run, 0).is_err() {
            return false;
        }
    }
    any
}

/// The format of `path` with content starting `head`: by name, else by content, else (a
/// `.txt` named on purpose) a requirements file.
pub fn detect(path: &str, head: &[u8]) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    detect_by_name(path)
        .or_else(|| match detect_by_content(head) {
            // A zip named `.zip` is an sdist's shape, whatever its name says of the version.
            Some(Format::Wheel) if lower.ends_with(".zip") => Some(Format::Sdist),
            sniffed => sniffed,
        })
        .or_else(|| lower.ends_with(".txt").then_some(Format::RequirementsTxt))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn by_name() {
        let cases = [
            ("site/foo-1.0.dist-info/METADATA", Some(Format::Metadata)),
            ("foo.egg-info/PKG-INFO", Some(Format::PkgInfo)),
            ("rez/foo/1.0/package.py", Some(Format::RezPackagePy)),
            ("C:\\rez\\foo\\package.yaml", Some(Format::RezPackageYaml)),
            ("pyproject.toml", Some(Format::Pyproject)),
            ("pylock.toml", Some(Format::Pylock)),
            ("pylock.dev.toml", Some(Format::Pylock)),
            ("uv.lock", Some(Format::UvLock)),
            ("requirements.txt", Some(Format::RequirementsTxt)),
            ("requirements-dev.txt", Some(Format::RequirementsTxt)),
            ("dev-requirements.txt", Some(Format::RequirementsTxt)),
            ("constraints.txt", Some(Format::RequirementsTxt)),
            ("requirements.in", Some(Format::RequirementsTxt)),
            // pip-tools', uv's and rye's names seen in public repositories.
            ("test-requirements-0.txt", Some(Format::RequirementsTxt)),
            ("req.txt", Some(Format::RequirementsTxt)),
            ("docs-reqs.txt", Some(Format::RequirementsTxt)),
            ("requirements.lock", Some(Format::RequirementsTxt)),
            ("requirements-dev.lock", Some(Format::RequirementsTxt)),
            ("dev-requirements.in", Some(Format::RequirementsTxt)),
            ("Requirements.TXT", Some(Format::RequirementsTxt)),
            ("requirements.yml", None),
            ("request.txt", None),
            ("prerequisite.in", None),
            (
                "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",
                Some(Format::Wheel),
            ),
            (
                "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl.metadata",
                Some(Format::Metadata),
            ),
            ("numpy.whl.metadata", None),
            // An index's PEP 658 file for an sdist: the sdist's PKG-INFO.
            ("foo-1.0.tar.gz.metadata", Some(Format::PkgInfo)),
            ("python-dateutil-2.8.2.zip.metadata", Some(Format::PkgInfo)),
            ("fixtures.tar.gz.metadata", None),
            ("foo-1.0.tar.gz", Some(Format::Sdist)),
            ("python-dateutil-2.8.2.tar.gz", Some(Format::Sdist)),
            ("Foo_Bar-1.0rc1.zip", Some(Format::Sdist)),
            ("dateutil-zoneinfo.tar.gz", None),
            ("fixtures.zip", None),
            ("foo-1.0.tar.gz.sha256", None),
            // distutils' installs: PKG-INFO's content in a file named like the folder.
            ("python_apt-2.6.0.egg-info", Some(Format::PkgInfo)),
            (".egg-info", None),
            ("notes.txt", None),
            ("metadata", None),
            (".in", None),
            ("setup.py", None),
            // Templates: never requirements.
            ("MANIFEST.in", None),
            ("config.h.in", None),
            ("numpy.pc.in", None),
            ("_bounded_integers.pyx.in", None),
        ];
        for (path, expected) in cases {
            assert_eq!(detect_by_name(path), expected, "{path}");
        }
    }

    #[test]
    fn by_content() {
        assert_eq!(
            detect_by_content(b"Metadata-Version: 2.1\nName: x\n"),
            Some(Format::Metadata)
        );
        assert_eq!(
            detect_by_content(b"\xEF\xBB\xBF\nmetadata-version: 1.0\n"),
            Some(Format::Metadata)
        );
        assert_eq!(detect_by_content(b"PK\x03\x04rest"), Some(Format::Wheel));
        assert_eq!(
            detect_by_content(b"[project]\nname='x'\n"),
            Some(Format::Pyproject)
        );
        assert_eq!(detect_by_content(b"hello, world"), None);
        assert_eq!(detect_by_content(b"\x00\x01binary"), None);
        assert_eq!(detect_by_content(b""), None);
        assert_eq!(
            detect("stdin", b"Metadata-Version: 2.1"),
            Some(Format::Metadata)
        );
    }

    #[test]
    fn by_folder_and_siblings() {
        let none = |_: &str| false;
        // pip-tools layouts: warehouse's `requirements/main.txt`, `requirements/docs/user.in`.
        assert_eq!(
            detect_in_folder("main.txt", true, none),
            Some(Format::RequirementsTxt)
        );
        assert_eq!(
            detect_in_folder("main.in", true, none),
            Some(Format::RequirementsTxt)
        );
        assert_eq!(
            detect_in_folder("base.lock", true, none),
            Some(Format::RequirementsTxt)
        );
        assert_eq!(detect_in_folder("README.md", true, none), None);
        assert_eq!(detect_in_folder("main.txt", false, none), None);
        // pip-compile's output beside its input, whatever the name.
        let pair = |name: &str| name == "reproducible-linux.in";
        assert_eq!(
            detect_in_folder("reproducible-linux.txt", false, pair),
            Some(Format::RequirementsTxt)
        );
        // And its input.
        let pair = |name: &str| name == "reproducible-linux.txt";
        assert_eq!(
            detect_in_folder("reproducible-linux.in", false, pair),
            Some(Format::RequirementsTxt)
        );
        assert_eq!(detect_in_folder("config.h.in", false, pair), None);
        assert_eq!(detect_in_folder("MANIFEST.in", false, none), None);
        assert!(names_requirements_folder("requirements"));
        assert!(names_requirements_folder("reqs"));
        assert!(names_requirements_folder("Requirements-Dev"));
        assert!(!names_requirements_folder("src"));
        assert!(!names_requirements_folder("requests"));
        assert!(passed_over_reason("MANIFEST.in").contains("template"));
        assert_eq!(passed_over_reason("setup.py"), "not a dependency file name");
    }

    #[test]
    fn standard_input_of_every_format() {
        let cases: [(&[u8], Format); 9] = [
            // `pip freeze`: pins, an editable install, a direct reference.
            (
                b"attrs==23.2.0\n-e git+https://github.com/x/y.git@abc#egg=y\nfoo @ file:///tmp/foo\n",
                Format::RequirementsTxt,
            ),
            // A requirements file with options, hashes and comments.
            (
                b"--index-url https://pypi.org/simple\n# pinned\nrequests>=2 ; python_version >= \"3.8\"  # why\nidna==3.7 \\\n    --hash=sha256:abc\n",
                Format::RequirementsTxt,
            ),
            (
                b"name = \"maya\"\nversion = \"2024.1\"\nrequires = [\"python-3\"]\n",
                Format::RezPackagePy,
            ),
            (
                b"# -*- coding: utf-8 -*-\n\nname = 'usd'\n\ndef commands():\n    env.PATH.append('{root}/bin')\n",
                Format::RezPackagePy,
            ),
            (
                b"name: houdini\nversion: 20.0.547\nrequires:\n- python-3.10\n",
                Format::RezPackageYaml,
            ),
            (
                b"[build-system]\nrequires = [\"hatchling\"]\n",
                Format::Pyproject,
            ),
            (
                b"version = 1\nrequires-python = \">=3.12\"\n\n[[package]]\nname = \"idna\"\nversion = \"3.7\"\n",
                Format::UvLock,
            ),
            (
                b"lock-version = \"1.0\"\n\n[[packages]]\nname = \"idna\"\nversion = \"3.7\"\n",
                Format::Pylock,
            ),
            (b"Metadata-Version: 2.1\nName: x\n", Format::Metadata),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                detect_by_content(bytes),
                Some(expected),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn a_txt_named_on_purpose_is_a_requirements_file() {
        assert_eq!(detect("pins.txt", b"???"), Some(Format::RequirementsTxt));
        assert_eq!(
            detect("pins.txt", b"Metadata-Version: 2.1\n"),
            Some(Format::Metadata)
        );
        assert_eq!(detect("notes.md", b"???"), None);
        assert_eq!(detect("fixtures.zip", b"PK\x03\x04"), Some(Format::Sdist));
        assert_eq!(detect("-", b"PK\x03\x04"), Some(Format::Wheel));
    }
}
