//! A sliding-window parallel map over any iterator.

use super::policy::Executor;
use super::recv_cooperative;
use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

/// A shared flag that asks a running map to stop. Cheap to clone; all clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every map holding this flag to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The order in which results are yielded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// The order of the source: deterministic.
    #[default]
    Input,
    /// The order in which items finish: lower latency, not deterministic.
    Completion,
}

/// Options of [`ordered_map`].
#[derive(Debug, Clone)]
pub struct OrderedOptions {
    /// The most items in flight at once (at least 1).
    pub window: usize,
    /// Input order or completion order.
    pub order: Order,
    /// Where the map runs.
    pub executor: Executor,
    /// A flag that stops the map when set.
    pub cancel: CancelFlag,
    /// Items handed to one job (0: automatic). One job per item costs about a microsecond of
    /// spawning and signalling; chunks amortise that for small items. Automatic is a quarter of
    /// the window per thread, at most 32, so every thread has several jobs queued.
    pub chunk: usize,
}

impl Default for OrderedOptions {
    fn default() -> Self {
        OrderedOptions {
            window: 64,
            order: Order::Input,
            executor: Executor::Global,
            cancel: CancelFlag::new(),
            chunk: 0,
        }
    }
}

type Outcome<T> = std::thread::Result<T>;
/// A finished chunk: the index of its first item, and each item's outcome (`None`: skipped).
type Message<T> = (usize, Vec<Option<Outcome<T>>>);

/// Maps `source` through `map` in parallel, at most `options.window` items in flight: a
/// sliding window over any iterator.
///
/// **Order.** [`Order::Input`] yields results in the order the source produced the items,
/// whatever order they finish in; [`Order::Completion`] yields each result as soon as it is done.
///
/// **Memory.** At most `window` items are *in flight*: pulled from the source and not yet
/// yielded, whether queued, running or finished and waiting for an earlier item. The source is
/// pulled lazily, on the consumer's thread, only when a slot is free, so a source of any length
/// (a directory walk, a stream of files) is held `window` items at a time.
///
/// **Cancellation.** When the cancel flag is set, the iterator yields nothing more and pulls no
/// more items; queued items are skipped without running the map. Dropping the iterator does the
/// same through a private flag (the caller's flag is left alone): at most the `window` items
/// already in flight are processed after the drop, and none of them is waited for. Results
/// already yielded are the caller's and stay valid.
///
/// **Threads.** The map runs on a rayon pool ([`Executor`]); with [`Executor::Serial`] it runs
/// on the consumer's thread when an item is asked for, with no pool and no channel. No thread is
/// spawned here, so the same code runs on native threads and on wasm web workers. Waiting for a
/// result blocks the consumer's thread; if that thread is itself a rayon worker, it runs other
/// queued rayon jobs while it waits, so an ordered map can be consumed inside a pool without
/// deadlocking it. (In a browser, consume it from a Worker: the page's main thread may not block.)
///
/// **Chunks.** Items are handed to the pool a chunk at a time (see [`OrderedOptions::chunk`]);
/// a chunk counts as its number of items in the window, and its results arrive together.
///
/// **Panics.** A panic in the map is caught on the worker and resumed on the consumer's thread
/// when that item's turn comes (ordered) or when it is received (completion order).
///
/// Errors are values: make the map return a `Result` and each error appears in its own slot,
/// after every earlier result; the stream goes on unless the consumer stops it.
pub fn ordered_map<I, F, T>(
    source: I,
    map: F,
    options: OrderedOptions,
) -> OrderedMap<I::IntoIter, F, T>
where
    I: IntoIterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let window = options.window.max(1);
    let chunk = match options.chunk {
        0 => (window / (4 * options.executor.threads().max(1))).clamp(1, 32),
        n => n.min(window),
    };
    OrderedMap {
        chunk,
        source: source.into_iter(),
        source_done: false,
        map: Arc::new(map),
        window,
        order: options.order,
        executor: options.executor,
        cancel: options.cancel,
        dropped: Arc::new(AtomicBool::new(false)),
        submitted: 0,
        yielded: 0,
        ready: VecDeque::new(),
        unordered_ready: VecDeque::new(),
        tx,
        rx,
    }
}

