/* Reference-semantics and accuracy test of every exported nrm2 symbol, in the style of
 * reference BLAS DB1NRM2 (dblat1.f): a grid of magnitudes {min subnormal, 2*safmin, tiny,
 * ulp, 1, 1/ulp, huge, near safmax, DBL_MAX} times small random integers, NaN/Inf planted,
 * a rogue NaN in every stride gap, incx in {-3..3}, n in 0..8 and large n.
 *
 * Expected values are known independently of the library: every element is v * m_i with v a
 * power of two and m_i a small integer, so the exact norm is v * sqrt(M) with the integer
 * M = sum m_i^2, and its correct rounding is RN(sqrt(M)) * v (IEEE sqrt is correctly
 * rounded; scaling by a power of two commutes with rounding in the normal range and into
 * overflow; for the subnormal grid v = 2^-1074 the result is rint(sqrt(M)) * v). */
#include "safenorm.h"
#include "safenorm_blas.h"
#include "check.h"

#include <float.h>
#include <limits.h>
#include <stdlib.h>

enum api { NATIVE, CHECKED, F77, F77_64, CBLAS, CBLAS_64, N_API };
static const char *api_name[N_API] = {"native", "checked", "f77", "f77_64", "cblas", "cblas_64"};

static double call_d(int api, int n, const double *x, int incx) {
    int64_t n64 = n, i64 = incx;
    double out = -1.0;
    switch (api) {
    case NATIVE: return n <= 0 ? safenorm_dnrm2(0, x, incx) : safenorm_dnrm2((size_t)n, x, incx);
    case CHECKED:
        CHECK(safenorm_dnrm2_checked(n <= 0 ? 0 : (size_t)n, x, incx, &out) == SAFENORM_OK, "status");
        return out;
    case F77: return dnrm2_(&n, x, &incx);
    case F77_64: return dnrm2_64_(&n64, x, &i64);
    case CBLAS: return cblas_dnrm2(n, x, incx);
    default: return cblas_dnrm2_64(n64, x, i64);
    }
}

static double call_z(int api, int n, const double *x, int incx) {
    int64_t n64 = n, i64 = incx;
    double out = -1.0;
    switch (api) {
    case NATIVE: return safenorm_dznrm2(n <= 0 ? 0 : (size_t)n, x, incx);
    case CHECKED:
        CHECK(safenorm_dznrm2_checked(n <= 0 ? 0 : (size_t)n, x, incx, &out) == SAFENORM_OK, "status");
        return out;
    case F77: return dznrm2_(&n, x, &incx);
    case F77_64: return dznrm2_64_(&n64, x, &i64);
    case CBLAS: return cblas_dznrm2(n, x, incx);
    default: return cblas_dznrm2_64(n64, x, i64);
    }
}

static float call_s(int api, int n, const float *x, int incx) {
    int64_t n64 = n, i64 = incx;
    float out = -1.0f;
    switch (api) {
    case NATIVE: return safenorm_snrm2(n <= 0 ? 0 : (size_t)n, x, incx);
    case CHECKED:
        CHECK(safenorm_snrm2_checked(n <= 0 ? 0 : (size_t)n, x, incx, &out) == SAFENORM_OK, "status");
        return out;
    case F77: return snrm2_(&n, x, &incx);
    case F77_64: return snrm2_64_(&n64, x, &i64);
    case CBLAS: return cblas_snrm2(n, x, incx);
    default: return cblas_snrm2_64(n64, x, i64);
    }
}

static float call_c(int api, int n, const float *x, int incx) {
    int64_t n64 = n, i64 = incx;
    float out = -1.0f;
    switch (api) {
    case NATIVE: return safenorm_scnrm2(n <= 0 ? 0 : (size_t)n, x, incx);
    case CHECKED:
        CHECK(safenorm_scnrm2_checked(n <= 0 ? 0 : (size_t)n, x, incx, &out) == SAFENORM_OK, "status");
        return out;
    case F77: return scnrm2_(&n, x, &incx);
    case F77_64: return scnrm2_64_(&n64, x, &i64);
    case CBLAS: return cblas_scnrm2(n, x, incx);
    default: return cblas_scnrm2_64(n64, x, i64);
    }
}

/* Position of logical element i in memory (reference BLAS convention). */
static size_t pos(int i, int n, int incx) {
    if (incx == 0) return 0;
    return incx > 0 ? (size_t)i * (size_t)incx : (size_t)(n - 1 - i) * (size_t)(-incx);
}

static size_t span(int n, int incx) {
    if (n <= 0) return 1;
    return incx == 0 ? 2 : (size_t)(n - 1) * (size_t)abs(incx) + 1;
}

