/* Minimal test helpers shared by the C harness. */
#ifndef SAFENORM_CHECK_H
#define SAFENORM_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int g_failures = 0;
static long g_checks = 0;

/* Bitwise equality, all NaNs equal. */
static int same_double(double a, double b) {
    uint64_t ua, ub;
    if (isnan(a) && isnan(b)) return 1;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    return ua == ub;
}

#define CHECK_SAME(got, want, ...)                                                  \
    do {                                                                            \
        double g_ = (double)(got), w_ = (double)(want);                             \
        g_checks++;                                                                 \
        if (!same_double(g_, w_)) {                                                 \
            g_failures++;                                                           \
            if (g_failures <= 40) {                                                 \
                fprintf(stderr, "FAIL %s:%d: got %a, want %a: ", __FILE__, __LINE__, \
                        g_, w_);                                                    \
                fprintf(stderr, __VA_ARGS__);                                       \
                fputc('\n', stderr);                                                \
            }                                                                       \
        }                                                                           \
    } while (0)

#define CHECK(cond, ...)                                                            \
    do {                                                                            \
        g_checks++;                                                                 \
        if (!(cond)) {                                                              \
            g_failures++;                                                           \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                           \
            fputc('\n', stderr);                                                    \
        }                                                                           \
    } while (0)

/* Prints the plain closing line CTest logs show and returns the exit status. */
static int finish(const char *name) {
    printf("%s: %ld checks, %d failures\n", name, g_checks, g_failures);
    printf("%s: %d passed, %d failed\n", name, g_failures ? 0 : 1, g_failures ? 1 : 0);
    return g_failures ? 1 : 0;
}

/* Deterministic xorshift64* generator. */
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint64_t rng_next(void) {
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1Dull;
}

#endif
