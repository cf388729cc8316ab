/* LAPACK's Frobenius norms, slange_/dlange_/clange_/zlange_('F'), against an exact oracle.
 *
 * Not part of CTest: it needs a LAPACK (link -llapack).  Run it as it is to measure that
 * LAPACK's own ?lassq, and with LD_PRELOAD=libsafenorm.so to measure safenorm's (LAPACK's
 * ?lange calls ?lassq once per column through the PLT, so the preload replaces it):
 *
 *   gcc -std=c99 -O2 c_tests/lange_frobenius.c -o lange -L/usr/lib/x86_64-linux-gnu/lapack -llapack -lm
 *   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack ./lange
 *   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack LD_PRELOAD=.../libsafenorm.so ./lange
 *
 * Every matrix has entries k 2^E with random integers 0 <= k < 2^b and one exponent E (near
 * overflow, subnormal, or ordinary), so the exact squared norm is I 4^E with an integer
 * I = sum k^2 (unsigned __int128), and the correctly rounded norm and each result's distance
 * from the exact norm in ulps come from integer square roots.  Prints one line per case and
 * exits 0 when every result lies within one ulp of the exact norm (NaN where a NaN was
 * stored), 3 otherwise.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__extension__ typedef unsigned __int128 u128;

float slange_(const char *norm, const int *m, const int *n, const float *a, const int *lda,
              float *work, size_t norm_len);
double dlange_(const char *norm, const int *m, const int *n, const double *a, const int *lda,
               double *work, size_t norm_len);
float clange_(const char *norm, const int *m, const int *n, const void *a, const int *lda,
              float *work, size_t norm_len);
double zlange_(const char *norm, const int *m, const int *n, const void *a, const int *lda,
               double *work, size_t norm_len);

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint64_t next(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static int bitlen(u128 v) {
    int b = 0;
    while (v) { b++; v >>= 1; }
    return b;
}

/* floor(sqrt(n)) for n < 2^126. */
static u128 isqrt(u128 n) {
    u128 r = (u128)sqrtl((long double)n);
    while (r > 0 && r * r > n) r--;
    while ((r + 1) * (r + 1) <= n) r++;
    return r;
}

struct fmt { int p, emin; };
static const struct fmt F64 = {53, -1074}, F32 = {24, -149};

static int failures = 0;
static double worst = 0.0;

/* Compares got with the exact norm sqrt(I) 2^E in format f; prints the case. */
static void report(const char *name, double got, u128 I, int E, struct fmt f) {
    /* exponent of the exact norm: floor(log2(sqrt(I))) + E */
    int exp = (bitlen(isqrt(I)) - 1) + E;
    int g = exp - f.p + 1;
    if (g < f.emin) g = f.emin;
    /* sqrt(I) 2^E in units 2^g: sqrt(N) / 2^a with N = I 4^t (t = E - g >= 0) or N = I,
     * a = g - E. */
    int t = E - g, a = 0;
    u128 N = I;
    if (t >= 0) {
        if (bitlen(I) + 2 * t > 124) { printf("  %-44s oracle out of range\n", name); failures++; return; }
        N = I << (2 * t);
    } else {
        a = -t;
    }
    u128 r = isqrt(N), M;
    if (a == 0) {
        u128 lhs = 4 * N, mid = (2 * r + 1) * (2 * r + 1);
        M = (lhs > mid || (lhs == mid && (r & 1))) ? r + 1 : r;
    } else {
        u128 q = r >> a, rem = r & (((u128)1 << a) - 1), half = (u128)1 << (a - 1);
        int exact = r * r == N;
        M = (rem > half || (rem == half && (!exact || (q & 1)))) ? q + 1 : q;
    }
    double want = ldexp((double)M, g);
    /* got in units 2^g (exact: got is on that grid or a coarser one). */
    double G = ldexp(got, -g);
    long double exact_units = sqrtl((long double)N) / ldexpl(1.0L, a);
    double ulps = isnan(got) ? NAN : (double)fabsl((long double)G - exact_units);
    int within = 0;
    if (isfinite(got) && G >= 1.0) {
        u128 Gi = (u128)G;
        u128 lo = (Gi - 1) << a, hi = (Gi + 1) << a;
        within = lo * lo <= N && N <= hi * hi;
    }
    if (!within) failures++;
    if (ulps > worst || isnan(ulps)) worst = isnan(ulps) ? INFINITY : ulps;
    printf("  %-44s got %-24a exact %-24a %8.3f ulp %s\n", name, got, want, ulps,
           within ? "ok" : "OVER 1 ULP");
}

static void nan_case(const char *name, double got) {
    printf("  %-44s got %-24a want NaN %s\n", name, got, isnan(got) ? "ok" : "NOT NaN");
    if (!isnan(got)) failures++;
}

