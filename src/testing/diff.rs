//! A shortest edit script between two sequences in linear memory: Myers' O(ND) algorithm with
//! its linear-space refinement (find the middle snake, recurse on both halves).
//!
//! Time is bounded too: a search that needs more than [`D_LIMIT`] edits to meet in the middle
//! splits at the furthest point it reached instead, so two long sequences that differ everywhere
//! cost O((N + M) · D_LIMIT), and the script stays valid, if no longer the shortest.

use std::ops::Range;

/// How many edits each middle-snake search may explore before it settles for a split point.
const D_LIMIT: isize = 128;

/// What a run of the edit script does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    /// In both sequences.
    Equal,
    /// Only in the first (expected) sequence.
    Delete,
    /// Only in the second (actual) sequence.
    Insert,
}

/// A run of one kind of edit: `len` items from `old` (at `old_at`) and/or `new` (at `new_at`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EditRun {
    pub(crate) edit: Edit,
    pub(crate) old_at: usize,
    pub(crate) new_at: usize,
    pub(crate) len: usize,
}

/// The runs that turn `old` into `new`, in order, with as few deletions and insertions as
/// possible. Memory is linear in `old.len() + new.len()`.
pub(crate) fn diff<T: PartialEq>(old: &[T], new: &[T]) -> Vec<EditRun> {
    let max = (old.len() + new.len()).div_ceil(2) + 1;
    let mut search = Search {
        old,
        new,
        forward: V::new(max),
        backward: V::new(max),
        runs: Vec::new(),
    };
    search.conquer(0..old.len(), 0..new.len());
    deletions_first(search.runs)
}

/// Each stretch between two equal runs as one deletion, then one insertion: the way a diff is
/// read, and the same number of edits (a stretch's deletions are adjacent in `old`, its
/// insertions in `new`).
fn deletions_first(runs: Vec<EditRun>) -> Vec<EditRun> {
    let mut out: Vec<EditRun> = Vec::with_capacity(runs.len());
    let mut stretch: Option<(EditRun, usize, usize)> = None; // first run, deleted, inserted
    let flush = |out: &mut Vec<EditRun>, stretch: Option<(EditRun, usize, usize)>| {
        if let Some((first, deleted, inserted)) = stretch {
            for (edit, len, new_at) in [
                (Edit::Delete, deleted, first.new_at),
                (Edit::Insert, inserted, first.new_at),
            ] {
                if len > 0 {
                    let old_at = first.old_at + if edit == Edit::Insert { deleted } else { 0 };
                    out.push(EditRun {
                        edit,
                        old_at,
                        new_at,
                        len,
                    });
                }
            }
        }
    };
    for run in runs {
        match run.edit {
            Edit::Equal => {
                flush(&mut out, stretch.take());
                out.push(run);
            }
            Edit::Delete | Edit::Insert => {
                let (_, deleted, inserted) = stretch.get_or_insert((run, 0, 0));
                match run.edit {
                    Edit::Delete => *deleted += run.len,
                    _ => *inserted += run.len,
                }
            }
        }
    }
    flush(&mut out, stretch);
    out
}

/// The furthest x reached on each diagonal k, for k in -max..=max.
struct V {
    offset: isize,
    v: Vec<usize>,
}

impl V {
    fn new(max: usize) -> V {
        V {
            offset: max as isize,
            v: vec![0; 2 * max + 1],
        }
    }

    fn get(&self, k: isize) -> usize {
        self.v[(k + self.offset) as usize]
    }

    fn set(&mut self, k: isize, x: usize) {
        self.v[(k + self.offset) as usize] = x;
    }

    /// Where diagonal `k` starts at edit `d`, before its snake: one step down from diagonal
    /// `k + 1` (an insertion) or one step right from `k - 1` (a deletion), whichever reached
    /// further. The same rule for the forward and the backward search, each in its own frame.
    fn start(&self, k: isize, d: isize) -> usize {
        if k == -d || (k != d && self.get(k - 1) < self.get(k + 1)) {
            self.get(k + 1)
        } else {
            self.get(k - 1) + 1
        }
    }
}

