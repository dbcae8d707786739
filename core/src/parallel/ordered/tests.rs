use super::*;
use crate::parallel::Jobs;
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::sync::atomic::AtomicUsize;
use std::time::Duration;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn pool(threads: usize) -> Executor {
    Executor::for_jobs(Jobs::Exactly(threads)).unwrap()
}

fn options(window: usize, order: Order, executor: Executor) -> OrderedOptions {
    OrderedOptions {
        window,
        order,
        executor,
        cancel: CancelFlag::new(),
        chunk: 0,
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn input_order_is_kept_when_completion_order_is_reversed() {
    let n = 12u64;
    // Earlier items sleep longer, so they finish last.
    let got: Vec<u64> = ordered_map(
        0..n,
        move |i| {
            std::thread::sleep(Duration::from_millis((n - i) * 3));
            i * 10
        },
        options(n as usize, Order::Input, pool(4)),
    )
    .collect();
    let expected: Vec<u64> = (0..n).map(|i| i * 10).collect();
    assert_eq!(got, expected); // exactly, with no sorting
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn completion_order_yields_the_same_multiset() {
    let n = 12u64;
    let mut got: Vec<u64> = ordered_map(
        0..n,
        move |i| {
            std::thread::sleep(Duration::from_millis((n - i) * 3));
            i
        },
        options(n as usize, Order::Completion, pool(4)),
    )
    .collect();
    // With reversed delays and every item in flight, later items finish first.
    assert_ne!(
        got,
        (0..n).collect::<Vec<_>>(),
        "completion order looked like input order"
    );
    got.sort_unstable();
    assert_eq!(got, (0..n).collect::<Vec<_>>());
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn cancel_before_start_yields_nothing_and_never_advances_the_source() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let source = (0..100).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let opts = options(8, Order::Input, pool(2));
    opts.cancel.cancel();
    let mut it = ordered_map(source, |i| i, opts);
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn cancel_mid_stream_stops_further_yields() {
    for order in [Order::Input, Order::Completion] {
        let cancel = CancelFlag::new();
        let mut opts = options(4, order, pool(2));
        opts.cancel = cancel.clone();
        let mut it = ordered_map(0..1000, |i| i, opts);
        let first: Vec<i32> = it.by_ref().take(5).collect();
        assert_eq!(first.len(), 5);
        cancel.cancel();
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
        // Nothing more was pulled after the cancel than the window allowed before it.
        assert!(it.submitted <= 5 + 4, "{order:?}: pulled {}", it.submitted);
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn an_error_surfaces_in_its_own_position_after_earlier_results() {
    let got: Vec<Result<u32, String>> = ordered_map(
        0..20u32,
        |i| {
            if i == 7 {
                // Make the bad item finish first.
                Err(format!("bad item {i}"))
            } else {
                std::thread::sleep(Duration::from_millis(2));
                Ok(i)
            }
        },
        options(6, Order::Input, pool(3)),
    )
    .collect();
    assert_eq!(got.len(), 20);
    for (i, r) in got.iter().enumerate() {
        if i == 7 {
            assert_eq!(r.as_ref().unwrap_err(), "bad item 7");
        } else {
            assert_eq!(*r.as_ref().unwrap(), i as u32);
        }
    }
}

/// Counts items pulled from the source and not yet received by the consumer, and the peak.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
    running: AtomicUsize,
    peak_running: AtomicUsize,
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn never_more_than_window_items_in_flight() {
    for (window, order, threads, chunk) in [
        (1, Order::Input, 2, 0),
        (3, Order::Input, 4, 0),
        (5, Order::Completion, 3, 0),
        (8, Order::Input, 2, 3),
        (7, Order::Completion, 2, 4),
    ] {
        let stats = Arc::new(InFlight::default());
        let s = Arc::clone(&stats);
        let source = (0..200u64).inspect(move |_| {
            let now = s.now.fetch_add(1, Ordering::SeqCst) + 1;
            s.peak.fetch_max(now, Ordering::SeqCst);
        });
        let s = Arc::clone(&stats);
        let it = ordered_map(
            source,
            move |i| {
                let running = s.running.fetch_add(1, Ordering::SeqCst) + 1;
                s.peak_running.fetch_max(running, Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(200 + (i * 37) % 500));
                s.running.fetch_sub(1, Ordering::SeqCst);
                i
            },
            OrderedOptions {
                chunk,
                ..options(window, order, pool(threads))
            },
        );
        let mut count = 0;
        for _ in it {
            stats.now.fetch_sub(1, Ordering::SeqCst);
            count += 1;
        }
        assert_eq!(count, 200);
        assert!(
            stats.peak.load(Ordering::SeqCst) <= window,
            "window {window}: peak {}",
            stats.peak.load(Ordering::SeqCst)
        );
        assert!(stats.peak_running.load(Ordering::SeqCst) <= window);
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn dropping_early_processes_at_most_window_more_items() {
    let window = 4;
    let processed = Arc::new(AtomicUsize::new(0));
    let p = Arc::clone(&processed);
    let mut it = ordered_map(
        0..10_000,
        move |i| {
            std::thread::sleep(Duration::from_millis(1));
            p.fetch_add(1, Ordering::SeqCst);
            i
        },
        options(window, Order::Input, pool(2)),
    );
    let taken: Vec<i32> = it.by_ref().take(3).collect();
    assert_eq!(taken, vec![0, 1, 2]);
    let at_drop = processed.load(Ordering::SeqCst);
    drop(it);
    std::thread::sleep(Duration::from_millis(50));
    let after = processed.load(Ordering::SeqCst);
    assert!(
        after - at_drop <= window,
        "processed {} after drop",
        after - at_drop
    );
    assert!(after <= 3 + window);
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn seeded_property_parallel_equals_sequential() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let pools: Vec<Executor> = (1..=4).map(pool).collect();
    for _ in 0..150 {
        let len = rng.random_range(0..200usize);
        let window = rng.random_range(1..20usize);
        let executor = pools[rng.random_range(0..pools.len())].clone();
        let delays: Arc<Vec<u64>> = Arc::new((0..len).map(|_| rng.random_range(0..60)).collect());
        let expected: Vec<u64> = (0..len as u64)
            .map(|i| i.wrapping_mul(2654435761) % 1000)
            .collect();
        let d = Arc::clone(&delays);
        let map = move |i: usize| {
            std::thread::sleep(Duration::from_micros(d[i]));
            (i as u64).wrapping_mul(2654435761) % 1000
        };
        let chunk = rng.random_range(0..6usize);
        let mut opts = options(window, Order::Input, executor.clone());
        opts.chunk = chunk;
        let ordered: Vec<u64> = ordered_map(0..len, map.clone(), opts).collect();
        assert_eq!(
            ordered, expected,
            "len {len} window {window} chunk {chunk} {executor:?}"
        );
        let mut opts = options(window, Order::Completion, executor);
        opts.chunk = chunk;
        let mut unordered: Vec<u64> = ordered_map(0..len, map, opts).collect();
        let mut sorted = expected.clone();
        unordered.sort_unstable();
        sorted.sort_unstable();
        assert_eq!(unordered, sorted);
    }
}

#[test]
fn serial_executor_runs_on_the_calling_thread_lazily() {
    let caller = std::thread::current().id();
    let pulled = Arc::new(AtomicUsize::new(0));
    let p = Arc::clone(&pulled);
    let mut it = ordered_map(
        (0..5).inspect(move |_| {
            p.fetch_add(1, Ordering::SeqCst);
        }),
        move |i| {
            assert_eq!(std::thread::current().id(), caller);
            i + 1
        },
        options(3, Order::Input, Executor::Serial),
    );
    assert_eq!(it.next(), Some(1));
    assert_eq!(pulled.load(Ordering::SeqCst), 1);
    assert_eq!(it.collect::<Vec<_>>(), vec![2, 3, 4, 5]);
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn a_panic_in_the_map_reaches_the_consumer() {
    let result = panic::catch_unwind(|| {
        ordered_map(
            0..10,
            |i| if i == 4 { panic!("boom") } else { i },
            options(3, Order::Input, pool(2)),
        )
        .collect::<Vec<_>>()
    });
    assert!(result.is_err());
}

#[test]
#[cfg_attr(target_arch = "wasm32", ignore = "needs OS threads")]
fn consuming_inside_a_one_thread_pool_does_not_deadlock() {
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap(),
    );
    let executor = Executor::Pool(Arc::clone(&p));
    let got: Vec<i32> =
        p.install(|| ordered_map(0..50, |i| i * 2, options(4, Order::Input, executor)).collect());
    assert_eq!(got, (0..50).map(|i| i * 2).collect::<Vec<_>>());
}
