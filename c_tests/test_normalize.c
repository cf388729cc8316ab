/* The normalisation API: safenorm_{d,s,dz,sc}normalize and their _batch forms.
 *
 * Expected values are known independently of the library:
 *  - exact cases: (3, 4) * 2^e gives (RN(0.6), RN(0.8)) at every scale (the norm 5 * 2^e is
 *    exact); k^2 equal entries give RN(1/k) each (C division is correctly rounded); two
 *    entries DBL_MAX give RN(1/sqrt(2)) = 0x1.6a09e667f3bcdp-1 (the norm overflows);
 *  - random vectors: a long double reference (64-bit significand, exponent range wide
 *    enough for every square of a double: no scaling needed), whose quotient is within
 *    about (n + 2) 2^-64 < 2^-58 (relative, n <= 60) of the exact one, i.e. 2^-5 binary64
 *    ulp: a result within 0.5 + 2^-26 ulp of the exact quotient is within 0.55 ulp of the
 *    reference (dividing by the rounded norm is not: up to 1 ulp); checked where long
 *    double has at least 64 significand bits;
 *  - the special-value rules of the header (zeros, NaN, one or more infinities);
 *  - bad input: status codes, and nothing read or written (rogue NaNs in the stride gaps
 *    and around the vectors stay, the vectors stay unchanged on error). */
#include "safenorm.h"
#include "check.h"

#include <float.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t bits_of(double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

/* Error of got against the reference quotient q, in units of the spacing of `mant`-bit
 * numbers at q (binary64: 53, binary32: 24; subnormal grids from min_exp). */
static double ulps(double got, long double q, int mant, int min_exp) {
    long double a = fabsl(q);
    int e;
    if (a == 0) return got == 0 ? 0 : 1e9;
    frexpl(a, &e); /* a in [2^(e-1), 2^e) */
    int g = e - mant;
    if (g < min_exp) g = min_exp;
    return (double)(fabsl((long double)got - q) / ldexpl(1.0L, g));
}

static double rnd_log(int lo, int hi) {
    int e = lo + (int)(rng_next() % (uint64_t)(hi - lo));
    double m = 1.0 + (double)(rng_next() >> 11) * 0x1p-53;
    return ldexp(m, e) * ((rng_next() & 1) ? -1.0 : 1.0);
}

