//! Which format a file is: by its name first, then by sniffing its first bytes.
//!
//! Name rules follow what the tools themselves look for: `METADATA` (in a `.dist-info`),
//! `PKG-INFO`, rez's `package.py`/`package.yaml`, `pyproject.toml`, `pylock.toml` and
//! `pylock.<name>.toml` (PEP 751), `uv.lock`, pip's `requirements*.txt`, `*-requirements.txt`,
//! `constraints*.txt` and pip-tools' `*.in`, wheels (`.whl`) and sdists (`.tar.gz`, `.zip`).

use crate::record::Format;

/// The format named by `path`'s file name, if any. Only the last path component matters;
/// `/` and `\` both separate components.
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
        _ if lower.ends_with(".tar.gz") || lower.ends_with(".zip") => Format::Sdist,
        _ if is_requirements_name(&lower) => Format::RequirementsTxt,
        _ => return None,
    };
    Some(format)
}

fn is_requirements_name(lower: &str) -> bool {
    if let Some(stem) = lower.strip_suffix(".txt") {
        stem.starts_with("requirements")
            || stem.ends_with("requirements")
            || stem.starts_with("constraints")
            || stem.ends_with("constraints")
    } else {
        lower.ends_with(".in") && lower.len() > 3
    }
}

/// The format of a file whose name says nothing (standard input, an odd name): sniffed from
/// its first bytes.
pub fn detect_by_content(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.starts_with(b"PK\x03\x04") {
        return Some(Format::Wheel);
    }
    if head.starts_with(b"\x1f\x8b") {
        return Some(Format::Sdist);
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.to_ascii_lowercase().starts_with("metadata-version:") {
        return Some(Format::Metadata);
    }
    if text.contains("[[package]]") && text.contains("version = ") {
        return Some(if text.contains("lock-version") {
            Format::Pylock
        } else {
            Format::UvLock
        });
    }
    if text.contains("[project]") || text.contains("[build-system]") {
        return Some(Format::Pyproject);
    }
    None
}

/// The format of `path` with content starting `head`: by name, else by content.
pub fn detect(path: &str, head: &[u8]) -> Option<Format> {
    detect_by_name(path).or_else(|| detect_by_content(head))
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
            (
                "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",
                Some(Format::Wheel),
            ),
            ("foo-1.0.tar.gz", Some(Format::Sdist)),
            ("notes.txt", None),
            ("metadata", None),
            (".in", None),
            ("setup.py", None),
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
        assert_eq!(detect_by_content(b"hello"), None);
        assert_eq!(detect_by_content(b""), None);
        assert_eq!(
            detect("stdin", b"Metadata-Version: 2.1"),
            Some(Format::Metadata)
        );
    }
}
