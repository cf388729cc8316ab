//! (c) The mergeable states: a vector split into pieces, each piece added (through an ISA
//! path of its own, sometimes widened to another element type) to one of 1..=6 `SumSq`
//! states, states sent through bytes, merged in a tree; the result against the exact oracle
//! in both formats, and `ExactSumSq` over the same pieces likewise.  Then arbitrary byte
//! writes into both serialized states: `from_bytes` refuses them (and the original bytes
//! still give the original) or gives a state that writes the same bytes back, finishes
//! without panicking, and, when it claims a correctly rounded result, gives the correct
//! rounding of the sum the bytes hold; merged with the original (either way round) and with
//! itself it gives states whose bytes are accepted and whose claims hold likewise.
//!
//! Input: byte 0 is the length `L` of the plan, bytes `1..=L` the plan (read as zeros past
//! its end), the rest the vector in the format of `fuzz/src/lib.rs` (routine, stride,
//! generator).  Plan: the number of states; then per piece a length byte (0: the rest of
//! the vector, and the last piece) and a byte for its path, state, round trip and type; then
//! per merge two bytes; then the byte writes into the fast state's and the exact state's bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use num_bigint::{BigInt, BigUint};
use num_traits::{Signed, Zero};
use safenorm::{Element, ExactSumSq, Isa, Rounded, SumSq};
use safenorm_fuzz::oracle::{ldexp, round_sqrt, Fmt};
use safenorm_fuzz::pieces::{layout, sub_view};
use safenorm_fuzz::{decode, oracle, oracle_repeated, same, Input, Reals, Ty, D, S};

/// Piece lengths (real components) at and around the thresholds of the paths.
const THRESHOLDS: [usize; 8] = [31, 32, 33, 64, 4095, 4096, 4097, 8193];

/// See `tests/sumsq.rs`: a `NeedExact` binary64 value of a state holding binary32 data may be
/// this many ulps away (binary32 data are accumulated only to within `2^-28` of the sum).
const NARROW_AS_F64_ULPS: u64 = 1 << 24;

struct Plan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Plan<'_> {
    fn next(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
}

#[derive(Clone, Copy, Debug)]
struct Want {
    d: f64,
    s: f64,
    nan: bool,
    inf: bool,
}

fn want(inp: &Input) -> Want {
    let w = inp.reals.wide();
    let parts = inp.ty.parts();
    let (d, s) = if inp.inc == 0 && inp.n() > 0 {
        let n = inp.n() as u64;
        (
            oracle_repeated(&w[..parts], n, D),
            oracle_repeated(&w[..parts], n, S),
        )
    } else {
        (oracle(&w, D), oracle(&w, S))
    };
    let x = if inp.inc == 0 {
        &w[..parts.min(w.len())]
    } else {
        &w[..]
    };
    Want {
        d,
        s,
        nan: x.iter().any(|v| v.is_nan()),
        inf: x.iter().any(|v| v.is_infinite()),
    }
}

/// Element ranges of the pieces.
fn split(plan: &mut Plan, n: usize, parts: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = 0;
    while out.len() < 24 {
        let left = n - a;
        let b = plan.next();
        if b == 0 {
            break;
        }
        let arg = usize::from(b >> 3);
        let len = match b & 7 {
            0 => left / 2,
            1 => 0,
            2 => 1,
            3 => (THRESHOLDS[arg % 8] + arg / 8 % parts) / parts,
            4 => arg,
            5 => 32 * arg,
            6 => left * arg / 32,
            _ => 1024 * arg,
        }
        .min(left);
        out.push((a, a + len));
        a += len;
    }
    out.push((a, n));
    out
}

fn round_trip(s: &SumSq) -> SumSq {
    let b = s.to_bytes();
    let t = SumSq::from_bytes(&b).expect("own bytes are accepted");
    assert_eq!(t.to_bytes(), b, "bytes round trip");
    t
}

fn round_trip_exact(s: &ExactSumSq) -> ExactSumSq {
    let b = s.to_bytes();
    let t = ExactSumSq::from_bytes(&b).expect("own bytes are accepted");
    assert_eq!(t.to_bytes(), b, "exact bytes round trip");
    t
}

/// Binary32 elements widened to their binary64 type (for pieces of another type).
trait Widen: Element {
    type Wide: Element;
    fn widen(self) -> Self::Wide;
}
impl Widen for f64 {
    type Wide = f64;
    fn widen(self) -> f64 {
        self
    }
}
impl Widen for f32 {
    type Wide = f64;
    fn widen(self) -> f64 {
        f64::from(self)
    }
}
impl Widen for [f64; 2] {
    type Wide = [f64; 2];
    fn widen(self) -> [f64; 2] {
        self
    }
}
impl Widen for [f32; 2] {
    type Wide = [f64; 2];
    fn widen(self) -> [f64; 2] {
        [f64::from(self[0]), f64::from(self[1])]
    }
}

