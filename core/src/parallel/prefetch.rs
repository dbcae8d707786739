//! A depth-first work-stack walk whose loads run ahead in the pool.

use super::ordered::CancelFlag;
use super::policy::Executor;
use super::recv_cooperative;
// foldhash, not SipHash: a caller looks a key up here for every key it names or takes (the
// resolver: every family), on its own thread. Seeded per process, as SipHash's keys are.
use foldhash::{HashMap, HashSet};
use std::hash::Hash;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};

/// Options of [`prefetch_walk`].
#[derive(Debug, Clone)]
pub struct PrefetchOptions {
    /// Where loads run.
    pub executor: Executor,
    /// The most loads started and not yet consumed.
    pub ahead: usize,
    /// Stops the walk when set.
    pub cancel: CancelFlag,
}

impl Default for PrefetchOptions {
    fn default() -> Self {
        PrefetchOptions {
            executor: Executor::Global,
            ahead: 256,
            cancel: CancelFlag::new(),
        }
    }
}

/// The reference walk: load each key when it is popped. [`prefetch_walk`] returns the same.
pub fn serial_walk<K, V>(
    roots: impl IntoIterator<Item = K>,
    load: impl Fn(&K) -> V,
    mut expand: impl FnMut(&K, &V) -> Vec<K>,
) -> Vec<(K, V)>
where
    K: Clone + Eq + Hash,
{
    let mut stack: Vec<K> = roots.into_iter().collect();
    stack.reverse();
    let mut visited = HashSet::default();
    let mut out = Vec::new();
    while let Some(key) = stack.pop() {
        if !visited.insert(key.clone()) {
            continue;
        }
        let value = load(&key);
        let children = expand(&key, &value);
        stack.extend(children.into_iter().rev());
        out.push((key, value));
    }
    out
}

enum Slot<V> {
    Running,
    Done(std::thread::Result<V>),
}

/// A depth-first work-stack walk whose loads run ahead in the pool.
///
/// The walk is a plain serial loop: pop a key, take its loaded value, ask `expand` for the keys
/// it leads to, push them. What makes it fast is that a key's load starts in the pool the moment
/// the key is pushed, long before the loop pops it; by then it is usually done. Because the loop
/// consumes results in its own order, its answer is exactly the serial walk's
/// ([`serial_walk`]), whatever the timing of the loads.
///
/// **Order.** Keys are visited depth-first, children in the order `expand` returns them, each
/// key once. **Memory.** At most `ahead` loads are started and not yet consumed. **Cancellation.**
/// When the cancel flag is set the walk returns what it has visited so far; loads already
/// running finish in the background and are dropped. `expand` runs on the calling thread and may
/// borrow; `load` runs in the pool and must be `'static`.
///
/// Walks from `roots` depth-first, loading each key in the pool as soon as it is pushed.
/// Returns every visited key with its value, in visit order: the same as [`serial_walk`].
pub fn prefetch_walk<K, V, L, E>(
    roots: impl IntoIterator<Item = K>,
    options: &PrefetchOptions,
    load: L,
    mut expand: E,
) -> Vec<(K, V)>
where
    K: Clone + Eq + Hash + Send + 'static,
    V: Send + 'static,
    L: Fn(&K) -> V + Send + Sync + 'static,
    E: FnMut(&K, &V) -> Vec<K>,
{
    let load = Arc::new(load);
    let ahead = options.ahead.max(1);
    let (tx, rx) = mpsc::channel::<(K, std::thread::Result<V>)>();
    let mut slots: HashMap<K, Slot<V>> = HashMap::default();
    let mut visited: HashSet<K> = HashSet::default();
    let mut out = Vec::new();

    let start = |key: &K, slots: &mut HashMap<K, Slot<V>>| {
        if slots.len() >= ahead || slots.contains_key(key) {
            return;
        }
        slots.insert(key.clone(), Slot::Running);
        let (key, load, tx) = (key.clone(), Arc::clone(&load), tx.clone());
        options.executor.spawn(move || {
            let value = panic::catch_unwind(AssertUnwindSafe(|| load(&key)));
            let _ = tx.send((key, value));
        });
    };

    let mut stack: Vec<K> = roots.into_iter().collect();
    for key in stack.iter() {
        start(key, &mut slots);
    }
    stack.reverse();

    while let Some(key) = stack.pop() {
        if options.cancel.is_cancelled() {
            break;
        }
        if visited.contains(&key) {
            continue;
        }
        visited.insert(key.clone());
        let outcome = match slots.get(&key) {
            None => panic::catch_unwind(AssertUnwindSafe(|| load(&key))),
            Some(_) => loop {
                if let Some(Slot::Done(_)) = slots.get(&key) {
                    match slots.remove(&key) {
                        Some(Slot::Done(outcome)) => break outcome,
                        _ => unreachable!("checked just above"),
                    }
                }
                match recv_cooperative(&rx) {
                    Some((done, outcome)) => {
                        slots.insert(done, Slot::Done(outcome));
                    }
                    // Unreachable while `tx` lives; treat like a lost load and retry inline.
                    None => break panic::catch_unwind(AssertUnwindSafe(|| load(&key))),
                }
            },
        };
        let value = match outcome {
            Ok(value) => value,
            Err(payload) => panic::resume_unwind(payload),
        };
        let children = expand(&key, &value);
        for child in &children {
            if !visited.contains(child) {
                start(child, &mut slots);
            }
        }
        stack.extend(children.into_iter().rev());
        // Keep the pool busy with what the loop will pop next.
        for next in stack.iter().rev().take(ahead) {
            if slots.len() >= ahead {
                break;
            }
            if !visited.contains(next) {
                start(next, &mut slots);
            }
        }
        out.push((key, value));
    }
    out
}