static void exact_cases(void) {
    static const int scales[] = {-1074, -1000, -537, -60, 0, 60, 486, 1000, 1021};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        int e = scales[i];
        double x[2] = {ldexp(3.0, e), ldexp(-4.0, e)};
        double nrm = -1;
        CHECK(safenorm_dnormalize(2, x, 1, &nrm) == SAFENORM_OK, "status");
        CHECK_SAME(x[0], 0.6, "d 3,4 scale %d", e);
        CHECK_SAME(x[1], -0.8, "d 3,4 scale %d", e);
        CHECK_SAME(nrm, ldexp(5.0, e), "d norm scale %d", e);
        double z[2] = {ldexp(-3.0, e), ldexp(4.0, e)};
        CHECK(safenorm_dznormalize(1, z, 1, &nrm) == SAFENORM_OK, "status");
        CHECK_SAME(z[0], -0.6, "z 3,4 scale %d", e);
        CHECK_SAME(z[1], 0.8, "z 3,4 scale %d", e);
        if (e >= -149 && e <= 125) {
            float xf[2] = {(float)ldexp(3.0, e), (float)ldexp(4.0, e)};
            float nf = -1;
            CHECK(safenorm_snormalize(2, xf, 1, &nf) == SAFENORM_OK, "status");
            CHECK_SAME(xf[0], 0.6f, "s 3,4 scale %d", e);
            CHECK_SAME(xf[1], 0.8f, "s 3,4 scale %d", e);
            CHECK_SAME(nf, (float)ldexp(5.0, e), "s norm scale %d", e);
            float zf[4] = {(float)ldexp(3.0, e), 0.0f, 0.0f, (float)ldexp(-4.0, e)};
            CHECK(safenorm_scnormalize(2, zf, 1, &nf) == SAFENORM_OK, "status");
            CHECK_SAME(zf[0], 0.6f, "c scale %d", e);
            CHECK_SAME(zf[3], -0.8f, "c scale %d", e);
        }
    }
    /* k^2 equal entries: RN(1/k) each, at the extremes of the range. */
    static const double vals[] = {0x1p-1074, 0x1p-1022, 1.0, 0x1.fffffffffffffp+1023};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        for (int k = 1; k <= 12; k++) {
            double x[144];
            for (int j = 0; j < k * k; j++) x[j] = (j % 3 == 1) ? -vals[i] : vals[i];
            CHECK(safenorm_dnormalize((size_t)(k * k), x, 1, NULL) == SAFENORM_OK, "status");
            for (int j = 0; j < k * k; j++)
                CHECK_SAME(x[j], (j % 3 == 1) ? -1.0 / k : 1.0 / k, "k=%d v=%a j=%d", k, vals[i], j);
        }
    }
    double m2[2] = {DBL_MAX, -DBL_MAX};
    double nrm = 0;
    CHECK(safenorm_dnormalize(2, m2, 1, &nrm) == SAFENORM_OK, "status");
    CHECK_SAME(m2[0], 0x1.6a09e667f3bcdp-1, "DBL_MAX pair");
    CHECK_SAME(m2[1], -0x1.6a09e667f3bcdp-1, "DBL_MAX pair");
    CHECK_SAME(nrm, INFINITY, "DBL_MAX pair norm overflows");
    float f2[2] = {FLT_MAX, FLT_MAX};
    float nf = 0;
    CHECK(safenorm_snormalize(2, f2, 1, &nf) == SAFENORM_OK, "status");
    CHECK_SAME(f2[0], 0x1.6a09e6p-1f, "FLT_MAX pair");
    CHECK_SAME(nf, INFINITY, "FLT_MAX pair norm");
    /* A unit beside subnormals: the quotients are the subnormals themselves (the norm is
     * 1 + ~2^-2148, the quotient x_i (1 - 2^-2149), rounded once). */
    double s[4] = {1.0, 0x1p-1074, -0x3p-1074, 0x1p-1030};
    CHECK(safenorm_dnormalize(4, s, 1, NULL) == SAFENORM_OK, "status");
    CHECK_SAME(s[0], 1.0, "unit");
    CHECK_SAME(s[1], 0x1p-1074, "subnormal quotient");
    CHECK_SAME(s[2], -0x3p-1074, "subnormal quotient");
    CHECK_SAME(s[3], 0x1p-1030, "subnormal quotient");
}

/* True when long double arithmetic really has 64 significand bits and the wide exponent
 * range at run time (valgrind, for one, emulates x87 arithmetic in binary64). */
static int long_double_works(void) {
    volatile long double one = 1.0L, tiny = 0x1p-60L, big = (long double)DBL_MAX;
    long double sum = one + tiny, sq = big * big;
    return sum != one && !isinf(sq);
}

