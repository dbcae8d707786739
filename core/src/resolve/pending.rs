//! rez's pending reductions of a round, taken in rez's order without listing every pair.
//!
//! rez (`_ResolvePhase.solve`) lists the pairs `(x, y)` of a round (scope x to be reduced by
//! scope y's request), sorts them, pops them from the end, and when scope x changes appends
//! `(j, x)` for every other scope j. A round of n scopes holds up to n² pairs: at the
//! benchmark's 400 scopes, megabytes made and freed on every round. [`Pending`] gives the same
//! pairs in the same order from a cursor over the sorted pairs and one entry per change.

use std::collections::BTreeSet;

/// The pairs still to reduce, as rez's list would pop them.
pub(super) struct Pending {
    num: usize,
    prev: usize,
    /// The changed scopes below `prev`, ascending.
    changed: Vec<usize>,
    /// Rows (x) reduced against every scope: the new and the widened.
    full: Vec<bool>,
    /// The sorted pairs not yet taken: row `x - 1`, its first `k` columns (none left: 0).
    x: usize,
    k: usize,
    /// `(x, j)` for each change of scope x: `(j, x)` for j below `j`, j ≠ x, still to take;
    /// the newest on top, as rez's appends are.
    again: Vec<(usize, usize)>,
}

impl Pending {
    /// The pairs of a round of `num` scopes, `prev` of them there before it: every y for a
    /// new or widened scope x, else the changed and the new y.
    pub(super) fn new(
        prev: usize,
        num: usize,
        changed: &BTreeSet<usize>,
        widened: &BTreeSet<usize>,
    ) -> Pending {
        let full = (0..num)
            .map(|x| x >= prev || widened.contains(&x))
            .collect();
        let mut pending = Pending {
            num,
            prev,
            changed: changed.range(..prev).copied().collect(),
            full,
            x: num,
            k: 0,
            again: Vec::new(),
        };
        pending.k = pending.row_len(num.wrapping_sub(1));
        pending
    }

    fn row_len(&self, x: usize) -> usize {
        match self.full.get(x) {
            None => 0,
            Some(true) => self.num,
            Some(false) => self.changed.len() + (self.num - self.prev),
        }
    }

    /// The `k`th column (ascending) of row `x`.
    fn column(&self, x: usize, k: usize) -> usize {
        if self.full[x] {
            k
        } else if k < self.changed.len() {
            self.changed[k]
        } else {
            self.prev + (k - self.changed.len())
        }
    }

    /// rez's `pending_reducts.pop()`.
    pub(super) fn pop(&mut self) -> Option<(usize, usize)> {
        while let Some((x, j)) = self.again.last_mut() {
            match *j {
                0 => {
                    self.again.pop();
                }
                _ => {
                    *j -= 1;
                    if *j != *x {
                        return Some((*j, *x));
                    }
                }
            }
        }
        while self.x > 0 {
            if self.k > 0 {
                self.k -= 1;
                return Some((self.x - 1, self.column(self.x - 1, self.k)));
            }
            self.x -= 1;
            self.k = self.row_len(self.x.wrapping_sub(1));
        }
        None
    }

    /// Scope `x` changed: every other scope reduces against it again, first.
    pub(super) fn changed(&mut self, x: usize) {
        self.again.push((x, self.num));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// The pairs as rez makes them: every pair listed, then sorted and deduplicated.
    fn listed_then_sorted(
        prev: usize,
        num: usize,
        changed: &BTreeSet<usize>,
        widened: &BTreeSet<usize>,
    ) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for x in 0..prev {
            pairs.extend(changed.iter().map(|&y| (x, y)));
            pairs.extend((prev..num).map(|y| (x, y)));
        }
        for x in (prev..num).chain(widened.iter().copied()) {
            pairs.extend((0..num).map(|y| (x, y)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// rez's loop over a list, with a change after some pops, against [`Pending`].
    #[test]
    fn pairs_come_in_rezs_order_with_changes_between() {
        let mut rng = StdRng::seed_from_u64(7);
        for num in 0..7 {
            for prev in 0..=num {
                // Every subset of the scopes as changed, and a few as widened.
                for mask in 0u32..(1 << num) {
                    let changed: BTreeSet<usize> =
                        (0..num).filter(|i| mask & (1 << i) != 0).collect();
                    let widened: BTreeSet<usize> = (0..num)
                        .filter(|i| (mask >> 1) & (1 << i) != 0 && i % 2 == 0)
                        .collect();
                    let mut list = listed_then_sorted(prev, num, &changed, &widened);
                    let mut pending = Pending::new(prev, num, &changed, &widened);
                    let mut changes = 0;
                    loop {
                        let expected = list.pop();
                        assert_eq!(pending.pop(), expected, "prev {prev}, num {num}, {mask:b}");
                        let Some((x, _)) = expected else { break };
                        if changes < 2 * num && rng.random_bool(0.2) {
                            changes += 1;
                            list.extend((0..num).filter(|&j| j != x).map(|j| (j, x)));
                            pending.changed(x);
                        }
                    }
                }
            }
        }
    }
}