/* What to plant in a vector. */
enum plant { PLANT_NONE, PLANT_NAN, PLANT_INF, PLANT_BOTH };

/* m_i in [-7, 7]; returns M = sum of m_i^2 over `parts` components per element. */
static long fill_ints(int *m, int count) {
    long M = 0;
    for (int i = 0; i < count; i++) {
        m[i] = (int)(rng_next() % 15) - 7;
        M += (long)m[i] * m[i];
    }
    return M;
}

/* Expected double result for v * sqrt(M). */
static double expect_d(double v, long M, int subnormal_grid) {
    if (subnormal_grid) return rint(sqrt((double)M)) * v;
    return sqrt((double)M) * v;
}

static float expect_s(float v, long M, int subnormal_grid) {
    if (subnormal_grid) return (float)(rint(sqrt((double)M)) * (double)v);
    return (float)sqrt((double)M) * v;
}

static void run_double(int complex_, double v, int sub, int n, int incx, enum plant pl) {
    int parts = complex_ ? 2 : 1;
    size_t sp = span(n, incx);
    double *buf = malloc(sp * parts * sizeof(double));
    int *m = malloc((size_t)(n > 0 ? n : 1) * parts * sizeof(int));
    for (size_t i = 0; i < sp * parts; i++) buf[i] = NAN; /* rogue value in every gap */
    long M = n > 0 ? fill_ints(m, n * parts) : 0;
    if (incx == 0 && n > 0) {
        /* x[0] counted n times. */
        long m0 = 0;
        for (int k = 0; k < parts; k++) m0 += (long)m[k] * m[k];
        M = m0 * n;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < parts; k++)
            buf[pos(i, n, incx) * parts + k] = v * m[(incx == 0 ? 0 : i) * parts + k];
    double want = n > 0 ? expect_d(v, M, sub) : 0.0;
    if (n > 0 && pl != PLANT_NONE) {
        int i = (int)(rng_next() % (unsigned)n);
        size_t at = pos(incx == 0 ? 0 : i, n, incx) * parts;
        if (pl == PLANT_NAN || pl == PLANT_BOTH) buf[at] = NAN;
        if (pl == PLANT_INF) buf[at] = -INFINITY;
        if (pl == PLANT_BOTH && (n > 1 && incx != 0)) {
            int j = (i + 1) % n;
            buf[pos(j, n, incx) * parts + (parts - 1)] = INFINITY;
        }
        want = (pl == PLANT_INF) ? INFINITY : NAN;
    }
    for (int api = 0; api < N_API; api++) {
        double got = complex_ ? call_z(api, n, buf, incx) : call_d(api, n, buf, incx);
        CHECK_SAME(got, want, "%s %s v=%a n=%d incx=%d plant=%d", complex_ ? "dznrm2" : "dnrm2",
                   api_name[api], v, n, incx, (int)pl);
    }
    free(buf);
    free(m);
}

static void run_float(int complex_, float v, int sub, int n, int incx, enum plant pl) {
    int parts = complex_ ? 2 : 1;
    size_t sp = span(n, incx);
    float *buf = malloc(sp * parts * sizeof(float));
    int *m = malloc((size_t)(n > 0 ? n : 1) * parts * sizeof(int));
    for (size_t i = 0; i < sp * parts; i++) buf[i] = NAN;
    long M = n > 0 ? fill_ints(m, n * parts) : 0;
    if (incx == 0 && n > 0) {
        long m0 = 0;
        for (int k = 0; k < parts; k++) m0 += (long)m[k] * m[k];
        M = m0 * n;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < parts; k++)
            buf[pos(i, n, incx) * parts + k] = v * (float)m[(incx == 0 ? 0 : i) * parts + k];
    float want = n > 0 ? expect_s(v, M, sub) : 0.0f;
    if (n > 0 && pl != PLANT_NONE) {
        int i = (int)(rng_next() % (unsigned)n);
        size_t at = pos(incx == 0 ? 0 : i, n, incx) * parts;
        buf[at] = (pl == PLANT_INF) ? -INFINITY : NAN;
        want = (pl == PLANT_INF) ? INFINITY : NAN;
    }
    for (int api = 0; api < N_API; api++) {
        float got = complex_ ? call_c(api, n, buf, incx) : call_s(api, n, buf, incx);
        CHECK_SAME(got, want, "%s %s v=%a n=%d incx=%d plant=%d", complex_ ? "scnrm2" : "snrm2",
                   api_name[api], (double)v, n, incx, (int)pl);
    }
    free(buf);
    free(m);
}