static void random_cases(void) {
#if LDBL_MANT_DIG >= 64
    if (!long_double_works()) {
        printf("test_normalize: long double is not wide at run time: reference checks skipped\n");
        return;
    }
    double worst_d = 0, worst_s = 0;
    for (int round = 0; round < 400; round++) {
        size_t n = 1 + (size_t)(rng_next() % 60);
        int top = (int)(rng_next() % 2000) - 1000;
        int lo = top - 200 < -1074 ? -1074 : top - 200;
        double x[120], y[120];
        long double ss = 0;
        int incx = (round % 3 == 0) ? -2 : (round % 3 == 1 ? 1 : 2);
        size_t span = (n - 1) * (size_t)abs(incx) + 1;
        for (size_t i = 0; i < span; i++) x[i] = NAN; /* gaps: rogue NaNs */
        for (size_t i = 0; i < n; i++) {
            double v = rnd_log(lo, top + 1);
            x[i * (size_t)abs(incx)] = v;
            ss += (long double)v * v;
        }
        memcpy(y, x, sizeof x);
        double nrm = 0;
        CHECK(safenorm_dnormalize(n, y, incx, &nrm) == SAFENORM_OK, "status");
        long double nl = sqrtl(ss);
        for (size_t i = 0; i < span; i++) {
            if (i % (size_t)abs(incx) != 0) {
                CHECK(isnan(y[i]), "gap %zu written", i);
                continue;
            }
            double e = ulps(y[i], (long double)x[i] / nl, 53, -1074);
            if (e > worst_d) worst_d = e;
            CHECK(e <= 0.55, "d round %d i %zu: %a vs %La: %g ulp", round, i, y[i],
                  (long double)x[i] / nl, e);
        }
        int ge = ilogbl(nl) - 52 < -1074 ? -1074 : ilogbl(nl) - 52;
        CHECK(fabsl((long double)nrm - nl) <= 0.55L * ldexpl(1.0L, ge) ||
                  (isinf(nrm) && nl > (long double)DBL_MAX),
              "d norm round %d", round);
        /* binary32: the same shape. */
        float xf[120], yf[120];
        long double sf = 0;
        int topf = (int)(rng_next() % 250) - 125;
        int lof = topf - 30 < -149 ? -149 : topf - 30;
        for (size_t i = 0; i < n; i++) {
            xf[i] = (float)rnd_log(lof, topf + 1);
            sf += (long double)xf[i] * xf[i];
        }
        memcpy(yf, xf, sizeof xf);
        CHECK(safenorm_snormalize(n, yf, 1, NULL) == SAFENORM_OK, "status");
        long double nlf = sqrtl(sf);
        for (size_t i = 0; i < n; i++) {
            double e = ulps(yf[i], (long double)xf[i] / nlf, 24, -149);
            if (e > worst_s) worst_s = e;
            CHECK(e <= 0.5 + 1e-6, "s round %d i %zu: %g ulp", round, i, e);
        }
    }
    printf("test_normalize: worst error against the long double reference: d %.6f s %.6f ulp\n",
           worst_d, worst_s);
#endif
}

static void specials(void) {
    double z[3] = {0.0, -0.0, 0.0};
    double nrm = -1;
    CHECK(safenorm_dnormalize(3, z, 1, &nrm) == SAFENORM_OK, "status");
    CHECK(bits_of(z[1]) == bits_of(-0.0) && bits_of(z[0]) == 0 && nrm == 0, "zeros unchanged");
    double a[3] = {1.0, NAN, -INFINITY};
    CHECK(safenorm_dnormalize(3, a, 1, &nrm) == SAFENORM_OK, "status");
    CHECK(isnan(a[0]) && isnan(a[1]) && isnan(a[2]) && isnan(nrm), "NaN -> all NaN");
    double b[4] = {2.0, -INFINITY, -3.0, DBL_MAX};
    CHECK(safenorm_dnormalize(4, b, 1, &nrm) == SAFENORM_OK, "status");
    CHECK_SAME(b[0], 0.0, "one inf");
    CHECK_SAME(b[1], -1.0, "one inf");
    CHECK_SAME(b[2], -0.0, "one inf");
    CHECK_SAME(b[3], 0.0, "one inf");
    CHECK_SAME(nrm, INFINITY, "one inf norm");
    double c[3] = {INFINITY, -1.0, INFINITY};
    CHECK(safenorm_dnormalize(3, c, 1, &nrm) == SAFENORM_OK, "status");
    CHECK(isnan(c[0]) && isnan(c[2]) && bits_of(c[1]) == bits_of(-0.0), "two infs");
    double zc[4] = {1.0, -INFINITY, 2.0, 0.0};
    CHECK(safenorm_dznormalize(2, zc, 1, &nrm) == SAFENORM_OK, "status");
    CHECK_SAME(zc[1], -1.0, "complex inf part");
    CHECK_SAME(zc[0], 0.0, "complex finite part");
    float fc[2] = {NAN, 3.0f};
    float nf = 0;
    CHECK(safenorm_scnormalize(1, fc, 1, &nf) == SAFENORM_OK, "status");
    CHECK(isnan(fc[0]) && isnan(fc[1]) && isnan(nf), "complex float NaN");
    float fs[2] = {INFINITY, 5.0f};
    CHECK(safenorm_snormalize(2, fs, -1, &nf) == SAFENORM_OK, "status");
    CHECK_SAME(fs[0], 1.0f, "float inf");
    CHECK_SAME(fs[1], 0.0f, "float inf");
}