fn run<T: Widen>(elems: &[T], rogue: T, inp: &Input, plan: &mut Plan, w: &Want) {
    let n = elems.len();
    let inc = inp.inc;
    let buf = layout(elems, inc, rogue);
    let nst = 1 + usize::from(plan.next()) % 6;
    let ranges = split(plan, n, T::PARTS);
    let mut states = vec![SumSq::new(); nst];
    let mut exact: Vec<ExactSumSq> = (0..nst).map(|_| ExactSumSq::new()).collect();
    let narrow_type = T::FORMAT == safenorm::FORMAT_F32;
    let mut narrow = false;
    for (i, &(a, b)) in ranges.iter().enumerate() {
        let c = plan.next();
        let k = usize::from(c >> 3 & 7) % nst;
        let v = sub_view(&buf, n, inc, a, b);
        let st = &mut states[k];
        if c & 0x80 != 0 && narrow_type {
            // The same elements as binary64 (another element type in the same state).
            let wide: Vec<T::Wide> = (a..b)
                .map(|j| {
                    let e = if inc == 0 { elems[0] } else { elems[j] };
                    e.widen()
                })
                .collect();
            st.add(&wide);
        } else {
            narrow |= narrow_type && b > a;
            let isa = Isa::ALL.get(usize::from(c & 7)).copied();
            match isa {
                Some(isa) if isa.is_available() => assert!(st.add_view_with_isa(&v, isa)),
                _ if inc == 1 && c & 1 == 0 => st.add(&buf[a..b]),
                _ => st.add_view(&v),
            }
        }
        if c & 0x40 != 0 {
            *st = round_trip(st);
        }
        // The exact states: another assignment of the same pieces.
        let e = &mut exact[(i * 5 + usize::from(c)) % nst];
        if inc == 1 && c & 0x20 != 0 {
            e.add(&buf[a..b]);
        } else {
            e.add_view(&v);
        }
    }
    while states.len() > 1 {
        let b = plan.next();
        let j = usize::from(b & 0x7f) % states.len();
        let mut o = states.swap_remove(j);
        if b & 0x80 != 0 {
            o = round_trip(&o);
        }
        let c = plan.next();
        let i = usize::from(c & 0x7f) % states.len();
        if c & 0x80 != 0 {
            o.merge(&states[i]);
            states[i] = o;
        } else {
            states[i].merge(&o);
        }
    }
    while exact.len() > 1 {
        let o = exact.pop().expect("two or more");
        let o = round_trip_exact(&o);
        let last = exact.len() - 1;
        exact[last / 2].merge(&o);
    }
    let fast = states.pop().expect("one state");
    let ex = exact.pop().expect("one state");
    let ctx = || {
        format!(
            "{:?} n={n} incx={inc} pieces={ranges:?} states={nst}",
            inp.ty
        )
    };
    check(&fast, &ex, w, narrow, &ctx);
    corrupt_fast(&fast, plan, w, &ctx);
    corrupt_exact(&ex, plan, &ctx);
}

fn check(fast: &SumSq, ex: &ExactSumSq, w: &Want, narrow: bool, ctx: &dyn Fn() -> String) {
    assert_eq!(
        (fast.saw_nan(), fast.saw_inf()),
        (w.nan, w.inf),
        "flags: {}",
        ctx()
    );
    assert_eq!(
        (ex.saw_nan(), ex.saw_inf()),
        (w.nan, w.inf),
        "exact flags: {}",
        ctx()
    );
    let ed = ex.result_f64();
    assert!(
        same(ed, w.d),
        "exact f64 {ed:e} != oracle {:e}: {}",
        w.d,
        ctx()
    );
    let es = f64::from(ex.result_f32());
    assert!(
        same(es, w.s),
        "exact f32 {es:e} != oracle {:e}: {}",
        w.s,
        ctx()
    );
    match fast.result_f64() {
        Rounded::Correct(v) => assert!(
            same(v, w.d),
            "f64 Correct({v:e}) ({:#x}) != oracle {:e} ({:#x}): {}",
            v.to_bits(),
            w.d,
            w.d.to_bits(),
            ctx()
        ),
        Rounded::NeedExact(v) => {
            let ulps = if narrow { NARROW_AS_F64_ULPS } else { 1 };
            assert!(
                !w.nan && !w.inf && v >= 0.0 && v.to_bits().abs_diff(w.d.to_bits()) <= ulps,
                "f64 NeedExact({v:e}) ({:#x}) vs oracle {:e} ({:#x}): {}",
                v.to_bits(),
                w.d,
                w.d.to_bits(),
                ctx()
            );
        }
    }
    let ws = w.s as f32;
    match fast.result_f32() {
        Rounded::Correct(v) => assert!(
            same(f64::from(v), w.s),
            "f32 Correct({v:e}) != oracle {ws:e}: {}",
            ctx()
        ),
        Rounded::NeedExact(v) => assert!(
            !w.nan && !w.inf && v >= 0.0 && v.to_bits().abs_diff(ws.to_bits()) <= 1,
            "f32 NeedExact({v:e}) vs oracle {ws:e}: {}",
            ctx()
        ),
    }
}

