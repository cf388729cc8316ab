//! Shared support of the safenorm fuzz targets: input decoding, memory layouts, calls to every
//! C entry point, and the checks against the exact oracle (`oracle.rs`, a copy of the
//! independent oracle of `tests/common`).
//!
//! Input format (all targets but `c_args`): byte 0 selects the routine (bits 0-1: d, s, dz,
//! sc) and a value generator (bits 2-4); byte 1 the stride (`(b as i8) % 9`, so -8..=8);
//! byte 2 the start offset (bits 0-2: bytes, for the C entry points; bits 3-5: elements, for
//! the safe API); byte 3 a repeat count for long vectors (bit 7 set: the decoded values are
//! repeated `1 + 37 * (b & 0x7f)` times); the rest feeds the generator.  The caller's
//! floating-point environment: byte 2 bits 6-7 the rounding mode (0 nearest, 1 down, 2 up,
//! 3 toward zero), byte 0 bit 5 flush-to-zero and bit 6 denormals-are-zero (aarch64: FPCR.FZ
//! for either); every library call runs in it with the invalid, divide-by-zero and overflow
//! traps enabled (a `SIGFPE` is a crash, i.e. a finding), the answer must be the oracle
//! rounded in that mode, and the environment after the call must be exactly the one before.
use core::ffi::c_void;
use safenorm::ffi::cblas::*;
use safenorm::ffi::fortran::*;
use safenorm::ffi::native::*;

#[path = "../../tests/common/oracle.rs"]
pub mod oracle;
#[path = "../../tests/common/pieces.rs"]
pub mod pieces;
pub use oracle::{
    oracle, oracle_repeated, round_sqrt_mode, tie_decomposition, Fmt, Mode, D, MODES, S,
};

/// The exception flag bits of the raw environment (x86_64 MXCSR bits 0-5; aarch64: the
/// whole FPSR, the low half).
#[cfg(target_arch = "x86_64")]
const FLAG_BITS: u64 = 0x3f;
#[cfg(not(target_arch = "x86_64"))]
const FLAG_BITS: u64 = 0xffff_ffff;

/// The caller's floating-point environment drawn by an input (crate docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FpEnv {
    pub ftz: bool,
    pub daz: bool,
    /// Index into [`MODES`].
    pub mode: u32,
}

impl FpEnv {
    /// The rounding mode.
    pub fn mode(self) -> Mode {
        MODES[(self.mode & 3) as usize]
    }

    /// Runs `f` (library calls only: no arithmetic of the fuzz target may run in the drawn
    /// environment) in this environment with traps enabled; panics if the environment after
    /// it is not exactly the one set.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        self.run_checking(true, f)
    }

    /// As [`FpEnv::run`]; with `flags == false` only the control bits are compared (for
    /// calls wrapped with arithmetic of the target itself, such as widening a binary32
    /// answer, which may raise flags of its own, e.g. denormal-operand).
    pub fn run_checking<R>(self, flags: bool, f: impl FnOnce() -> R) -> R {
        let w = safenorm::__fenv::compose(self.ftz, self.daz, self.mode, true);
        let saved = safenorm::__fenv::raw();
        // SAFETY: only library calls run in this environment; the target's own is restored
        // right after them.
        unsafe { safenorm::__fenv::set_raw(w) };
        let set = safenorm::__fenv::raw(); // bits the CPU does not implement read as 0
        let r = f();
        let after = safenorm::__fenv::raw();
        // SAFETY: restores the word read above.
        unsafe { safenorm::__fenv::set_raw(saved) };
        let keep = if flags { u64::MAX } else { !FLAG_BITS };
        assert_eq!(
            after & keep,
            set & keep,
            "the environment changed across a call ({self:?})"
        );
        r
    }
}

/// Most reals a decoded input may hold (keeps the oracle fast).
pub const MAX_REALS: usize = 1 << 15;

/// The four routines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    D,
    S,
    Z,
    C,
}

