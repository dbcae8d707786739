//! Whether pip would install a wheel on a target: its tags (interpreter, ABI, platform) against
//! the tags `packaging.tags` yields for a CPython of the target's version, platform and machine
//! (`cpython_tags` then `compatible_tags`, as pip's `--python-version`, `--platform` build them).
//!
//! The target names no OS release, so every glibc (`manylinux_2_*`, the `manylinux1`, `2010`
//! and `2014` aliases, `linux_*`) and every macOS release (`macosx_*`) of the machine's
//! architecture is accepted; `musllinux` is not (pip on a glibc Linux refuses it). The
//! free-threaded ABI (`cp313t`) is not the default build and is refused, as `sys_tags` of a
//! default CPython does. Checked against `packaging.tags` by
//! `scripts/conformance/wheel_tags.py` (its verdicts are the table of the tests below).

use crate::versions::target::TargetEnvironment;

/// The target's CPython `(major, minor)`, if its version reads as one.
fn python(target: &TargetEnvironment) -> Option<(u32, u32)> {
    let mut parts = target.python.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Whether a wheel with these tag sets (compressed sets already split) has a tag the target
/// supports.
pub fn wheel_supported(
    target: &TargetEnvironment,
    python_tags: &[String],
    abi_tags: &[String],
    platform_tags: &[String],
) -> bool {
    let Some(version) = python(target) else {
        return true; // no version to test against
    };
    python_tags.iter().any(|py| {
        abi_tags.iter().any(|abi| {
            platform_tags
                .iter()
                .any(|plat| tag_supported(version, target, py, abi, plat))
        })
    })
}

/// How much pip prefers a wheel with these tag sets on the target: its best tag's place in
/// the order `packaging.tags.sys_tags` yields them (lower is better), `None` when no tag is
/// supported. pip ranks files of one version by this place.
///
/// The order, for CPython X.Y: `cpXY-cpXY-plat`, `cpXY-abi3-plat`, `cpXY-none-plat`, then
/// `cpXW-abi3-plat` for each older W; then `pyXY`, `pyX`, `pyXW`... with `none` on the
/// platforms; then `cpXY-none-any`; then `pyXY`, `pyX`, `pyXW`... `-none-any`. Within each,
/// platforms in `packaging`'s order: the newest glibc or macOS release first, `linux_*` last.
pub fn wheel_tag_rank(
    target: &TargetEnvironment,
    python_tags: &[String],
    abi_tags: &[String],
    platform_tags: &[String],
) -> Option<(u32, u32)> {
    let version = python(target)?;
    let mut best: Option<(u32, u32)> = None;
    for py in python_tags {
        for abi in abi_tags {
            for plat in platform_tags {
                if !tag_supported(version, target, py, abi, plat) {
                    continue;
                }
                let rank = (
                    interpreter_rank(version, py, abi, plat),
                    platform_rank(plat),
                );
                best = Some(best.map_or(rank, |b| b.min(rank)));
            }
        }
    }
    best
}

/// The place of a supported `(py, abi)` pair among `sys_tags`' groups.
fn interpreter_rank((major, minor): (u32, u32), py: &str, abi: &str, plat: &str) -> u32 {
    let cp = format!("cp{major}{minor}");
    // `_py_interpreter_range`: pyXY, pyX, then pyXW for W from Y-1 down to 0.
    let py_place = || {
        if py == format!("py{major}{minor}") {
            0
        } else if py == format!("py{major}") {
            1
        } else {
            let w: u32 = py
                .strip_prefix(&format!("py{major}"))
                .and_then(|w| w.parse().ok())
                .unwrap_or(0);
            2 + minor.saturating_sub(1).saturating_sub(w)
        }
    };
    if plat == "any" {
        return if py == cp { 200 } else { 201 + py_place() };
    }
    if py == cp {
        return match abi {
            "abi3" => 1,
            "none" => 2,
            _ => 0,
        };
    }
    if let Some(older) = cpython_minor(py, major) {
        return 3 + minor.saturating_sub(1).saturating_sub(older);
    }
    100 + py_place()
}

/// A platform tag's place: the newest manylinux glibc or macOS release first, `linux_*` after
/// every manylinux, one place for every other platform.
fn platform_rank(plat: &str) -> u32 {
    let number = |text: &str| text.parse::<u32>().ok();
    if let Some(rest) = plat.strip_prefix("manylinux") {
        let glibc_minor = match rest.split('_').collect::<Vec<_>>().as_slice() {
            ["1", ..] => Some(5),
            ["2010", ..] => Some(12),
            ["2014", ..] => Some(17),
            ["", "2", minor, ..] => number(minor),
            _ => None,
        };
        return 10_000u32.saturating_sub(glibc_minor.unwrap_or(0));
    }
    if let Some(rest) = plat.strip_prefix("macosx_") {
        let mut parts = rest.splitn(3, '_');
        let (major, minor) = (parts.next().and_then(number), parts.next().and_then(number));
        let release = major.unwrap_or(0) * 100 + minor.unwrap_or(0);
        return 10_000u32.saturating_sub(release);
    }
    20_000
}

fn tag_supported(
    (major, minor): (u32, u32),
    target: &TargetEnvironment,
    py: &str,
    abi: &str,
    plat: &str,
) -> bool {
    let any = plat == "any";
    if !any && !platform_supported(target, plat) {
        return false;
    }
    let cp = format!("cp{major}{minor}");
    if py == cp {
        // cpython_tags: cpXY-cpXY (cpXYm before 3.8), cpXY-abi3, cpXY-none on the platforms;
        // compatible_tags: cpXY-none-any.
        let own_abi = abi == cp || (major == 3 && minor < 8 && abi == format!("{cp}m"));
        return (!any && (own_abi || abi == "abi3")) || abi == "none";
    }
    if let Some(older) = cpython_minor(py, major) {
        // cpython_tags: the stable ABI of every older CPython 3.2+, on the platforms.
        return !any && abi == "abi3" && major == 3 && (2..minor).contains(&older);
    }
    if abi != "none" {
        return false;
    }
    // compatible_tags: pyXY, pyX, pyX(Y-1) ... pyX0, each `none` on the platforms and `any`.
    if py == format!("py{major}") {
        return true;
    }
    py.strip_prefix(&format!("py{major}"))
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m <= minor)
}

