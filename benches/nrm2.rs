//! Criterion benchmarks: the dispatched kernel and every available ISA path, per routine,
//! length and stride.  Speed is only measured here (and in ../shared/bench), never asserted.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use safenorm::{nrm2_with_isa, Isa, Strided};
use std::hint::black_box;

fn data(len: usize) -> Vec<f64> {
    // Deterministic pseudo-random values in (-1, 1) (xorshift64*).
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            let r = s.wrapping_mul(0x2545_F491_4F6C_DD1D);
            (r >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let x = data(1 << 20 << 1);
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    for &isa in Isa::ALL.iter().filter(|i| i.is_available()) {
        let mut g = c.benchmark_group(format!("dnrm2/{}", isa.name()));
        for &n in &[16usize, 256, 4096, 1 << 20] {
            for &inc in &[1isize, 2, -1] {
                g.throughput(Throughput::Elements(n as u64));
                let v = Strided::new(&x, n, inc).expect("fits");
                g.bench_with_input(BenchmarkId::new(format!("inc{inc}"), n), &v, |b, v| {
                    b.iter(|| nrm2_with_isa(black_box(v), isa))
                });
            }
        }
        g.finish();
        let mut g = c.benchmark_group(format!("snrm2/{}", isa.name()));
        for &n in &[16usize, 4096] {
            let v = Strided::new(&xf, n, 1).expect("fits");
            g.bench_with_input(BenchmarkId::new("inc1", n), &v, |b, v| {
                b.iter(|| nrm2_with_isa(black_box(v), isa))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
