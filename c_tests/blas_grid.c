/* The extreme-value grid through the *BLAS* names, as a BLAS user's program calls them: our own
 * prototypes of the Fortran (dnrm2_, snrm2_, dznrm2_, scnrm2_) and CBLAS (cblas_dnrm2, ...)
 * symbols, no safenorm header.  Built by .ci/stages/blas_dropin.sh with the link order
 * `-lsafenorm -lblas` (must be exact everywhere) and with `-lblas` alone (the comparison:
 * prints where the BLAS's own nrm2 differs from the exact answer).
 *
 * Every expected value is exact by construction (Pythagorean triples scaled by powers of two,
 * x repeated 4^k times has norm 2^k*x exactly, IEEE overflow to +Inf, NaN/Inf rules of
 * reference BLAS).  Strided cases put a rogue value (NaN, 1e300, ...) in every gap.
 *
 * Exit status: 0 all exact; 3 some results differ (listed); 2 usage. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double dnrm2_(const int32_t *n, const double *x, const int32_t *incx);
float snrm2_(const int32_t *n, const float *x, const int32_t *incx);
double dznrm2_(const int32_t *n, const void *x, const int32_t *incx);
float scnrm2_(const int32_t *n, const void *x, const int32_t *incx);
double cblas_dnrm2(int32_t n, const double *x, int32_t incx);
float cblas_snrm2(int32_t n, const float *x, int32_t incx);
double cblas_dznrm2(int32_t n, const void *x, int32_t incx);
float cblas_scnrm2(int32_t n, const void *x, int32_t incx);

#define MAXN 5000
static int g_cases, g_diff;

static int same(double a, double b) {
    uint64_t ua, ub;
    if (isnan(a) && isnan(b)) return 1;
    memcpy(&ua, &a, 8);
    memcpy(&ub, &b, 8);
    return ua == ub;
}

static void report(const char *routine, const char *what, int n, int incx, double got,
                   double want) {
    g_cases++;
    if (!same(got, want)) {
        g_diff++;
        printf("DIFF %-12s %-40s n=%-5d incx=%-3d got %-24.17g want %.17g\n", routine, what, n,
               incx, got, want);
    }
}

/* Lays the n values v[] out with stride incx (BLAS order: incx < 0 stores v[0] last), the
 * rogue value in every gap, and checks dnrm2_ and cblas_dnrm2. */
static void real_d(const char *what, int n, const double *v, double want, double rogue) {
    static double buf[MAXN * 3 + 8];
    const int incs[] = {1, 2, 3, -1, -2};
    for (size_t k = 0; k < sizeof incs / sizeof incs[0]; k++) {
        int inc = incs[k], a = abs(inc);
        int len = n > 0 ? (n - 1) * a + 1 : 1;
        for (int i = 0; i < len; i++) buf[i] = rogue;
        for (int i = 0; i < n; i++) buf[inc > 0 ? i * a : (n - 1 - i) * a] = v[i];
        int32_t nn = n, ii = inc;
        report("dnrm2_", what, n, inc, dnrm2_(&nn, buf, &ii), want);
        report("cblas_dnrm2", what, n, inc, cblas_dnrm2(nn, buf, ii), want);
    }
}

static void real_s(const char *what, int n, const float *v, float want, float rogue) {
    static float buf[MAXN * 3 + 8];
    const int incs[] = {1, 2, -1, -3};
    for (size_t k = 0; k < sizeof incs / sizeof incs[0]; k++) {
        int inc = incs[k], a = abs(inc);
        int len = n > 0 ? (n - 1) * a + 1 : 1;
        for (int i = 0; i < len; i++) buf[i] = rogue;
        for (int i = 0; i < n; i++) buf[inc > 0 ? i * a : (n - 1 - i) * a] = v[i];
        int32_t nn = n, ii = inc;
        report("snrm2_", what, n, inc, snrm2_(&nn, buf, &ii), want);
        report("cblas_snrm2", what, n, inc, cblas_snrm2(nn, buf, ii), want);
    }
}

/* v holds n complex values as (re, im) pairs. */
static void cplx_z(const char *what, int n, const double *v, double want, double rogue) {
    static double buf[2 * (MAXN * 3 + 8)];
    const int incs[] = {1, 2, -1, -2};
    for (size_t k = 0; k < sizeof incs / sizeof incs[0]; k++) {
        int inc = incs[k], a = abs(inc);
        int len = n > 0 ? (n - 1) * a + 1 : 1;
        for (int i = 0; i < 2 * len; i++) buf[i] = rogue;
        for (int i = 0; i < n; i++) {
            int j = inc > 0 ? i * a : (n - 1 - i) * a;
            buf[2 * j] = v[2 * i];
            buf[2 * j + 1] = v[2 * i + 1];
        }
        int32_t nn = n, ii = inc;
        report("dznrm2_", what, n, inc, dznrm2_(&nn, buf, &ii), want);
        report("cblas_dznrm2", what, n, inc, cblas_dznrm2(nn, buf, ii), want);
    }
}