/// The iterator returned by [`ordered_map`].
pub struct OrderedMap<I: Iterator, F, T> {
    source: I,
    source_done: bool,
    map: Arc<F>,
    window: usize,
    order: Order,
    executor: Executor,
    cancel: CancelFlag,
    dropped: Arc<AtomicBool>,
    /// Items pulled from the source so far; the next item's index.
    submitted: usize,
    /// Items yielded so far. `submitted - yielded` is the number in flight.
    yielded: usize,
    /// Input order: slot `k` holds item `yielded + k` once it has finished.
    ready: VecDeque<Option<Outcome<T>>>,
    /// Completion order: finished items not yet yielded.
    unordered_ready: VecDeque<Outcome<T>>,
    /// Items per job.
    chunk: usize,
    tx: Sender<Message<T>>,
    rx: Receiver<Message<T>>,
}

impl<I, F, T> OrderedMap<I, F, T>
where
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    /// How many items are in flight now (pulled and not yet yielded).
    pub fn in_flight(&self) -> usize {
        self.submitted - self.yielded
    }

    /// Pulls items from the source and starts them, a chunk per job, until the window is full.
    fn fill(&mut self) {
        while !self.source_done && self.in_flight() < self.window {
            let room = (self.window - self.in_flight()).min(self.chunk);
            let mut items = Vec::with_capacity(room);
            while items.len() < room {
                match self.source.next() {
                    Some(item) => items.push(item),
                    None => {
                        self.source_done = true;
                        break;
                    }
                }
            }
            if items.is_empty() {
                break;
            }
            let first = self.submitted;
            self.submitted += items.len();
            if self.order == Order::Input {
                self.ready.extend(items.iter().map(|_| None));
            }
            let map = Arc::clone(&self.map);
            let tx = self.tx.clone();
            let cancel = self.cancel.clone();
            let dropped = Arc::clone(&self.dropped);
            self.executor.spawn(move || {
                let outcomes = items
                    .into_iter()
                    .map(|item| {
                        if cancel.is_cancelled() || dropped.load(Ordering::Relaxed) {
                            None
                        } else {
                            Some(panic::catch_unwind(AssertUnwindSafe(|| map(item))))
                        }
                    })
                    .collect();
                // The receiver is gone only when the iterator was dropped: nothing to report.
                let _ = tx.send((first, outcomes));
            });
        }
    }

    /// Files a finished chunk into the right buffer.
    fn accept(&mut self, first: usize, outcomes: Vec<Option<Outcome<T>>>) {
        for (index, outcome) in (first..).zip(outcomes) {
            let Some(outcome) = outcome else { continue };
            match self.order {
                Order::Input => {
                    if let Some(slot) = self.ready.get_mut(index - self.yielded) {
                        *slot = Some(outcome);
                    }
                }
                Order::Completion => self.unordered_ready.push_back(outcome),
            }
        }
    }

    /// Blocks until one message arrives (see [`recv_cooperative`]).
    fn receive(&mut self) -> bool {
        match recv_cooperative(&self.rx) {
            Some((first, outcomes)) => {
                self.accept(first, outcomes);
                true
            }
            None => false,
        }
    }

    fn finish(&mut self, outcome: Outcome<T>) -> T {
        self.yielded += 1;
        match outcome {
            Ok(value) => value,
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    fn next_serial(&mut self) -> Option<T> {
        let item = self.source.next()?;
        self.submitted += 1;
        self.yielded += 1;
        Some((self.map)(item))
    }
}

impl<I, F, T> Iterator for OrderedMap<I, F, T>
where
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.cancel.is_cancelled() {
            return None;
        }
        if matches!(self.executor, Executor::Serial) {
            return self.next_serial();
        }
        loop {
            // Refill here rather than after yielding, so that an item counts as in flight
            // until the consumer has it, and never more than `window` are.
            self.fill();
            if self.cancel.is_cancelled() {
                return None;
            }
            match self.order {
                Order::Input => {
                    if matches!(self.ready.front(), Some(Some(_))) {
                        let outcome = self.ready.pop_front().flatten()?;
                        return Some(self.finish(outcome));
                    }
                }
                Order::Completion => {
                    if let Some(outcome) = self.unordered_ready.pop_front() {
                        return Some(self.finish(outcome));
                    }
                }
            }
            if self.in_flight() == 0 {
                return None;
            }
            if !self.receive() {
                return None;
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.source.size_hint();
        let in_flight = self.in_flight();
        (
            low.saturating_add(in_flight),
            high.and_then(|h| h.checked_add(in_flight)),
        )
    }
}

impl<I: Iterator, F, T> Drop for OrderedMap<I, F, T> {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests;
