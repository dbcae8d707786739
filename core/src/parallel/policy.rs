//! How much parallelism to use, and where work runs.
//!
//! `jobs = auto` uses rayon's global pool (natively sized to the available parallelism; in a
//! browser, the pool started by `initThreadPool`). `jobs = 1` runs on the calling thread with no
//! pool at all. `jobs = N` builds a pool of `N` threads (natively only: in wasm the global pool
//! is the only one).
//!
//! A batch below the serial threshold runs serially even when a pool is available: dispatching
//! work to another thread costs a few microseconds, more than parsing a small file. The
//! thresholds are measured by `core/benches/engine.rs` and recorded in `docs/decisions.md`.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// How many threads to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jobs {
    /// As many as the platform offers.
    #[default]
    Auto,
    /// Exactly this many (1 means: on the calling thread, no pool).
    Exactly(usize),
}

impl FromStr for Jobs {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Jobs::Auto);
        }
        match s.parse::<usize>() {
            Ok(0) => Err("expected a number of jobs of at least 1, or `auto`, found 0".into()),
            Ok(n) => Ok(Jobs::Exactly(n)),
            Err(_) => Err(format!("expected a number of jobs or `auto`, found `{s}`")),
        }
    }
}

impl fmt::Display for Jobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Jobs::Auto => f.write_str("auto"),
            Jobs::Exactly(n) => write!(f, "{n}"),
        }
    }
}

/// Where parallel work runs.
#[derive(Clone, Default)]
pub enum Executor {
    /// On the calling thread, one item at a time.
    Serial,
    /// On rayon's global pool.
    #[default]
    Global,
    /// On a pool of its own.
    Pool(Arc<rayon::ThreadPool>),
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Executor::Serial => f.write_str("Serial"),
            Executor::Global => f.write_str("Global"),
            Executor::Pool(pool) => write!(f, "Pool({} threads)", pool.current_num_threads()),
        }
    }
}

impl Executor {
    /// The executor for `jobs`. Building a pool can fail (the platform refuses threads); the
    /// caller decides whether to fall back to [`Executor::Serial`].
    pub fn for_jobs(jobs: Jobs) -> Result<Executor, rayon::ThreadPoolBuildError> {
        match jobs {
            Jobs::Auto => Ok(Executor::Global),
            Jobs::Exactly(1) => Ok(Executor::Serial),
            Jobs::Exactly(n) => Executor::pool(n),
        }
    }

    /// A pool of its own of exactly `threads` threads, even one: for work that runs beside
    /// the calling thread (readers ahead of a solver), where one thread is not serial.
    pub fn pool(threads: usize) -> Result<Executor, rayon::ThreadPoolBuildError> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("pkglens-{i}"))
            .build()
            .map(|pool| Executor::Pool(Arc::new(pool)))
    }

    /// The number of threads work runs on.
    pub fn threads(&self) -> usize {
        match self {
            Executor::Serial => 1,
            Executor::Global => rayon::current_num_threads(),
            Executor::Pool(pool) => pool.current_num_threads(),
        }
    }

    /// Runs `job` asynchronously (on the calling thread at once, for [`Executor::Serial`]).
    pub fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        match self {
            Executor::Serial => job(),
            Executor::Global => rayon::spawn(job),
            Executor::Pool(pool) => pool.spawn(job),
        }
    }

    /// Runs `op` inside this executor's pool, so that rayon's parallel iterators in it use that
    /// pool. For [`Executor::Serial`] and [`Executor::Global`], runs `op` directly.
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> R {
        match self {
            Executor::Pool(pool) => pool.install(op),
            Executor::Serial | Executor::Global => op(),
        }
    }
}

/// Decides between serial and parallel work.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Where parallel work runs.
    pub executor: Executor,
    /// Batches of fewer items than this run serially.
    pub serial_items: usize,
    /// Batches of fewer bytes in all than this run serially.
    pub serial_bytes: u64,
}

/// Below this many items a batch runs serially (see `docs/decisions.md`).
pub const SERIAL_ITEMS: usize = 8;
/// Below this many bytes in all a batch runs serially (see `docs/decisions.md`).
pub const SERIAL_BYTES: u64 = 16 * 1024;

impl Default for Policy {
    fn default() -> Self {
        Policy::new(Executor::Global)
    }
}

impl Policy {
    /// The measured thresholds on `executor`.
    pub fn new(executor: Executor) -> Self {
        Policy {
            executor,
            serial_items: SERIAL_ITEMS,
            serial_bytes: SERIAL_BYTES,
        }
    }

    /// A policy that never goes parallel.
    pub fn serial() -> Self {
        Policy::new(Executor::Serial)
    }

    /// Whether a batch of `items` items and `bytes` bytes should run on the calling thread.
    pub fn is_serial(&self, items: usize, bytes: u64) -> bool {
        matches!(self.executor, Executor::Serial)
            || self.executor.threads() <= 1
            || items < self.serial_items
            || bytes < self.serial_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn jobs_parse() {
        assert_eq!("auto".parse::<Jobs>(), Ok(Jobs::Auto));
        assert_eq!("AUTO".parse::<Jobs>(), Ok(Jobs::Auto));
        assert_eq!("3".parse::<Jobs>(), Ok(Jobs::Exactly(3)));
        assert!("0".parse::<Jobs>().unwrap_err().contains("at least 1"));
        assert!("x".parse::<Jobs>().unwrap_err().contains("found `x`"));
    }

    #[test]
    fn one_job_is_serial_and_needs_no_pool() {
        let executor = Executor::for_jobs(Jobs::Exactly(1)).unwrap();
        assert!(matches!(executor, Executor::Serial));
        assert!(Policy::new(executor).is_serial(1_000_000, u64::MAX));
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn small_batches_are_serial() {
        let policy = Policy::new(Executor::for_jobs(Jobs::Exactly(2)).unwrap());
        assert!(policy.is_serial(SERIAL_ITEMS - 1, u64::MAX));
        assert!(policy.is_serial(1_000, SERIAL_BYTES - 1));
        assert!(!policy.is_serial(1_000, SERIAL_BYTES * 100));
    }
}