static void cplx_c(const char *what, int n, const float *v, float want, float rogue) {
    static float buf[2 * (MAXN * 3 + 8)];
    const int incs[] = {1, 2, -1, -2};
    for (size_t k = 0; k < sizeof incs / sizeof incs[0]; k++) {
        int inc = incs[k], a = abs(inc);
        int len = n > 0 ? (n - 1) * a + 1 : 1;
        for (int i = 0; i < 2 * len; i++) buf[i] = rogue;
        for (int i = 0; i < n; i++) {
            int j = inc > 0 ? i * a : (n - 1 - i) * a;
            buf[2 * j] = v[2 * i];
            buf[2 * j + 1] = v[2 * i + 1];
        }
        int32_t nn = n, ii = inc;
        report("scnrm2_", what, n, inc, scnrm2_(&nn, buf, &ii), want);
        report("cblas_scnrm2", what, n, inc, cblas_scnrm2(nn, buf, ii), want);
    }
}

int main(void) {
    static double d[2 * MAXN];
    static float f[2 * MAXN];
    const double B = ldexp(1.0, 1000), T = ldexp(1.0, -1074), NaN = nan(""), Inf = INFINITY;
    const float Bf = ldexpf(1.0f, 100), Tf = ldexpf(1.0f, -149);

    /* ---- double, real */
    d[0] = 3 * B; d[1] = 4 * B;
    real_d("3*2^1000, 4*2^1000 -> 5*2^1000", 2, d, 5 * B, NaN);
    d[0] = 3 * B; d[1] = T; d[2] = 4 * B;
    real_d("3*2^1000, 2^-1074, 4*2^1000", 3, d, 5 * B, 1e300);
    d[0] = 3 * T; d[1] = 4 * T;
    real_d("3*2^-1074, 4*2^-1074 -> 5*2^-1074", 2, d, 5 * T, NaN);
    for (int i = 0; i < 4; i++) d[i] = T;
    real_d("four 2^-1074 -> 2^-1073", 4, d, 2 * T, 1e300);
    for (int i = 0; i < 16; i++) d[i] = (i & 1) ? -T : T;
    real_d("16 x +-2^-1074 -> 2^-1072", 16, d, 4 * T, Inf);
    d[0] = DBL_MAX;
    real_d("DBL_MAX", 1, d, DBL_MAX, NaN);
    d[0] = DBL_MAX; d[1] = T;
    real_d("DBL_MAX, 2^-1074", 2, d, DBL_MAX, 1.0);
    d[0] = DBL_MAX; d[1] = -DBL_MAX;
    real_d("DBL_MAX, -DBL_MAX -> Inf (true norm too big)", 2, d, Inf, 1.0);
    d[0] = ldexp(3.0, 1021); d[1] = ldexp(4.0, 1021);
    real_d("3*2^1021, 4*2^1021 -> 5*2^1021 (near DBL_MAX)", 2, d, ldexp(5.0, 1021), 1.0);
    d[0] = ldexp(3.0, 1020); d[1] = ldexp(4.0, 1020);
    real_d("3*2^1020, 4*2^1020 -> 5*2^1020", 2, d, ldexp(5.0, 1020), NaN);
    d[0] = ldexp(3.0, -540); d[1] = ldexp(4.0, 520);
    real_d("3*2^-540 beside 4*2^520 -> 4*2^520", 2, d, ldexp(4.0, 520), NaN);
    for (int i = 0; i < 4096; i++) d[i] = 0.1;
    real_d("4^6 x 0.1 -> 64*0.1", 4096, d, 64 * 0.1, 7.0);
    for (int i = 0; i < 4096; i++) d[i] = ldexp(0.1, 1020);
    real_d("4^6 x 0.1*2^1020 -> 0.1*2^1026", 4096, d, ldexp(0.1, 1026), 7.0);
    for (int i = 0; i < 4096; i++) d[i] = ldexp(0.1, -1000);
    real_d("4^6 x 0.1*2^-1000 -> 0.1*2^-994", 4096, d, ldexp(0.1, -994), 7.0);
    d[0] = 1; d[1] = NaN; d[2] = Inf;
    real_d("1, NaN, Inf -> NaN", 3, d, NaN, 1.0);
    d[0] = Inf; d[1] = NaN;
    real_d("Inf, NaN -> NaN", 2, d, NaN, 1.0);
    d[0] = -Inf; d[1] = 1;
    real_d("-Inf, 1 -> Inf", 2, d, Inf, NaN);
    d[0] = -0.0; d[1] = 0.0;
    real_d("-0, 0 -> +0", 2, d, 0.0, NaN);
    real_d("n = 0 -> 0", 0, d, 0.0, NaN);
    {   /* n <= 0 and incx == 0, straight calls. */
        int32_t n = -1, one = 1, zero = 0, four = 4;
        double x = 3 * B;
        report("dnrm2_", "n = -1 -> 0", -1, 1, dnrm2_(&n, d, &one), 0.0);
        report("cblas_dnrm2", "n = -1 -> 0", -1, 1, cblas_dnrm2(-1, d, 1), 0.0);
        report("dnrm2_", "incx 0: 4 x 3*2^1000 -> 6*2^1000", 4, 0, dnrm2_(&four, &x, &zero),
               6 * B);
        report("cblas_dnrm2", "incx 0: 4 x 3*2^1000 -> 6*2^1000", 4, 0,
               cblas_dnrm2(4, &x, 0), 6 * B);
        x = T;
        report("dnrm2_", "incx 0: 4 x 2^-1074 -> 2^-1073", 4, 0, dnrm2_(&four, &x, &zero),
               2 * T);
        float xf = 3 * Bf, zf[2] = {3 * Tf, 4 * Tf};
        double zd[2] = {3 * B, 4 * B};
        report("snrm2_", "incx 0: 4 x 3*2^100 -> 6*2^100", 4, 0, snrm2_(&four, &xf, &zero),
               6 * Bf);
        report("cblas_snrm2", "incx 0: 4 x 3*2^100 -> 6*2^100", 4, 0,
               cblas_snrm2(4, &xf, 0), 6 * Bf);
        report("dznrm2_", "incx 0: 4 x (3+4i)*2^1000 -> 10*2^1000", 4, 0,
               dznrm2_(&four, zd, &zero), 10 * B);
        report("cblas_dznrm2", "incx 0: 4 x (3+4i)*2^1000 -> 10*2^1000", 4, 0,
               cblas_dznrm2(4, zd, 0), 10 * B);
        report("scnrm2_", "incx 0: 4 x (3+4i)*2^-149 -> 10*2^-149", 4, 0,
               scnrm2_(&four, zf, &zero), 10 * Tf);
        report("cblas_scnrm2", "incx 0: 4 x (3+4i)*2^-149 -> 10*2^-149", 4, 0,
               cblas_scnrm2(4, zf, 0), 10 * Tf);
        report("scnrm2_", "n = -1 -> 0", -1, 1, scnrm2_(&n, zf, &one), 0.0);
        report("cblas_dznrm2", "n = 0 -> 0", 0, 1, cblas_dznrm2(0, zd, 1), 0.0);
    }

    /* ---- single, real */
    f[0] = 3 * Bf; f[1] = 4 * Bf;
    real_s("3*2^100, 4*2^100 -> 5*2^100", 2, f, 5 * Bf, NAN);
    f[0] = 3 * Tf; f[1] = 4 * Tf;
    real_s("3*2^-149, 4*2^-149 -> 5*2^-149", 2, f, 5 * Tf, 1e30f);
    for (int i = 0; i < 4; i++) f[i] = Tf;
    real_s("four 2^-149 -> 2^-148", 4, f, 2 * Tf, 1e30f);
    f[0] = FLT_MAX; f[1] = FLT_MAX;
    real_s("FLT_MAX, FLT_MAX -> Inf", 2, f, INFINITY, 1.0f);
    f[0] = FLT_MAX; f[1] = 1.0f;
    real_s("FLT_MAX, 1 -> FLT_MAX", 2, f, FLT_MAX, NAN);
    for (int i = 0; i < 4096; i++) f[i] = 0.1f;
    real_s("4^6 x 0.1f -> 64*0.1f", 4096, f, 64 * 0.1f, 7.0f);
    f[0] = NAN; f[1] = INFINITY;
    real_s("NaN, Inf -> NaN", 2, f, NAN, 1.0f);
    f[0] = 1; f[1] = -INFINITY;
    real_s("1, -Inf -> Inf", 2, f, INFINITY, NAN);

    /* ---- double complex */
    d[0] = 3 * B; d[1] = 4 * B; d[2] = 0; d[3] = 12 * B;
    cplx_z("(3+4i)*2^1000, 12i*2^1000 -> 13*2^1000", 2, d, 13 * B, NaN);
    d[0] = 3 * T; d[1] = 4 * T;
    cplx_z("(3+4i)*2^-1074 -> 5*2^-1074", 1, d, 5 * T, 1e300);
    d[0] = DBL_MAX; d[1] = DBL_MAX;
    cplx_z("DBL_MAX(1+i) -> Inf", 1, d, Inf, 1.0);
    for (int i = 0; i < 2 * 2048; i++) d[i] = 0.1;
    cplx_z("2048 x (0.1+0.1i) -> 64*0.1", 2048, d, 64 * 0.1, 7.0);
    d[0] = Inf; d[1] = 1; d[2] = 1; d[3] = NaN;
    cplx_z("Inf+i, 1+NaN i -> NaN", 2, d, NaN, 1.0);

    /* ---- single complex */
    f[0] = 3 * Bf; f[1] = 4 * Bf;
    cplx_c("(3+4i)*2^100 -> 5*2^100", 1, f, 5 * Bf, NAN);
    f[0] = 3 * Tf; f[1] = 4 * Tf;
    cplx_c("(3+4i)*2^-149 -> 5*2^-149", 1, f, 5 * Tf, 1e30f);
    for (int i = 0; i < 2 * 2048; i++) f[i] = 0.1f;
    cplx_c("2048 x (0.1+0.1i) -> 64*0.1f", 2048, f, 64 * 0.1f, 7.0f);

    printf("blas_grid: %d cases, %d exact, %d different\n", g_cases, g_cases - g_diff, g_diff);
    return g_diff ? 3 : 0;
}
