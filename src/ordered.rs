//! Ordered: items → results handed on in input order, with every thread of a pool
//! working and none waiting for the others between batches.
//!
//! Takes a source of items (called under a lock, so it may block, e.g. on a channel),
//! the work to do on one item, and a sink for the results. Each thread of the pool
//! takes an item, works on it and leaves the result; whichever thread leaves the
//! result that is next in input order hands it, and every result after it that is
//! waiting, to the sink. So the sink sees results in input order whatever the thread
//! count, the writing is shared out among the workers instead of being a stage of its
//! own, and there is no barrier at which fast threads wait for a slow one. No thread
//! starts an item more than `window` items ahead of the last one handed on, which
//! bounds the results held at once.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, MutexGuard};

/// What the threads share about results: those waiting for an earlier one, and how
/// far the sink has got.
struct Order<R, E> {
    /// Results left but not yet handed on, by position.
    ready: BTreeMap<usize, R>,
    /// The position of the next result the sink takes.
    next: usize,
    /// Whether a thread is handing results on (only one does at a time).
    writing: bool,
    /// The sink's first error; once set, nothing more starts or is handed on.
    failed: Option<E>,
    /// A thread panicked: the others stop (its item will never be handed on).
    broken: bool,
    /// Threads waiting for the sink to move on (a wake-up is a system call, made
    /// only when one of them is there to be woken).
    waiting: usize,
}

impl<R, E> Order<R, E> {
    fn halted(&self) -> bool {
        self.failed.is_some() || self.broken
    }
}

/// The source and how many items have been taken from it.
struct Source<S> {
    next: S,
    taken: usize,
    done: bool,
}