/// `cp3Z` → `Z`, for a CPython tag of `major`.
fn cpython_minor(tag: &str, major: u32) -> Option<u32> {
    tag.strip_prefix(&format!("cp{major}"))?.parse().ok()
}

/// Whether a platform tag can run on the target's platform and machine.
fn platform_supported(target: &TargetEnvironment, plat: &str) -> bool {
    let machine = target.machine.as_str();
    match target.platform.as_str() {
        "linux" => {
            let arch = match machine {
                "x86" => "i686",
                "arm" => "armv7l",
                "powerpc64le" => "ppc64le",
                m => m,
            };
            let linux = plat == format!("linux_{arch}");
            let many = plat
                .strip_prefix("manylinux")
                .and_then(|rest| rest.strip_suffix(&format!("_{arch}")))
                .is_some_and(|glibc| {
                    matches!(glibc, "1" | "2010" | "2014")
                        || glibc.strip_prefix("_2_").is_some_and(|minor| {
                            !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit())
                        })
                });
            linux || many
        }
        "macos" | "darwin" => {
            let Some(rest) = plat.strip_prefix("macosx_") else {
                return false;
            };
            // macosx_<major>_<minor>_<arch>: the arch is what follows the two numbers.
            let arch = rest.splitn(3, '_').nth(2).unwrap_or_default();
            let accepted: &[&str] = match machine {
                "aarch64" | "arm64" => &["arm64", "universal2"],
                "x86_64" => &[
                    "x86_64",
                    "intel",
                    "fat64",
                    "fat3",
                    "universal2",
                    "universal",
                ],
                _ => &[],
            };
            accepted.contains(&arch)
        }
        "windows" | "win32" => {
            let tag = match machine {
                "x86_64" => "win_amd64",
                "aarch64" | "arm64" => "win_arm64",
                "x86" => "win32",
                _ => return false,
            };
            plat == tag
        }
        "freebsd" => plat.starts_with("freebsd_") && plat.ends_with(machine),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_wheel_filename;

    /// Verdicts of `packaging.tags` (26.3) through scripts/conformance/wheel_tags.py, for file
    /// names of the wheel corpus and of PyPI (numpy, pywin32, debugpy, orjson, cffi).
    const CASES: &[(&str, &str, &str, &str, bool)] = &[
        // (python, platform, machine, wheel, supported)
        ("3.11", "linux", "x86_64", "aiohttp-3.14.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl", true),
        ("3.9", "linux", "x86_64", "aiohttp-3.14.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl", false),
        ("3.11", "windows", "aarch64", "aiohttp-3.14.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl", false),
        ("3.12", "linux", "x86_64", "bcrypt-5.0.0-cp39-abi3-manylinux_2_34_x86_64.whl", true),
        ("3.9", "linux", "x86_64", "bcrypt-5.0.0-cp39-abi3-manylinux_2_34_x86_64.whl", true),
        ("3.8", "linux", "x86_64", "bcrypt-5.0.0-cp39-abi3-manylinux_2_34_x86_64.whl", false),
        ("3.12", "linux", "aarch64", "bcrypt-5.0.0-cp39-abi3-manylinux_2_34_x86_64.whl", false),
        ("3.9", "windows", "aarch64", "click-8.5.1-py3-none-any.whl", true),
        ("3.12", "macos", "aarch64", "colorama-0.4.6-py2.py3-none-any.whl", true),
        ("3.12", "linux", "x86_64", "numpy-2.1.0-cp312-cp312-musllinux_1_2_x86_64.whl", false),
        ("3.12", "macos", "aarch64", "numpy-2.1.0-cp312-cp312-macosx_14_0_arm64.whl", true),
        ("3.12", "macos", "x86_64", "numpy-2.1.0-cp312-cp312-macosx_14_0_arm64.whl", false),
        ("3.12", "macos", "x86_64", "debugpy-1.8.5-cp312-cp312-macosx_12_0_universal2.whl", true),
        ("3.12", "windows", "x86_64", "pywin32-306-cp312-cp312-win_amd64.whl", true),
        ("3.12", "windows", "aarch64", "pywin32-306-cp312-cp312-win_amd64.whl", false),
        ("3.13", "linux", "x86_64", "numpy-2.1.0-cp313-cp313t-manylinux_2_17_x86_64.whl", false),
        ("3.9", "linux", "x86_64", "tomli-2.0.1-py39-none-any.whl", true),
        ("3.8", "linux", "x86_64", "tomli-2.0.1-py39-none-any.whl", false),
        ("3.12", "linux", "x86_64", "black-24.1.0-py3-none-manylinux_2_17_x86_64.whl", true),
        ("3.12", "linux", "x86_64", "cffi-1.17.1-cp312-none-any.whl", true),
        ("3.12", "linux", "x86_64", "pypy_only-1.0-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl", false),
        ("3.7", "linux", "x86_64", "old-1.0-cp37-cp37m-manylinux1_x86_64.whl", true),
        ("3.12", "linux", "x86_64", "py2only-1.0-py2-none-any.whl", false),
    ];

    /// The order of `packaging.tags.sys_tags()` for CPython 3.12 on Linux x86_64 (read from
    /// packaging 26.3): the rank sorts these tags as that list does.
    #[test]
    fn ranks_follow_sys_tags_order() {
        let target = TargetEnvironment::default();
        let ordered = [
            "cp312-cp312-manylinux_2_28_x86_64",
            "cp312-cp312-manylinux_2_17_x86_64",
            "cp312-cp312-linux_x86_64",
            "cp312-abi3-manylinux_2_17_x86_64",
            "cp312-none-manylinux_2_17_x86_64",
            "cp311-abi3-manylinux_2_17_x86_64",
            "cp39-abi3-manylinux_2_17_x86_64",
            "py312-none-manylinux_2_17_x86_64",
            "py3-none-manylinux_2_17_x86_64",
            "py311-none-manylinux_2_17_x86_64",
            "cp312-none-any",
            "py312-none-any",
            "py3-none-any",
            "py311-none-any",
            "py30-none-any",
        ];
        let ranks: Vec<(u32, u32)> = ordered
            .iter()
            .map(|tag| {
                let parts: Vec<String> = tag.split('-').map(str::to_owned).collect();
                wheel_tag_rank(&target, &parts[0..1], &parts[1..2], &parts[2..3]).expect(tag)
            })
            .collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        assert_eq!(ranks, sorted);
        assert_eq!(
            ranks
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            ranks.len()
        );
        let none = ["cp313-cp313-manylinux_2_17_x86_64", "py2-none-any"];
        for tag in none {
            let parts: Vec<String> = tag.split('-').map(str::to_owned).collect();
            assert_eq!(
                wheel_tag_rank(&target, &parts[0..1], &parts[1..2], &parts[2..3]),
                None
            );
        }
    }

    #[test]
    fn wheel_tags_as_packaging_tags_ranks_them() {
        for &(python, platform, machine, wheel, expected) in CASES {
            let name = parse_wheel_filename(wheel).expect(wheel);
            let target = TargetEnvironment {
                python: python.into(),
                platform: platform.into(),
                machine: machine.into(),
            };
            assert_eq!(
                wheel_supported(
                    &target,
                    &name.python_tags,
                    &name.abi_tags,
                    &name.platform_tags
                ),
                expected,
                "{wheel} on {python} {platform} {machine}"
            );
        }
    }
}