/// Loads started ahead of need and taken on demand: the building block of a walk that is not
/// a plain work stack (a solver that names what it may need long before it asks for it).
///
/// [`start`](Prefetcher::start) begins a key's load in the pool and returns at once;
/// [`take`](Prefetcher::take) returns the key's value, waiting for a load already running or
/// loading on the calling thread otherwise. The values, and so the caller's answer, do not
/// depend on which loads were started or when.
///
/// **Both ends of a batch.** The pool takes the started keys newest first, while a caller
/// usually takes them oldest first; a key the pool has not begun is claimed by `take` and
/// loaded on the caller's thread instead of waited for. So a batch of keys started together
/// is loaded from both ends at once, the caller's thread and the pool's meeting in the middle,
/// where a pool taking the oldest first would keep the caller waiting on each key in turn.
/// **Few wake-ups.** At most one task per pool thread takes keys, each until none is left: a
/// batch wakes the pool once, not once per key.
///
/// **Memory.** At most `ahead` loads are started and not yet taken; a `start` beyond that is
/// ignored. **Serial.** With [`Executor::Serial`] nothing runs ahead: `start` does nothing
/// and `take` loads. **Drop.** Loads still running finish in the background and their values
/// are dropped; loads not begun never begin.
pub struct Prefetcher<K, V> {
    load: Arc<dyn Fn(&K) -> V + Send + Sync>,
    executor: Executor,
    ahead: usize,
    tx: mpsc::Sender<(K, std::thread::Result<V>)>,
    rx: mpsc::Receiver<(K, std::thread::Result<V>)>,
    slots: HashMap<K, Slot<V>>,
    waiting: Arc<Mutex<Waiting<K>>>,
}

/// The keys started and not yet begun by the pool nor claimed by `take` (newest last), those
/// started as guesses apart (begun only when no other key waits), and how many pool tasks
/// are taking them.
struct Waiting<K> {
    keys: Vec<K>,
    guesses: Vec<K>,
    takers: usize,
}

impl<K: Eq> Waiting<K> {
    /// The next key to begin: the newest started, else the newest guess.
    fn next(&mut self) -> Option<K> {
        self.keys.pop().or_else(|| self.guesses.pop())
    }