/// Runs `work` on every item `source` gives, on every thread of `pool`, handing each
/// result to `sink` in the order of the items. `stop` is asked before each item is
/// taken; once it says true, items already started finish and are handed on, and no
/// new one starts. Gives the sink's first error, after which nothing more is handed on.
pub fn run_ordered<T, R, E>(
    pool: &rayon::ThreadPool,
    window: usize,
    source: impl FnMut() -> Option<T> + Send,
    work: impl Fn(T) -> R + Sync,
    sink: impl FnMut(R) -> Result<(), E> + Send,
    stop: impl Fn() -> bool + Sync,
) -> Result<(), E>
where
    R: Send,
    E: Send,
{
    let window = window.max(1);
    let source = Mutex::new(Source {
        next: source,
        taken: 0,
        done: false,
    });
    let order = Mutex::new(Order {
        ready: BTreeMap::new(),
        next: 0,
        writing: false,
        failed: None,
        broken: false,
        waiting: 0,
    });
    let advanced = Condvar::new();
    let sink = Mutex::new(sink);
    let panicked = Mutex::new(None);
    pool.broadcast(|_| {
        let worked = catch_unwind(AssertUnwindSafe(|| loop {
            let Some((at, item)) = take(&source, &order, &advanced, window, &stop) else {
                break;
            };
            let result = work(item);
            hand_on(&order, &advanced, &sink, at, result);
        }));
        if let Err(payload) = worked {
            // Without this the others would wait for its item for ever.
            lock(&order).broken = true;
            advanced.notify_all();
            lock(&panicked).get_or_insert(payload);
        }
    });
    if let Some(payload) = panicked.into_inner().unwrap_or_else(|p| p.into_inner()) {
        resume_unwind(payload);
    }
    let order = order.into_inner().unwrap_or_else(|p| p.into_inner());
    match order.failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Takes the next item and its position, waiting while it would be more than
/// `window` ahead of the sink; None when the source is spent, `stop` says so or the
/// sink has failed.
fn take<S, T, R, E>(
    source: &Mutex<Source<S>>,
    order: &Mutex<Order<R, E>>,
    advanced: &Condvar,
    window: usize,
    stop: &(impl Fn() -> bool + Sync),
) -> Option<(usize, T)>
where
    S: FnMut() -> Option<T>,
{
    let mut src = lock(source);
    if src.done || stop() {
        return None;
    }
    {
        let mut o = lock(order);
        while src.taken >= o.next + window && !o.halted() {
            o.waiting += 1;
            o = advanced.wait(o).unwrap_or_else(|p| p.into_inner());
            o.waiting -= 1;
        }
        if o.halted() {
            return None;
        }
    }
    // Waiting may have taken a while: an interruption meanwhile starts nothing new.
    if stop() {
        return None;
    }
    match (src.next)() {
        Some(item) => {
            let at = src.taken;
            src.taken += 1;
            Some((at, item))
        }
        None => {
            src.done = true;
            None
        }
    }
}

/// Leaves `result` at its position; if no other thread is handing results on, hands
/// on every result from the sink's position that is there.
fn hand_on<R, E>(
    order: &Mutex<Order<R, E>>,
    advanced: &Condvar,
    sink: &Mutex<impl FnMut(R) -> Result<(), E>>,
    at: usize,
    result: R,
) {
    let mut o = lock(order);
    if o.halted() {
        return;
    }
    o.ready.insert(at, result);
    if o.writing {
        // That thread checks for more, under this lock, before it stops.
        return;
    }
    o.writing = true;
    loop {
        let mut run = Vec::new();
        let from = o.next;
        while let Some(r) = o.ready.remove(&(from + run.len())) {
            run.push(r);
        }
        if run.is_empty() {
            o.writing = false;
            return;
        }
        // The sink runs without the lock, so the other threads go on leaving results.
        drop(o);
        let mut handed = 0;
        let mut failure = None;
        {
            let mut sink = lock(sink);
            for r in run {
                if let Err(e) = (*sink)(r) {
                    failure = Some(e);
                    break;
                }
                handed += 1;
            }
        }
        o = lock(order);
        o.next += handed;
        if let Some(e) = failure {
            o.failed = Some(e);
            o.ready.clear();
            o.writing = false;
            advanced.notify_all();
            return;
        }
        if o.waiting > 0 {
            advanced.notify_all();
        }
    }
}

/// A lock that a panic elsewhere left poisoned is still used: the state it guards is
/// updated in whole steps, and the panic itself reaches the caller.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a test pool")
    }

    /// Runs `n` items whose work takes a varying time, and records what the sink saw
    /// and the most results ever held between leaving and handing on.
    fn run(
        threads: usize,
        n: usize,
        window: usize,
        fail_at: Option<usize>,
    ) -> (Vec<usize>, Result<(), usize>, usize) {
        let mut items = 0..n;
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let got = run_ordered(
            &pool(threads),
            window,
            || {
                let i = items.next()?;
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                Some(i)
            },
            |i| {
                // Uneven work, so that results come back out of order.
                let spin = (i * 7919) % 13 * 1000;
                let mut x = i as u64;
                for k in 0..spin {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(k as u64));
                }
                std::hint::black_box(x);
                i
            },
            |i| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                if Some(i) == fail_at {
                    return Err(i);
                }
                seen.push(i);
                Ok(())
            },
            || false,
        );
        (seen, got, most.load(Ordering::SeqCst))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn results_come_in_input_order_within_the_window(threads in 1usize..4, n in 0usize..300, window in 1usize..40) {
            let (seen, got, most) = run(threads, n, window, None);
            prop_assert_eq!(got, Ok(()));
            prop_assert_eq!(seen, (0..n).collect::<Vec<_>>());
            prop_assert!(most <= window, "{} items held with a window of {}", most, window);
        }

        #[test]
        fn the_sinks_first_error_stops_the_run(threads in 1usize..4, n in 1usize..200, at in 0usize..200) {
            let at = at % n;
            let (seen, got, _) = run(threads, n, 16, Some(at));
            prop_assert_eq!(got, Err(at));
            // Everything before the failure was handed on, in order, and nothing after.
            prop_assert_eq!(seen, (0..at).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_stop_starts_nothing_new_but_finishes_what_started() {
        let taken = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let mut items = 0..1000;
        let got: Result<(), ()> = run_ordered(
            &pool(2),
            8,
            || {
                taken.fetch_add(1, Ordering::SeqCst);
                items.next()
            },
            |i| i,
            |i| {
                seen.push(i);
                Ok(())
            },
            || taken.load(Ordering::SeqCst) >= 10,
        );
        assert_eq!(got, Ok(()));
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller_instead_of_hanging() {
        let mut items = 0..1000;
        let got = catch_unwind(AssertUnwindSafe(|| {
            run_ordered::<usize, usize, ()>(
                &pool(2),
                4,
                || items.next(),
                |i| if i == 5 { panic!("item five") } else { i },
                |_| Ok(()),
                || false,
            )
        }));
        let payload = got.expect_err("the panic is passed on");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"item five"));
    }
}
