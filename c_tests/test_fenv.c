/* The caller's floating-point environment (README, "The floating-point environment"):
 * every entry point under each rounding mode (fesetround), with flush-to-zero,
 * denormals-are-zero or both set in MXCSR (aarch64: FPCR.FZ), always with the invalid,
 * divide-by-zero and overflow traps enabled (feenableexcept: a SIGFPE kills the test, a
 * failure).  After every call the whole control/status register (MXCSR via _mm_getcsr;
 * aarch64 FPCR and FPSR) must be exactly what it was before: same control word, no flag
 * raised; flags raised before the call must survive it.
 *
 * Expected values are known independently of the library: each case's exact norm is
 * 2^k sqrt(M) for a small integer M, and its rounding in mode m is the hardware's correctly
 * rounded sqrt(M) in that mode (IEEE 754 sqrt, computed here with the mode set and no
 * flushing) scaled by 2^k, or for the subnormal grid nearbyint(sqrt(M)) in that mode
 * (sqrt(M) is far from an integer and a midpoint there); overflow as IEEE 754 7.4. */
#define _GNU_SOURCE
#include "safenorm.h"
#include "safenorm_blas.h"
#include "check.h"

#include <fenv.h>
#include <float.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef unsigned long long envword;

#if defined(__x86_64__)
#include <xmmintrin.h>
static envword env_get(void) { return _mm_getcsr(); }
static void env_set(envword w) { _mm_setcsr((unsigned)w); }
#define ENV_FTZ 0x8000ull
#define ENV_DAZ 0x0040ull
#define ENV_FLAGS 0x3full
#elif defined(__aarch64__)
static envword env_get(void) {
    unsigned long long c, s;
    __asm__ volatile("mrs %0, fpcr" : "=r"(c));
    __asm__ volatile("mrs %0, fpsr" : "=r"(s));
    return (c << 32) | (s & 0xffffffffull);
}
static void env_set(envword w) {
    unsigned long long c = w >> 32, s = w & 0xffffffffull;
    __asm__ volatile("msr fpcr, %0" : : "r"(c));
    __asm__ volatile("msr fpsr, %0" : : "r"(s));
}
#define ENV_FTZ (1ull << 56) /* FPCR.FZ (bit 24) */
#define ENV_DAZ (1ull << 56) /* one bit for both */
#define ENV_FLAGS 0x9full
#else
static envword env_get(void) { return 0; }
static void env_set(envword w) { (void)w; }
#define ENV_FTZ 0ull
#define ENV_DAZ 0ull
#define ENV_FLAGS 0ull
#endif

#define TRAPS (FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW)

static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
static const char *mode_name[4] = {"nearest", "down", "up", "toward-zero"};

static envword g_default; /* the test's own environment */
static envword g_env;     /* the environment of the call under test */
static const char *g_env_name = "";

/* Sets the environment of the call: rounding mode, traps, flush bits, flags. */
static void enter(int mode, envword flush, int traps, envword flags) {
    fesetround(mode);
    feclearexcept(FE_ALL_EXCEPT);
    if (traps) feenableexcept(TRAPS);
    env_set(env_get() | flush | flags);
    g_env = env_get(); /* what the register holds (unimplemented bits read as 0) */
}

static envword leave(void) {
    envword after = env_get();
    env_set(g_default);
    fedisableexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    return after;
}

/* Runs one library call (and nothing else) in the environment; checks the environment
 * after it. */
