//! (b') Arbitrary `n`, `incx` and pointers through every C entry point family, against a
//! model of the documented contract computed in 128-bit arithmetic: `n <= 0` gives 0, NULL
//! gives NaN / `SAFENORM_ERR_NULL`, a span that is not addressable gives NaN /
//! `SAFENORM_ERR_STRIDE`, and a valid span inside the buffer gives the oracle's answer.  Calls
//! whose span is valid but larger than the buffer are not made (they would read unowned
//! memory, which the contract forbids the caller).
//!
//! Input: byte 0: routine (bits 0-1), pointer kind (bits 2-3: NULL, buffer, near the top of
//! the address space, dangling low), byte offset (bits 4-6); bytes 1-2: how `n` and `incx`
//! are made (small, raw 64-bit, or near an extreme); then `n` and `incx` material (8 bytes
//! each); the rest is the buffer's raw contents.
#![no_main]
use libfuzzer_sys::fuzz_target;
use safenorm::ffi::native::{SAFENORM_ERR_NULL, SAFENORM_ERR_STRIDE, SAFENORM_OK};
use safenorm_fuzz::{
    call_family, expect, family_args, oracle, oracle_repeated, same, Expect, Ty, FAMILIES,
};

const EXTREMES: [i64; 12] = [
    i32::MAX as i64,
    i32::MIN as i64,
    i64::MAX,
    i64::MIN,
    1 << 31,
    1 << 32,
    1 << 60,
    1 << 62,
    -(1 << 62),
    u32::MAX as i64,
    i64::MAX / 8,
    i64::MAX / 4,
];

fn make(kind: u8, raw: [u8; 8]) -> i64 {
    let v = i64::from_le_bytes(raw);
    match kind % 3 {
        0 => (raw[0] as i8 % 40) as i64,
        1 => v,
        _ => EXTREMES[usize::from(raw[0]) % EXTREMES.len()].wrapping_sub((raw[1] as i8 % 4) as i64),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<19>() else {
        return;
    };
    let ty = Ty::from_bits(head[0]);
    let kind = (head[0] >> 2) & 3;
    let off = usize::from((head[0] >> 4) & 7);
    let n = make(head[1], head[3..11].try_into().unwrap());
    let incx = make(head[2], head[11..19].try_into().unwrap());
    // The buffer: the remaining bytes, at byte offset `off` of an 8-aligned allocation.
    let mut backing = vec![0u64; (off + rest.len()).div_ceil(8) + 1];
    let base = backing.as_mut_ptr().cast::<u8>();
    // SAFETY: off + rest.len() bytes fit in the backing buffer.
    unsafe { core::ptr::copy_nonoverlapping(rest.as_ptr(), base.add(off), rest.len()) };
    let buf_elems = rest.len() / ty.elem_size();
    let x: *const u8 = match kind {
        0 => core::ptr::null(),
        1 => base.wrapping_add(off),
        2 => core::ptr::null::<u8>().wrapping_add(usize::MAX - 255 + off),
        _ => core::ptr::null::<u8>().wrapping_add(8 + off),
    };
    for fam in FAMILIES {
        let (len, stride) = family_args(fam, n, incx);
        let e = expect(len, stride, x as usize, ty.elem_size());
        let (want, status) = match e {
            Expect::Zero => (0.0, SAFENORM_OK),
            Expect::Null => (f64::NAN, SAFENORM_ERR_NULL),
            Expect::Stride => (f64::NAN, SAFENORM_ERR_STRIDE),
            Expect::Read { n, stride, span } => {
                if kind != 1 || span > buf_elems as u128 {
                    continue; // a valid call on memory we do not own: not ours to make
                }
                // The elements the contract names, read independently of the library.
                let rs = ty.real_size();
                let real = |r: usize| -> f64 {
                    let at = r * rs;
                    if ty.is_single() {
                        f64::from(f32::from_le_bytes(rest[at..at + 4].try_into().unwrap()))
                    } else {
                        f64::from_le_bytes(rest[at..at + 8].try_into().unwrap())
                    }
                };
                let p = ty.parts();
                let fmt = ty.fmt();
                let want = if stride == 0 {
                    let x0: Vec<f64> = (0..p).map(real).collect();
                    oracle_repeated(&x0, n as u64, fmt)
                } else {
                    let mut v = Vec::new();
                    for i in 0..n as usize {
                        for k in 0..p {
                            v.push(real(i * stride as usize * p + k));
                        }
                    }
                    oracle(&v, fmt)
                };
                (want, SAFENORM_OK)
            }
        };
        // SAFETY: either the call is refused before reading (Zero/Null/Stride by the model,
        // which the assertions below confirm), or its span lies inside `backing`.
        let answers = unsafe { call_family(fam, ty, n, x, incx) };
        for a in answers {
            assert!(
                same(a.value, want),
                "{} gave {:e}, want {want:e} ({e:?}): {ty:?} n={n} incx={incx} x={x:?}",
                a.name,
                a.value
            );
            if let Some(s) = a.status {
                assert_eq!(s, status, "{} status ({e:?}) n={n} incx={incx}", a.name);
            }
        }
    }
});