struct Search<'a, T> {
    old: &'a [T],
    new: &'a [T],
    forward: V,
    backward: V,
    runs: Vec<EditRun>,
}

impl<T: PartialEq> Search<'_, T> {
    fn push(&mut self, edit: Edit, old_at: usize, new_at: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.runs.last_mut() {
            if last.edit == edit {
                last.len += len;
                return;
            }
        }
        self.runs.push(EditRun {
            edit,
            old_at,
            new_at,
            len,
        });
    }

    fn conquer(&mut self, mut old: Range<usize>, mut new: Range<usize>) {
        let prefix = common_prefix(&self.old[old.clone()], &self.new[new.clone()]);
        self.push(Edit::Equal, old.start, new.start, prefix);
        old.start += prefix;
        new.start += prefix;
        let suffix = common_suffix(&self.old[old.clone()], &self.new[new.clone()]);
        old.end -= suffix;
        new.end -= suffix;
        if old.is_empty() {
            self.push(Edit::Insert, old.start, new.start, new.len());
        } else if new.is_empty() {
            self.push(Edit::Delete, old.start, new.start, old.len());
        } else {
            let (x, y) = self.middle_snake(old.clone(), new.clone());
            self.conquer(old.start..x, new.start..y);
            self.conquer(x..old.end, y..new.end);
        }
        self.push(Edit::Equal, old.end, new.end, suffix);
    }

    /// A point on a shortest edit path from the start to the end of the two ranges, strictly
    /// inside it (both ranges non-empty, with no common prefix or suffix).
    fn middle_snake(&mut self, old: Range<usize>, new: Range<usize>) -> (usize, usize) {
        let (n, m) = (old.len() as isize, new.len() as isize);
        let delta = n - m;
        let odd = delta & 1 == 1;
        self.forward.set(1, 0);
        self.backward.set(1, 0);
        let d_max = ((n + m + 1) / 2 + 1).min(D_LIMIT);
        for d in 0..d_max {
            for k in (-d..=d).rev().step_by(2) {
                let mut x = self.forward.start(k, d);
                let y = (x as isize - k) as usize;
                let (x0, y0) = (x, y);
                if x < n as usize && y < m as usize {
                    x += common_prefix(
                        &self.old[old.start + x..old.end],
                        &self.new[new.start + y..new.end],
                    );
                }
                self.forward.set(k, x);
                if odd
                    && (k - delta).abs() < d
                    && self.forward.get(k) + self.backward.get(-(k - delta)) >= n as usize
                {
                    return (old.start + x0, new.start + y0);
                }
            }
            for k in (-d..=d).rev().step_by(2) {
                let mut x = self.backward.start(k, d);
                let mut y = (x as isize - k) as usize;
                if x < n as usize && y < m as usize {
                    let advance = common_suffix(
                        &self.old[old.start..old.end - x],
                        &self.new[new.start..new.end - y],
                    );
                    x += advance;
                    y += advance;
                }
                self.backward.set(k, x);
                if !odd
                    && (k - delta).abs() <= d
                    && self.backward.get(k) + self.forward.get(-(k - delta)) >= n as usize
                {
                    return (old.end - x, new.end - y);
                }
            }
        }
        self.furthest_forward(d_max - 1, n as usize, m as usize)
            .map_or((old.start + 1, new.start), |(x, y)| {
                (old.start + x, new.start + y)
            })
    }

    /// The in-grid point the forward search reached furthest (largest x + y) after `d` edits,
    /// other than the end: a split point on a valid, if not the shortest, path. `None` if there
    /// is none (then deleting one item is progress enough).
    fn furthest_forward(&self, d: isize, n: usize, m: usize) -> Option<(usize, usize)> {
        (-d..=d)
            .step_by(2)
            .filter_map(|k| {
                let x = self.forward.get(k);
                let y = x as isize - k;
                (x <= n && (0..=m as isize).contains(&y)).then_some((x, y as usize))
            })
            .filter(|&(x, y)| (x, y) != (n, m) && x + y > 0)
            .max_by_key(|&(x, y)| x + y)
    }
}