static void bad_input(void) {
    double x[8] = {3, 4, 12, 0, 0, 0, 0, 0};
    double keep[8];
    memcpy(keep, x, sizeof x);
    double nrm = 42;
    CHECK(safenorm_dnormalize(3, NULL, 1, &nrm) == SAFENORM_ERR_NULL, "NULL x");
    CHECK_SAME(nrm, 42, "norm untouched on error");
    CHECK(safenorm_dnormalize(0, NULL, 1, &nrm) == SAFENORM_OK && nrm == 0, "n=0 NULL");
    nrm = 42;
    CHECK(safenorm_dnormalize(2, x, 0, &nrm) == SAFENORM_ERR_STRIDE, "incx 0");
    CHECK(safenorm_dnormalize(3, x, PTRDIFF_MAX, &nrm) == SAFENORM_ERR_STRIDE, "huge stride");
    CHECK(safenorm_dnormalize(SIZE_MAX, x, 1, &nrm) == SAFENORM_ERR_STRIDE, "huge n");
    CHECK(safenorm_dnormalize(3, x, 1, &x[2]) == SAFENORM_ERR_OVERLAP, "norm in x");
    CHECK(safenorm_dnormalize(2, x, 2, &x[1]) == SAFENORM_ERR_OVERLAP, "norm in a gap");
    CHECK(memcmp(x, keep, sizeof x) == 0 && nrm == 42, "x unchanged on error");
    CHECK(safenorm_dnormalize(1, x, 0, &x[1]) == SAFENORM_OK, "n=1 incx=0, norm next to x");
    CHECK_SAME(x[0], 1.0, "n=1");
    CHECK_SAME(x[1], 3.0, "norm beside the vector");
    memcpy(x, keep, sizeof x);
    CHECK(safenorm_dnormalize(3, x, 1, &x[3]) == SAFENORM_OK, "norm just past x");
    CHECK_SAME(x[3], 13.0, "norm 13");
    CHECK_SAME(x[2], 12.0 / 13.0, "12/13");

    /* Batch. */
    double norms[4] = {9, 9, 9, 9};
    memcpy(x, keep, sizeof x);
    CHECK(safenorm_dnormalize_batch(2, NULL, 1, 2, 2, norms, 1) == SAFENORM_ERR_NULL, "b NULL");
    CHECK(safenorm_dnormalize_batch(2, x, 1, 0, 2, norms, 1) == SAFENORM_ERR_STRIDE, "stridex 0");
    CHECK(safenorm_dnormalize_batch(2, x, 0, 2, 2, norms, 1) == SAFENORM_ERR_STRIDE, "incx 0");
    CHECK(safenorm_dnormalize_batch(2, x, 1, 2, 2, norms, 0) == SAFENORM_ERR_STRIDE, "incnorm 0");
    CHECK(safenorm_dnormalize_batch(2, x, 1, PTRDIFF_MAX / 4, 3, norms, 1) == SAFENORM_ERR_SIZE,
          "batch span too large");
    CHECK(safenorm_dnormalize_batch(2, x, 1, 2, 3, norms, PTRDIFF_MAX / 2) == SAFENORM_ERR_SIZE,
          "norms span too large");
    CHECK(safenorm_dnormalize_batch(2, x, 1, 3, 2, &x[2], 1) == SAFENORM_ERR_OVERLAP,
          "norms inside the batch span (a gap)");
    CHECK(memcmp(x, keep, sizeof x) == 0, "x unchanged on batch errors");
    for (int i = 0; i < 4; i++) CHECK_SAME(norms[i], 9.0, "norms unchanged on error");
    CHECK(safenorm_dnormalize_batch(0, NULL, 1, 0, 3, &norms[2], -1) == SAFENORM_OK, "n=0");
    CHECK(norms[0] == 0 && norms[1] == 0 && norms[2] == 0 && norms[3] == 9, "n=0 zeros, C indexing");
    CHECK(safenorm_dnormalize_batch(5, NULL, 1, 0, 0, NULL, 0) == SAFENORM_OK, "batch=0");

    /* Spans wrapping around the end of memory or below address 0: refused before any
     * access (the pointers are never dereferenced). */
    double *top = (double *)(uintptr_t)(UINTPTR_MAX & ~(uintptr_t)7);
    CHECK(safenorm_dnormalize(100, top, 1, NULL) == SAFENORM_ERR_STRIDE, "wrapping span");
    CHECK(safenorm_dnormalize_batch(2, (double *)(uintptr_t)64, 1, -100, 2, NULL, 0) ==
              SAFENORM_ERR_SIZE, "batch below address 0");
    CHECK(safenorm_dnormalize_batch(2, x, 1, 2, 2, top, -1) == SAFENORM_ERR_SIZE ||
              safenorm_dnormalize_batch(2, x, 1, 2, 2, top, 1) == SAFENORM_ERR_SIZE,
          "norms wrapping");
    CHECK(memcmp(x, keep, sizeof x) == 0, "x unchanged");

    /* strerror knows the new codes. */
    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_OVERLAP), "unknown status") != 0, "strerror 6");
    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_SIZE), "unknown status") != 0, "strerror 7");
}

