//! The smallest and the largest numbers, kept exactly (the windows of k values around min and
//! max are then exact, and merge exactly).

use alloc::vec::Vec;

/// How many of the smallest and of the largest numbers a summary keeps exactly.
pub const EXTREMES: usize = 64;

/// Keeps `x` among the [`EXTREMES`] first values of `list` in the order `before` (ties keep the
/// earlier value first).
pub(crate) fn keep_extreme(list: &mut Vec<f64>, x: f64, before: impl Fn(f64, f64) -> bool) {
    if list.len() == EXTREMES && list.last().is_none_or(|&last| !before(x, last)) {
        return;
    }
    let at = list.partition_point(|&y| !before(x, y));
    list.insert(at, x);
    list.truncate(EXTREMES);
}
