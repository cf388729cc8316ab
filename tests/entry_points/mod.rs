//! Calls every exported C entry point on one raw `(n, x, incx)`: the native `safenorm_*`
//! functions and their `_checked` variants, the Fortran names (LP64 and ILP64) and the CBLAS
//! names (LP64 and ILP64).  Shared by `tests/hostile.rs` and `tests/threads*.rs`.
#![allow(dead_code)]

use core::ffi::c_void;
use safenorm::ffi::cblas::*;
use safenorm::ffi::fortran::*;
use safenorm::ffi::native::*;

/// The four routines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `dnrm2`: f64.
    D,
    /// `snrm2`: f32.
    S,
    /// `dznrm2`: complex f64.
    Z,
    /// `scnrm2`: complex f32.
    C,
}

impl Ty {
    pub const ALL: [Ty; 4] = [Ty::D, Ty::S, Ty::Z, Ty::C];
    /// Bytes of one real component.
    pub fn real_size(self) -> usize {
        match self {
            Ty::D | Ty::Z => 8,
            Ty::S | Ty::C => 4,
        }
    }
    /// Real components per element.
    pub fn parts(self) -> usize {
        match self {
            Ty::D | Ty::S => 1,
            Ty::Z | Ty::C => 2,
        }
    }
    /// Bytes of one element.
    pub fn elem_size(self) -> usize {
        self.real_size() * self.parts()
    }
    pub fn is_single(self) -> bool {
        matches!(self, Ty::S | Ty::C)
    }
}

/// One entry point's answer: its name, the result widened to f64, and the status of a
/// `_checked` function (`None` for the others).
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    pub name: &'static str,
    pub value: f64,
    pub status: Option<i32>,
}

/// Bitwise equality, with every NaN equal to every NaN.
pub fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Calls every entry point of routine `ty` whose integer types can hold `n` and `incx`.
///
/// # Safety
///
/// As for the entry points: when `n > 0` and `x` is not NULL, the span must be readable.
pub unsafe fn every_entry(ty: Ty, n: i128, x: *const u8, incx: i128) -> Vec<Answer> {
    let mut out = Vec::new();
    if let (Ok(nn), Ok(ii)) = (usize::try_from(n), isize::try_from(incx)) {
        // SAFETY: the caller's contract is that of every entry point.
        unsafe { native(ty, nn, x, ii, &mut out) };
    }
    if let (Ok(nn), Ok(ii)) = (i32::try_from(n), i32::try_from(incx)) {
        let v = x.cast::<c_void>();
        // SAFETY: the caller's contract is that of every entry point; `&nn` and `&ii` are
        // readable integers.
        let (c, f) = unsafe {
            match ty {
                Ty::D => (cblas_dnrm2(nn, x.cast(), ii), dnrm2_(&nn, x.cast(), &ii)),
                Ty::S => (
                    f64::from(cblas_snrm2(nn, x.cast(), ii)),
                    f64::from(snrm2_(&nn, x.cast(), &ii)),
                ),
                Ty::Z => (cblas_dznrm2(nn, v, ii), dznrm2_(&nn, v, &ii)),
                Ty::C => (
                    f64::from(cblas_scnrm2(nn, v, ii)),
                    f64::from(scnrm2_(&nn, v, &ii)),
                ),
            }
        };
        out.push(Answer {
            name: "cblas (int)",
            value: c,
            status: None,
        });
        out.push(Answer {
            name: "fortran (int)",
            value: f,
            status: None,
        });
    }
    if let (Ok(nn), Ok(ii)) = (i64::try_from(n), i64::try_from(incx)) {
        let v = x.cast::<c_void>();
        // SAFETY: as above.
        let (c, f) = unsafe {
            match ty {
                Ty::D => (
                    cblas_dnrm2_64(nn, x.cast(), ii),
                    dnrm2_64_(&nn, x.cast(), &ii),
                ),
                Ty::S => (
                    f64::from(cblas_snrm2_64(nn, x.cast(), ii)),
                    f64::from(snrm2_64_(&nn, x.cast(), &ii)),
                ),
                Ty::Z => (cblas_dznrm2_64(nn, v, ii), dznrm2_64_(&nn, v, &ii)),
                Ty::C => (
                    f64::from(cblas_scnrm2_64(nn, v, ii)),
                    f64::from(scnrm2_64_(&nn, v, &ii)),
                ),
            }
        };
        out.push(Answer {
            name: "cblas _64",
            value: c,
            status: None,
        });
        out.push(Answer {
            name: "fortran _64_",
            value: f,
            status: None,
        });
    }
    out
}

