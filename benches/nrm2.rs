//! Criterion benchmarks: every available ISA path (directly, not only through the
//! dispatcher) x routine (dnrm2, snrm2, dznrm2, scnrm2) x n x incx, plus the dispatched
//! path.  Speed is only measured here (and in ../shared/bench), never asserted.
//!
//! `cargo bench --bench nrm2 -- 'dnrm2/avx512'` narrows the run; each benchmark measures
//! for about a second, so the full matrix takes a few minutes.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use safenorm::{nrm2_view, nrm2_with_isa, Element, Isa, Strided};
use std::hint::black_box;
use std::time::Duration;

mod common;
use common::data;

const SIZES: [usize; 5] = [4, 16, 256, 4096, 1 << 20];
const INCS: [isize; 3] = [1, 2, -1];

/// One routine: `x` holds at least `2 * max(SIZES)` elements of type `T`.
fn routine<T: Element>(c: &mut Criterion, name: &str, x: &[T])
where
    T::Real: Copy,
{
    let mut paths: Vec<Option<Isa>> = Isa::ALL
        .iter()
        .copied()
        .filter(|i| i.is_available())
        .map(Some)
        .collect();
    paths.push(None); // the dispatched path
    for isa in paths {
        let label = isa.map_or("dispatch", |i| i.name());
        let mut g = c.benchmark_group(format!("{name}/{label}"));
        g.warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(900))
            .sample_size(20);
        for n in SIZES {
            for inc in INCS {
                let v = Strided::new(x, n, inc).expect("fits");
                g.throughput(Throughput::Elements(n as u64));
                g.bench_with_input(BenchmarkId::new(format!("inc{inc}"), n), &v, |b, v| {
                    b.iter(|| match isa {
                        Some(i) => nrm2_with_isa(black_box(v), i),
                        None => Some(nrm2_view(black_box(v))),
                    })
                });
            }
        }
        g.finish();
    }
}

fn bench(c: &mut Criterion) {
    let len = 2 * SIZES[SIZES.len() - 1];
    let x = data(2 * len);
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let xz: Vec<[f64; 2]> = x.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
    let xc: Vec<[f32; 2]> = xf.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
    routine(c, "dnrm2", &x);
    routine(c, "snrm2", &xf);
    routine(c, "dznrm2", &xz);
    routine(c, "scnrm2", &xc);
}

criterion_group!(benches, bench);
criterion_main!(benches);
