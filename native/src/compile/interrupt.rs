//! Ctrl-C during `compile`: the first SIGINT or SIGTERM sets a flag and passes the signal on
//! to every running interpreter (a worker stops after the file in hand, whose `.pyc` Python
//! writes to a temporary name and renames, so none is ever half written); the command then
//! stops feeding paths, reports what was done and exits 130.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// Set by the signal handler.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The process ids of the running interpreters (0: a free slot). A fixed table, because a
/// signal handler may not lock or allocate. Workers beyond its size are still stopped, by their
/// standard input closing, a moment later.
static WORKERS: [AtomicI32; 256] = [const { AtomicI32::new(0) }; 256];

/// Whether Ctrl-C (or SIGTERM) arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Records a running interpreter, so an interrupt reaches it.
pub fn register(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else { return };
    for slot in &WORKERS {
        if slot
            .compare_exchange(0, pid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

/// Forgets an interpreter that is about to be reaped.
pub fn unregister(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else { return };
    for slot in &WORKERS {
        if slot
            .compare_exchange(pid, 0, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

/// Kills every registered interpreter (SIGKILL): those still busy once the deadline after
/// Ctrl-C has passed. Python renames a `.pyc` into place whole, so a kill leaves at worst its
/// temporary file, never a partial `.pyc`.
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn kill_all() {
    for slot in &WORKERS {
        let pid = slot.load(Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: kill has no memory preconditions; the id is of a child not yet reaped.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// Without Unix signals there is nothing to pass on.
#[cfg(not(unix))]
pub fn kill_all() {}

/// Installs the handler for SIGINT and SIGTERM, keeping a signal the parent ignores ignored
/// (a shell's `&` job), as `os::TempFileGuard` does.
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn install() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: sigaction with a zeroed, then filled struct; the handler only calls
        // async-signal-safe functions (atomics and `kill`).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, &action, &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
            {
                libc::sigaction(signal, &old, std::ptr::null_mut());
            }
        }
    }
}

/// Without Unix signals, Ctrl-C ends the process as usual.
#[cfg(not(unix))]
pub fn install() {}

/// Sets the flag and passes SIGINT on to every registered interpreter.
#[cfg(unix)]
#[allow(unsafe_code)]
extern "C" fn on_signal(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
    for slot in &WORKERS {
        let pid = slot.load(Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: kill is async-signal-safe; the id is of a child not yet reaped.
            unsafe {
                libc::kill(pid, libc::SIGINT);
            }
        }
    }
}