/// The correct rounding of the square root of `s * 2^-units_exp` in `fmt`, if the oracle can
/// express it (`None` only when the value lies outside what the shifted oracle returns).
fn round_sqrt_units(s: &BigUint, units_exp: i64, fmt: Fmt) -> Option<f64> {
    // sqrt(s 2^-u) = sqrt(s 2^-2148) 2^-(u - 2148)/2, u - 2148 even.
    let shift = (units_exp - 2148) / 2;
    let f = Fmt {
        p: fmt.p,
        min_exp: fmt.min_exp + shift,
        max_exp: fmt.max_exp + shift,
    };
    let r = round_sqrt(s, f);
    if r.is_finite() {
        Some(ldexp(r, -shift))
    } else if (s.bits() as i64 - 1 - units_exp).div_euclid(2) >= fmt.max_exp {
        // sqrt >= 2^max_exp: overflows fmt.
        Some(f64::INFINITY)
    } else {
        // The oracle's own binary64 return overflowed in the shifted units: no answer here.
        None
    }
}

/// The value the bytes of a valid fast state hold (the centre `hi + lo` of each class, each
/// class in its units), in units of `2^-2300`.
fn centre(b: &[u8; 96]) -> BigUint {
    let mut total = BigInt::zero();
    for k in 0..3 {
        for j in 0..2 {
            let o = 8 + 24 * k + 8 * j;
            let v = f64::from_le_bytes(b[o..o + 8].try_into().expect("8 bytes"));
            if v == 0.0 {
                continue;
            }
            // v = m 2^e; in units 2^-2300 of the whole sum: m 2^(e + 1200 (k - 1) + 2300).
            let bits = v.to_bits() & !(1 << 63);
            let (m, e) = if bits >> 52 == 0 {
                (bits, -1074i64)
            } else {
                (
                    (bits & ((1 << 52) - 1)) | (1 << 52),
                    (bits >> 52) as i64 - 1075,
                )
            };
            let sh = e + 1200 * (k as i64 - 1) + 2300;
            assert!(sh >= 0, "finite classes are multiples of 2^-2300");
            let t = BigInt::from(m) << (sh as usize);
            if v < 0.0 {
                total -= t;
            } else {
                total += t;
            }
        }
    }
    assert!(
        !total.is_negative(),
        "a valid state holds a non-negative sum"
    );
    total.to_biguint().expect("non-negative")
}

/// A state's results: NaN / `+Inf` as its flags say; a `Correct` value is the correct
/// rounding of the sum the state holds (the centre of its bound).
fn check_centre(s: &SumSq, b: &[u8; 96], what: &str) {
    let (rd, rs) = (s.result_f64(), s.result_f32());
    if s.saw_nan() {
        assert!(rd.value().is_nan() && rs.value().is_nan(), "{what}: NaN");
        return;
    }
    if s.saw_inf() {
        assert_eq!(
            (rd.value(), rs.value()),
            (f64::INFINITY, f32::INFINITY),
            "{what}"
        );
        return;
    }
    let c = centre(&s.to_bytes());
    if let (Rounded::Correct(v), Some(want)) = (rd, round_sqrt_units(&c, 2300, D)) {
        assert!(
            same(v, want),
            "{what}: Correct({v:e}) ({:#x}) but its sum rounds to {want:e} ({:#x}); bytes \
             {b:02x?}",
            v.to_bits(),
            want.to_bits()
        );
    }
    if let (Rounded::Correct(v), Some(want)) = (rs, round_sqrt_units(&c, 2300, S)) {
        assert!(
            same(f64::from(v), want),
            "{what}: f32 Correct({v:e}) but its sum rounds to {want:e}; bytes {b:02x?}"
        );
    }
}

