//! Wheel file names (`{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform
//! tag}.whl`), as the binary distribution format specification writes them.

/// The parts of a wheel's file name:
/// `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelName {
    /// The distribution name, as escaped in the file name (`_` for runs of `-_.`).
    pub name: String,
    /// The version, as escaped in the file name (`_` for `-`).
    pub version: String,
    /// The optional build tag (starts with a digit).
    pub build: Option<String>,
    /// Python tags (a compressed tag set `py2.py3` is split on `.`).
    pub python_tags: Vec<String>,
    /// ABI tags.
    pub abi_tags: Vec<String>,
    /// Platform tags.
    pub platform_tags: Vec<String>,
}

/// Parses a wheel file name (a path is accepted: its last component is parsed).
///
/// `wheel-file = name "-" version ["-" build] "-" python "-" abi "-" platform ".whl"`
///
/// Follows the binary distribution format specification: five or six `-`-separated parts, a
/// build tag that starts with a digit, compressed tag sets split on `.`. The name may hold
/// ASCII letters, digits, `_` and `.` (older wheels keep dots); the version may not hold `-`.
pub fn parse_wheel_filename(file_name: &str) -> Result<WheelName, String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base
        .strip_suffix(".whl")
        .ok_or_else(|| format!("invalid wheel file name {base:?}: expected a `.whl` suffix"))?;
    let parts: Vec<&str> = stem.split('-').collect();
    let (name, version, build, tags) = match parts.as_slice() {
        [n, v, p, a, pl] => (*n, *v, None, [*p, *a, *pl]),
        [n, v, b, p, a, pl] => (*n, *v, Some(*b), [*p, *a, *pl]),
        _ => {
            return Err(format!(
                "invalid wheel file name {base:?}: expected `name-version(-build)?-python-abi-platform.whl`, found {} parts",
                parts.len()
            ))
        }
    };
    let bad = |what: &str| format!("invalid wheel file name {base:?}: {what}");
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return Err(bad(&format!(
            "invalid distribution name {name:?} (letters, digits, `_` and `.` only)"
        )));
    }
    if version.is_empty() {
        return Err(bad("empty version"));
    }
    if let Some(build) = build {
        if !build.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad(&format!("build tag {build:?} must start with a digit")));
        }
    }
    let split = |set: &str, what: &str| -> Result<Vec<String>, String> {
        let tags: Vec<String> = set.split('.').map(str::to_owned).collect();
        if tags.iter().any(String::is_empty) {
            return Err(bad(&format!("empty {what} tag in {set:?}")));
        }
        Ok(tags)
    };
    Ok(WheelName {
        name: name.to_owned(),
        version: version.to_owned(),
        build: build.map(str::to_owned),
        python_tags: split(tags[0], "python")?,
        abi_tags: split(tags[1], "abi")?,
        platform_tags: split(tags[2], "platform")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn wheel_file_names() {
        let n = parse_wheel_filename("distribution-1.0-1-py27-none-any.whl").unwrap();
        assert_eq!(
            n,
            WheelName {
                name: "distribution".into(),
                version: "1.0".into(),
                build: Some("1".into()),
                python_tags: vec!["py27".into()],
                abi_tags: vec!["none".into()],
                platform_tags: vec!["any".into()],
            }
        );
        let n = parse_wheel_filename("/tmp/pip-24.0-py3-none-any.whl").unwrap();
        assert_eq!(
            (n.name.as_str(), n.version.as_str(), n.build),
            ("pip", "24.0", None)
        );
        let n = parse_wheel_filename(
            "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        )
        .unwrap();
        assert_eq!(
            n.platform_tags,
            ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
        assert_eq!(
            (n.python_tags, n.abi_tags),
            (vec!["cp312".to_owned()], vec!["cp312".to_owned()])
        );
        let n = parse_wheel_filename("six-1.16.0-py2.py3-none-any.whl").unwrap();
        assert_eq!(n.python_tags, ["py2", "py3"]);
        let n = parse_wheel_filename("zope.interface-6.0-cp311-cp311-win_amd64.whl").unwrap();
        assert_eq!(n.name, "zope.interface");
        let n = parse_wheel_filename("C:\\w\\foo_bar-1.0_beta-200abc-py3-none-any.whl").unwrap();
        assert_eq!(
            (n.name.as_str(), n.build.as_deref()),
            ("foo_bar", Some("200abc"))
        );
        for bad in [
            "pip-24.0-py3-none-any.zip",
            "pip-24.0-py3-none.whl",
            "pip-24.0-x-y-py3-none-any.whl",
            "pip-24.0-abc-py3-none-any.whl", // build tag must start with a digit
            "-24.0-py3-none-any.whl",
            "pi+p-24.0-py3-none-any.whl",
            "pip--py3-none-any.whl",
            "pip-24.0-py3..py2-none-any.whl",
            ".whl",
        ] {
            assert!(parse_wheel_filename(bad).is_err(), "{bad}");
        }
    }
}