static void batch_and_layouts(void) {
    /* Columns of a row-major 6 x 4 matrix (incx = 4, stridex = 1), and the rows walked
     * backwards with negative strides: bitwise equal to the single-vector calls. */
    double a[24], b[24], c[24];
    for (int i = 0; i < 24; i++) a[i] = rnd_log(-1074, 1024);
    memcpy(b, a, sizeof a);
    double norms[8];
    CHECK(safenorm_dnormalize_batch(6, b, 4, 1, 4, norms, 2) == SAFENORM_OK, "columns");
    for (int j = 0; j < 4; j++) {
        double col[6], nn;
        for (int i = 0; i < 6; i++) col[i] = a[i * 4 + j];
        CHECK(safenorm_dnormalize(6, col, 1, &nn) == SAFENORM_OK, "col");
        CHECK_SAME(norms[2 * j], nn, "column norm %d", j);
        for (int i = 0; i < 6; i++) CHECK_SAME(b[i * 4 + j], col[i], "column %d row %d", j, i);
    }
    /* Negative stridex and incnorm: vector b at a + 18 - 6b, norm at norms[3 - b]. */
    memcpy(c, a, sizeof a);
    CHECK(safenorm_dnormalize_batch(6, c + 18, -1, -6, 4, norms + 3, -1) == SAFENORM_OK, "neg");
    for (int v = 0; v < 4; v++) {
        double row[6], nn;
        memcpy(row, a + 18 - 6 * v, sizeof row);
        CHECK(safenorm_dnormalize(6, row, 1, &nn) == SAFENORM_OK, "row");
        CHECK_SAME(norms[3 - v], nn, "row norm %d", v);
        for (int i = 0; i < 6; i++) CHECK_SAME(c[18 - 6 * v + i], row[i], "row %d %d", v, i);
    }
    /* Complex and float batches against single calls. */
    float af[24], bf[24], nf[3];
    for (int i = 0; i < 24; i++) af[i] = (float)rnd_log(-140, 120);
    memcpy(bf, af, sizeof af);
    CHECK(safenorm_scnormalize_batch(4, bf, 1, 4, 3, nf, 1) == SAFENORM_OK, "c batch");
    for (int v = 0; v < 3; v++) {
        float one[8], nn;
        memcpy(one, af + 8 * v, sizeof one);
        CHECK(safenorm_scnormalize(4, one, 1, &nn) == SAFENORM_OK, "c one");
        CHECK_SAME(nf[v], nn, "c norm %d", v);
        for (int i = 0; i < 8; i++) CHECK_SAME(bf[8 * v + i], one[i], "c %d %d", v, i);
    }
    memcpy(bf, af, sizeof af);
    CHECK(safenorm_snormalize_batch(12, bf, 2, 1, 2, NULL, 0) == SAFENORM_OK, "s batch");
    memcpy(b, a, sizeof a);
    CHECK(safenorm_dznormalize_batch(3, b, 2, 1, 2, NULL, 0) == SAFENORM_OK, "z batch");
    for (int v = 0; v < 2; v++) {
        float one[24];
        double onez[24];
        memcpy(one, af, sizeof af);
        memcpy(onez, a, sizeof a);
        CHECK(safenorm_snormalize(12, one + v, 2, NULL) == SAFENORM_OK, "s one");
        CHECK(safenorm_dznormalize(3, onez + 2 * v, 2, NULL) == SAFENORM_OK, "z one");
        for (int i = 0; i < 12; i++) CHECK_SAME(bf[v + 2 * i], one[v + 2 * i], "s %d %d", v, i);
        for (int i = 0; i < 3; i++) {
            CHECK_SAME(b[2 * v + 4 * i], onez[2 * v + 4 * i], "z re %d %d", v, i);
            CHECK_SAME(b[2 * v + 4 * i + 1], onez[2 * v + 4 * i + 1], "z im %d %d", v, i);
        }
    }
    /* Misaligned data: the same bits at every byte offset. */
    unsigned char raw[8 * 24 + 16];
    double want[24], wantn;
    memcpy(want, a, sizeof a);
    CHECK(safenorm_dnormalize(8, want, 3, &wantn) == SAFENORM_OK, "aligned");
    for (int off = 0; off < 8; off++) {
        double got[24], nn = 0;
        memcpy(raw + off, a, sizeof a);
        CHECK(safenorm_dnormalize(8, (double *)(void *)(raw + off), -3,
                                  (double *)(void *)(raw + off + sizeof a)) == SAFENORM_OK,
              "misaligned");
        memcpy(got, raw + off, sizeof got);
        memcpy(&nn, raw + off + sizeof a, sizeof nn);
        CHECK(memcmp(got, want, sizeof got) == 0, "misaligned off=%d", off);
        CHECK_SAME(nn, wantn, "misaligned norm off=%d", off);
    }
}