/// The native functions, plain and `_checked` (the latter writing through a misaligned
/// `out` pointer too).
///
/// # Safety
///
/// As for the entry points.
unsafe fn native(ty: Ty, n: usize, x: *const u8, incx: isize, out: &mut Vec<Answer>) {
    // An `out` slot at byte offset 1 of an 8-aligned buffer: the library must accept it.
    let mut slot = [0u64; 3];
    let out_ptr = slot.as_mut_ptr().cast::<u8>().wrapping_add(1);
    // SAFETY: the caller's contract is that of the entry points; `out_ptr` points into
    // `slot` with at least 8 writable bytes behind it.
    let (plain, status, checked) = unsafe {
        match ty {
            Ty::D => {
                let p = safenorm_dnrm2(n, x.cast(), incx);
                let s = safenorm_dnrm2_checked(n, x.cast(), incx, out_ptr.cast());
                (p, s, out_ptr.cast::<f64>().read_unaligned())
            }
            Ty::S => {
                let p = f64::from(safenorm_snrm2(n, x.cast(), incx));
                let s = safenorm_snrm2_checked(n, x.cast(), incx, out_ptr.cast());
                (p, s, f64::from(out_ptr.cast::<f32>().read_unaligned()))
            }
            Ty::Z => {
                let p = safenorm_dznrm2(n, x.cast(), incx);
                let s = safenorm_dznrm2_checked(n, x.cast(), incx, out_ptr.cast());
                (p, s, out_ptr.cast::<f64>().read_unaligned())
            }
            Ty::C => {
                let p = f64::from(safenorm_scnrm2(n, x.cast(), incx));
                let s = safenorm_scnrm2_checked(n, x.cast(), incx, out_ptr.cast());
                (p, s, f64::from(out_ptr.cast::<f32>().read_unaligned()))
            }
        }
    };
    out.push(Answer {
        name: "native",
        value: plain,
        status: None,
    });
    out.push(Answer {
        name: "native _checked",
        value: checked,
        status: Some(status),
    });
    // `out == NULL`: a status, nothing written, nothing read.
    // SAFETY: as above; a NULL `out` is allowed.
    let s = unsafe {
        match ty {
            Ty::D => safenorm_dnrm2_checked(n, x.cast(), incx, core::ptr::null_mut()),
            Ty::S => safenorm_snrm2_checked(n, x.cast(), incx, core::ptr::null_mut()),
            Ty::Z => safenorm_dznrm2_checked(n, x.cast(), incx, core::ptr::null_mut()),
            Ty::C => safenorm_scnrm2_checked(n, x.cast(), incx, core::ptr::null_mut()),
        }
    };
    assert_eq!(s, SAFENORM_ERR_OUT_NULL, "{ty:?} checked with out == NULL");
}

/// Asserts that every answer is `want` (bitwise; NaN matches any NaN) and that every
/// `_checked` status is `status`.
pub fn expect_all(answers: &[Answer], want: f64, status: i32, what: &str) {
    assert!(!answers.is_empty(), "{what}: no entry point applies");
    for a in answers {
        assert!(
            same(a.value, want),
            "{what}: {} gave {:e} ({:#x}), want {:e} ({:#x})",
            a.name,
            a.value,
            a.value.to_bits(),
            want,
            want.to_bits()
        );
        if let Some(s) = a.status {
            assert_eq!(s, status, "{what}: {} status", a.name);
        }
    }
}

/// A byte buffer (8-aligned backing) holding a strided vector of reals at a byte offset.
pub struct Layout {
    backing: Vec<u64>,
    offset: usize,
}