int main(void) {
    /* The DB1NRM2-style magnitude grid: exact powers of two (see the file comment). */
    const double dgrid[] = {0x1p-1074, 0x1p-1021, 0x1p-600, 0x1p-52, 1.0, 0x1p52, 0x1p600, 0x1p1020};
    const float sgrid[] = {0x1p-149f, 0x1p-125f, 0x1p-60f, 0x1p-23f, 1.0f, 0x1p23f, 0x1p60f, 0x1p120f};
    const int ns[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 31, 1000, 65537};
    const int nn = (int)(sizeof ns / sizeof ns[0]);
    for (int g = 0; g < 8; g++)
        for (int a = 0; a < nn; a++)
            for (int incx = -3; incx <= 3; incx++)
                for (int pl = PLANT_NONE; pl <= PLANT_BOTH; pl++) {
                    if (ns[a] > 1000 && (pl != PLANT_NONE || (incx != 1 && incx != -2))) continue;
                    run_double(0, dgrid[g], g == 0, ns[a], incx, (enum plant)pl);
                    run_double(1, dgrid[g], g == 0, ns[a], incx, (enum plant)pl);
                    run_float(0, sgrid[g], g == 0, ns[a], incx, (enum plant)pl);
                    run_float(1, sgrid[g], g == 0, ns[a], incx, (enum plant)pl);
                }

    /* DBL_MAX / FLT_MAX elements: one is exact, two overflow to +Inf. */
    double dmax[3] = {DBL_MAX, -DBL_MAX, NAN};
    float smax[3] = {FLT_MAX, -FLT_MAX, NAN};
    for (int api = 0; api < N_API; api++) {
        CHECK_SAME(call_d(api, 1, dmax, 1), DBL_MAX, "dnrm2 DBL_MAX %s", api_name[api]);
        CHECK_SAME(call_d(api, 2, dmax, 1), INFINITY, "dnrm2 2xDBL_MAX %s", api_name[api]);
        CHECK_SAME(call_s(api, 1, smax, 1), FLT_MAX, "snrm2 FLT_MAX %s", api_name[api]);
        CHECK_SAME(call_s(api, 2, smax, 1), INFINITY, "snrm2 2xFLT_MAX %s", api_name[api]);
        CHECK_SAME(call_z(api, 1, dmax, 1), INFINITY, "dznrm2 |DBL_MAX + i DBL_MAX| %s", api_name[api]);
    }

    /* Known values that break the naive formula. */
    double pyth[2] = {0x3p+1000, 0x4p+1000};
    CHECK_SAME(safenorm_dnrm2(2, pyth, 1), 0x5p+1000, "3*2^1000, 4*2^1000");
    double pyth_small[2] = {0x3p-1060, 0x4p-1060};
    CHECK_SAME(safenorm_dnrm2(2, pyth_small, 1), 0x5p-1060, "3*2^-1060, 4*2^-1060 (subnormal)");
    double sub4[4] = {0x1p-1074, 0x1p-1074, 0x1p-1074, 0x1p-1074};
    CHECK_SAME(safenorm_dnrm2(4, sub4, 1), 0x1p-1073, "four smallest subnormals");
    CHECK_SAME(safenorm_dnrm2(1, sub4, 1), 0x1p-1074, "one smallest subnormal");
    /* Exact tie: (2^53 + 1)^2 = (2^53)^2 + (2^27)^2 + 1, halfway between 2^53 and 2^53 + 2:
     * ties-to-even gives 2^53; a tiny extra element breaks the tie upwards. */
    double tie[4] = {0x1p53, 0x1p27, 1.0, 0x1p-40};
    CHECK_SAME(safenorm_dnrm2(3, tie, 1), 0x1p53, "exact tie rounds to even");
    CHECK_SAME(safenorm_dnrm2(4, tie, 1), 0x1p53 + 2.0, "tie broken upwards");
    /* -0.0 gives +0.0. */
    double nz[2] = {-0.0, -0.0};
    CHECK_SAME(safenorm_dnrm2(2, nz, 1), 0.0, "-0.0");
    /* incx == 0 on a long vector: sqrt(4^10) * 3 = 3072 exactly. */
    double three = 3.0;
    CHECK_SAME(safenorm_dnrm2(1u << 20, &three, 0), 3072.0, "incx=0, n=2^20");

    CHECK(safenorm_version() != NULL && strlen(safenorm_version()) > 0, "version");
    CHECK(safenorm_active_kernel() != NULL && strlen(safenorm_active_kernel()) > 0, "kernel");
    printf("version %s, kernel %s\n", safenorm_version(), safenorm_active_kernel());
    return finish("test_nrm2");
}
