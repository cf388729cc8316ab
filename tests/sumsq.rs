//! The mergeable sum-of-squares states (`SumSq`, `ExactSumSq`) against the independent oracle
//! of `tests/common`.
//!
//! The guarantee under test: for every split of a vector into pieces, added in any order to
//! any number of states (any ISA path per piece, any element type per piece, strided or not),
//! merged in any tree, with any number of trips through bytes on the way, `result_f64` /
//! `result_f32` give exactly the bits of the correctly rounded norm of the whole vector, or
//! `NeedExact` with a faithful value, and then an `ExactSumSq` over the same pieces (split
//! and merged independently) gives the correct bits.  NaN anywhere gives NaN, otherwise an
//! infinity gives `+Inf`, across merges and bytes.  Also: the byte layout, every kind of
//! corrupted bytes refused with its `StateError`, the range limit of merges, and results that
//! do not depend on the thread count.
//!
//! Every test here is deterministic (fixed seeds).  Under Miri (`.ci/miri.sh`) the bytes,
//! range and empty-state tests run as they are and `portable_paths_under_miri` with small
//! sizes; the others (long vectors, all families, threads) are ignored there.
mod common;

use common::*;
use num_bigint::BigUint;
use safenorm::{
    Element, ExactSumSq, Isa, Rounded, StateError, Strided, SumSq, EXACT_SUMSQ_BYTES, PAR_MIN,
    SUMSQ_BYTES,
};

/// Strides of the split-view runs.
const INCS: [isize; 8] = [-3, -2, -1, 0, 1, 2, 3, 17];

/// Piece lengths (in real components) at and around the thresholds of the paths: the short
/// paths (32), the block size (4096) and the one-block limit `SHORT_MAX` (65536).
const THRESHOLDS: [usize; 12] = [
    31, 32, 33, 64, 4095, 4096, 4097, 8193, 65535, 65536, 65537, 70_000,
];

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

