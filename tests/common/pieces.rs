//! Laying a logical vector out with a stride, and views of its pieces: shared by the state
//! tests (`tests/sumsq.rs`) and the fuzz target `sumsq` (`fuzz/src/lib.rs`, by `#[path]`).
#![allow(dead_code)]
use safenorm::{Element, Isa, Strided};

/// Lays `elems` out with stride `inc` (in elements), `rogue` in every gap; `inc == 0`: only
/// `elems[0]` (the view counts it `elems.len()` times), followed by a rogue element.
pub fn layout<T: Copy>(elems: &[T], inc: isize, rogue: T) -> Vec<T> {
    let n = elems.len();
    if inc == 0 {
        return elems.first().copied().into_iter().chain([rogue]).collect();
    }
    let s = inc.unsigned_abs();
    let mut buf = vec![rogue; (n.max(1) - 1) * s + 1];
    for (i, &e) in elems.iter().enumerate() {
        // incx < 0: element i of the logical vector sits at (n-1-i)*|incx|.
        let pos = if inc < 0 { (n - 1 - i) * s } else { i * s };
        buf[pos] = e;
    }
    buf
}

/// The view of elements `a..b` of the logical vector laid out by [`layout`] (`n` elements,
/// stride `inc`): a sub-view of the same buffer with the same stride.
pub fn sub_view<T: Element>(buf: &[T], n: usize, inc: isize, a: usize, b: usize) -> Strided<'_, T> {
    let s = inc.unsigned_abs();
    let start = if inc >= 0 { a * s } else { (n - b) * s };
    Strided::new(&buf[start.min(buf.len())..], b - a, inc).expect("piece fits")
}

/// Every ISA path this CPU can run.
pub fn isas() -> Vec<Isa> {
    Isa::ALL
        .iter()
        .copied()
        .filter(|i| i.is_available())
        .collect()
}
