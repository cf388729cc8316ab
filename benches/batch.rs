//! Criterion benchmarks of the batch and matrix norms (dispatched path; force an ISA with
//! `SAFENORM_ISA=avx2` etc.), each beside the loop of single-vector C calls it replaces:
//!
//! * column and row norms of a 1000 x 1000 binary64 column-major matrix (rows go across
//!   the batch, one SIMD lane per row; columns are contiguous vectors);
//! * row norms of a 10000 x 768 binary32 row-major matrix (contiguous rows);
//! * the Frobenius norm of the 1000 x 1000 matrix, with `lda == m` and `lda == m + 8`.
//!
//! Speed is only measured here, never asserted.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use safenorm::ffi::native::{safenorm_dnrm2, safenorm_snrm2};
use safenorm::{nrm2_batch, nrm2_matrix};
use std::hint::black_box;
use std::time::Duration;

mod common;
use common::data;

fn bench(c: &mut Criterion) {
    let (m, k) = (1000usize, 1000usize);
    let a = data(m * k + 8 * k);
    let mut out = vec![0.0f64; m.max(k)];
    let mut g = c.benchmark_group("f64_1000x1000");
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .throughput(Throughput::Elements((m * k) as u64));
    g.bench_function("col_batch", |b| {
        b.iter(|| nrm2_batch(black_box(&a), m, 1, m as isize, k, &mut out, 1))
    });
    g.bench_function("col_loop_dnrm2", |b| {
        b.iter(|| {
            for j in 0..k {
                // SAFETY: column j is m readable doubles inside `a`.
                out[j] = unsafe { safenorm_dnrm2(m, black_box(&a[j * m..]).as_ptr(), 1) };
            }
        })
    });
    g.bench_function("row_batch", |b| {
        b.iter(|| nrm2_batch(black_box(&a), k, m as isize, 1, m, &mut out, 1))
    });
    g.bench_function("row_loop_dnrm2", |b| {
        b.iter(|| {
            for i in 0..m {
                // SAFETY: row i is k doubles at stride m inside `a`.
                out[i] = unsafe { safenorm_dnrm2(k, black_box(&a[i..]).as_ptr(), m as isize) };
            }
        })
    });
    g.bench_function("frobenius_lda_m", |b| {
        b.iter(|| nrm2_matrix(black_box(&a), m, k, m))
    });
    g.bench_function("frobenius_lda_m_plus_8", |b| {
        b.iter(|| nrm2_matrix(black_box(&a), m, k, m + 8))
    });
    g.finish();

    let (m, k) = (10000usize, 768usize);
    let x: Vec<f32> = data(m * k).iter().map(|&v| v as f32).collect();
    let mut out = vec![0.0f32; m];
    let mut g = c.benchmark_group("f32_10000x768_rowmajor");
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .throughput(Throughput::Elements((m * k) as u64));
    g.bench_function("row_batch", |b| {
        b.iter(|| nrm2_batch(black_box(&x), k, 1, k as isize, m, &mut out, 1))
    });
    g.bench_function("row_loop_snrm2", |b| {
        b.iter(|| {
            for i in 0..m {
                // SAFETY: row i is k contiguous floats inside `x`.
                out[i] = unsafe { safenorm_snrm2(k, black_box(&x[i * k..]).as_ptr(), 1) };
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