    /// Takes `key` out if it has not begun.
    fn remove(&mut self, key: &K) -> Option<K> {
        for list in [&mut self.keys, &mut self.guesses] {
            if let Some(at) = list.iter().rposition(|k| k == key) {
                return Some(list.remove(at));
            }
        }
        None
    }
}

impl<K, V> Prefetcher<K, V>
where
    K: Clone + Eq + Hash + Send + 'static,
    V: Send + 'static,
{
    /// A prefetcher running `load` on `options.executor`, at most `options.ahead` ahead.
    pub fn new(options: &PrefetchOptions, load: impl Fn(&K) -> V + Send + Sync + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        Prefetcher {
            load: Arc::new(load),
            executor: options.executor.clone(),
            ahead: options.ahead.max(1),
            tx,
            rx,
            slots: HashMap::default(),
            waiting: Arc::new(Mutex::new(Waiting {
                keys: Vec::new(),
                guesses: Vec::new(),
                takers: 0,
            })),
        }
    }

    /// Starts loading `key` in the pool, unless it is started already, `ahead` loads are
    /// waiting, or the executor is serial. A key started as a guess and not yet begun is
    /// started again as `key`, now before every guess.
    pub fn start(&mut self, key: &K) {
        self.start_as(key, false);
    }

    /// Starts loading `key` in the pool as a guess: begun only when no key [`start`]ed is
    /// waiting (a guess that turns out wrong costs a pool thread's idle time, not the caller's).
    ///
    /// [`start`]: Prefetcher::start
    pub fn start_guess(&mut self, key: &K) {
        self.start_as(key, true);
    }

    fn start_as(&mut self, key: &K, guess: bool) {
        if matches!(self.executor, Executor::Serial) {
            return;
        }
        if self.slots.contains_key(key) {
            if !guess {
                let mut waiting = lock(&self.waiting);
                if let Some(at) = waiting.guesses.iter().rposition(|k| k == key) {
                    waiting.guesses.remove(at);
                    waiting.keys.push(key.clone());
                }
            }
            return;
        }
        if self.slots.len() >= self.ahead {
            return;
        }
        self.slots.insert(key.clone(), Slot::Running);
        let mut waiting = lock(&self.waiting);
        match guess {
            true => waiting.guesses.push(key.clone()),
            false => waiting.keys.push(key.clone()),
        }
        if waiting.takers >= self.executor.threads() {
            return;
        }
        waiting.takers += 1;
        drop(waiting);
        let (waiting, load, tx) = (
            Arc::clone(&self.waiting),
            Arc::clone(&self.load),
            self.tx.clone(),
        );
        self.executor.spawn(move || loop {
            // The newest key still waiting; none left (all begun or claimed): this task ends.
            let key = {
                let mut waiting = lock(&waiting);
                match waiting.next() {
                    Some(key) => key,
                    None => {
                        waiting.takers -= 1;
                        return;
                    }
                }
            };
            let value = panic::catch_unwind(AssertUnwindSafe(|| load(&key)));
            let _ = tx.send((key, value));
        });
    }

    /// Claims `key` if the pool has not begun it: it is then the caller's to load.
    fn claim(&self, key: &K) -> bool {
        lock(&self.waiting).remove(key).is_some()
    }

    /// The value of `key`: the started load's (waiting for it) or one loaded now. A panic in
    /// the load is resumed here.
    pub fn take(&mut self, key: &K) -> V {
        let load = Arc::clone(&self.load);
        self.take_with(key, move |k| load(k))
    }

    /// As [`take`](Prefetcher::take), but a key the pool has not begun is loaded by `here`
    /// on the calling thread: a caller that needs less of the value now than a load ahead
    /// makes (the versions it asks for, not all those it may) loads only that.
    pub fn take_with(&mut self, key: &K, here: impl FnOnce(&K) -> V) -> V {
        let claimed = matches!(self.slots.get(key), Some(Slot::Running)) && self.claim(key);
        if claimed {
            self.slots.remove(key);
        }
        let outcome = match self.slots.get(key) {
            None => panic::catch_unwind(AssertUnwindSafe(|| here(key))),
            Some(_) => loop {
                if let Some(Slot::Done(_)) = self.slots.get(key) {
                    if let Some(Slot::Done(outcome)) = self.slots.remove(key) {
                        break outcome;
                    }
                }
                match recv_cooperative(&self.rx) {
                    Some((done, outcome)) => {
                        self.slots.insert(done, Slot::Done(outcome));
                    }
                    // Unreachable while `self.tx` lives; load inline.
                    None => break panic::catch_unwind(AssertUnwindSafe(|| (self.load)(key))),
                }
            },
        };
        match outcome {
            Ok(value) => value,
            Err(payload) => panic::resume_unwind(payload),
        }
    }
}

