//! A small, platform-independent random source.
//!
//! Everything the generator draws goes through [`Rng`], which only ever samples `u32` values
//! from a ChaCha8 stream. `usize`-based helpers of `rand` (`choose`, `shuffle`, `gen_range` on
//! `usize`) are avoided on purpose: their output depends on the pointer width, and the corpus
//! must be byte-identical on every platform.

use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seeded random source for one patient.
pub(crate) struct Rng(ChaCha8Rng);

impl Rng {
    /// The stream of patient `index` under `seed`: independent of how many patients are made.
    pub(crate) fn for_patient(seed: u64, index: u64) -> Self {
        let mut inner = ChaCha8Rng::seed_from_u64(seed);
        inner.set_stream(index);
        Rng(inner)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        self.0.gen_range(0..n)
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        debug_assert!(lo <= hi);
        self.0.gen_range(lo..=hi)
    }

    /// True with probability `p` percent.
    pub(crate) fn pct(&mut self, p: u32) -> bool {
        self.below(100) < p
    }

    /// Index into a slice of length `len`.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        debug_assert!(len > 0 && len <= u32::MAX as usize);
        self.below(len as u32) as usize
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.index(xs.len())]
    }

    /// One of a list of phrases.
    pub(crate) fn one(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.index(xs.len())]
    }

    /// One value by integer weight.
    pub(crate) fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|(_, w)| *w).sum();
        let mut r = self.below(total);
        for (x, w) in xs {
            if r < *w {
                return *x;
            }
            r -= *w;
        }
        xs[xs.len() - 1].0
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.index(i + 1);
            xs.swap(i, j);
        }
    }

    /// `n` distinct elements (fewer if the slice is shorter), in random order.
    pub(crate) fn choose_n<T: Clone>(&mut self, xs: &[T], n: usize) -> Vec<T> {
        let mut v: Vec<T> = xs.to_vec();
        self.shuffle(&mut v);
        v.truncate(n);
        v
    }

    /// Scale `v` by a random percentage in `lo..=hi`, rounding to nearest.
    pub(crate) fn scale(&mut self, v: u32, lo: u32, hi: u32) -> u32 {
        let p = self.range(lo, hi);
        (v * p + 50) / 100
    }
}