#define IN_ENV(mode, flush, traps, flags, out, call)                                      \
    do {                                                                                 \
        envword after_;                                                                  \
        enter(mode, flush, traps, flags);                                                \
        out = (call);                                                                    \
        after_ = leave();                                                                \
        CHECK(after_ == g_env, "%s: %s changed the environment %#llx -> %#llx",          \
              g_env_name, #call, g_env, after_);                                         \
    } while (0)

/* The same for a call without a result. */
#define IN_ENV_VOID(mode, flush, traps, flags, call)                                      \
    do {                                                                                 \
        envword after_;                                                                  \
        enter(mode, flush, traps, flags);                                                \
        call;                                                                            \
        after_ = leave();                                                                \
        CHECK(after_ == g_env, "%s: %s changed the environment %#llx -> %#llx",          \
              g_env_name, #call, g_env, after_);                                         \
    } while (0)

static double sqrt_in(int mode, double m) {
    volatile double v = m;
    volatile double r;
    fesetround(mode);
    r = sqrt(v);
    fesetround(FE_TONEAREST);
    return r;
}

static float sqrtf_in(int mode, float m) {
    volatile float v = m;
    volatile float r;
    fesetround(mode);
    r = sqrtf(v);
    fesetround(FE_TONEAREST);
    return r;
}

static double rint_in(int mode, double v) {
    volatile double a = v;
    volatile double r;
    fesetround(mode);
    r = nearbyint(a);
    fesetround(FE_TONEAREST);
    return r;
}

static int is_down(int mode) { return mode == FE_DOWNWARD || mode == FE_TOWARDZERO; }

/* Every case in one environment. */
static void run_env(int mi, envword flush, int traps, envword flags) {
    int m = modes[mi];
    double d, x[32];
    float s, xf[4];
    int st;
    /* [1, 1]: sqrt(2) in every entry point. */
    x[0] = 1.0;
    x[1] = 1.0;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, sqrt_in(m, 2.0), "%s dnrm2 [1,1]", g_env_name);
    IN_ENV(m, flush, traps, flags, st, safenorm_dnrm2_checked(2, x, 1, &d));
    CHECK_SAME(d, sqrt_in(m, 2.0), "%s dnrm2_checked [1,1] (status %d)", g_env_name, st);
    {
        int n2 = 2, one = 1;
        IN_ENV(m, flush, traps, flags, d, dnrm2_(&n2, x, &one));
        CHECK_SAME(d, sqrt_in(m, 2.0), "%s dnrm2_ [1,1]", g_env_name);
    }
    IN_ENV(m, flush, traps, flags, d, cblas_dnrm2(2, x, 1));
    CHECK_SAME(d, sqrt_in(m, 2.0), "%s cblas_dnrm2 [1,1]", g_env_name);
    IN_ENV(m, flush, traps, flags, d, safenorm_dznrm2(1, x, 1));
    CHECK_SAME(d, sqrt_in(m, 2.0), "%s dznrm2 (1+1i)", g_env_name);
    /* [1, 2]: sqrt(5); incx = 0: sqrt(3). */
    x[1] = 2.0;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, sqrt_in(m, 5.0), "%s dnrm2 [1,2]", g_env_name);
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(3, x, 0));
    CHECK_SAME(d, sqrt_in(m, 3.0), "%s dnrm2 n=3 incx=0", g_env_name);
    /* [3, 4]: 5, exact in every mode. */
    x[0] = 3.0;
    x[1] = 4.0;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, 5.0, "%s dnrm2 [3,4]", g_env_name);
    /* Both ends of the range: [2^1000, 2^1000], [2^-1000, 2^-1000] (squares underflow). */
    x[0] = x[1] = ldexp(1.0, 1000);
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, ldexp(sqrt_in(m, 2.0), 1000), "%s dnrm2 [2^1000,2^1000]", g_env_name);
    x[0] = x[1] = ldexp(1.0, -1000);
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, ldexp(sqrt_in(m, 2.0), -1000), "%s dnrm2 [2^-1000,2^-1000]", g_env_name);
    /* Subnormal result: [2^-1070, 2^-1071] = sqrt(320) 2^-1074; inputs subnormal too. */
    x[0] = ldexp(1.0, -1070);
    x[1] = ldexp(1.0, -1071);
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, ldexp(rint_in(m, sqrt(320.0)), -1074), "%s dnrm2 subnormal", g_env_name);
    x[0] = x[1] = ldexp(1.0, -1074);
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, ldexp(rint_in(m, sqrt(2.0)), -1074), "%s dnrm2 [2^-1074,2^-1074]",
               g_env_name);
    /* Overflow: DBL_MAX downward and toward zero, +Inf to nearest and upward. */
    x[0] = x[1] = DBL_MAX;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, is_down(m) ? DBL_MAX : INFINITY, "%s dnrm2 [max,max]", g_env_name);
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(1, x, 1));
    CHECK_SAME(d, DBL_MAX, "%s dnrm2 [max]", g_env_name);
    /* Infinity and NaN. */
    x[0] = INFINITY;
    x[1] = 1.0;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK_SAME(d, INFINITY, "%s dnrm2 [inf,1]", g_env_name);
    x[1] = NAN;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(2, x, 1));
    CHECK(isnan(d), "%s dnrm2 [inf,nan]", g_env_name);
    /* The case: 25 copies of 0x1.1e0faca74effap-1013, an exact tie (5x needs 54
     * bits): nearest and downward ...bf8, upward ...bf9. */
    {
        double v = 0x1.1e0faca74effap-1013;
        double want = m == FE_UPWARD ? 0x1.659397d122bf9p-1011 : 0x1.659397d122bf8p-1011;
        int i;
        for (i = 0; i < 25; i++) x[i] = v;
        IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(25, x, 1));
        CHECK_SAME(d, want, "%s dnrm2 issue case", g_env_name);
        IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2(25, x, 0));
        CHECK_SAME(d, want, "%s dnrm2 issue case incx=0", g_env_name);
    }
    /* Binary32: rounded once, directly to float. */
    xf[0] = xf[1] = 1.0f;
    IN_ENV(m, flush, traps, flags, s, safenorm_snrm2(2, xf, 1));
    CHECK_SAME(s, sqrtf_in(m, 2.0f), "%s snrm2 [1,1]", g_env_name);
    IN_ENV(m, flush, traps, flags, s, safenorm_scnrm2(1, xf, 1));
    CHECK_SAME(s, sqrtf_in(m, 2.0f), "%s scnrm2 (1+1i)", g_env_name);
    xf[0] = xf[1] = FLT_MAX;
    IN_ENV(m, flush, traps, flags, s, safenorm_snrm2(2, xf, 1));
    CHECK_SAME(s, is_down(m) ? FLT_MAX : INFINITY, "%s snrm2 [max,max]", g_env_name);
    xf[0] = xf[1] = ldexpf(1.0f, -149);
    IN_ENV(m, flush, traps, flags, s, safenorm_snrm2(2, xf, 1));
    CHECK_SAME(s, ldexp(rint_in(m, sqrt(2.0)), -149), "%s snrm2 [2^-149,2^-149]", g_env_name);
    /* States: [1, 1] as double, finished as double and as float. */
    {
        safenorm_sumsq a;
        safenorm_exact_sumsq e;
        x[0] = x[1] = 1.0;
        safenorm_sumsq_init(&a);
        safenorm_exact_sumsq_init(&e);
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_add_d(&a, 2, x, 1));
        IN_ENV(m, flush, traps, flags, st, safenorm_exact_sumsq_add_d(&e, 2, x, 1));
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_result_d(&a, &d));
        if (st != SAFENORM_NEED_EXACT)
            CHECK_SAME(d, sqrt_in(m, 2.0), "%s sumsq_result_d (status %d)", g_env_name, st);
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_result_s(&a, &s));
        if (st != SAFENORM_NEED_EXACT)
            CHECK_SAME(s, sqrtf_in(m, 2.0f), "%s sumsq_result_s (status %d)", g_env_name, st);
        IN_ENV(m, flush, traps, flags, st, safenorm_exact_sumsq_result_d(&e, &d));
        CHECK_SAME(d, sqrt_in(m, 2.0), "%s exact_sumsq_result_d", g_env_name);
        IN_ENV(m, flush, traps, flags, st, safenorm_exact_sumsq_result_s(&e, &s));
        CHECK_SAME(s, sqrtf_in(m, 2.0f), "%s exact_sumsq_result_s", g_env_name);
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_merge(&a, &a));
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_result_d(&a, &d));
        CHECK_SAME(d, 2.0, "%s sumsq merged [1,1,1,1] (status %d)", g_env_name, st);
    }
}

