//! Threads on the state: `dnrm2` (the dispatched path) with 1 and 2 threads at lengths
//! around the split threshold `PAR_MIN` and at 2^24, beside a plain (unsafe, no scaling)
//! sum of squares over the same array with 1 and 2 scoped threads: what the memory system
//! lets one and two threads read.  Speed is only measured here, never asserted.
//!
//! `cargo bench --bench threads`; `cargo bench --bench threads -- 'n=16777216'` narrows it.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use safenorm::{nrm2_view, set_num_threads, Strided};
use std::hint::black_box;
use std::time::Duration;

mod common;
use common::data;

/// Plain sum of squares, 8 independent accumulators (vectorised by the compiler).
fn plain(x: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (c, t) = x.as_chunks::<8>();
    for ch in c {
        for k in 0..8 {
            acc[k] += ch[k] * ch[k];
        }
    }
    acc.iter().sum::<f64>() + t.iter().map(|v| v * v).sum::<f64>()
}

/// The plain sum split over `t` scoped threads.
fn plain_threads(x: &[f64], t: usize) -> f64 {
    if t <= 1 {
        return plain(x);
    }
    let per = x.len().div_ceil(t);
    std::thread::scope(|s| {
        let hs: Vec<_> = x.chunks(per).map(|c| s.spawn(move || plain(c))).collect();
        hs.into_iter().map(|h| h.join().unwrap_or(0.0)).sum::<f64>()
    })
    .sqrt()
}

fn bench(c: &mut Criterion) {
    let max = 1usize << 24;
    let x = data(max);
    let mut g = c.benchmark_group("threads");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for n in [1usize << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22, 1 << 24] {
        let v = Strided::new(&x, n, 1).expect("fits");
        g.throughput(Throughput::Bytes(8 * n as u64));
        for t in [1usize, 2] {
            g.bench_with_input(BenchmarkId::new(format!("dnrm2/t{t}"), n), &v, |b, v| {
                set_num_threads(t);
                b.iter(|| nrm2_view(black_box(v)));
                set_num_threads(0);
            });
            g.bench_with_input(
                BenchmarkId::new(format!("plain/t{t}"), n),
                &x[..n],
                |b, xs| b.iter(|| plain_threads(black_box(xs), t)),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
