//! The target a package set is checked for: a Python version, a platform and a machine, the
//! names they may be given by (the CLI's `--target-python`, `--platform`, `--machine` and the
//! npm package's set options share these rules), and the PEP 508 marker environment each
//! stands for.

use super::pep508::MarkerEnvironment;

/// The environment markers are evaluated in: a Python version and a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetEnvironment {
    /// `X.Y` or `X.Y.Z`.
    pub python: String,
    /// `linux`, `macos` or `windows` (Rust's `std::env::consts::OS` names).
    pub platform: String,
    /// `x86_64`, `aarch64`, ... (Rust's `std::env::consts::ARCH` names).
    pub machine: String,
}

impl Default for TargetEnvironment {
    fn default() -> Self {
        TargetEnvironment {
            python: "3.12".into(),
            platform: "linux".into(),
            machine: "x86_64".into(),
        }
    }
}

/// Platform names a target may be given as, and the platform each stands for.
const PLATFORMS: [(&str, &str); 6] = [
    ("linux", "linux"),
    ("macos", "macos"),
    ("darwin", "macos"),
    ("windows", "windows"),
    ("win32", "windows"),
    ("freebsd", "freebsd"),
];

/// Machine names a target may be given as (`uname -m`'s), and the machine each stands for
/// (Rust's `ARCH` names).
const MACHINES: [(&str, &str); 10] = [
    ("x86_64", "x86_64"),
    ("amd64", "x86_64"),
    ("aarch64", "aarch64"),
    ("arm64", "aarch64"),
    ("x86", "x86"),
    ("i686", "x86"),
    ("armv7l", "arm"),
    ("ppc64le", "powerpc64le"),
    ("s390x", "s390x"),
    ("riscv64", "riscv64"),
];

/// The name `table` maps `text` to (case-insensitive), or an error that lists the names.
fn lookup_name(table: &[(&str, &str)], text: &str, what: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    table
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, meant)| (*meant).to_owned())
        .ok_or_else(|| {
            let names: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
            format!("unknown {what}; expected one of: {}", names.join(", "))
        })
}

/// The names a target is given by, checked: the CLI's `--target-python`, `--platform` and
/// `--machine` and the npm package's set options share these rules, so a value one refuses the
/// other refuses too (a misspelt target would otherwise quietly evaluate markers for another).
impl TargetEnvironment {
    /// A target Python: `X.Y` or `X.Y.Z`, digits only.
    pub fn parse_python(text: &str) -> Result<String, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let digits =
            |p: &&str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
        if (2..=3).contains(&parts.len()) && parts.iter().all(digits) {
            Ok(text.to_owned())
        } else {
            Err("expected a Python version X.Y or X.Y.Z, such as 3.12 or 3.9.18".into())
        }
    }

    /// A target platform: linux, macos (darwin), windows (win32) or freebsd, case-insensitive.
    pub fn parse_platform(text: &str) -> Result<String, String> {
        lookup_name(&PLATFORMS, text, "platform")
    }

    /// A target machine: one of the machines `uname -m` names, case-insensitive.
    pub fn parse_machine(text: &str) -> Result<String, String> {
        lookup_name(&MACHINES, text, "machine")
    }
}

impl TargetEnvironment {
    /// The PEP 508 marker environment of this target (CPython). A Python version that is not
    /// PEP 440 falls back to the default's.
    pub fn marker_environment(&self) -> MarkerEnvironment {
        let mut parts: Vec<&str> = self.python.split('.').collect();
        while parts.len() < 3 {
            parts.push("0");
        }
        let mut full = parts[..3].join(".");
        let mut short = parts[..2].join(".");
        if super::pep440::parse_version(&full).is_none() {
            (full, short) = ("3.12.0".into(), "3.12".into());
        }
        let (sys_platform, system, os_name) = match self.platform.as_str() {
            "macos" | "darwin" => ("darwin", "Darwin", "posix"),
            "windows" | "win32" => ("win32", "Windows", "nt"),
            "freebsd" => ("freebsd", "FreeBSD", "posix"),
            _ => ("linux", "Linux", "posix"),
        };
        let machine = match (self.machine.as_str(), sys_platform) {
            ("x86_64", "win32") => "AMD64",
            ("aarch64", "darwin") => "arm64",
            ("aarch64", "win32") => "ARM64",
            (m, _) => m,
        };
        MarkerEnvironment {
            implementation_name: "cpython".into(),
            implementation_version: full.clone(),
            os_name: os_name.into(),
            platform_machine: machine.into(),
            platform_python_implementation: "CPython".into(),
            platform_release: String::new(),
            platform_system: system.into(),
            platform_version: String::new(),
            python_full_version: full,
            python_version: short,
            sys_platform: sys_platform.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn target_names_are_checked_and_normalised() {
        assert_eq!(TargetEnvironment::parse_python("3.9.18").unwrap(), "3.9.18");
        for bad in ["banana", "3", "3.x", "3.12.0.1", ""] {
            assert!(
                TargetEnvironment::parse_python(bad)
                    .unwrap_err()
                    .contains("X.Y"),
                "{bad}"
            );
        }
        assert_eq!(
            TargetEnvironment::parse_platform("Darwin").unwrap(),
            "macos"
        );
        assert_eq!(
            TargetEnvironment::parse_platform("win32").unwrap(),
            "windows"
        );
        let err = TargetEnvironment::parse_platform("beos").unwrap_err();
        assert!(
            err.starts_with("unknown platform; expected one of: linux, macos"),
            "{err}"
        );
        assert_eq!(TargetEnvironment::parse_machine("AMD64").unwrap(), "x86_64");
        assert_eq!(
            TargetEnvironment::parse_machine("arm64").unwrap(),
            "aarch64"
        );
        assert!(TargetEnvironment::parse_machine("vax").is_err());
    }
}