impl<K, V> Drop for Prefetcher<K, V> {
    /// Loads not begun are dropped with the prefetcher: the pool's tasks find none to begin.
    fn drop(&mut self) {
        let mut waiting = lock(&self.waiting);
        waiting.keys.clear();
        waiting.guesses.clear();
    }
}

/// The lock of `waiting`; a panic while it was held (none can: it only guards pushes, pops
/// and counts) leaves it usable.
fn lock<K>(waiting: &Mutex<Waiting<K>>) -> MutexGuard<'_, Waiting<K>> {
    waiting
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::Jobs;
    use rand::{rngs::StdRng, Rng, SeedableRng};
    use std::time::Duration;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A random directed graph (cycles allowed) over `n` nodes.
    fn graph(rng: &mut StdRng, n: usize) -> Arc<Vec<Vec<usize>>> {
        Arc::new(
            (0..n)
                .map(|_| {
                    (0..rng.random_range(0..4))
                        .map(|_| rng.random_range(0..n))
                        .collect()
                })
                .collect(),
        )
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn prefetch_walk_equals_serial_walk_under_random_delays() {
        let mut rng = StdRng::seed_from_u64(42);
        for case in 0..60 {
            let n = rng.random_range(1..40);
            let g = graph(&mut rng, n);
            let delays: Arc<Vec<u64>> =
                Arc::new((0..n).map(|_| rng.random_range(0..300)).collect());
            let roots: Vec<usize> = (0..rng.random_range(1..4))
                .map(|_| rng.random_range(0..n))
                .collect();
            let (g1, g2) = (Arc::clone(&g), Arc::clone(&g));
            let expected = serial_walk(roots.clone(), |&k| g1[k].clone(), |_, v| v.clone());
            let options = PrefetchOptions {
                executor: Executor::for_jobs(Jobs::Exactly(1 + case % 4)).unwrap(),
                ahead: 1 + case % 7,
                cancel: CancelFlag::new(),
            };
            let got = prefetch_walk(
                roots,
                &options,
                move |&k| {
                    std::thread::sleep(Duration::from_micros(delays[k]));
                    g2[k].clone()
                },
                |_, v| v.clone(),
            );
            assert_eq!(got, expected, "case {case}");
        }
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn loads_start_before_the_loop_asks_for_them() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // A chain root -> 1..=8 (all children of the root). While the loop handles child 1,
        // the others must already be loading: the peak number of concurrent loads exceeds 1.
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (r, p) = (Arc::clone(&running), Arc::clone(&peak));
        let options = PrefetchOptions {
            executor: Executor::for_jobs(Jobs::Exactly(4)).unwrap(),
            ahead: 16,
            cancel: CancelFlag::new(),
        };
        let got = prefetch_walk(
            vec![0usize],
            &options,
            move |&k| {
                let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                r.fetch_sub(1, Ordering::SeqCst);
                if k == 0 {
                    (1..=8).collect()
                } else {
                    vec![]
                }
            },
            |_, v: &Vec<usize>| v.clone(),
        );
        assert_eq!(
            got.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            (0..=8).collect::<Vec<_>>()
        );
        assert!(peak.load(Ordering::SeqCst) > 1, "loads did not overlap");
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn prefetcher_gives_the_loaded_values_whatever_was_started() {
        let mut rng = StdRng::seed_from_u64(7);
        for case in 0..20usize {
            let options = PrefetchOptions {
                executor: Executor::for_jobs(Jobs::Exactly(1 + case % 4)).unwrap(),
                ahead: 1 + case % 5,
                cancel: CancelFlag::new(),
            };
            let mut prefetcher = Prefetcher::new(&options, |&k: &u32| {
                std::thread::sleep(Duration::from_micros(u64::from(k % 50)));
                k * 3
            });
            for _ in 0..30 {
                let key = rng.random_range(0..20u32);
                if rng.random_bool(0.3) {
                    prefetcher.start(&key);
                } else if rng.random_bool(0.3) {
                    prefetcher.start_guess(&key);
                } else {
                    assert_eq!(prefetcher.take(&key), key * 3, "case {case}");
                }
            }
        }
    }

    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn a_key_the_pool_has_not_begun_is_loaded_by_its_taker_not_waited_for() {
        use std::sync::mpsc::channel;
        let options = PrefetchOptions {
            executor: Executor::pool(1).unwrap(),
            ahead: 8,
            cancel: CancelFlag::new(),
        };
        let (began, began_rx) = channel();
        let (release, release_rx) = channel::<()>();
        let release_rx = Mutex::new(release_rx);
        let caller = std::thread::current().id();
        let mut prefetcher = Prefetcher::new(&options, move |&k: &u32| {
            let on_caller = std::thread::current().id() == caller;
            if k == 0 {
                began.send(()).unwrap();
                // The pool's one thread stays on key 0 until the test releases it.
                release_rx.lock().unwrap().recv().unwrap();
            }
            (k, on_caller)
        });
        prefetcher.start(&0);
        began_rx.recv().unwrap();
        prefetcher.start(&1);
        prefetcher.start(&2);
        // Keys 1 and 2 wait behind key 0: taken now, they load here rather than wait.
        assert_eq!(prefetcher.take(&1), (1, true));
        // `take_with` loads a key not begun its own way.
        assert_eq!(prefetcher.take_with(&2, |&k| (k + 100, true)), (102, true));
        release.send(()).unwrap();
        assert_eq!(prefetcher.take(&0), (0, false));
    }

    /// The pool begins guesses only when no started key waits, newest first; a guess started
    /// again as a key goes before the other guesses.
    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
    fn guesses_wait_for_the_keys_started() {
        use std::sync::mpsc::channel;
        let options = PrefetchOptions {
            executor: Executor::pool(1).unwrap(),
            ahead: 16,
            cancel: CancelFlag::new(),
        };
        let (began, began_rx) = channel();
        let (release, release_rx) = channel::<()>();
        let release_rx = Mutex::new(release_rx);
        let mut prefetcher = Prefetcher::new(&options, move |&k: &u32| {
            began.send(k).unwrap();
            if k == 0 {
                // The pool's one thread stays on key 0 until the test releases it.
                release_rx.lock().unwrap().recv().unwrap();
            }
            k
        });
        prefetcher.start(&0);
        assert_eq!(began_rx.recv().unwrap(), 0);
        prefetcher.start_guess(&10);
        prefetcher.start_guess(&11);
        prefetcher.start(&1);
        prefetcher.start_guess(&12);
        prefetcher.start(&2);
        // A guess started again as a key: now the newest key, begun before the others and
        // before every guess.
        prefetcher.start(&10);
        release.send(()).unwrap();
        let order: Vec<u32> = (0..5).map(|_| began_rx.recv().unwrap()).collect();
        assert_eq!(order, [10, 2, 1, 12, 11]);
        for k in [0, 1, 2, 10, 11, 12] {
            assert_eq!(prefetcher.take(&k), k);
        }
    }

    #[test]
    fn cancel_stops_the_walk() {
        let cancel = CancelFlag::new();
        cancel.cancel();
        let options = PrefetchOptions {
            cancel,
            ..PrefetchOptions::default()
        };
        let got = prefetch_walk(vec![1u32, 2, 3], &options, |&k| k, |_, _| vec![]);
        assert!(got.is_empty());
    }
}
