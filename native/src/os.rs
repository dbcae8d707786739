//! What only the OS knows: the command-line size limit.

use pkglens_core::{known_arg_max, ArgLimits};

/// Room kept free below the computed limit, for the program name and the OS's own bookkeeping.
const SAFETY_MARGIN: usize = 4096;

/// The limits for a child command line on this machine: `sysconf(ARG_MAX)` (or the known
/// limit of this OS, when it cannot be asked) minus the size of the environment the child
/// inherits and a safety margin. Linux also limits one argument to 128 KiB
/// (`MAX_ARG_STRLEN`), which no batching can change.
pub fn arg_limits() -> ArgLimits {
    let arg_max = sysconf_arg_max().unwrap_or_else(|| known_arg_max(std::env::consts::OS));
    let pointer = size_of::<usize>();
    let environment: usize = std::env::vars_os()
        .map(|(k, v)| k.len() + v.len() + 2 + pointer)
        .sum();
    let bytes = arg_max
        .saturating_sub(environment)
        .saturating_sub(SAFETY_MARGIN);
    ArgLimits::new(bytes.max(4096), 100_000)
}

/// The version of this machine's `python3` (`X.Y.Z`), if there is one.
pub fn python_version() -> Option<String> {
    let output = std::process::Command::new("python3")
        // -I -S: no site, no user paths, no environment: just the version, quickly.
        .args([
            "-I",
            "-S",
            "-c",
            "import sys; print('%d.%d.%d' % sys.version_info[:3])",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let version = text.trim();
    (output.status.success() && !version.is_empty()).then(|| version.to_owned())
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn sysconf_arg_max() -> Option<usize> {
    // SAFETY: sysconf has no preconditions; it returns -1 when the limit is unknown.
    let value = unsafe { libc::sysconf(libc::_SC_ARG_MAX) };
    usize::try_from(value).ok().filter(|&v| v > 0)
}

#[cfg(not(unix))]
fn sysconf_arg_max() -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_below_arg_max_and_sane() {
        let limits = arg_limits();
        let arg_max = sysconf_arg_max().unwrap_or(usize::MAX);
        assert!(limits.max_bytes < arg_max);
        assert!(limits.max_bytes >= 4096);
    }
}
