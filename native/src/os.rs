//! What only the OS knows: the command-line size limit, the worker count a machine can bear, and
//! the signals that must not leave a temporary output file behind.

use pkglens_core::{known_arg_max, ArgLimits, Jobs};
#[cfg(unix)]
use std::ffi::CString;
use std::path::Path;
#[cfg(unix)]
use std::sync::atomic::{AtomicPtr, Ordering};

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

/// The most worker threads per core `--jobs` may start. More threads than this only add
/// memory and scheduling (measured in docs/reliability.md: `-j 5000` took 23 s and 1.1 GB for
/// 24 files before the cap).
const THREADS_PER_CORE: usize = 4;

/// `jobs` within what this machine can bear: at most `THREADS_PER_CORE` threads per core.
/// Returns the jobs to use, and a notice for standard error when the request was lowered.
pub fn capped_jobs(jobs: Jobs) -> (Jobs, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let cap = cores * THREADS_PER_CORE;
    match jobs {
        Jobs::Exactly(n) if n > cap => (
            Jobs::Exactly(cap),
            Some(format!(
                "pkglens: --jobs {n} lowered to {cap} ({THREADS_PER_CORE} per core on {cores} cores)"
            )),
        ),
        jobs => (jobs, None),
    }
}

/// The path of the temporary output file, as a C string the signal handler can pass to
/// `unlink` (null when there is none). A raw pointer, because a handler may not lock or allocate.
#[cfg(unix)]
static PENDING_TEMP: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

/// While alive, SIGINT, SIGTERM and SIGHUP remove the temporary file at `path` before the
/// process dies of them. Dropped when the file is renamed into place or removed.
pub struct TempFileGuard {
    _private: (),
}

impl TempFileGuard {
    /// Registers `path` (one at a time: a later guard replaces an earlier one).
    pub fn new(path: &Path) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            if let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) {
                install_handlers();
                let old = PENDING_TEMP.swap(c_path.into_raw(), Ordering::SeqCst);
                free_c_path(old);
            }
        }
        #[cfg(not(unix))]
        let _ = path;
        TempFileGuard { _private: () }
    }
}

impl Drop for TempFileGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        free_c_path(PENDING_TEMP.swap(std::ptr::null_mut(), Ordering::SeqCst));
    }
}

/// Frees a path taken out of [`PENDING_TEMP`] (the handler can no longer see it).
#[cfg(unix)]
#[allow(unsafe_code)]
fn free_c_path(ptr: *mut libc::c_char) {
    if !ptr.is_null() {
        // SAFETY: every non-null pointer stored in PENDING_TEMP came from CString::into_raw,
        // and the swap that returned it removed it, so it is freed exactly once.
        drop(unsafe { CString::from_raw(ptr) });
    }
}

/// Installs [`on_fatal_signal`] for SIGINT, SIGTERM and SIGHUP, once; a signal the parent set
/// to be ignored (`nohup`) stays ignored.
#[cfg(unix)]
#[allow(unsafe_code)]
fn install_handlers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: sigaction with a zeroed, then filled struct; the handler only calls
            // async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_fatal_signal as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &action, &mut old) == 0
                    && old.sa_sigaction == libc::SIG_IGN
                {
                    libc::sigaction(signal, &old, std::ptr::null_mut());
                }
            }
        }
    });
}

/// Removes the registered temporary file, then dies of `signal` as if unhandled (the exit
/// status a shell sees is the signal's). Only async-signal-safe calls: an atomic swap,
/// `unlink`, `signal` and `raise`.
#[cfg(unix)]
#[allow(unsafe_code)]
extern "C" fn on_fatal_signal(signal: libc::c_int) {
    let path = PENDING_TEMP.swap(std::ptr::null_mut(), Ordering::SeqCst);
    // SAFETY: `path` is null or a NUL-terminated string nobody else frees any more (the swap
    // took it); the process ends below, so it is never freed.
    unsafe {
        if !path.is_null() {
            libc::unlink(path);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
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