/* The newer entry points: batch (row-norm layout), matrix, half precision, normalize,
 * dlassq_/slassq_. */
static void run_env_new(int mi, envword flush, int traps, envword flags) {
    int m = modes[mi];
    int st, i;
    double d, x[16], out[8];
    float s, xf[16], outf[8];
    uint16_t h[8];
    const double over = is_down(m) ? DBL_MAX : INFINITY;
    const float overf = is_down(m) ? FLT_MAX : INFINITY;
    /* Row norms of the column-major 5 x 2 matrix with rows [1,1], [1,2], [max,max],
     * [2^-1074,2^-1074], [3,4]: n = 2, incx = 5 (lda), stridex = 1, batch = 5. */
    {
        const double c0[5] = {1.0, 1.0, DBL_MAX, ldexp(1.0, -1074), 3.0};
        const double c1[5] = {1.0, 2.0, DBL_MAX, ldexp(1.0, -1074), 4.0};
        const float f0[5] = {1.0f, 1.0f, FLT_MAX, ldexpf(1.0f, -149), 3.0f};
        const float f1[5] = {1.0f, 2.0f, FLT_MAX, ldexpf(1.0f, -149), 4.0f};
        for (i = 0; i < 5; i++) {
            x[i] = c0[i];
            x[5 + i] = c1[i];
            xf[i] = f0[i];
            xf[5 + i] = f1[i];
        }
        for (i = 0; i < 5; i++) out[i] = outf[i] = -1.0f;
        IN_ENV(m, flush, traps, flags, st, safenorm_dnrm2_batch(2, x, 5, 1, 5, out, 1));
        CHECK(st == SAFENORM_OK, "%s dnrm2_batch status %d", g_env_name, st);
        CHECK_SAME(out[0], sqrt_in(m, 2.0), "%s dnrm2_batch row [1,1]", g_env_name);
        CHECK_SAME(out[1], sqrt_in(m, 5.0), "%s dnrm2_batch row [1,2]", g_env_name);
        CHECK_SAME(out[2], over, "%s dnrm2_batch row [max,max]", g_env_name);
        CHECK_SAME(out[3], ldexp(rint_in(m, sqrt(2.0)), -1074), "%s dnrm2_batch row tiny",
                   g_env_name);
        CHECK_SAME(out[4], 5.0, "%s dnrm2_batch row [3,4]", g_env_name);
        IN_ENV(m, flush, traps, flags, st, safenorm_snrm2_batch(2, xf, 5, 1, 5, outf, 1));
        CHECK(st == SAFENORM_OK, "%s snrm2_batch status %d", g_env_name, st);
        CHECK_SAME(outf[0], sqrtf_in(m, 2.0f), "%s snrm2_batch row [1,1]", g_env_name);
        CHECK_SAME(outf[1], sqrtf_in(m, 5.0f), "%s snrm2_batch row [1,2]", g_env_name);
        CHECK_SAME(outf[2], overf, "%s snrm2_batch row [max,max]", g_env_name);
        CHECK_SAME(outf[3], (float)ldexp(rint_in(m, sqrt(2.0)), -149),
                   "%s snrm2_batch row tiny", g_env_name);
        CHECK_SAME(outf[4], 5.0f, "%s snrm2_batch row [3,4]", g_env_name);
        /* Column norms (contiguous vectors): [1,1,max,tiny,3] has the overflowing norm. */
        IN_ENV(m, flush, traps, flags, st, safenorm_dnrm2_batch(2, x + 3, 5, 1, 1, out, 1));
        CHECK_SAME(out[0], ldexp(rint_in(m, sqrt(2.0)), -1074), "%s dnrm2_batch one tiny",
                   g_env_name);
    }
    /* Matrix: the 2 x 2 matrix [[1, 1], [1, 2]] with lda = 3 (sqrt 7); [[2^-1070, 2^-1074],
     * [2^-1071, 0]] (sqrt(321) 2^-1074, subnormal); all DBL_MAX (overflow). */
    x[0] = 1.0; x[1] = 1.0; x[2] = NAN; x[3] = 1.0; x[4] = 2.0;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2_matrix(2, 2, x, 3));
    CHECK_SAME(d, sqrt_in(m, 7.0), "%s dnrm2_matrix sqrt 7", g_env_name);
    x[0] = ldexp(1.0, -1070); x[1] = ldexp(1.0, -1071); x[3] = ldexp(1.0, -1074); x[4] = 0.0;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2_matrix(2, 2, x, 3));
    CHECK_SAME(d, ldexp(rint_in(m, sqrt(321.0)), -1074), "%s dnrm2_matrix subnormal",
               g_env_name);
    x[0] = x[1] = x[3] = x[4] = DBL_MAX;
    IN_ENV(m, flush, traps, flags, d, safenorm_dnrm2_matrix(2, 2, x, 3));
    CHECK_SAME(d, over, "%s dnrm2_matrix max", g_env_name);
    /* Half precision: binary16 [1,1], [1,2], [2^-24, 2^-24] (subnormal); bfloat16 [max,max]
     * (overflows binary32) and [2^-133, 2^-133] (a subnormal float norm). */
    h[0] = h[1] = 0x3c00;
    IN_ENV(m, flush, traps, flags, s, safenorm_hnrm2(2, h, 1));
    CHECK_SAME(s, sqrtf_in(m, 2.0f), "%s hnrm2 [1,1]", g_env_name);
    h[0] = h[1] = 0x0001;
    IN_ENV(m, flush, traps, flags, s, safenorm_hnrm2(2, h, 1));
    CHECK_SAME(s, ldexpf(sqrtf_in(m, 2.0f), -24), "%s hnrm2 [2^-24,2^-24]", g_env_name);
    h[0] = h[1] = 0x7f7f;
    IN_ENV(m, flush, traps, flags, s, safenorm_bfnrm2(2, h, 1));
    CHECK_SAME(s, overf, "%s bfnrm2 [max,max]", g_env_name);
    h[0] = h[1] = 0x0001;
    IN_ENV(m, flush, traps, flags, s, safenorm_bfnrm2(2, h, 1));
    CHECK_SAME(s, (float)ldexp(rint_in(m, sqrt(8589934592.0)), -149),
               "%s bfnrm2 [2^-133,2^-133]", g_env_name);
    /* Batches across (rows): binary16 vectors [1,1] and [1,2] interleaved. */
    h[0] = 0x3c00; h[1] = 0x3c00; h[2] = 0x3c00; h[3] = 0x4000;
    IN_ENV(m, flush, traps, flags, st, safenorm_hnrm2_batch(2, h, 2, 1, 2, outf, 1));
    CHECK(st == SAFENORM_OK, "%s hnrm2_batch status %d", g_env_name, st);
    CHECK_SAME(outf[0], sqrtf_in(m, 2.0f), "%s hnrm2_batch [1,1]", g_env_name);
    CHECK_SAME(outf[1], sqrtf_in(m, 5.0f), "%s hnrm2_batch [1,2]", g_env_name);
    /* bfloat16 vectors [max,max] and [2^-133,2^-133] interleaved. */
    h[0] = 0x7f7f; h[1] = 0x0001; h[2] = 0x7f7f; h[3] = 0x0001;
    IN_ENV(m, flush, traps, flags, st, safenorm_bfnrm2_batch(2, h, 2, 1, 2, outf, 1));
    CHECK(st == SAFENORM_OK, "%s bfnrm2_batch status %d", g_env_name, st);
    CHECK_SAME(outf[0], overf, "%s bfnrm2_batch [max,max]", g_env_name);
    CHECK_SAME(outf[1], (float)ldexp(rint_in(m, sqrt(8589934592.0)), -149),
               "%s bfnrm2_batch [2^-133,2^-133]", g_env_name);
    /* The state with half-precision data. */
    {
        safenorm_sumsq a;
        safenorm_sumsq_init(&a);
        h[0] = h[1] = 0x0001;
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_add_h(&a, 2, h, 1));
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_result_s(&a, &s));
        if (st != SAFENORM_NEED_EXACT)
            CHECK_SAME(s, ldexpf(sqrtf_in(m, 2.0f), -24), "%s sumsq_add_h (status %d)",
                       g_env_name, st);
        safenorm_sumsq_init(&a);
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_add_bf(&a, 2, h, 1));
        IN_ENV(m, flush, traps, flags, st, safenorm_sumsq_result_s(&a, &s));
        if (st != SAFENORM_NEED_EXACT)
            CHECK_SAME(s, (float)ldexp(rint_in(m, sqrt(8589934592.0)), -149),
                       "%s sumsq_add_bf (status %d)", g_env_name, st);
    }
    /* normalize: the norm in the caller's mode, the quotients to nearest in every mode
     * (1/sqrt 2 to nearest is M_SQRT1_2 as a double constant; 3/5 and 4/5 are 0.6, 0.8). */
    x[0] = 3.0; x[1] = 4.0;
    IN_ENV(m, flush, traps, flags, st, safenorm_dnormalize(2, x, 1, &d));
    CHECK(st == SAFENORM_OK && d == 5.0, "%s dnormalize [3,4] norm %g", g_env_name, d);
    CHECK_SAME(x[0], 0.6, "%s dnormalize [3,4] x0", g_env_name);
    CHECK_SAME(x[1], 0.8, "%s dnormalize [3,4] x1", g_env_name);
    x[0] = 1.0; x[1] = 1.0;
    IN_ENV(m, flush, traps, flags, st, safenorm_dnormalize(2, x, 1, &d));
    CHECK_SAME(d, sqrt_in(m, 2.0), "%s dnormalize [1,1] norm", g_env_name);
    CHECK_SAME(x[0], 0x1.6a09e667f3bcdp-1, "%s dnormalize [1,1] x0", g_env_name);
    CHECK_SAME(x[1], 0x1.6a09e667f3bcdp-1, "%s dnormalize [1,1] x1", g_env_name);
    x[0] = DBL_MAX; x[1] = -DBL_MAX;
    IN_ENV(m, flush, traps, flags, st, safenorm_dnormalize(2, x, 1, &d));
    CHECK_SAME(d, over, "%s dnormalize [max,-max] norm", g_env_name);
    CHECK_SAME(x[0], 0x1.6a09e667f3bcdp-1, "%s dnormalize [max,-max] x0", g_env_name);
    CHECK_SAME(x[1], -0x1.6a09e667f3bcdp-1, "%s dnormalize [max,-max] x1", g_env_name);
    x[0] = ldexp(1.0, -1074); x[1] = ldexp(1.0, -1074);
    IN_ENV(m, flush, traps, flags, st, safenorm_dnormalize(2, x, 1, &d));
    CHECK_SAME(d, ldexp(rint_in(m, sqrt(2.0)), -1074), "%s dnormalize tiny norm",
               g_env_name);
    /* ?lassq: the pair to nearest in every mode, FTZ/DAZ ignored.  The pair is (scale a
     * power of two, sumsq in [1, 4]), so it is unique: [3,4] from (0,1): s^2 q = 25;
     * [2^-1070, 2^-1071] from (0,1): (2^-1070, 1.25); binary32 [2^-140] from the subnormal
     * pair (2^-140, 1): (2^-140, 2). */
    {
        int32_t n2 = 2, n1 = 1, one = 1;
        double sc, sq;
        float scf, sqf;
        x[0] = 3.0; x[1] = 4.0; sc = 0.0; sq = 1.0;
        IN_ENV_VOID(m, flush, traps, flags, dlassq_(&n2, x, &one, &sc, &sq));
        CHECK(sc * sc * sq == 25.0, "%s dlassq_ [3,4] -> (%a, %a)", g_env_name, sc, sq);
        x[0] = ldexp(1.0, -1070); x[1] = ldexp(1.0, -1071); sc = 0.0; sq = 1.0;
        IN_ENV_VOID(m, flush, traps, flags, dlassq_(&n2, x, &one, &sc, &sq));
        CHECK(sc == ldexp(1.0, -1070) && sq == 1.25, "%s dlassq_ subnormal -> (%a, %a)",
              g_env_name, sc, sq);
        xf[0] = ldexpf(1.0f, -140); scf = ldexpf(1.0f, -140); sqf = 1.0f;
        IN_ENV_VOID(m, flush, traps, flags, slassq_(&n1, xf, &one, &scf, &sqf));
        CHECK(scf == ldexpf(1.0f, -140) && sqf == 2.0f, "%s slassq_ subnormal -> (%a, %a)",
              g_env_name, (double)scf, (double)sqf);
    }
    /* The checks above (the test's own arithmetic, not the library's) compare and convert
     * subnormals, which raises the x86 denormal-operand flag in the test's environment. */
    env_set(g_default);
}