fn corrupt_fast(fast: &SumSq, plan: &mut Plan, w: &Want, ctx: &dyn Fn() -> String) {
    let good = fast.to_bytes();
    let writes = plan.next() % 6;
    let mut b = good;
    for _ in 0..writes {
        let at = usize::from(plan.next()) % b.len();
        let v = plan.next();
        b[at] = v;
    }
    match SumSq::from_bytes(&b) {
        Err(_) => {
            assert_ne!(b, good, "own bytes refused: {}", ctx());
            // The original bytes still give the original state and the oracle's bits.
            let again = SumSq::from_bytes(&good).expect("own bytes are accepted");
            assert_eq!(again.to_bytes(), good);
            let (r0, r1) = (again.result_f64(), fast.result_f64());
            assert!(r0.is_correct() == r1.is_correct() && same(r0.value(), r1.value()));
            if let Rounded::Correct(v) = again.result_f64() {
                assert!(same(v, w.d), "original after a refusal: {}", ctx());
            }
        }
        Ok(s) => {
            if b.iter().any(|&v| v != 0) {
                assert_eq!(s.to_bytes(), b, "accepted bytes read back: {}", ctx());
            } else {
                assert_eq!(s, SumSq::new());
            }
            check_centre(&s, &b, "accepted corrupt state");
            // Merged with the original, either way round, and with itself: a valid state
            // (its bytes are accepted), whose claims of correct rounding hold for the sum
            // it holds.
            let mut m = *fast;
            m.merge(&s);
            let mut m2 = s;
            m2.merge(fast);
            let mut m3 = s;
            m3.merge(&s);
            for (what, m) in [("original + it", m), ("it + original", m2), ("it + it", m3)] {
                let mb = m.to_bytes();
                let back = SumSq::from_bytes(&mb);
                assert!(
                    back.map(|t| t.to_bytes()) == Ok(mb),
                    "{what}: merged state's bytes refused ({back:?}): {mb:02x?}; from {b:02x?}"
                );
                check_centre(&m, &mb, what);
            }
        }
    }
}

fn corrupt_exact(ex: &ExactSumSq, plan: &mut Plan, ctx: &dyn Fn() -> String) {
    let good = ex.to_bytes();
    let writes = plan.next() % 6;
    let mut b = good;
    for _ in 0..writes {
        let at = (usize::from(plan.next()) * 3 + usize::from(plan.next())) % b.len();
        b[at] = plan.next();
    }
    let Ok(s) = ExactSumSq::from_bytes(&b) else {
        assert_ne!(b, good, "own exact bytes refused: {}", ctx());
        return;
    };
    if b.iter().any(|&v| v != 0) {
        assert_eq!(s.to_bytes(), b, "accepted exact bytes read back: {}", ctx());
    }
    let (d, f) = (s.result_f64(), s.result_f32());
    if s.saw_nan() {
        assert!(d.is_nan() && f.is_nan());
        return;
    }
    if s.saw_inf() {
        assert!(d == f64::INFINITY && f == f32::INFINITY);
        return;
    }
    // The value the limbs hold: I 2^-2150.
    let limbs: Vec<u32> = b[16..]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
        .collect();
    let i = BigUint::new(limbs);
    if let Some(want) = round_sqrt_units(&i, 2150, D) {
        assert!(
            same(d, want),
            "accepted exact state: {d:e} ({:#x}) but its value rounds to {want:e} ({:#x}); \
             limbs {i:#x}",
            d.to_bits(),
            want.to_bits()
        );
    }
    if let Some(want) = round_sqrt_units(&i, 2150, S) {
        assert!(
            same(f64::from(f), want),
            "accepted exact state: f32 {f:e} but its value rounds to {want:e}; limbs {i:#x}"
        );
    }
    let mut m = ex.clone();
    m.merge(&s);
    let _ = m.result_f64();
}

fuzz_target!(|data: &[u8]| {
    let Some((&l, rest)) = data.split_first() else {
        return;
    };
    let l = usize::from(l).min(rest.len());
    let (plan, vec) = rest.split_at(l);
    let Some(inp) = decode(vec) else {
        return;
    };
    let mut plan = Plan {
        bytes: plan,
        pos: 0,
    };
    let w = want(&inp);
    match (&inp.reals, inp.ty) {
        (Reals::F64(v), Ty::D) => run(v, f64::NAN, &inp, &mut plan, &w),
        (Reals::F32(v), Ty::S) => run(v, f32::NAN, &inp, &mut plan, &w),
        (Reals::F64(v), _) => {
            let c: Vec<[f64; 2]> = v.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
            run(&c, [f64::NAN; 2], &inp, &mut plan, &w)
        }
        (Reals::F32(v), _) => {
            let c: Vec<[f32; 2]> = v.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
            run(&c, [f32::NAN; 2], &inp, &mut plan, &w)
        }
    }
});