impl Ty {
    pub fn from_bits(b: u8) -> Ty {
        [Ty::D, Ty::S, Ty::Z, Ty::C][usize::from(b & 3)]
    }
    pub fn is_single(self) -> bool {
        matches!(self, Ty::S | Ty::C)
    }
    pub fn parts(self) -> usize {
        match self {
            Ty::D | Ty::S => 1,
            Ty::Z | Ty::C => 2,
        }
    }
    pub fn real_size(self) -> usize {
        if self.is_single() {
            4
        } else {
            8
        }
    }
    pub fn elem_size(self) -> usize {
        self.real_size() * self.parts()
    }
    pub fn fmt(self) -> Fmt {
        if self.is_single() {
            S
        } else {
            D
        }
    }
}

/// The logical vector's reals: raw bit patterns of the routine's precision (so that
/// signalling NaNs reach the library unchanged).
#[derive(Clone, Debug)]
pub enum Reals {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Reals {
    pub fn len(&self) -> usize {
        match self {
            Reals::F64(v) => v.len(),
            Reals::F32(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Widened to binary64 (exact; a NaN stays a NaN).
    pub fn wide(&self) -> Vec<f64> {
        match self {
            Reals::F64(v) => v.clone(),
            Reals::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
        }
    }
    /// Raw little-endian bytes of real `i`.
    fn bytes(&self, i: usize) -> Vec<u8> {
        match self {
            Reals::F64(v) => v[i].to_bits().to_le_bytes().to_vec(),
            Reals::F32(v) => v[i].to_bits().to_le_bytes().to_vec(),
        }
    }
}

/// A decoded input.
#[derive(Clone, Debug)]
pub struct Input {
    pub env: FpEnv,
    pub ty: Ty,
    pub inc: isize,
    pub byte_off: usize,
    pub elem_off: usize,
    pub reals: Reals,
}

impl Input {
    pub fn n(&self) -> usize {
        self.reals.len() / self.ty.parts()
    }

    /// The exact answer: the oracle on the logical vector (`incx == 0`: `x[0]` counted `n`
    /// times).
    pub fn want(&self) -> f64 {
        let w = self.reals.wide();
        let (vals, count) = if self.inc == 0 && self.n() > 0 {
            (&w[..self.ty.parts()], self.n() as u64)
        } else {
            (&w[..], 1)
        };
        if vals.iter().any(|v| v.is_nan()) {
            return f64::NAN;
        }
        if vals.iter().any(|v| v.is_infinite()) {
            return f64::INFINITY;
        }
        let s = oracle::exact_sum(vals) * num_bigint::BigUint::from(count);
        round_sqrt_mode(&s, self.ty.fmt(), self.env.mode())
    }
}

/// `2^e` for a normal exponent.
const fn p2(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// Values worth combining (scaled by a power of two in generator 2).
const SPECIALS: [f64; 25] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    3.0,
    4.0,
    0.5,
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    // Signalling NaN, payloads.
    f64::from_bits(0x7ff0_0000_0000_0001),
    f64::from_bits(0xfff8_dead_beef_0001),
    // Smallest subnormal and its neighbours.
    f64::from_bits(1),
    f64::from_bits(3),
    f64::from_bits(0x000f_ffff_ffff_ffff),
    // Around the scaling thresholds of reference BLAS and of the kernel classes.
    p2(-511),
    p2(486),
    p2(-300),
    p2(300),
    p2(-600),
    1.0000000000000002,
    0.9999999999999999,
    core::f64::consts::SQRT_2,
];

fn take<const N: usize>(d: &mut &[u8]) -> Option<[u8; N]> {
    let (h, t) = d.split_first_chunk::<N>()?;
    *d = t;
    Some(*h)
}

/// Decodes the common input format (see the crate docs).
pub fn decode(data: &[u8]) -> Option<Input> {
    let mut d = data;
    let [b0, b1, b2, b3] = take::<4>(&mut d)?;
    let ty = Ty::from_bits(b0);
    let gen = (b0 >> 2) & 7;
    let inc = isize::from((b1 as i8) % 9);
    let byte_off = usize::from(b2 & 7);
    let elem_off = usize::from((b2 >> 3) & 7);
    let single = ty.is_single();
    let mut w: Vec<f64> = Vec::new();
    let mut f: Vec<f32> = Vec::new();
    let push = |w: &mut Vec<f64>, f: &mut Vec<f32>, v: f64| {
        if single {
            f.push(v as f32)
        } else {
            w.push(v)
        }
    };
    match gen {
        // Scaled specials: (index, power-of-two shift) pairs.
        2 => {
            while let Some([i, e]) = take::<2>(&mut d) {
                let v = SPECIALS[usize::from(i) % SPECIALS.len()];
                let e = i64::from(e as i8) * if single { 1 } else { 4 };
                push(&mut w, &mut f, oracle::ldexp(v, e));
            }
        }
        // A narrow exponent band: values of similar magnitude anywhere in the range.
        3 => {
            let base = take::<1>(&mut d).map_or(0, |[b]| b);
            if single {
                while let Some(b) = take::<4>(&mut d) {
                    let bits = u32::from_le_bytes(b);
                    let e = (u32::from(base) + (bits >> 29 & 3)).min(254);
                    f.push(f32::from_bits((bits & 0x807f_ffff) | (e << 23)));
                }
            } else {
                while let Some(b) = take::<8>(&mut d) {
                    let bits = u64::from_le_bytes(b);
                    let e = (u64::from(base) * 8 + (bits >> 60 & 3)).min(2046);
                    w.push(f64::from_bits((bits & 0x800f_ffff_ffff_ffff) | (e << 52)));
                }
            }
        }
        // An exact tie (squares summing to the square of a rounding midpoint), optionally
        // nudged by one tiny value.
        4 => {
            let m = u64::from_le_bytes(take::<8>(&mut d)?);
            let [s, nudge] = take::<2>(&mut d).unwrap_or([0, 0]);
            let (m, scale) = if single {
                ((1u64 << 24) | (m >> 40) | 1, i64::from(s % 200) - 100)
            } else {
                ((1u64 << 53) | (m >> 11) | 1, i64::from(s) * 7 - 1000)
            };
            for v in tie_decomposition(m) {
                push(&mut w, &mut f, oracle::ldexp(v, scale));
            }
            if nudge & 1 == 1 {
                let k = scale - 30 - i64::from(nudge >> 1) % 40;
                push(&mut w, &mut f, oracle::ldexp(1.0, k));
            }
        }
        // Raw bit patterns.
        _ => {
            if single {
                while let Some(b) = take::<4>(&mut d) {
                    f.push(f32::from_bits(u32::from_le_bytes(b)));
                }
            } else {
                while let Some(b) = take::<8>(&mut d) {
                    w.push(f64::from_bits(u64::from_le_bytes(b)));
                }
            }
        }
    }
    let rep = if b3 & 0x80 != 0 {
        1 + 37 * usize::from(b3 & 0x7f)
    } else {
        1
    };
    let fix = |len: usize| -> usize {
        let total = (len * rep).min(MAX_REALS);
        total - total % ty.parts()
    };
    let reals = if single {
        let t = fix(f.len());
        Reals::F32(f.iter().copied().cycle().take(t).collect())
    } else {
        let t = fix(w.len());
        Reals::F64(w.iter().copied().cycle().take(t).collect())
    };
    // The environment: DAZ only for binary64 routines in the C target (its answers of
    // binary32 routines are widened by the target itself, which DAZ would flush); the safe
    // API target converts outside the environment.
    let env = FpEnv {
        ftz: b0 & 0x20 != 0,
        daz: b0 & 0x40 != 0,
        mode: u32::from(b2 >> 6),
    };
    Some(Input {
        env,
        ty,
        inc,
        byte_off,
        elem_off,
        reals,
    })
}

/// Bitwise equality, every NaN equal to every NaN.
pub fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Element positions of the logical vector in its span (BLAS order for `incx < 0`).
fn position(i: usize, n: usize, inc: isize) -> usize {
    let s = inc.unsigned_abs().max(1);
    if inc < 0 {
        (n - 1 - i) * s
    } else {
        i * s
    }
}

/// The vector in an 8-aligned byte buffer at `byte_off`, NaN in every stride gap.
pub struct ByteLayout {
    backing: Vec<u64>,
    off: usize,
}

impl ByteLayout {
    pub fn new(inp: &Input) -> ByteLayout {
        let ty = inp.ty;
        let n = inp.n();
        let s = inp.inc.unsigned_abs().max(1);
        let span = if n == 0 { 1 } else { (n - 1) * s + 1 };
        let bytes = inp.byte_off + span * ty.elem_size();
        let mut raw = vec![0u8; bytes.div_ceil(8) * 8 + 8];
        let nan: Vec<u8> = if ty.is_single() {
            f32::NAN.to_bits().to_le_bytes().to_vec()
        } else {
            f64::NAN.to_bits().to_le_bytes().to_vec()
        };
        let rs = ty.real_size();
        for r in 0..span * ty.parts() {
            let at = inp.byte_off + r * rs;
            raw[at..at + rs].copy_from_slice(&nan);
        }
        for i in 0..n {
            let pos = position(i, n, inp.inc);
            for k in 0..ty.parts() {
                let at = inp.byte_off + (pos * ty.parts() + k) * rs;
                raw[at..at + rs].copy_from_slice(&inp.reals.bytes(i * ty.parts() + k));
            }
        }
        let backing = raw
            .chunks_exact(8)
            .map(|c| u64::from_ne_bytes(c.try_into().expect("8 bytes")))
            .collect();
        ByteLayout {
            backing,
            off: inp.byte_off,
        }
    }

    pub fn ptr(&self) -> *const u8 {
        self.backing.as_ptr().cast::<u8>().wrapping_add(self.off)
    }
}

/// One entry point's answer.
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    pub name: &'static str,
    pub value: f64,
    pub status: Option<i32>,
}

/// The C entry point families and their integer widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `safenorm_?nrm2` and `safenorm_?nrm2_checked`: `size_t n`, `ptrdiff_t incx`.
    Native,
    /// `cblas_?nrm2`: `int`.
    Cblas32,
    /// `?nrm2_`: `int *`.
    Fortran32,
    /// `cblas_?nrm2_64`: `int64_t`.
    Cblas64,
    /// `?nrm2_64_`: `int64_t *`.
    Fortran64,
}

pub const FAMILIES: [Family; 5] = [
    Family::Native,
    Family::Cblas32,
    Family::Fortran32,
    Family::Cblas64,
    Family::Fortran64,
];

/// Calls one family with `n` and `incx` given as raw 64-bit patterns, converted as a C
/// caller's would be (native: `n` as `size_t`; 32-bit families: truncated to `int`).  The
/// native family returns two answers (plain and `_checked`).
///
/// # Safety
///
/// As for the entry points, with the converted `n` and `incx`.
pub unsafe fn call_family(fam: Family, ty: Ty, n: i64, x: *const u8, incx: i64) -> Vec<Answer> {
    let v = x.cast::<c_void>();
    let one = |name, value| Answer {
        name,
        value,
        status: None,
    };
    match fam {
        Family::Native => {
            let (n, i) = (n as u64 as usize, incx as isize);
            let mut slot = [0u64; 2];
            let out = slot.as_mut_ptr().cast::<u8>().wrapping_add(3);
            // SAFETY: the caller's contract; `out` has 8 writable bytes behind it.
            let (p, s, c) = unsafe {
                match ty {
                    Ty::D => {
                        let p = safenorm_dnrm2(n, x.cast(), i);
                        let s = safenorm_dnrm2_checked(n, x.cast(), i, out.cast());
                        (p, s, out.cast::<f64>().read_unaligned())
                    }
                    Ty::S => {
                        let p = f64::from(safenorm_snrm2(n, x.cast(), i));
                        let s = safenorm_snrm2_checked(n, x.cast(), i, out.cast());
                        (p, s, f64::from(out.cast::<f32>().read_unaligned()))
                    }
                    Ty::Z => {
                        let p = safenorm_dznrm2(n, x.cast(), i);
                        let s = safenorm_dznrm2_checked(n, x.cast(), i, out.cast());
                        (p, s, out.cast::<f64>().read_unaligned())
                    }
                    Ty::C => {
                        let p = f64::from(safenorm_scnrm2(n, x.cast(), i));
                        let s = safenorm_scnrm2_checked(n, x.cast(), i, out.cast());
                        (p, s, f64::from(out.cast::<f32>().read_unaligned()))
                    }
                }
            };
            vec![
                one("safenorm_?nrm2", p),
                Answer {
                    name: "safenorm_?nrm2_checked",
                    value: c,
                    status: Some(s),
                },
            ]
        }
        Family::Cblas32 => {
            let (n, i) = (n as i32, incx as i32);
            // SAFETY: the caller's contract.
            let r = unsafe {
                match ty {
                    Ty::D => cblas_dnrm2(n, x.cast(), i),
                    Ty::S => f64::from(cblas_snrm2(n, x.cast(), i)),
                    Ty::Z => cblas_dznrm2(n, v, i),
                    Ty::C => f64::from(cblas_scnrm2(n, v, i)),
                }
            };
            vec![one("cblas_?nrm2", r)]
        }
        Family::Fortran32 => {
            let (n, i) = (n as i32, incx as i32);
            // SAFETY: the caller's contract; `&n`, `&i` are readable.
            let r = unsafe {
                match ty {
                    Ty::D => dnrm2_(&n, x.cast(), &i),
                    Ty::S => f64::from(snrm2_(&n, x.cast(), &i)),
                    Ty::Z => dznrm2_(&n, v, &i),
                    Ty::C => f64::from(scnrm2_(&n, v, &i)),
                }
            };
            vec![one("?nrm2_", r)]
        }
        Family::Cblas64 => {
            // SAFETY: the caller's contract.
            let r = unsafe {
                match ty {
                    Ty::D => cblas_dnrm2_64(n, x.cast(), incx),
                    Ty::S => f64::from(cblas_snrm2_64(n, x.cast(), incx)),
                    Ty::Z => cblas_dznrm2_64(n, v, incx),
                    Ty::C => f64::from(cblas_scnrm2_64(n, v, incx)),
                }
            };
            vec![one("cblas_?nrm2_64", r)]
        }
        Family::Fortran64 => {
            // SAFETY: the caller's contract; `&n`, `&incx` are readable.
            let r = unsafe {
                match ty {
                    Ty::D => dnrm2_64_(&n, x.cast(), &incx),
                    Ty::S => f64::from(snrm2_64_(&n, x.cast(), &incx)),
                    Ty::Z => dznrm2_64_(&n, v, &incx),
                    Ty::C => f64::from(scnrm2_64_(&n, v, &incx)),
                }
            };
            vec![one("?nrm2_64_", r)]
        }
    }
}

/// `(n, incx)` as the family sees them: `(length, |incx|)` with `None` for `n <= 0`.
pub fn family_args(fam: Family, n: i64, incx: i64) -> (Option<u128>, u128) {
    match fam {
        Family::Native => {
            let n = n as u64 as usize;
            (
                (n > 0).then_some(n as u128),
                (incx as isize).unsigned_abs() as u128,
            )
        }
        Family::Cblas32 | Family::Fortran32 => {
            let n = n as i32;
            (
                (n > 0).then_some(n as u128),
                (incx as i32).unsigned_abs() as u128,
            )
        }
        Family::Cblas64 | Family::Fortran64 => {
            ((n > 0).then_some(n as u128), incx.unsigned_abs() as u128)
        }
    }
}

/// What the documented contract says a call must do, computed independently of the library
/// in 128-bit arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `n <= 0`: 0, status OK, nothing read.
    Zero,
    /// NULL `x` with `n > 0`: NaN, `SAFENORM_ERR_NULL`.
    Null,
    /// Span not addressable: NaN, `SAFENORM_ERR_STRIDE`.
    Stride,
    /// A valid call reading `span` elements (it may only be made if they are readable).
    Read { n: u128, stride: u128, span: u128 },
}

pub fn expect(len: Option<u128>, stride: u128, addr: usize, elem_size: usize) -> Expect {
    let Some(n) = len else {
        return Expect::Zero;
    };
    if addr == 0 {
        return Expect::Null;
    }
    let span = (n - 1) * stride + 1; // < 2^128: both factors < 2^64
    let bytes = span.checked_mul(elem_size as u128);
    match bytes {
        Some(b) if b <= isize::MAX as u128 && addr as u128 + b <= usize::MAX as u128 => {
            Expect::Read { n, stride, span }
        }
        _ => Expect::Stride,
    }
}

/// Target (a): every ISA path bit for bit against the portable path, the dispatched path and
/// the exact path against the oracle.  Panics on any mismatch.
pub fn check_isa_paths(inp: &Input) {
    let want = inp.want();
    match &inp.reals {
        Reals::F64(v) if inp.ty == Ty::D => isa_paths(v, inp, want, f64::NAN),
        Reals::F32(v) if inp.ty == Ty::S => isa_paths(v, inp, want, f32::NAN),
        Reals::F64(v) => {
            let c: Vec<[f64; 2]> = v.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
            isa_paths(&c, inp, want, [f64::NAN; 2])
        }
        Reals::F32(v) => {
            let c: Vec<[f32; 2]> = v.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
            isa_paths(&c, inp, want, [f32::NAN; 2])
        }
    }
}

fn isa_paths<T: safenorm::Element>(elems: &[T], inp: &Input, want: f64, rogue: T)
where
    T::Real: Into<f64>,
{
    let n = elems.len();
    let s = inp.inc.unsigned_abs().max(1);
    let span = if n == 0 { 0 } else { (n - 1) * s + 1 };
    // `elem_off` rogue elements before the span: the slice starts at every alignment a
    // SIMD path may care about.
    let mut buf = vec![rogue; inp.elem_off + span];
    for (i, &e) in elems.iter().enumerate() {
        buf[inp.elem_off + position(i, n, inp.inc)] = e;
    }
    let data = &buf[inp.elem_off..];
    let view = safenorm::Strided::new(data, n, inp.inc).expect("the span fits");
    let scalar = safenorm::Isa::from_name("scalar").expect("the portable path exists");
    let env = inp.env;
    let base: f64 = env
        .run(|| safenorm::nrm2_with_isa(&view, scalar))
        .expect("the portable path runs everywhere")
        .into();
    let ctx = || {
        format!(
            "{:?} n={n} incx={} elem_off={} {:?}",
            inp.ty, inp.inc, inp.elem_off, inp.env
        )
    };
    assert!(
        same(base, want),
        "scalar path {base:e} ({:#x}) != oracle {want:e} ({:#x}): {}",
        base.to_bits(),
        want.to_bits(),
        ctx()
    );
    for &isa in safenorm::Isa::ALL {
        if let Some(got) = env.run(|| safenorm::nrm2_with_isa(&view, isa)) {
            let got: f64 = got.into();
            // Bit for bit, NaN included (every path returns the same quiet NaN).
            assert!(
                got.to_bits() == base.to_bits() || (got.is_nan() && base.is_nan()),
                "{isa:?} path {got:e} ({:#x}) != scalar {base:e} ({:#x}): {}",
                got.to_bits(),
                base.to_bits(),
                ctx()
            );
        }
    }
    let disp: f64 = env.run(|| safenorm::nrm2_view(&view)).into();
    assert!(
        same(disp, want),
        "dispatched {disp:e} != oracle {want:e}: {}",
        ctx()
    );
    let exact = env.run(|| safenorm::nrm2_exact_source(&view));
    assert!(
        same(exact, want),
        "exact path {exact:e} != oracle {want:e}: {}",
        ctx()
    );
    if n > 0 {
        let r = env
            .run(|| safenorm::nrm2(data, n, inp.inc))
            .expect("the span fits");
        assert!(same(r.into(), want), "safe nrm2 != oracle: {}", ctx());
    }
}

/// Target (b): every C entry point on the vector placed at a byte offset (misaligned for
/// most offsets), against the oracle; statuses OK.
pub fn check_c_entries(inp: &Input) {
    let want = inp.want();
    let layout = ByteLayout::new(inp);
    let n = inp.n() as i64;
    for fam in FAMILIES {
        // DAZ would flush the binary32 answers as `call_family` widens them: not drawn there.
        let env = FpEnv {
            daz: inp.env.daz && !inp.ty.is_single(),
            ..inp.env
        };
        // The target widens binary32 answers itself (a subnormal raises denormal-operand):
        // flags are compared for the binary64 routines only.
        let answers = env.run_checking(!inp.ty.is_single(), || {
            // SAFETY: the layout holds the whole span of the vector.
            unsafe { call_family(fam, inp.ty, n, layout.ptr(), inp.inc as i64) }
        });
        for a in answers {
            assert!(
                same(a.value, want),
                "{} gave {:e} ({:#x}), oracle {want:e} ({:#x}): {:?} n={n} incx={} byte_off={} {:?}",
                a.name,
                a.value,
                a.value.to_bits(),
                want.to_bits(),
                inp.ty,
                inp.inc,
                inp.byte_off,
                inp.env
            );
            if let Some(s) = a.status {
                assert_eq!(s, SAFENORM_OK, "{} status", a.name);
            }
        }
    }
}