/* Negative control: the trap setup of this test really traps (a child that overflows with
 * FE_OVERFLOW enabled dies of SIGFPE). */
static void traps_work(void) {
    int status = 0;
    pid_t pid = fork();
    if (pid == 0) {
        volatile double a = 1e308;
        feenableexcept(TRAPS);
        a = a * 10.0;
        _exit(a > 0 ? 0 : 0);
    }
    CHECK(pid > 0, "fork");
    if (pid > 0) {
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGFPE,
              "an overflow with traps enabled must raise SIGFPE (status %#x)", status);
    }
}

int main(void) {
    static const struct {
        const char *name;
        envword bits;
    } flush[4] = {{"", 0}, {" FTZ", ENV_FTZ}, {" DAZ", ENV_DAZ}, {" FTZ+DAZ", ENV_FTZ | ENV_DAZ}};
    static char name[128];
    int mi, fi;
    (void)rng_next; /* check.h's generator: not needed here */
    g_default = env_get();
    traps_work();
    for (mi = 0; mi < 4; mi++) {
        for (fi = 0; fi < 4; fi++) {
            snprintf(name, sizeof name, "%s%s traps", mode_name[mi], flush[fi].name);
            g_env_name = name;
            run_env(mi, flush[fi].bits, 1, 0);
            run_env_new(mi, flush[fi].bits, 1, 0);
        }
        /* Flags raised before the call survive it (no traps: raising them would trap). */
        snprintf(name, sizeof name, "%s FTZ+DAZ, every flag raised", mode_name[mi]);
        g_env_name = name;
        run_env(mi, ENV_FTZ | ENV_DAZ, 0, ENV_FLAGS);
        run_env_new(mi, ENV_FTZ | ENV_DAZ, 0, ENV_FLAGS);
    }
    CHECK(env_get() == g_default, "the test's environment is back: %#llx, was %#llx", env_get(),
          g_default);
    return finish("test_fenv");
}
