//! Criterion benchmark of the half-precision norms against `snrm2` on the same values (the
//! binary16 / bfloat16 data widened to binary32), per ISA path, contiguous: the speed goal is
//! `hnrm2` at least as fast as `snrm2` for the same number of elements (half the bytes).
//!
//! `cargo bench --bench half -- 'avx512/'` narrows the run.  Speed is only measured here,
//! never asserted.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use safenorm::{nrm2_with_isa, Isa, Strided, BF16, F16};
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 6] = [256, 1024, 4096, 16384, 65536, 1 << 22];

fn bench(c: &mut Criterion) {
    let n_max = SIZES[SIZES.len() - 1];
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    // Binary16 values in about (-4, 4) (all exponents below 2 and subnormals included);
    // bfloat16 values likewise; and their widened binary32 copies.
    let h: Vec<F16> = (0..n_max).map(|_| F16((next() as u16) & 0xc3ff)).collect();
    let b: Vec<BF16> = (0..n_max).map(|_| BF16((next() as u16) & 0xc07f)).collect();
    let hf: Vec<f32> = h.iter().map(|v| v.to_f32()).collect();
    let bf: Vec<f32> = b.iter().map(|v| v.to_f32()).collect();
    for isa in Isa::ALL.iter().copied().filter(|i| i.is_available()) {
        let mut g = c.benchmark_group(isa.name());
        g.warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1000))
            .sample_size(30);
        for n in SIZES {
            g.throughput(Throughput::Elements(n as u64));
            let vh = Strided::contiguous(&h[..n]);
            let vb = Strided::contiguous(&b[..n]);
            let vhf = Strided::contiguous(&hf[..n]);
            let vbf = Strided::contiguous(&bf[..n]);
            g.bench_with_input(BenchmarkId::new("hnrm2", n), &vh, |bn, v| {
                bn.iter(|| nrm2_with_isa(black_box(v), isa))
            });
            g.bench_with_input(BenchmarkId::new("snrm2_of_h", n), &vhf, |bn, v| {
                bn.iter(|| nrm2_with_isa(black_box(v), isa))
            });
            g.bench_with_input(BenchmarkId::new("bfnrm2", n), &vb, |bn, v| {
                bn.iter(|| nrm2_with_isa(black_box(v), isa))
            });
            g.bench_with_input(BenchmarkId::new("snrm2_of_bf", n), &vbf, |bn, v| {
                bn.iter(|| nrm2_with_isa(black_box(v), isa))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
