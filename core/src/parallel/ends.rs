//! A small batch mapped by the calling thread and the pool at once, from its two ends.

use super::policy::Executor;
use super::recv_cooperative;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

/// The map of [`map_from_both_ends`]: an item to its value, with its side's state.
type MapFn<T, S, R> = Arc<dyn Fn(&mut S, &T) -> R + Send + Sync>;

/// The work of one batch, shared by the caller and the pool's task.
struct Batch<T, S, R> {
    items: Vec<T>,
    map: MapFn<T, S, R>,
    /// The items not yet taken: `front..back`. The caller takes from the front, the pool's
    /// task from the back.
    left: Mutex<(usize, usize)>,
}

impl<T, S, R> Batch<T, S, R> {
    fn take_front(&self) -> Option<usize> {
        let mut left = self.left.lock().unwrap_or_else(PoisonError::into_inner);
        (left.0 < left.1).then(|| {
            left.0 += 1;
            left.0 - 1
        })
    }

    fn take_back(&self) -> Option<usize> {
        let mut left = self.left.lock().unwrap_or_else(PoisonError::into_inner);
        (left.0 < left.1).then(|| {
            left.1 -= 1;
            left.1
        })
    }
}

/// `map` over `items`, in order: the calling thread maps from the first item on while one task
/// in `executor`'s pool maps from the last item back, until they meet. Each side has its own
/// state (a cache): the caller's is `mine`, kept from batch to batch; the task's is new.
///
/// For a caller that cannot go on without the whole batch and whose pool is otherwise idle (a
/// solver's reads): the caller never waits for a task that has not begun, since it takes every
/// item the task has not, so the batch costs no more than mapping it alone, and half as much
/// when the pool has a free thread. The answer is the same whoever maps what. A panic in `map`
/// is resumed on the calling thread. [`Executor::Serial`], or fewer than two items: all on the
/// calling thread.
pub fn map_from_both_ends<T, S, R>(
    executor: &Executor,
    items: Vec<T>,
    mine: &mut S,
    map: MapFn<T, S, R>,
) -> Vec<R>
where
    T: Send + Sync + 'static,
    S: Default + 'static,
    R: Send + 'static,
{
    if matches!(executor, Executor::Serial) || items.len() < 2 {
        return items.iter().map(|item| map(mine, item)).collect();
    }
    let n = items.len();
    let batch = Arc::new(Batch {
        items,
        map,
        left: Mutex::new((0, n)),
    });
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    let theirs = Arc::clone(&batch);
    executor.spawn(move || {
        let mut state = S::default();
        while let Some(i) = theirs.take_back() {
            let item = &theirs.items[i];
            let value = panic::catch_unwind(AssertUnwindSafe(|| (theirs.map)(&mut state, item)));
            let failed = value.is_err();
            if tx.send((i, value)).is_err() || failed {
                return;
            }
        }
    });
    let mut out: Vec<Option<R>> = (0..n).map(|_| None).collect();
    let mut taken = 0;
    while let Some(i) = batch.take_front() {
        out[i] = Some((batch.map)(mine, &batch.items[i]));
        taken += 1;
    }
    for _ in taken..n {
        match recv_cooperative(&rx) {
            Some((i, Ok(value))) => out[i] = Some(value),
            Some((_, Err(payload))) => panic::resume_unwind(payload),
            // The task is gone without its items (it cannot be: it sends each one it takes).
            None => break,
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, value)| value.unwrap_or_else(|| (batch.map)(mine, &batch.items[i])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};
    use std::time::Duration;

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn the_answer_is_in_order_whoever_maps_what() {
        let mut rng = StdRng::seed_from_u64(11);
        let executor = Executor::pool(1).unwrap();
        for case in 0..40 {
            let n = rng.random_range(0..30usize);
            let delays: Vec<u64> = (0..n).map(|_| rng.random_range(0..200)).collect();
            let items: Vec<(usize, u64)> = delays.into_iter().enumerate().collect();
            // The state counts the items its side mapped: both sides start from zero.
            let map = Arc::new(|seen: &mut usize, &(i, delay): &(usize, u64)| {
                std::thread::sleep(Duration::from_micros(delay));
                *seen += 1;
                i * 2
            });
            let got = map_from_both_ends(&executor, items, &mut 0, map);
            assert_eq!(
                got,
                (0..n).map(|i| i * 2).collect::<Vec<_>>(),
                "case {case}"
            );
        }
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn a_free_pool_thread_maps_the_back_of_the_batch() {
        let executor = Executor::pool(1).unwrap();
        let caller = std::thread::current().id();
        let items: Vec<usize> = (0..100).collect();
        let map = Arc::new(move |_: &mut (), _: &usize| {
            std::thread::sleep(Duration::from_millis(2));
            std::thread::current().id() == caller
        });
        let on_caller = map_from_both_ends(&executor, items, &mut (), map);
        // The caller maps a prefix, the pool the rest; with a free thread, both a share.
        let mine = on_caller.iter().take_while(|&&c| c).count();
        assert!(on_caller[mine..].iter().all(|&c| !c), "{on_caller:?}");
        assert!(mine > 0 && mine < 100, "{on_caller:?}");
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn a_panic_in_the_pool_s_share_reaches_the_caller() {
        let executor = Executor::pool(1).unwrap();
        let caller = std::thread::current().id();
        let map = Arc::new(move |_: &mut (), &i: &usize| {
            std::thread::sleep(Duration::from_millis(2));
            if std::thread::current().id() != caller {
                panic!("item {i}");
            }
            i
        });
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            map_from_both_ends(&executor, (0..40).collect(), &mut (), map)
        }));
        assert!(result.is_err());
    }

    #[test]
    fn serially_everything_is_mapped_here_with_the_caller_s_state() {
        let map = Arc::new(|count: &mut usize, &i: &usize| {
            *count += 1;
            (i, *count)
        });
        let mut count = 10;
        let got = map_from_both_ends(&Executor::Serial, vec![5, 6, 7], &mut count, map);
        assert_eq!(got, [(5, 11), (6, 12), (7, 13)]);
        assert_eq!(count, 13);
    }
}