impl Layout {
    /// Lays out `reals` (`ty.parts()` per element, as f64; narrowed to f32 for single types)
    /// with stride `incx` in elements (BLAS order: `incx < 0` stores element i at
    /// `(n-1-i)*|incx|`), `rogue` (NaN) in every gap, starting `offset` bytes into an
    /// 8-aligned buffer.
    pub fn new(ty: Ty, reals: &[f64], incx: isize, offset: usize) -> Layout {
        let parts = ty.parts();
        assert_eq!(reals.len() % parts, 0);
        let n = reals.len() / parts;
        let s = incx.unsigned_abs().max(1);
        let span = if n == 0 { 1 } else { (n - 1) * s + 1 };
        let bytes = offset + span * ty.elem_size() + 8;
        let mut l = Layout {
            backing: vec![0u64; bytes.div_ceil(8)],
            offset,
        };
        for e in 0..span {
            for k in 0..parts {
                l.put(ty, e * parts + k, f64::NAN);
            }
        }
        for i in 0..n {
            let pos = if incx < 0 { (n - 1 - i) * s } else { i * s };
            for k in 0..parts {
                l.put(ty, pos * parts + k, reals[i * parts + k]);
            }
        }
        l
    }

    fn put(&mut self, ty: Ty, real_index: usize, v: f64) {
        let base = self.backing.as_mut_ptr().cast::<u8>();
        let at = self.offset + real_index * ty.real_size();
        assert!(at + ty.real_size() <= self.backing.len() * 8);
        // SAFETY: `at + real_size` is inside the backing buffer (asserted above); unaligned
        // writes have no alignment requirement.
        unsafe {
            if ty.is_single() {
                base.add(at).cast::<f32>().write_unaligned(v as f32);
            } else {
                base.add(at).cast::<f64>().write_unaligned(v);
            }
        }
    }

    /// The pointer to element 0 of the span.
    pub fn ptr(&self) -> *const u8 {
        self.backing.as_ptr().cast::<u8>().wrapping_add(self.offset)
    }
}

/// One prepared input for the concurrency tests: a routine, its data laid out in memory
/// (misaligned when `offset` is not a multiple of the real size), and the oracle's answer.
pub struct Case {
    pub ty: Ty,
    /// The logical vector's reals as the routine sees them (narrowed for single precision).
    pub reals: Vec<f64>,
    pub inc: isize,
    pub layout: Layout,
    pub want: f64,
}

// SAFETY: `Layout` owns its buffer (a Vec) and hands out only shared reads of it.
unsafe impl Sync for Case {}

impl Case {
    /// `reals` (already exact in the routine's precision) with stride `inc` at byte `offset`;
    /// `want` comes from the caller's oracle.
    pub fn new(ty: Ty, reals: Vec<f64>, inc: isize, offset: usize, want: f64) -> Case {
        let layout = Layout::new(ty, &reals, inc, offset);
        Case {
            ty,
            reals,
            inc,
            layout,
            want,
        }
    }

    pub fn n(&self) -> usize {
        self.reals.len() / self.ty.parts()
    }