fn common_prefix<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest common subsequence's length, by the quadratic table (small inputs only).
    fn lcs(a: &[u8], b: &[u8]) -> usize {
        let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                t[i][j] = if a[i] == b[j] {
                    t[i + 1][j + 1] + 1
                } else {
                    t[i + 1][j].max(t[i][j + 1])
                };
            }
        }
        t[0][0]
    }

    /// Applies the runs, checking they are a valid script from `a` to `b`; returns the matches.
    fn replay(a: &[u8], b: &[u8], runs: &[EditRun]) -> usize {
        let (mut i, mut j, mut equal) = (0, 0, 0);
        for run in runs {
            assert_eq!((run.old_at, run.new_at), (i, j), "{runs:?}");
            match run.edit {
                Edit::Equal => {
                    assert_eq!(a[i..i + run.len], b[j..j + run.len], "{runs:?}");
                    i += run.len;
                    j += run.len;
                    equal += run.len;
                }
                Edit::Delete => i += run.len,
                Edit::Insert => j += run.len,
            }
        }
        assert_eq!((i, j), (a.len(), b.len()), "{runs:?}");
        equal
    }

    #[test]
    fn the_script_is_valid_and_shortest() {
        // A small deterministic generator: every pair of short strings over a tiny alphabet.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..if cfg!(miri) { 30 } else { 3000 } {
            let la = (next() % 12) as usize;
            let lb = (next() % 12) as usize;
            let alphabet = 1 + next() % 4;
            let a: Vec<u8> = (0..la).map(|_| (next() % alphabet) as u8).collect();
            let b: Vec<u8> = (0..lb).map(|_| (next() % alphabet) as u8).collect();
            let runs = diff(&a, &b);
            assert_eq!(replay(&a, &b, &runs), lcs(&a, &b), "{a:?} {b:?} {runs:?}");
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
    fn long_sequences_differing_everywhere_stay_valid() {
        let n = 20_000;
        let a: Vec<u32> = (0..n).collect();
        let b: Vec<u32> = (0..n).map(|i| i * 2 + 1).collect();
        let runs = diff(&a, &b);
        let (mut i, mut j) = (0, 0);
        for run in &runs {
            assert_eq!((run.old_at, run.new_at), (i, j));
            match run.edit {
                Edit::Equal => {
                    assert_eq!(a[i..i + run.len], b[j..j + run.len]);
                    i += run.len;
                    j += run.len;
                }
                Edit::Delete => i += run.len,
                Edit::Insert => j += run.len,
            }
        }
        assert_eq!((i, j), (a.len(), b.len()));
    }

    #[test]
    fn a_replacement_reads_deletion_first() {
        let runs = diff(b"axb", b"ayb");
        let edits: Vec<Edit> = runs.iter().map(|r| r.edit).collect();
        assert_eq!(
            edits,
            vec![Edit::Equal, Edit::Delete, Edit::Insert, Edit::Equal]
        );
        assert_eq!(replay(b"axb", b"ayb", &runs), 2);
    }

    #[test]
    fn runs_are_merged() {
        let runs = diff(b"abcxyz", b"abcz");
        assert_eq!(
            runs,
            vec![
                EditRun {
                    edit: Edit::Equal,
                    old_at: 0,
                    new_at: 0,
                    len: 3
                },
                EditRun {
                    edit: Edit::Delete,
                    old_at: 3,
                    new_at: 3,
                    len: 2
                },
                EditRun {
                    edit: Edit::Equal,
                    old_at: 5,
                    new_at: 3,
                    len: 1
                },
            ]
        );
    }
}
