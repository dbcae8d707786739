//! Aligned batch work: one call, one output per input, in input order.
//!
//! **Order.** Output `i` belongs to input `i`, always. **Memory.** The whole output is held
//! (use [`ordered_map`](super::ordered_map) for streams). **Failure.** The map decides: an
//! item's failure is whatever it returns in its own slot (core's batch parser
//! returns an error record there).

use super::policy::Policy;
use rayon::prelude::*;

/// Maps every item of `items` through `map`, in parallel unless the policy says the batch is
/// too small (`bytes` is the batch's total size, as the caller counts it).
pub fn map_batch<T, R, F>(items: &[T], bytes: u64, policy: &Policy, map: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    if policy.is_serial(items.len(), bytes) {
        items.iter().map(map).collect()
    } else {
        let min = min_len(items.len(), &policy.executor);
        policy
            .executor
            .install(|| items.par_iter().with_min_len(min).map(map).collect())
    }
}

/// The fewest items a job takes: about 32 jobs per thread, at most 64 items each. A job costs
/// far more to hand over on wasm workers (atomics and `Atomics.wait`) than natively; small
/// items one per job did not scale there at all.
fn min_len(items: usize, executor: &super::Executor) -> usize {
    (items / (executor.threads().max(1) * 32)).clamp(1, 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::{Executor, Jobs};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn output_is_aligned_on_a_pool_and_off_it() {
        let items: Vec<u64> = (0..1000).collect();
        let serial = map_batch(&items, 0, &Policy::serial(), |&i| i * i);
        let mut policy = Policy::new(Executor::for_jobs(Jobs::Exactly(3)).unwrap());
        policy.serial_items = 0;
        policy.serial_bytes = 0;
        let parallel = map_batch(&items, 0, &policy, |&i| i * i);
        assert_eq!(serial, parallel);
        assert!(parallel
            .iter()
            .enumerate()
            .all(|(i, &sq)| sq == (i * i) as u64));
    }
}