/* Fills x[0..len) with k 2^E, k < 2^b random; returns sum k^2. */
static u128 fill_d(double *x, size_t len, int b, int E) {
    u128 I = 0;
    for (size_t i = 0; i < len; i++) {
        uint64_t k = next() >> (64 - b);
        x[i] = ldexp((double)k, E) * ((next() & 1) ? 1.0 : -1.0);
        I += (u128)k * k;
    }
    return I;
}
static u128 fill_s(float *x, size_t len, int b, int E) {
    u128 I = 0;
    for (size_t i = 0; i < len; i++) {
        uint64_t k = next() >> (64 - b);
        x[i] = ldexpf((float)k, E) * ((next() & 1) ? 1.0f : -1.0f);
        I += (u128)k * k;
    }
    return I;
}

static double d_lange(int m, int n, const double *a) {
    return dlange_("F", &m, &n, a, &m, NULL, 1);
}
static double s_lange(int m, int n, const float *a) {
    return slange_("F", &m, &n, a, &m, NULL, 1);
}
static double z_lange(int m, int n, const double *a) {
    return zlange_("F", &m, &n, a, &m, NULL, 1);
}
static double c_lange(int m, int n, const float *a) {
    return clange_("F", &m, &n, a, &m, NULL, 1);
}

int main(void) {
    size_t big = (size_t)4000 * 4000;
    double *d = malloc(2 * 1000 * 1000 * sizeof *d);
    float *s = malloc(big * sizeof *s);
    if (!d || !s) return 2;
    u128 I;

    printf("dlange_('F'):\n");
    I = fill_d(d, 300 * 300, 20, 980);
    report("dlange near overflow 300x300 (2^980 k)", d_lange(300, 300, d), I, 980, F64);
    I = fill_d(d, 300 * 300, 20, -1074);
    report("dlange subnormal 300x300 (2^-1074 k)", d_lange(300, 300, d), I, -1074, F64);
    I = fill_d(d, 1000 * 1000, 30, -30);
    report("dlange random 1000x1000 (2^-30 k)", d_lange(1000, 1000, d), I, -30, F64);
    I = fill_d(d, 2 * 2000, 30, -30);
    report("dlange random 2x2000 (2^-30 k)", d_lange(2, 2000, d), I, -30, F64);
    fill_d(d, 10 * 10, 20, 0);
    d[37] = NAN;
    nan_case("dlange 10x10 with a NaN", d_lange(10, 10, d));

    printf("slange_('F'):\n");
    for (size_t i = 0; i < big; i++) s[i] = 1.0f;
    report("slange ones 4000x4000", s_lange(4000, 4000, s), (u128)big, 0, F32);
    I = fill_s(s, big, 24, -24);
    report("slange random 4000x4000 (2^-24 k)", s_lange(4000, 4000, s), I, -24, F32);
    I = fill_s(s, 300 * 300, 16, 100);
    report("slange near overflow 300x300 (2^100 k)", s_lange(300, 300, s), I, 100, F32);
    I = fill_s(s, 300 * 300, 16, -149);
    report("slange subnormal 300x300 (2^-149 k)", s_lange(300, 300, s), I, -149, F32);
    fill_s(s, 10 * 10, 16, 0);
    s[37] = NAN;
    nan_case("slange 10x10 with a NaN", s_lange(10, 10, s));

    printf("clange_('F') (complex float, both parts):\n");
    I = fill_s(s, 2 * 1000 * 1000, 24, -24);
    report("clange random 1000x1000 (2^-24 k)", c_lange(1000, 1000, s), I, -24, F32);
    I = fill_s(s, 2 * 300 * 300, 16, 100);
    report("clange near overflow 300x300 (2^100 k)", c_lange(300, 300, s), I, 100, F32);
    I = fill_s(s, 2 * 300 * 300, 16, -149);
    report("clange subnormal 300x300 (2^-149 k)", c_lange(300, 300, s), I, -149, F32);
    fill_s(s, 2 * 10 * 10, 16, 0);
    s[37] = NAN;
    nan_case("clange 10x10 with a NaN", c_lange(10, 10, s));

    printf("zlange_('F') (complex double, both parts):\n");
    I = fill_d(d, 2 * 300 * 300, 20, 980);
    report("zlange near overflow 300x300 (2^980 k)", z_lange(300, 300, d), I, 980, F64);
    I = fill_d(d, 2 * 300 * 300, 20, -1074);
    report("zlange subnormal 300x300 (2^-1074 k)", z_lange(300, 300, d), I, -1074, F64);
    I = fill_d(d, 2 * 700 * 700, 30, -30);
    report("zlange random 700x700 (2^-30 k)", z_lange(700, 700, d), I, -30, F64);
    fill_d(d, 2 * 10 * 10, 20, 0);
    d[37] = NAN;
    nan_case("zlange 10x10 with a NaN", z_lange(10, 10, d));

    printf("lange_frobenius: largest error %.3f ulp; %s\n", worst,
           failures ? "SOME RESULTS ARE NOT WITHIN 1 ULP" : "every result within 1 ulp of the exact norm");
    free(d);
    free(s);
    return failures ? 3 : 0;
}