fn shuffle<T>(rng: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// The expected results of a vector: the oracle in both formats and the flags.
#[derive(Clone, Copy, Debug)]
struct Want {
    d: f64,
    /// The binary32 result, held in a binary64.
    s: f64,
    nan: bool,
    inf: bool,
    /// Binary32 data went through the binary32 kernels (see [`NARROW_AS_F64_ULPS`]).
    narrow: bool,
}

/// How far (in binary64 ulps) a `NeedExact` value of `result_f64` may lie from the correct
/// result when the state holds binary32 data: such data are accumulated only to within
/// `2^-28` of the sum (`Rounded::NeedExact`; the AVX-512 native binary32 lanes are the
/// loosest), so the root is within `2^-29`, about `2^23` binary64 ulps (seen: 5626 ulps for
/// 4099 equal values `f32::from_bits(0x3fea_0488)` on AVX-512, 3 ulps for
/// `(0..1000).map(|i| (i as f32 + 0.5) * 1.1)` on the portable path).  Binary64 states, and
/// binary32 results, are held to one ulp (a faithful rounding); the correct bits come from
/// the exact state.
const NARROW_AS_F64_ULPS: u64 = 1 << 24;

impl Want {
    /// The vector of binary64 values (binary32 data widened).
    fn of(wide: &[f64]) -> Want {
        Want {
            d: oracle(wide, D),
            s: oracle(wide, S),
            nan: wide.iter().any(|v| v.is_nan()),
            inf: wide.iter().any(|v| v.is_infinite()),
            narrow: false,
        }
    }
    /// The element `parts` counted `count` times (`incx == 0`).
    fn repeated(parts: &[f64], count: u64) -> Want {
        if count == 0 {
            return Want::of(&[]);
        }
        Want {
            d: oracle_repeated(parts, count, D),
            s: oracle_repeated(parts, count, S),
            nan: parts.iter().any(|v| v.is_nan()),
            inf: parts.iter().any(|v| v.is_infinite()),
            narrow: false,
        }
    }
    /// The logical vector `elems` seen with stride `inc` (`inc == 0`: `elems[0]` counted
    /// `elems.len()` times).
    fn for_view<T: Element>(elems: &[T], inc: isize) -> Want {
        let wide = widen(elems);
        let mut w = if inc == 0 && !elems.is_empty() {
            Want::repeated(&wide[..T::PARTS], elems.len() as u64)
        } else {
            Want::of(&wide)
        };
        w.narrow = is_narrow::<T>();
        w
    }
}

fn is_narrow<T: Element>() -> bool {
    T::FORMAT == safenorm::FORMAT_F32
}

/// The real components of `elems`, widened to binary64 (exact).
fn widen<T: Element>(elems: &[T]) -> Vec<f64> {
    elems
        .iter()
        .flat_map(|&e| (0..T::PARTS).map(move |k| e.part(k)))
        .collect()
}

/// How often each outcome occurred (the tests assert that `NeedExact` really occurs).
#[derive(Default, Debug)]
struct Stats {
    runs: usize,
    correct_d: usize,
    need_exact_d: usize,
    correct_s: usize,
    need_exact_s: usize,
}

/// `v` is `w` or one of its two neighbours in binary64 (both non-negative or `+Inf`); for
/// states of binary32 data within [`NARROW_AS_F64_ULPS`].
fn faithful64(v: f64, w: f64, narrow: bool) -> bool {
    let ulps = if narrow { NARROW_AS_F64_ULPS } else { 1 };
    !v.is_nan() && !w.is_nan() && v >= 0.0 && v.to_bits().abs_diff(w.to_bits()) <= ulps
}

/// The same in binary32.
fn faithful32(v: f32, w: f32) -> bool {
    !v.is_nan() && !w.is_nan() && v >= 0.0 && v.to_bits().abs_diff(w.to_bits()) <= 1
}

/// Checks a fast state and an exact state built from the same data against `w`.
fn check(st: &SumSq, ex: &ExactSumSq, w: &Want, stats: &mut Stats, ctx: &dyn Fn() -> String) {
    assert_eq!(ex.saw_nan(), w.nan, "exact saw_nan: {}", ctx());
    assert_eq!(ex.saw_inf(), w.inf, "exact saw_inf: {}", ctx());
    let ed = ex.result_f64();
    assert!(
        same(ed, w.d),
        "exact f64 {ed:e} ({:#x}) != oracle {:e} ({:#x}): {}",
        ed.to_bits(),
        w.d,
        w.d.to_bits(),
        ctx()
    );
    let es = ex.result_f32();
    assert!(
        same(f64::from(es), w.s),
        "exact f32 {es:e} != oracle {:e}: {}",
        w.s,
        ctx()
    );
    check_fast(st, w, stats, ctx);
}

/// Checks a fast state against `w`: `Correct` gives the oracle's bits, `NeedExact` a
/// faithful value.
fn check_fast(st: &SumSq, w: &Want, stats: &mut Stats, ctx: &dyn Fn() -> String) {
    stats.runs += 1;
    assert_eq!(st.saw_nan(), w.nan, "saw_nan: {}", ctx());
    assert_eq!(st.saw_inf(), w.inf, "saw_inf: {}", ctx());
    match st.result_f64() {
        Rounded::Correct(v) => {
            stats.correct_d += 1;
            assert!(
                same(v, w.d),
                "f64 Correct({v:e}) ({:#x}) != oracle {:e} ({:#x}): {}",
                v.to_bits(),
                w.d,
                w.d.to_bits(),
                ctx()
            );
        }
        Rounded::NeedExact(v) => {
            stats.need_exact_d += 1;
            assert!(!w.nan && !w.inf, "NaN/Inf state not Correct: {}", ctx());
            assert!(
                faithful64(v, w.d, w.narrow),
                "f64 NeedExact({v:e}) ({:#x}) not a neighbour of {:e} ({:#x}): {}",
                v.to_bits(),
                w.d,
                w.d.to_bits(),
                ctx()
            );
        }
    }
    let ws = w.s as f32;
    match st.result_f32() {
        Rounded::Correct(v) => {
            stats.correct_s += 1;
            assert!(
                same(f64::from(v), w.s),
                "f32 Correct({v:e}) ({:#x}) != oracle {ws:e} ({:#x}): {}",
                v.to_bits(),
                ws.to_bits(),
                ctx()
            );
        }
        Rounded::NeedExact(v) => {
            stats.need_exact_s += 1;
            assert!(!w.nan && !w.inf, "NaN/Inf state not Correct: {}", ctx());
            assert!(
                faithful32(v, ws),
                "f32 NeedExact({v:e}) ({:#x}) not a neighbour of {ws:e} ({:#x}): {}",
                v.to_bits(),
                ws.to_bits(),
                ctx()
            );
        }
    }
}

/// The two states, with the operations the merge trees use.
trait State: Sized {
    fn empty() -> Self;
    fn merge_from(&mut self, o: &Self);
    /// Through bytes and back, checking that the bytes round-trip exactly.
    fn round_trip(&self) -> Self;
}

impl State for SumSq {
    fn empty() -> Self {
        SumSq::new()
    }
    fn merge_from(&mut self, o: &Self) {
        self.merge(o);
    }
    fn round_trip(&self) -> Self {
        let b = self.to_bytes();
        let t = SumSq::from_bytes(&b).expect("own bytes are accepted");
        assert_eq!(t.to_bytes(), b, "bytes round trip");
        assert_eq!(&t, self, "state round trip");
        t
    }
}

impl State for ExactSumSq {
    fn empty() -> Self {
        ExactSumSq::new()
    }
    fn merge_from(&mut self, o: &Self) {
        self.merge(o);
    }
    fn round_trip(&self) -> Self {
        let b = self.to_bytes();
        let t = ExactSumSq::from_bytes(&b).expect("own bytes are accepted");
        assert_eq!(t.to_bytes(), b, "exact bytes round trip");
        assert_eq!(&t, self, "exact state round trip");
        t
    }
}

/// Adds `pieces` pieces (in random order) to 1..=6 states (each piece to a random one, each
/// state sometimes through bytes), then merges them in a random tree (either side into the
/// other, sometimes through bytes).
fn accumulate<S: State>(
    rng: &mut Rng,
    pieces: usize,
    add: &mut dyn FnMut(usize, &mut S, &mut Rng),
) -> S {
    let nst = 1 + rng.below(6) as usize;
    let mut states: Vec<S> = (0..nst).map(|_| S::empty()).collect();
    let mut order: Vec<usize> = (0..pieces).collect();
    shuffle(rng, &mut order);
    for i in order {
        let k = rng.below(nst as u64) as usize;
        add(i, &mut states[k], rng);
        if rng.below(4) == 0 {
            states[k] = states[k].round_trip();
        }
    }
    merge_tree(rng, states)
}

/// Merges states in a random tree.
fn merge_tree<S: State>(rng: &mut Rng, mut states: Vec<S>) -> S {
    while states.len() > 1 {
        let j = rng.below(states.len() as u64) as usize;
        let mut o = states.swap_remove(j);
        if rng.below(4) == 0 {
            o = o.round_trip();
        }
        let i = rng.below(states.len() as u64) as usize;
        if rng.below(2) == 0 {
            states[i].merge_from(&o);
        } else {
            o.merge_from(&states[i]);
            states[i] = o;
        }
    }
    let s = states.pop().expect("at least one state");
    if rng.below(3) == 0 {
        s.round_trip()
    } else {
        s
    }
}

/// A random split of `n` elements (of `parts` components each) into consecutive pieces:
/// empty pieces, length-1 pieces, lengths at and around the path thresholds, random lengths.
/// Returns the element ranges.
fn split(rng: &mut Rng, n: usize, parts: usize) -> Vec<(usize, usize)> {
    let max_pieces = 1 + rng.below(12) as usize;
    let mut lens = Vec::new();
    let mut left = n;
    while lens.len() + 1 < max_pieces && (left > 0 || rng.below(3) == 0) {
        let len = match rng.below(10) {
            0 => 0,
            1 => 1,
            2..=4 => {
                let t = THRESHOLDS[rng.below(THRESHOLDS.len() as u64) as usize];
                // In elements, rounded either way (a complex piece of 33 components does not
                // exist: 16 or 17 elements straddle the threshold from both sides).
                (t + rng.below(parts as u64) as usize) / parts
            }
            5 | 6 => rng.below(left as u64 + 1) as usize,
            7 => left / 2,
            _ => rng.below(left.min(40) as u64 + 1) as usize,
        }
        .min(left);
        lens.push(len);
        left -= len;
    }
    lens.push(left);
    let mut out = Vec::with_capacity(lens.len());
    let mut a = 0;
    for len in lens {
        out.push((a, a + len));
        a += len;
    }
    out
}

/// How the pieces of a run are added to the fast states.
#[derive(Clone, Copy, Debug)]
enum Path {
    /// Every piece through one ISA.
    Isa(Isa),
    /// Each piece through a random available ISA or the dispatcher (`add_view`, or `add`
    /// for contiguous pieces).
    Random,
}

/// Adds one view to a fast state through `path`.
fn add_fast<T: Element>(
    st: &mut SumSq,
    v: &Strided<'_, T>,
    slice: Option<&[T]>,
    path: Path,
    rng: &mut Rng,
) {
    let isa = match path {
        Path::Isa(i) => Some(i),
        Path::Random => {
            let avail = isas();
            let k = rng.below(avail.len() as u64 + 1) as usize;
            avail.get(k).copied()
        }
    };
    match (isa, slice) {
        (Some(i), _) => assert!(st.add_view_with_isa(v, i), "{i:?} available"),
        (None, Some(x)) if rng.below(2) == 0 => st.add(x),
        (None, _) => st.add_view(v),
    }
}

/// One run: `elems` laid out with stride `inc`, split into pieces by element ranges, added to
/// fast states through `path` and (split independently) to exact states, merged in random
/// trees, checked against `w`.  (Under Miri, where an exact square costs milliseconds, long
/// vectors skip the exact states.)
#[allow(clippy::too_many_arguments)]
fn run<T: Element>(
    elems: &[T],
    inc: isize,
    rogue: T,
    w: &Want,
    path: Path,
    rng: &mut Rng,
    stats: &mut Stats,
    what: &str,
) {
    let n = elems.len();
    let buf = layout(elems, inc, rogue);
    let contiguous = |a: usize, b: usize| (inc == 1).then(|| &buf[a..b]);
    let ranges = split(rng, n, T::PARTS);
    let fast: SumSq = accumulate(rng, ranges.len(), &mut |i, st, rng| {
        let (a, b) = ranges[i];
        add_fast(
            st,
            &sub_view(&buf, n, inc, a, b),
            contiguous(a, b),
            path,
            rng,
        );
    });
    let ctx = || {
        format!(
            "{what} {} n={n} inc={inc} path={path:?} pieces={ranges:?}",
            std::any::type_name::<T>()
        )
    };
    if cfg!(miri) && n > 1000 {
        check_fast(&fast, w, stats, &ctx);
        return;
    }
    let exact_ranges = split(rng, n, T::PARTS);
    let exact: ExactSumSq = accumulate(rng, exact_ranges.len(), &mut |i, st, rng| {
        let (a, b) = exact_ranges[i];
        match contiguous(a, b) {
            Some(x) if rng.below(2) == 0 => st.add(x),
            _ => st.add_view(&sub_view(&buf, n, inc, a, b)),
        }
    });
    check(&fast, &exact, w, stats, &ctx);
}

/// The real vector `xs` and, paired into complex elements, `cx`: every ISA on the contiguous
/// vector, then every stride with a random path per piece.
fn run_family<R: Element, C: Element>(
    xs: &[R],
    cx: &[C],
    rogue: (R, C),
    rng: &mut Rng,
    stats: &mut Stats,
    name: &str,
) {
    for isa in isas() {
        run(
            xs,
            1,
            rogue.0,
            &Want::for_view(xs, 1),
            Path::Isa(isa),
            rng,
            stats,
            name,
        );
        run(
            cx,
            1,
            rogue.1,
            &Want::for_view(cx, 1),
            Path::Isa(isa),
            rng,
            stats,
            name,
        );
    }
    let (wx, wc) = (Want::for_view(xs, 1), Want::for_view(cx, 1));
    for inc in INCS {
        let (wx0, wc0);
        let (wx, wc) = if inc == 0 {
            wx0 = Want::for_view(xs, 0);
            wc0 = Want::for_view(cx, 0);
            (&wx0, &wc0)
        } else {
            (&wx, &wc)
        };
        run(xs, inc, rogue.0, wx, Path::Random, rng, stats, name);
        run(cx, inc, rogue.1, wc, Path::Random, rng, stats, name);
    }
}

fn pairs<T: Copy>(xs: &[T], pad: T) -> Vec<[T; 2]> {
    let mut ys = xs.to_vec();
    if ys.len() % 2 == 1 {
        ys.push(pad);
    }
    ys.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
}

#[test]
#[cfg_attr(miri, ignore)]
fn binary64_families_split_merged_and_round_tripped() {
    let mut fam = Rng(0x1234_5678_9abc_def1);
    let mut rng = Rng(0x5a5a_0001);
    let mut stats = Stats::default();
    let mut tie_need_exact = 0;
    for (name, xs) in families(&mut fam) {
        let cx = pairs(&xs, 0.5);
        let before = stats.need_exact_d;
        run_family(
            &xs,
            &cx,
            (f64::NAN, [f64::NAN; 2]),
            &mut rng,
            &mut stats,
            name,
        );
        if name == "tie" {
            tie_need_exact += stats.need_exact_d - before;
        }
    }
    println!("binary64 families: {stats:?}, NeedExact on exact ties: {tie_need_exact}");
    // Exact ties cannot be decided by any bound: the fallback really is exercised.
    assert!(tie_need_exact > 0 && stats.need_exact_d > 0, "{stats:?}");
    assert!(stats.correct_d > stats.runs / 3, "{stats:?}");
}

#[test]
#[cfg_attr(miri, ignore)]
fn binary32_families_split_merged_and_round_tripped() {
    let mut fam = Rng(0x3234_5678_9abc_def1);
    let mut rng = Rng(0x5a5a_0002);
    let mut stats = Stats::default();
    let mut tie_need_exact = 0;
    for (name, xs) in families_f32(&mut fam) {
        let cx = pairs(&xs, 0.25);
        let before = stats.need_exact_s;
        run_family(
            &xs,
            &cx,
            (f32::NAN, [f32::NAN; 2]),
            &mut rng,
            &mut stats,
            name,
        );
        if name == "tie" {
            tie_need_exact += stats.need_exact_s - before;
        }
    }
    println!("binary32 families: {stats:?}, NeedExact (f32) on exact ties: {tie_need_exact}");
    assert!(tie_need_exact > 0 && stats.need_exact_s > 0, "{stats:?}");
    // Half of these families are (near-)ties; the others are decided almost always.
    assert!(stats.correct_s > stats.runs / 3, "{stats:?}");
}

/// Long vectors (pieces around the one-block limit and the block size, several blocks per
/// piece) whose magnitude jumps between the scale classes.
#[test]
#[cfg_attr(miri, ignore)]
fn long_vectors_across_classes() {
    let mut rng = Rng(0x5a5a_0003);
    let mut stats = Stats::default();
    for (k, n) in [70_000usize, 140_001].into_iter().enumerate() {
        let mut e = 0;
        let xs: Vec<f64> = (0..n)
            .map(|i| {
                if i % 5000 == 0 {
                    e = [-1000, -700, -400, -300, -10, 0, 290, 310, 600, 1000]
                        [rng.below(10) as usize];
                }
                rng.with_exp(e, e + 4)
            })
            .collect();
        let cx = pairs(&xs, 1.0);
        for isa in isas() {
            let w = Want::for_view(&xs, 1);
            run(
                &xs,
                1,
                f64::NAN,
                &w,
                Path::Isa(isa),
                &mut rng,
                &mut stats,
                "long",
            );
            let w = Want::for_view(&cx, 1);
            run(
                &cx,
                1,
                [f64::NAN; 2],
                &w,
                Path::Isa(isa),
                &mut rng,
                &mut stats,
                "long",
            );
        }
        for inc in [2isize, -1, 3][k..].iter().copied() {
            let w = Want::for_view(&xs, inc);
            run(
                &xs,
                inc,
                f64::NAN,
                &w,
                Path::Random,
                &mut rng,
                &mut stats,
                "long",
            );
        }
        let xf: Vec<f32> = (0..n)
            .map(|i| {
                if i % 3000 == 0 {
                    e = [-140, -100, -60, -20, 0, 20, 60, 100, 120][rng.below(9) as usize];
                }
                rng.with_exp(e, e + 3) as f32
            })
            .collect();
        for isa in isas() {
            let w = Want::for_view(&xf, 1);
            run(
                &xf,
                1,
                f32::NAN,
                &w,
                Path::Isa(isa),
                &mut rng,
                &mut stats,
                "long f32",
            );
        }
        let w = Want::for_view(&xf, -2);
        run(
            &xf,
            -2,
            f32::NAN,
            &w,
            Path::Random,
            &mut rng,
            &mut stats,
            "long f32",
        );
    }
    println!("long vectors: {stats:?}");
}

/// A piece of a mixed-type state: its own buffer, element type and stride.
enum Piece {
    D(Vec<f64>, usize, isize),
    S(Vec<f32>, usize, isize),
    Z(Vec<[f64; 2]>, usize, isize),
    C(Vec<[f32; 2]>, usize, isize),
}

impl Piece {
    /// The reals `vals` as a piece of a random type (binary32 types only when every value is
    /// one; complex types only for an even count) and a random non-zero stride.
    fn new(rng: &mut Rng, vals: &[f64]) -> Piece {
        let is32 = vals.iter().all(|&v| f64::from(v as f32) == v || v.is_nan());
        let even = vals.len().is_multiple_of(2);
        let inc = [1isize, 1, -1, 2, -2, 3, 17][rng.below(7) as usize];
        loop {
            match rng.below(4) {
                0 => return Piece::D(layout(vals, inc, f64::NAN), vals.len(), inc),
                1 if is32 => {
                    let v: Vec<f32> = vals.iter().map(|&v| v as f32).collect();
                    return Piece::S(layout(&v, inc, f32::NAN), v.len(), inc);
                }
                2 if even => {
                    let v = pairs(vals, 0.0);
                    return Piece::Z(layout(&v, inc, [f64::NAN; 2]), v.len(), inc);
                }
                3 if even && is32 => {
                    let v: Vec<[f32; 2]> = vals
                        .chunks_exact(2)
                        .map(|c| [c[0] as f32, c[1] as f32])
                        .collect();
                    return Piece::C(layout(&v, inc, [f32::NAN; 2]), v.len(), inc);
                }
                _ => {}
            }
        }
    }

    fn add_fast(&self, st: &mut SumSq, rng: &mut Rng) {
        fn go<T: Element>(st: &mut SumSq, b: &[T], n: usize, inc: isize, rng: &mut Rng) {
            let v = Strided::new(b, n, inc).expect("fits");
            let slice = (inc == 1).then(|| &b[..n]);
            add_fast(st, &v, slice, Path::Random, rng);
        }
        match self {
            Piece::D(b, n, inc) => go(st, b, *n, *inc, rng),
            Piece::S(b, n, inc) => go(st, b, *n, *inc, rng),
            Piece::Z(b, n, inc) => go(st, b, *n, *inc, rng),
            Piece::C(b, n, inc) => go(st, b, *n, *inc, rng),
        }
    }

    fn add_exact(&self, st: &mut ExactSumSq) {
        match self {
            Piece::D(b, n, inc) => st.add_view(&Strided::new(b, *n, *inc).expect("fits")),
            Piece::S(b, n, inc) => st.add_view(&Strided::new(b, *n, *inc).expect("fits")),
            Piece::Z(b, n, inc) => st.add_view(&Strided::new(b, *n, *inc).expect("fits")),
            Piece::C(b, n, inc) => st.add_view(&Strided::new(b, *n, *inc).expect("fits")),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Piece::D(..) => "f64",
            Piece::S(..) => "f32",
            Piece::Z(..) => "c64",
            Piece::C(..) => "c32",
        }
    }
}

/// Splits the reals `vals` into pieces of random element types and strides.
fn mixed_pieces(rng: &mut Rng, vals: &[f64]) -> Vec<Piece> {
    split(rng, vals.len(), 1)
        .into_iter()
        .map(|(a, b)| Piece::new(rng, &vals[a..b]))
        .collect()
}

/// One state fed binary32 and binary64, real and complex pieces: the same bits as the oracle
/// on all the values, in both formats.
#[test]
#[cfg_attr(miri, ignore)]
fn mixed_element_types_in_one_state() {
    let mut rng = Rng(0x5a5a_0004);
    let mut stats = Stats::default();
    let mut fam = Rng(0x4234_5678_9abc_def1);
    let mut vectors: Vec<(&str, Vec<f64>)> = families_f32(&mut fam)
        .into_iter()
        .filter(|(_, v)| v.len() <= 5000)
        .map(|(n, v)| (n, v.iter().map(|&x| f64::from(x)).collect()))
        .collect();
    // Binary64 data too (pieces of binary64 types only, unless the piece happens to fit).
    vectors.extend(
        families(&mut fam)
            .into_iter()
            .filter(|(n, _)| ["tie", "tie+", "mixed", "thresholds", "normal"].contains(n)),
    );
    for (name, vals) in &vectors {
        let w = Want::of(vals);
        for _ in 0..2 {
            let fast_pieces = mixed_pieces(&mut rng, vals);
            let exact_pieces = mixed_pieces(&mut rng, vals);
            let fast: SumSq = accumulate(&mut rng, fast_pieces.len(), &mut |i, st, rng| {
                fast_pieces[i].add_fast(st, rng)
            });
            let exact: ExactSumSq = accumulate(&mut rng, exact_pieces.len(), &mut |i, st, _| {
                exact_pieces[i].add_exact(st)
            });
            let kinds: Vec<&str> = fast_pieces.iter().map(Piece::kind).collect();
            let w = Want {
                narrow: kinds.iter().any(|k| k.ends_with("32")),
                ..w
            };
            check(&fast, &exact, &w, &mut stats, &|| {
                format!("mixed {name} n={} pieces={kinds:?}", vals.len())
            });
        }
    }
    println!("mixed types: {stats:?}");
    assert!(stats.need_exact_d > 0, "{stats:?}");
}

/// NaN and infinities in any piece, any state: NaN wins over Inf, across merges and bytes;
/// the flags say what was seen.
#[test]
#[cfg_attr(miri, ignore)]
fn nan_and_inf_across_merges_and_bytes() {
    let mut rng = Rng(0x5a5a_0005);
    let mut stats = Stats::default();
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let snan = f64::from_bits(0x7ff0_0000_0000_0001);
    let specials: [&[f64]; 7] = [
        &[nan],
        &[inf],
        &[-inf],
        &[inf, nan],
        &[-inf, snan],
        &[inf, -inf, f64::MAX],
        &[nan, nan, inf],
    ];
    for n in [1usize, 2, 9, 33, 100, 4100, 70_000] {
        for sp in specials {
            if sp.len() > n {
                continue;
            }
            let mut xs: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            for &s in sp {
                let at = rng.below(n as u64) as usize;
                xs[at] = s;
            }
            let cx = pairs(&xs, 2.0);
            for inc in [1isize, -2, 3, 0] {
                let w = Want::for_view(&xs, inc);
                run(
                    &xs,
                    inc,
                    1.0,
                    &w,
                    Path::Random,
                    &mut rng,
                    &mut stats,
                    "special",
                );
                let w = Want::for_view(&cx, inc);
                run(
                    &cx,
                    inc,
                    [1.0; 2],
                    &w,
                    Path::Random,
                    &mut rng,
                    &mut stats,
                    "special",
                );
                let xf: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
                let w = Want::for_view(&xf, inc);
                run(
                    &xf,
                    inc,
                    1.0,
                    &w,
                    Path::Random,
                    &mut rng,
                    &mut stats,
                    "special f32",
                );
            }
        }
    }
    // Flags set in different states: merged (either way round) and through bytes.
    let mut a = SumSq::new();
    a.add(&[1.0f64, nan]);
    let mut b = SumSq::new();
    b.add(&[inf]);
    let mut c = SumSq::new();
    c.add(&[3.0f32, 4.0]);
    c.add(&[[0.0f64, 0.0]]);
    assert!(a.saw_nan() && !a.saw_inf() && b.saw_inf() && !b.saw_nan());
    assert_eq!(c.result_f32(), Rounded::Correct(5.0));
    assert_eq!(c.result_f64().value(), 5.0);
    let mut bc = b;
    bc.merge(&c);
    assert_eq!(bc.result_f64(), Rounded::Correct(inf));
    assert_eq!(bc.result_f32(), Rounded::Correct(f32::INFINITY));
    let mut cab = c;
    cab.merge(&a);
    cab.merge(&b);
    let cab = SumSq::from_bytes(&cab.to_bytes()).expect("valid");
    assert!(cab.saw_nan() && cab.saw_inf());
    assert!(cab.result_f64().value().is_nan() && cab.result_f64().is_correct());
    assert!(cab.result_f32().value().is_nan() && cab.result_f32().is_correct());
    assert_eq!(cab.to_bytes()[6], 3, "flags byte: NaN | Inf");
    let mut ea = ExactSumSq::new();
    ea.add(&[[f32::NAN, 1.0]]);
    let mut eb = ExactSumSq::new();
    eb.add_view(&Strided::new(&[f64::NEG_INFINITY], 5, 0).expect("fits"));
    assert!(eb.saw_inf() && eb.result_f64() == inf && eb.result_f32() == f32::INFINITY);
    eb.merge(&ea);
    let eb = ExactSumSq::from_bytes(&eb.to_bytes()).expect("valid");
    assert!(eb.saw_nan() && eb.saw_inf() && eb.result_f64().is_nan() && eb.result_f32().is_nan());
    println!("specials: {stats:?}");
}

/// Empty states, empty pieces, zero-length views, and ISAs this CPU lacks.
#[test]
fn empty_and_unavailable() {
    let e = SumSq::new();
    assert_eq!(e.result_f64(), Rounded::Correct(0.0));
    assert_eq!(e.result_f32(), Rounded::Correct(0.0));
    assert_eq!(e.result_f64().value().to_bits(), 0);
    assert_eq!(SumSq::default(), e);
    let mut s = SumSq::new();
    s.add::<f64>(&[]);
    s.add::<[f32; 2]>(&[]);
    s.add_view(&Strided::new(&[f64::NAN], 0, 0).expect("n = 0"));
    s.add_view(&Strided::<f32>::new(&[], 0, -3).expect("n = 0"));
    s.add(&[0.0f64, -0.0]);
    s.merge(&SumSq::new());
    assert_eq!(s.result_f64().value().to_bits(), 0, "+0, not -0");
    assert!(!s.saw_nan() && !s.saw_inf());
    let mut x = ExactSumSq::new();
    x.add::<f32>(&[]);
    x.add(&[-0.0f32]);
    x.merge(&ExactSumSq::default());
    assert_eq!(x.result_f64().to_bits(), 0);
    assert_eq!(x.result_f32().to_bits(), 0);
    // An ISA this CPU lacks adds nothing and says so.
    for &isa in Isa::ALL {
        let mut t = SumSq::new();
        t.add(&[3.0f64]);
        let before = t.to_bytes();
        let ok = t.add_view_with_isa(&Strided::contiguous(&[4.0f64]), isa);
        assert_eq!(ok, isa.is_available(), "{isa:?}");
        if ok {
            assert_eq!(t.result_f64(), Rounded::Correct(5.0));
        } else {
            assert_eq!(t.to_bytes(), before, "{isa:?} unavailable: unchanged");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------

fn put_f64(b: &mut [u8], off: usize, v: f64) {
    b[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

fn get_f64(b: &[u8], off: usize) -> f64 {
    f64::from_le_bytes(b[off..off + 8].try_into().expect("8 bytes"))
}

/// A state with all three classes non-zero and both flags clear.
fn three_class_state() -> SumSq {
    let mut s = SumSq::new();
    s.add(&[ldexp(1.5, -700)]);
    s.add(&[1.25, 3.0]);
    s.add(&[ldexp(1.75, 700)]);
    s.add(&[ldexp(1.0, -1074)]);
    s
}

#[test]
fn bytes_layout_and_round_trip() {
    let s = three_class_state();
    let b = s.to_bytes();
    assert_eq!(b.len(), SUMSQ_BYTES);
    assert_eq!(SUMSQ_BYTES, 96);
    assert_eq!(&b[0..4], b"SNSQ");
    assert_eq!(u16::from_le_bytes([b[4], b[5]]), 1, "version");
    assert_eq!(u16::from_le_bytes([b[6], b[7]]), 0, "flags");
    assert!(b[80..].iter().all(|&v| v == 0), "reserved");
    for k in 0..3 {
        let (hi, lo, err) = (
            get_f64(&b, 8 + 24 * k),
            get_f64(&b, 16 + 24 * k),
            get_f64(&b, 24 + 24 * k),
        );
        assert!(hi > 0.0 && hi.is_finite(), "class {k} holds data: {hi:e}");
        assert_eq!(hi + lo, hi, "class {k} renormalised");
        assert!(
            (0.0..=ldexp(1.0, 1000)).contains(&err),
            "class {k} err {err:e}"
        );
    }
    let t = SumSq::from_bytes(&b).expect("valid");
    assert_eq!(t, s);
    assert_eq!(t.to_bytes(), b);
    let want = oracle(
        &[
            ldexp(1.5, -700),
            1.25,
            ldexp(1.75, 700),
            3.0,
            ldexp(1.0, -1074),
        ],
        D,
    );
    assert_eq!(t.result_f64().value(), want);
    // Flags.
    for (vals, nan, inf, fl) in [
        (vec![f64::NAN], true, false, 1u16),
        (vec![f64::INFINITY], false, true, 2),
        (vec![f64::NEG_INFINITY, f64::NAN, 1.0], true, true, 3),
    ] {
        let mut s = SumSq::new();
        s.add(&vals);
        let b = s.to_bytes();
        assert_eq!(u16::from_le_bytes([b[6], b[7]]), fl);
        let t = SumSq::from_bytes(&b).expect("valid");
        assert_eq!((t.saw_nan(), t.saw_inf()), (nan, inf));
        assert_eq!(t.to_bytes(), b);
    }
    // The empty state: its bytes carry the tag; all-zero bytes are read as empty too.
    let e = SumSq::new().to_bytes();
    assert_eq!(&e[0..4], b"SNSQ");
    assert!(e[8..].iter().all(|&v| v == 0));
    assert_eq!(SumSq::from_bytes(&e), Ok(SumSq::new()));
    assert_eq!(SumSq::from_bytes(&[0u8; SUMSQ_BYTES]), Ok(SumSq::new()));
    // Exact state.
    let mut x = ExactSumSq::new();
    x.add(&[ldexp(1.5, -700), 1.25, ldexp(1.75, 700)]);
    x.add(&[f32::from_bits(1)]);
    let xb = x.to_bytes();
    assert_eq!(xb.len(), EXACT_SUMSQ_BYTES);
    assert_eq!(EXACT_SUMSQ_BYTES, 560);
    assert_eq!(&xb[0..4], b"SNEX");
    assert_eq!(u16::from_le_bytes([xb[4], xb[5]]), 1);
    assert_eq!(u16::from_le_bytes([xb[6], xb[7]]), 0);
    assert!(xb[8..16].iter().all(|&v| v == 0));
    assert!(xb[16..].iter().any(|&v| v != 0));
    let y = ExactSumSq::from_bytes(&xb).expect("valid");
    assert_eq!(y, x);
    assert_eq!(y.to_bytes(), xb);
    assert_eq!(
        y.result_f64(),
        oracle(
            &[
                ldexp(1.5, -700),
                1.25,
                ldexp(1.75, 700),
                f64::from(f32::from_bits(1))
            ],
            D
        )
    );
    let mut xf = ExactSumSq::new();
    xf.add(&[f64::INFINITY, f64::NAN]);
    let xfb = xf.to_bytes();
    assert_eq!(u16::from_le_bytes([xfb[6], xfb[7]]), 3);
    assert_eq!(ExactSumSq::from_bytes(&xfb), Ok(xf));
    assert_eq!(
        ExactSumSq::from_bytes(&[0u8; EXACT_SUMSQ_BYTES]),
        Ok(ExactSumSq::new())
    );
    assert_eq!(
        ExactSumSq::from_bytes(&ExactSumSq::new().to_bytes()),
        Ok(ExactSumSq::new())
    );
    // A state written here and read "elsewhere" merges like the original.
    let mut m1 = three_class_state();
    m1.merge(&SumSq::from_bytes(&three_class_state().to_bytes()).expect("valid"));
    let mut m2 = three_class_state();
    m2.merge(&three_class_state());
    assert_eq!(m1.to_bytes(), m2.to_bytes());
}

#[test]
fn corrupted_bytes_are_refused_with_their_error() {
    let good = three_class_state().to_bytes();
    let refuse = |b: &[u8], want: StateError, what: &str| {
        assert_eq!(SumSq::from_bytes(b), Err(want), "{what}");
    };
    // Too short (also: nothing at all, and all-zero but short).
    refuse(&good[..SUMSQ_BYTES - 1], StateError::Short, "95 bytes");
    refuse(&[], StateError::Short, "no bytes");
    refuse(&[0u8; SUMSQ_BYTES - 1], StateError::Short, "95 zero bytes");
    // Tag and version.
    for i in 0..4 {
        let mut b = good;
        b[i] ^= 0x20;
        refuse(&b, StateError::Tag, "tag");
    }
    let mut b = good;
    b[0..4].copy_from_slice(b"SNEX");
    refuse(&b, StateError::Tag, "exact tag on a fast state");
    for v in [0u16, 2, 0x100, u16::MAX] {
        let mut b = good;
        b[4..6].copy_from_slice(&v.to_le_bytes());
        refuse(&b, StateError::Tag, "version");
    }
    // Unknown flags, reserved bytes.
    for bit in 2..16 {
        let mut b = good;
        b[6..8].copy_from_slice(&((1u16 << bit) | 1).to_le_bytes());
        refuse(&b, StateError::Reserved, "flag bit");
    }
    for i in 80..96 {
        let mut b = good;
        b[i] = 1 << (i % 8);
        refuse(&b, StateError::Reserved, "reserved byte");
    }
    // Impossible class values, in each class and each field.
    let max = ldexp(1.0, 1000);
    for k in 0..3 {
        let (hi, lo, err) = (8 + 24 * k, 16 + 24 * k, 24 + 24 * k);
        let h = get_f64(&good, hi);
        let ulp = f64::from_bits(h.to_bits() + 1) - h;
        for (field, v, what) in [
            (hi, -h, "negative hi"),
            (hi, -ldexp(1.0, -1074), "negative subnormal hi"),
            (hi, f64::NAN, "NaN hi"),
            (hi, f64::INFINITY, "Inf hi"),
            (hi, f64::from_bits(max.to_bits() + 1), "hi above 2^1000"),
            (hi, f64::MAX, "hi = MAX"),
            (lo, f64::NAN, "NaN lo"),
            (lo, f64::INFINITY, "Inf lo"),
            (lo, f64::NEG_INFINITY, "-Inf lo"),
            (lo, ulp, "lo of a whole ulp"),
            (lo, -ulp, "lo of minus an ulp"),
            (lo, 0.75 * ulp, "lo above half an ulp"),
            (lo, 2.0 * h, "lo above hi"),
            (err, -1.0, "negative err"),
            (err, f64::NAN, "NaN err"),
            (err, f64::INFINITY, "Inf err"),
            (err, f64::from_bits(max.to_bits() + 1), "err above 2^1000"),
        ] {
            let mut b = good;
            put_f64(&mut b, field, v);
            refuse(&b, StateError::Value, &format!("class {k}: {what}"));
        }
        // Negative zeros, and a zero sum with a non-zero bound.
        let mut b = good;
        put_f64(&mut b, hi, -0.0);
        put_f64(&mut b, lo, 0.0);
        refuse(&b, StateError::Value, &format!("class {k}: hi = -0"));
        let mut b = good;
        put_f64(&mut b, err, -0.0);
        refuse(&b, StateError::Value, &format!("class {k}: err = -0"));
        let mut b = good;
        put_f64(&mut b, hi, 0.0);
        put_f64(&mut b, lo, 0.0);
        put_f64(&mut b, err, ldexp(1.0, -1000));
        refuse(
            &b,
            StateError::Value,
            &format!("class {k}: zero sum, non-zero bound"),
        );
        // hi = 0 needs lo = 0.
        let mut b = good;
        put_f64(&mut b, hi, 0.0);
        put_f64(&mut b, lo, ldexp(1.0, -1074));
        refuse(&b, StateError::Value, "lo without hi");
        // Accepted edge values: hi = 2^1000, lo just below half an ulp, err = 2^1000.
        let mut b = good;
        put_f64(&mut b, hi, max);
        put_f64(&mut b, lo, -ldexp(1.0, 1000 - 55));
        put_f64(&mut b, err, max);
        let s = SumSq::from_bytes(&b).expect("edge values are valid");
        assert_eq!(s.to_bytes(), b);
    }
    // A flipped bit anywhere is refused or read back bit for bit, never a panic.
    for i in 0..SUMSQ_BYTES {
        for bit in 0..8 {
            let mut b = good;
            b[i] ^= 1 << bit;
            if let Ok(s) = SumSq::from_bytes(&b) {
                assert_eq!(s.to_bytes(), b, "byte {i} bit {bit}");
                let _ = (s.result_f64(), s.result_f32());
            }
        }
    }
    // Exact state.
    let mut x = ExactSumSq::new();
    x.add(&[1.0f64, 2.0, ldexp(1.0, 900)]);
    let xg = x.to_bytes();
    let refuse_x = |b: &[u8], want: StateError, what: &str| {
        assert_eq!(ExactSumSq::from_bytes(b), Err(want), "exact: {what}");
    };
    refuse_x(&xg[..EXACT_SUMSQ_BYTES - 1], StateError::Short, "559 bytes");
    refuse_x(&good, StateError::Short, "a fast state's 96 bytes");
    let mut b = xg;
    b[0..4].copy_from_slice(b"SNSQ");
    refuse_x(&b, StateError::Tag, "fast tag");
    let mut b = xg;
    b[4] = 2;
    refuse_x(&b, StateError::Tag, "version 2");
    let mut b = xg;
    b[7] = 0x80;
    refuse_x(&b, StateError::Reserved, "flag bit 15");
    for i in 8..16 {
        let mut b = xg;
        b[i] = 0x10;
        refuse_x(&b, StateError::Reserved, "reserved");
    }
    // The fast reader refuses an exact state's bytes (and vice versa, above).
    refuse(&xg, StateError::Tag, "exact bytes read as fast");
}

/// A fast state crafted from class values (`hi`, `lo`, `err` per class; flags).
fn crafted(classes: [(f64, f64, f64); 3], flags: u16) -> SumSq {
    let mut b = SumSq::new().to_bytes();
    b[6..8].copy_from_slice(&flags.to_le_bytes());
    for (k, (hi, lo, err)) in classes.into_iter().enumerate() {
        put_f64(&mut b, 8 + 24 * k, hi);
        put_f64(&mut b, 16 + 24 * k, lo);
        put_f64(&mut b, 24 + 24 * k, err);
    }
    SumSq::from_bytes(&b).expect("a valid crafted state")
}

/// The exact sum of squares held by class values `hi_k` (lo and err zero) plus the squares of
/// `xs`, in the oracle's units (`2^-2148`).
fn exact_units(his: [f64; 3], xs: &[f64]) -> BigUint {
    let mut s = exact_sum(xs);
    for (k, h) in his.into_iter().enumerate() {
        if h == 0.0 {
            continue;
        }
        // h = m 2^e; in units 2^-2148 of the sum: m 2^(e + 1200 (k - 1) + 2148).
        let bits = h.to_bits();
        let (m, e) = (
            (bits & ((1 << 52) - 1)) | (1 << 52),
            (bits >> 52) as i64 - 1075,
        );
        s += BigUint::from(m) << ((e + 1200 * (k as i64 - 1) + 2148) as usize);
    }
    s
}

/// Checks a state's results against the exact sum `s` (oracle units).
fn check_units(st: &SumSq, s: &BigUint, narrow: bool, what: &str) {
    let w = Want {
        d: round_sqrt(s, D),
        s: round_sqrt(s, S),
        nan: false,
        inf: false,
        narrow,
    };
    check_fast(st, &w, &mut Stats::default(), &|| what.to_string());
}

/// Merges past the range of a class (`hi` or `err` above `2^1000`: more than `2^64`
/// elements' worth, or crafted states): a small or medium class moves into the class above
/// and nothing is lost (the results are the oracle's); a big class past the range means a
/// norm above `2^1100`, recorded as an infinity (`+Inf`, or NaN when a NaN was seen).
/// Merging never fails, always leaves a valid state (its bytes are accepted) and does not
/// depend on the order.
#[test]
fn merges_past_the_class_range() {
    let max = ldexp(1.0, 1000);
    let data = [1.0, ldexp(1.0, 700), ldexp(1.0, -700), 3.0];
    for k in 0..3 {
        let mut his = [0.0; 3];
        his[k] = max;
        let mut cls = [(0.0, 0.0, 0.0); 3];
        cls[k] = (max, 0.0, 0.0);
        let mut a = crafted(cls, 0);
        a.add(&data);
        let b = crafted(cls, 0);
        let mut ab = a;
        ab.merge(&b);
        let mut ba = b;
        ba.merge(&a);
        for m in [&ab, &ba] {
            let back = SumSq::from_bytes(&m.to_bytes()).expect("a merged state is valid");
            assert_eq!(back.to_bytes(), m.to_bytes(), "class {k}");
        }
        if k == 2 {
            for m in [&ab, &ba] {
                assert!(m.saw_inf() && !m.saw_nan(), "big class past the range: Inf");
                assert_eq!(m.result_f64(), Rounded::Correct(f64::INFINITY));
                assert_eq!(m.result_f32(), Rounded::Correct(f32::INFINITY));
            }
            // The oracle agrees: the norm is above 2^1100.
            assert_eq!(
                round_sqrt(&exact_units([0.0, 0.0, 2.0 * max], &[]), D),
                f64::INFINITY
            );
            // With a NaN seen too: NaN.
            let mut n = crafted(cls, 1);
            n.merge(&b);
            assert!(n.saw_nan() && n.saw_inf() && n.result_f64().value().is_nan());
        } else {
            his[k] = 2.0 * max;
            let s = exact_units(his, &data);
            assert!(!ab.saw_inf() && !ba.saw_inf(), "class {k}: nothing lost");
            check_units(&ab, &s, false, &format!("class {k} carried, a + b"));
            check_units(&ba, &s, false, &format!("class {k} carried, b + a"));
            if ab.result_f64().is_correct() && ba.result_f64().is_correct() {
                assert_eq!(ab.result_f64(), ba.result_f64());
            }
        }
        // Exactly at the limit: stays in its class.
        let mut cls_half = [(0.0, 0.0, 0.0); 3];
        cls_half[k] = (ldexp(1.0, 999), 0.0, 0.0);
        let mut h = crafted(cls_half, 0);
        h.merge(&crafted(cls_half, 0));
        let hb = h.to_bytes();
        assert_eq!(
            get_f64(&hb, 8 + 24 * k),
            max,
            "2^999 + 2^999 stays in class {k}"
        );
        assert!(!h.saw_inf());
    }
    // Repeated doubling of a state with every class near the limit: carries chain from class
    // to class, the results stay the oracle's until the big class passes the range, which
    // is an infinity, as the oracle says too.
    let mut rng = Rng(0x5a5a_0008);
    let his = [0, 1, 2].map(|_| ldexp(1.0 + rng.unit(), 985 + rng.below(10) as i64));
    let mut s = crafted(his.map(|h| (h, 0.0, 0.0)), 0);
    let mut exact = exact_units(his, &[]);
    for j in 1..=40 {
        let c = s;
        s.merge(&c);
        exact = &exact << 1usize;
        SumSq::from_bytes(&s.to_bytes()).expect("valid after doubling");
        if s.saw_inf() {
            assert!(j > 1, "not at the first doubling");
            assert_eq!(round_sqrt(&exact, D), f64::INFINITY, "doubling {j}");
            assert_eq!(s.result_f64(), Rounded::Correct(f64::INFINITY));
            return;
        }
        check_units(&s, &exact, false, &format!("doubling {j}"));
    }
    panic!("the big class never passed the range");
}

/// Crafted (valid) states whose bound is as large as allowed (`err = hi`; real states keep it
/// below `2^-28 hi`), at an ordinary size and at the edge of the range, merged with
/// themselves: the merged state must still be valid (its bytes accepted, its bound kept at
/// most its sum) and may claim a correctly rounded result only if it is the rounding of the
/// sum it holds (`hi + lo`, the centre of its bound).  A bound above the sum is refused.
#[test]
fn merged_bound_past_the_range_stays_valid() {
    let max = ldexp(1.0, 1000);
    for k in 0..3 {
        for h in [1.0, max] {
            let mut cls = [(0.0, 0.0, 0.0); 3];
            cls[k] = (h, 0.0, h);
            let s = crafted(cls, 0);
            let mut m = s;
            m.merge(&s);
            let mut his = [0.0; 3];
            his[k] = 2.0 * h;
            let centre = round_sqrt(&exact_units(his, &[]), D);
            if let Rounded::Correct(v) = m.result_f64() {
                assert!(
                    same(v, centre) || (k == 2 && h == max && v == f64::INFINITY),
                    "class {k}, hi = err = {h:e}: Correct({v:e}) claimed for a sum of \
                     {:e} +- {:e} (class units), whose centre rounds to {centre:e}",
                    2.0 * h,
                    2.0 * h
                );
            }
            let b = m.to_bytes();
            assert_eq!(
                SumSq::from_bytes(&b).map(|t| t.to_bytes()),
                Ok(b),
                "class {k}, hi = err = {h:e}: a merged state's bytes are refused"
            );
            // The bound just above the sum: refused.
            let mut b = s.to_bytes();
            put_f64(&mut b, 24 + 24 * k, next_up(h));
            assert_eq!(
                SumSq::from_bytes(&b),
                Err(StateError::Value),
                "err above hi"
            );
        }
    }
}

/// The next binary64 number above a positive finite `x`.
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

// ---------------------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------------------

/// The thread count changes neither `nrm2` nor a state's result.  One test, because the
/// count is process-wide (the other tests' results do not depend on it either, and their
/// vectors are shorter than `PAR_MIN`).
#[test]
#[cfg_attr(miri, ignore)]
fn results_do_not_depend_on_the_thread_count() {
    let mut rng = Rng(0x5a5a_0006);
    for comps in [2 * PAR_MIN, 3 * PAR_MIN + 7] {
        assert!(comps >= 2 * PAR_MIN);
        // Magnitudes jump every 100_000 values: the threads' pieces hold different classes.
        let mut e = 0;
        let xs: Vec<f64> = (0..comps)
            .map(|i| {
                if i % 100_000 == 0 {
                    e = [-900, -400, -50, 0, 0, 20, 350, 900][rng.below(8) as usize];
                }
                rng.with_exp(e, e + 3)
            })
            .collect();
        let xf: Vec<f32> = (0..comps)
            .map(|i| {
                if i % 100_000 == 0 {
                    e = [-140, -60, -5, 0, 0, 30, 120][rng.below(7) as usize];
                }
                rng.with_exp(e, e + 3) as f32
            })
            .collect();
        threads_case(&xs, f64::NAN);
        threads_case(&xf, f32::NAN);
        threads_case(&pairs(&xs[..comps / 2 * 2], 0.0), [f64::NAN; 2]);
        threads_case(&pairs(&xf[..comps / 2 * 2], 0.0), [f32::NAN; 2]);
    }
    safenorm::set_num_threads(0);
}

fn threads_case<T: Element>(elems: &[T], rogue: T)
where
    T::Real: Into<f64>,
{
    let w = Want::for_view(elems, 1);
    let name = std::any::type_name::<T>();
    let n = elems.len();
    let want = if T::FORMAT == safenorm::FORMAT_F32 {
        w.s
    } else {
        w.d
    };
    for inc in [1isize, 2, 3, -1] {
        let buf = layout(elems, inc, rogue);
        let v = Strided::new(&buf, n, inc).expect("fits");
        let mut first: Option<(f64, Rounded<f64>, Rounded<f32>)> = None;
        for t in [1usize, 2, 3, 4, 7] {
            safenorm::set_num_threads(t);
            assert_eq!(safenorm::num_threads(), t);
            let got: f64 = safenorm::nrm2(&buf, n, inc).expect("fits").into();
            let mut st = SumSq::new();
            if inc == 1 {
                st.add(elems);
            } else {
                st.add_view(&v);
            }
            let (rd, rs) = (st.result_f64(), st.result_f32());
            let ctx = format!("{name} n={n} inc={inc} threads={t}");
            assert!(same(got, want), "nrm2 {got:e} != oracle {want:e}: {ctx}");
            assert!(!st.saw_nan() && !st.saw_inf());
            match rd {
                Rounded::Correct(v) => assert!(same(v, w.d), "f64 {v:e} != {:e}: {ctx}", w.d),
                Rounded::NeedExact(v) => assert!(faithful64(v, w.d, w.narrow), "{ctx}"),
            }
            match rs {
                Rounded::Correct(v) => assert!(same(v.into(), w.s), "f32 {v:e}: {ctx}"),
                Rounded::NeedExact(v) => assert!(faithful32(v, w.s as f32), "{ctx}"),
            }
            // In the data's own format the state decides here (wide, non-tie data), so the
            // results are bitwise identical for every count.
            let own = if T::FORMAT == safenorm::FORMAT_F32 {
                rs.is_correct()
            } else {
                rd.is_correct()
            };
            assert!(own, "undecided in the data's own format: {ctx}");
            match first {
                None => first = Some((got, rd, rs)),
                Some((g0, rd0, rs0)) => {
                    assert!(same(got, g0), "{ctx}");
                    if rd.is_correct() && rd0.is_correct() {
                        assert_eq!(rd, rd0, "{ctx}");
                    }
                    if rs.is_correct() && rs0.is_correct() {
                        assert_eq!(rs, rs0, "{ctx}");
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Miri
// ---------------------------------------------------------------------------------------

/// [`Want::for_view`], for long vectors of few distinct values from their counts (the
/// oracle's cost per value is large under Miri).
fn miri_want<T: Element>(elems: &[T], inc: isize, long: bool) -> Want {
    if !long || inc == 0 {
        return Want::for_view(elems, inc);
    }
    let mut counts: std::collections::BTreeMap<u64, u64> = Default::default();
    for v in widen(elems) {
        *counts.entry(v.to_bits()).or_insert(0) += 1;
    }
    let mut sum = BigUint::default();
    for (bits, c) in counts {
        sum += exact_sum(&[f64::from_bits(bits)]) * BigUint::from(c);
    }
    Want {
        d: round_sqrt(&sum, D),
        s: round_sqrt(&sum, S),
        nan: false,
        inf: false,
        narrow: is_narrow::<T>(),
    }
}

/// The portable path (what `.ci/miri.sh` forces with `SAFENORM_ISA=scalar`, and named
/// explicitly here): states fed short contiguous vectors (lengths 1..=40, 100, 5000: the
/// one-block short paths), strided ones (`incx = 2`, `-2`: the one-block strided paths;
/// `3`, `0`), every element type, split into pieces over two or three states, through bytes,
/// merged, finished in both formats; exact states likewise; an exact tie (`NeedExact`) and
/// a corrupted state.  Small enough for Miri (sizes shrink under `cfg(miri)`).
#[test]
fn portable_paths_under_miri() {
    let mut rng = Rng(0x5a5a_0007);
    let mut stats = Stats::default();
    // (length, element type, strides).  Types: 0 f64, 1 f32, 2 complex f64, 3 complex f32.
    let cases: Vec<(usize, u8, &[isize])> = if cfg!(miri) {
        let mut c: Vec<(usize, u8, &[isize])> = [1, 3, 17, 32, 33, 40]
            .iter()
            .map(|&n| (n, 0, &[1isize, 2][..]))
            .collect();
        c.extend([1, 33, 40].iter().map(|&n| (n, 1, &[1isize, 2][..])));
        c.extend([
            (5, 2, &[1isize, 2][..]),
            (17, 3, &[2][..]),
            (9, 0, &[-2, 3, 0][..]),
            (100, 0, &[1, 2][..]),
            (100, 1, &[2][..]),
            (5000, 0, &[1][..]),
            (5000, 1, &[1][..]),
        ]);
        c
    } else {
        let mut c = Vec::new();
        for n in (1..=40).chain([100, 5000]) {
            for ty in 0..4 {
                c.push((n, ty, &[1isize, 2, -2, 3, 0][..]));
            }
        }
        c
    };
    let scalar = Path::Isa(Isa::Scalar);
    for (n, ty, incs) in cases {
        // Few distinct exponents (the oracle's cost under Miri grows with them), plus values
        // of the small and big scale classes in some vectors.  The long vectors repeat a few
        // values, so that their oracle is computed from the counts (cheap under Miri).
        let long = n > 1000;
        let distinct: Vec<f64> = (0..7)
            .map(|j| match j {
                0 => ldexp(rng.normal(), 700),
                1 => ldexp(rng.normal(), -700),
                _ => rng.normal(),
            })
            .collect();
        let xs: Vec<f64> = (0..n * (1 + usize::from(ty >= 2)))
            .map(|i| match (i + n) % 11 {
                _ if long => distinct[(i * 5 + i / 13) % 7],
                0 if n % 3 == 0 => ldexp(rng.normal(), 700),
                1 if n % 3 == 1 => ldexp(rng.normal(), -700),
                _ => rng.normal(),
            })
            .collect();
        // Binary32 data: the same, with the class extremes moved into the binary32 range.
        let xf: Vec<f32> = xs
            .iter()
            .map(|&v| match v.abs() {
                a if a > 1e30 => ldexp(v, -600) as f32,
                a if a < 1e-30 => ldexp(v, 600) as f32,
                _ => v as f32,
            })
            .collect();
        for &inc in incs {
            match ty {
                0 => {
                    let w = miri_want(&xs, inc, long);
                    run(
                        &xs,
                        inc,
                        f64::NAN,
                        &w,
                        scalar,
                        &mut rng,
                        &mut stats,
                        "miri f64",
                    );
                }
                1 => {
                    let w = miri_want(&xf, inc, long);
                    run(
                        &xf,
                        inc,
                        f32::NAN,
                        &w,
                        scalar,
                        &mut rng,
                        &mut stats,
                        "miri f32",
                    );
                }
                2 => {
                    let cx = pairs(&xs, 1.0);
                    let w = Want::for_view(&cx, inc);
                    run(
                        &cx,
                        inc,
                        [f64::NAN; 2],
                        &w,
                        scalar,
                        &mut rng,
                        &mut stats,
                        "miri c64",
                    );
                }
                _ => {
                    let cf = pairs(&xf, 1.0);
                    let w = Want::for_view(&cf, inc);
                    run(
                        &cf,
                        inc,
                        [f32::NAN; 2],
                        &w,
                        scalar,
                        &mut rng,
                        &mut stats,
                        "miri c32",
                    );
                }
            }
        }
    }
    // An exact tie: undecidable by the fast state, decided by the exact one.
    let tie: Vec<f64> = tie_decomposition((1u64 << 53) | 0x1234_5678_9abc | 1);
    let w = Want::of(&tie);
    let before = stats.need_exact_d;
    for _ in 0..3 {
        run(
            &tie,
            1,
            f64::NAN,
            &w,
            scalar,
            &mut rng,
            &mut stats,
            "miri tie",
        );
    }
    assert!(stats.need_exact_d > before, "{stats:?}");
    // A NaN and an infinity in different states.
    let mut a = SumSq::new();
    a.add(&[1.0f64, f64::INFINITY]);
    let mut b = SumSq::new();
    b.add(&[[f32::NAN, 0.0f32]]);
    a.merge(&SumSq::from_bytes(&b.to_bytes()).expect("valid"));
    assert!(a.saw_nan() && a.saw_inf() && a.result_f64().value().is_nan());
    // Corrupted bytes: refused or read back exactly; never a panic.
    let good = three_class_state().to_bytes();
    for i in (0..SUMSQ_BYTES).step_by(if cfg!(miri) { 7 } else { 1 }) {
        let mut b = good;
        b[i] ^= 0x41;
        if let Ok(s) = SumSq::from_bytes(&b) {
            assert_eq!(s.to_bytes(), b);
            let _ = s.result_f64();
        }
    }
    assert_eq!(SumSq::from_bytes(&good[..10]), Err(StateError::Short));
    let x = ExactSumSq::new().to_bytes();
    assert_eq!(ExactSumSq::from_bytes(&x[..100]), Err(StateError::Short));
    println!("miri-sized run: {stats:?}");
}