/* Misaligned complex float data: the unaligned path narrows both parts back to float. */
static void misaligned_complex_float(void) {
    float a[16];
    for (int i = 0; i < 16; i++) a[i] = (float)rnd_log(-140, 120);
    float want[16], wantn;
    memcpy(want, a, sizeof a);
    CHECK(safenorm_scnormalize(4, want, -2, &wantn) == SAFENORM_OK, "aligned c");
    unsigned char raw[sizeof a + 16];
    for (int off = 0; off < 8; off++) {
        float got[16], nn;
        memcpy(raw + off, a, sizeof a);
        CHECK(safenorm_scnormalize(4, (float *)(void *)(raw + off), -2,
                                   (float *)(void *)(raw + off + sizeof a)) == SAFENORM_OK,
              "misaligned c");
        memcpy(got, raw + off, sizeof got);
        memcpy(&nn, raw + off + sizeof a, sizeof nn);
        CHECK(memcmp(got, want, sizeof got) == 0, "misaligned c off=%d", off);
        CHECK_SAME(nn, wantn, "misaligned c norm off=%d", off);
    }
}

int main(void) {
    exact_cases();
    random_cases();
    specials();
    bad_input();
    batch_and_layouts();
    misaligned_complex_float();
    return finish("test_normalize");
}
