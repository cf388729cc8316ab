/* LAPACK ?lassq through the exported Fortran names (slassq_, dlassq_, classq_, zlassq_ and
 * the _64_ names), against independently known values: LAPACK 3.12's special cases, exact
 * sums of squares, a 400-column ?lange-style chain whose norm is known exactly, and bad
 * input. */
#include "safenorm_blas.h"
#include "check.h"

#include <float.h>
#include <stdint.h>

static void d_call(int32_t n, const double *x, int32_t inc, double *s, double *q) {
    dlassq_(&n, x, &inc, s, q);
}

int main(void) {
    const double nan = NAN, inf = INFINITY;
    const double x[2] = {3.0, 4.0};
    double s, q;
    (void)rng_next;

    /* A NaN pair comes back unchanged. */
    s = nan; q = 2.0; d_call(2, x, 1, &s, &q);
    CHECK(isnan(s) && q == 2.0, "NaN scale");
    s = 2.0; q = nan; d_call(2, x, 1, &s, &q);
    CHECK(s == 2.0 && isnan(q), "NaN sumsq");
    /* n <= 0: the normalised pair; x and incx not read (NULL). */
    s = 0.0; q = 1.0; dlassq_(&(int32_t){0}, NULL, NULL, &s, &q);
    CHECK(s == 1.0 && q == 0.0, "(0,1) n=0 -> (%g,%g)", s, q);
    s = 5.0; q = 0.0; dlassq_(&(int32_t){-3}, NULL, NULL, &s, &q);
    CHECK(s == 1.0 && q == 0.0, "(5,0) n=-3 -> (%g,%g)", s, q);
    s = 3.0; q = 7.0; d_call(0, NULL, 1, &s, &q);
    CHECK(s == 3.0 && q == 7.0, "(3,7) n=0 -> (%g,%g)", s, q);
    /* 0 * Inf counts as 0; a negative sumsq is dropped. */
    s = 0.0; q = inf; d_call(2, x, 1, &s, &q);
    CHECK(s * s * q == 25.0, "(0,Inf) -> (%g,%g)", s, q);
    s = 2.0; q = -3.0; d_call(2, x, 1, &s, &q);
    CHECK(s * s * q == 25.0, "(2,-3) -> (%g,%g)", s, q);
    /* The pair's value is added: 2^2 * 3 + 25 = 37. */
    s = 2.0; q = 3.0; d_call(2, x, 1, &s, &q);
    CHECK(s * s * q == 37.0, "(2,3) -> (%g,%g)", s, q);
    /* NaN and Inf data. */
    { double y[3] = {1.0, inf, nan};
      s = 0.0; q = 1.0; d_call(3, y, 1, &s, &q);
      CHECK(s == 1.0 && isnan(q), "Inf+NaN -> (%g,%g)", s, q);
      s = 0.0; q = 1.0; d_call(2, y, 1, &s, &q);
      CHECK(s == 1.0 && isinf(q), "Inf -> (%g,%g)", s, q); }
    /* Near overflow: 3 2^1000, 4 2^1000 -> 5 2^1000, with scale a power of two. */
    { double y[2] = {ldexp(3.0, 1000), ldexp(4.0, 1000)};
      s = 0.0; q = 1.0; d_call(2, y, 1, &s, &q);
      CHECK_SAME(s * sqrt(q), ldexp(5.0, 1000), "big pythagoras");
      CHECK(q >= 1.0 && q <= 4.0, "sumsq %g in [1,4]", q); }
    /* Subnormals: 3 2^-1074, 4 2^-1074 -> 5 2^-1074. */
    { double y[2] = {ldexp(3.0, -1074), ldexp(4.0, -1074)};
      s = 0.0; q = 1.0; d_call(2, y, 1, &s, &q);
      CHECK_SAME(s * sqrt(q), ldexp(5.0, -1074), "subnormal pythagoras"); }
    /* incx < 0 and incx == 0. */
    { double y[5] = {1.0, 99.0, 2.0, 99.0, 2.0};
      s = 0.0; q = 1.0; d_call(3, y, -2, &s, &q);
      CHECK(s * s * q == 9.0, "incx=-2");
      s = 0.0; q = 1.0; d_call(4, y, 0, &s, &q);
      CHECK(s * s * q == 4.0, "incx=0"); }

    /* A ?lange('F')-style chain: 400 columns (3 2^1000, 4 2^1000, 12 2^1000 -> 169 4^1000
     * each): norm 13 * 20 * 2^1000 exactly.  Through the LP64 and the ILP64 names. */
    { double col[3] = {ldexp(3.0, 1000), ldexp(4.0, 1000), ldexp(12.0, 1000)};
      int32_t n = 3, inc = 1; int64_t n64 = 3, inc64 = 1;
      s = 0.0; q = 1.0;
      for (int j = 0; j < 400; j++) dlassq_(&n, col, &inc, &s, &q);
      CHECK_SAME(s * sqrt(q), ldexp(260.0, 1000), "dlassq_ chain");
      s = 0.0; q = 1.0;
      for (int j = 0; j < 400; j++) dlassq_64_(&n64, col, &inc64, &s, &q);
      CHECK_SAME(s * sqrt(q), ldexp(260.0, 1000), "dlassq_64_ chain"); }
    /* Single precision: a 4000-column chain of 4000 ones: norm 4000. */
    { static float ones[4000];
      for (int i = 0; i < 4000; i++) ones[i] = 1.0f;
      int32_t n = 4000, inc = 1; int64_t n64 = 4000, inc64 = 1;
      float fs = 0.0f, fq = 1.0f;
      for (int j = 0; j < 4000; j++) slassq_(&n, ones, &inc, &fs, &fq);
      CHECK_SAME(fs * sqrtf(fq), 4000.0f, "slassq_ 4000 x 4000 ones");
      fs = 0.0f; fq = 1.0f;
      for (int j = 0; j < 10; j++) slassq_64_(&n64, ones, &inc64, &fs, &fq);
      CHECK_SAME(fs * sqrtf(fq), 200.0f, "slassq_64_ 10 x 4000 ones");
      /* float extremes: 3 2^100, 4 2^100 -> 5 2^100 (the plain float sum overflows). */
      float y[2] = {ldexpf(3.0f, 100), ldexpf(4.0f, 100)};
      n = 2; fs = 0.0f; fq = 1.0f; slassq_(&n, y, &inc, &fs, &fq);
      CHECK_SAME(fs * sqrtf(fq), ldexpf(5.0f, 100), "float big pythagoras"); }
    /* Complex: |3+4i|^2 + |12|^2 = 169 per element, interleaved. */
    { double z[4] = {3.0, 4.0, 12.0, 0.0};
      float c[4] = {3.0f, 4.0f, 12.0f, 0.0f};
      int32_t n = 2, inc = 1; int64_t n64 = 2, inc64 = 1;
      s = 0.0; q = 1.0; zlassq_(&n, z, &inc, &s, &q);
      CHECK(s * s * q == 169.0, "zlassq_ (%g,%g)", s, q);
      s = 0.0; q = 1.0; zlassq_64_(&n64, z, &inc64, &s, &q);
      CHECK(s * s * q == 169.0, "zlassq_64_");
      float fs = 0.0f, fq = 1.0f; classq_(&n, c, &inc, &fs, &fq);
      CHECK(fs * fs * fq == 169.0f, "classq_ (%g,%g)", fs, fq);
      fs = 0.0f; fq = 1.0f; classq_64_(&n64, c, &inc64, &fs, &fq);
      CHECK(fs * fs * fq == 169.0f, "classq_64_"); }

    /* Bad input: NULL pair pointers are ignored; NULL n, incx or x with n > 0 give (1, NaN). */
    { int32_t n = 2, inc = 1;
      dlassq_(&n, x, &inc, NULL, &q);
      dlassq_(&n, x, &inc, &s, NULL);
      s = 0.0; q = 1.0; dlassq_(NULL, x, &inc, &s, &q);
      CHECK(s == 1.0 && isnan(q), "NULL n");
      s = 0.0; q = 1.0; dlassq_(&n, x, NULL, &s, &q);
      CHECK(s == 1.0 && isnan(q), "NULL incx");
      s = 0.0; q = 1.0; dlassq_(&n, NULL, &inc, &s, &q);
      CHECK(s == 1.0 && isnan(q), "NULL x");
      int64_t huge = INT64_MAX, big_inc = INT64_MAX / 2;
      s = 0.0; q = 1.0; dlassq_64_(&huge, x, &big_inc, &s, &q);
      CHECK(s == 1.0 && isnan(q), "span overflow"); }
    return finish("test_lassq");
}