    /// Every way to compute this norm: every C entry point, the safe API (dispatched) and
    /// every available ISA path.  Returns `(label, value)` pairs in a fixed order.
    pub fn run(&self) -> Vec<(&'static str, f64)> {
        // SAFETY: the layout holds the whole span of the vector.
        let answers = unsafe {
            every_entry(
                self.ty,
                self.n() as i128,
                self.layout.ptr(),
                self.inc as i128,
            )
        };
        let mut out: Vec<(&'static str, f64)> = answers.iter().map(|a| (a.name, a.value)).collect();
        let n = self.n();
        let inc = self.inc;
        match self.ty {
            Ty::D => {
                let buf = strided(&self.reals, inc, f64::NAN);
                safe_paths(&buf, n, inc, &mut out);
            }
            Ty::S => {
                let x: Vec<f32> = self.reals.iter().map(|&v| v as f32).collect();
                let buf = strided(&x, inc, f32::NAN);
                safe_paths(&buf, n, inc, &mut out);
            }
            Ty::Z => {
                let x: Vec<[f64; 2]> = self.reals.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
                let buf = strided(&x, inc, [f64::NAN; 2]);
                safe_paths(&buf, n, inc, &mut out);
            }
            Ty::C => {
                let x: Vec<[f32; 2]> = self
                    .reals
                    .chunks_exact(2)
                    .map(|c| [c[0] as f32, c[1] as f32])
                    .collect();
                let buf = strided(&x, inc, [f32::NAN; 2]);
                safe_paths(&buf, n, inc, &mut out);
            }
        }
        out
    }
}

/// `elems` at stride `inc` (BLAS order), `rogue` in the gaps.
fn strided<T: Copy>(elems: &[T], inc: isize, rogue: T) -> Vec<T> {
    let s = inc.unsigned_abs().max(1);
    let n = elems.len();
    let mut buf = vec![rogue; (n.max(1) - 1) * s + 1];
    for (i, &e) in elems.iter().enumerate() {
        let pos = if inc < 0 { (n - 1 - i) * s } else { i * s };
        buf[pos] = e;
    }
    buf
}

fn safe_paths<T: safenorm::Element>(
    buf: &[T],
    n: usize,
    inc: isize,
    out: &mut Vec<(&'static str, f64)>,
) where
    T::Real: Into<f64>,
{
    let v = safenorm::nrm2(buf, n, inc).expect("view fits");
    out.push(("safe nrm2", v.into()));
    let view = safenorm::Strided::new(buf, n, inc).expect("view fits");
    for &isa in safenorm::Isa::ALL {
        if let Some(v) = safenorm::nrm2_with_isa(&view, isa) {
            out.push((isa.name(), v.into()));
        }
    }
}

/// A mixed set of cases for the concurrency tests: every routine, hard families from
/// `tests/common` (ties, near-overflow, subnormals, ...), NaN and Inf, several strides and
/// byte offsets.  Oracle answers come from `tests/common`, not from the library.
pub fn thread_cases() -> Vec<Case> {
    use crate::common::{families, oracle, oracle_repeated, Rng, D, S};
    let mut rng = Rng(0x7e1e_ad5e_0000_0001_u64);
    let mut fams = families(&mut rng);
    fams.push(("nan+inf", vec![1.0, f64::INFINITY, f64::NAN, 2.0]));
    fams.push(("inf", vec![1.0, f64::NEG_INFINITY, 2.0, 0.0]));
    fams.push(("-0", vec![-0.0, -0.0]));
    let (keep_every, max_len) = if cfg!(miri) { (97, 8) } else { (3, 5000) };
    let incs = [1isize, -1, 2, -3, 0];
    let mut out = Vec::new();
    for (k, (_name, xs)) in fams.into_iter().enumerate() {
        if !k.is_multiple_of(keep_every) && xs.len() > 4 || xs.len() > max_len {
            continue;
        }
        let ty = Ty::ALL[k % 4];
        let mut reals: Vec<f64> = if ty.is_single() {
            xs.iter().map(|&v| f64::from(v as f32)).collect()
        } else {
            xs
        };
        if !reals.len().is_multiple_of(ty.parts()) {
            reals.push(0.5);
        }
        let fmt = if ty.is_single() { S } else { D };
        let inc = incs[k % incs.len()];
        let n = reals.len() / ty.parts();
        let want = if inc == 0 {
            oracle_repeated(&reals[..ty.parts()], n as u64, fmt)
        } else {
            oracle(&reals, fmt)
        };
        let offset = k % 8;
        out.push(Case::new(ty, reals, inc, offset, want));
    }
    if cfg!(miri) {
        // Miri runs every call about 10^4 times slower: a few cases of every routine.
        out.truncate(8);
    }
    out
}

/// Runs every case, checks every answer against the case's oracle value, returns the bits.
pub fn run_all(cases: &[Case]) -> Vec<u64> {
    let mut bits = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        for (label, v) in c.run() {
            assert!(
                same(v, c.want),
                "case {i} {:?} n={} inc={}: {label} gave {v:e}, oracle {:e}",
                c.ty,
                c.n(),
                c.inc,
                c.want
            );
            // NaN results compare as one canonical pattern (payloads are not promised).
            bits.push(if v.is_nan() { u64::MAX } else { v.to_bits() });
        }
    }
    bits
}
