/* safenorm example: the norm of a vector that arrives in pieces, or is split over workers.
 *
 * A sum-of-squares state (safenorm_sumsq, 96 plain bytes) takes the pieces in any order; states
 * can be copied as bytes (to another thread, process or machine) and merged; the result is
 * rounded once, and it is bitwise safenorm_dnrm2 of the whole vector, however it was split.
 * In the rare case the fast state cannot decide the rounding (SAFENORM_NEED_EXACT: the norm is
 * within its error bound of a rounding midpoint), the exact state over the same pieces gives
 * the correctly rounded norm.
 *
 * Build: cmake --build build --target safenorm_pieces && ./build/safenorm_pieces */
#include "safenorm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000
#define CHUNK 64

static int g_mismatches = 0;

/* Stops on an unexpected status (bad input gets a status code, never a crash). */
static void ok(int status, const char *what) {
    if (status != SAFENORM_OK) {
        fprintf(stderr, "%s: status %d (%s)\n", what, status, safenorm_strerror(status));
        exit(2);
    }
}

static void compare(const char *what, double got, double want) {
    int same = memcmp(&got, &want, sizeof got) == 0;
    g_mismatches += !same;
    printf("  %-46s %-24.17g %s\n", what, got, same ? "[same bits as safenorm_dnrm2]" : "[MISMATCH]");
}

/* A worker adds its part of the vector to a state of its own and "sends" the state: here,
 * copies its bytes into a buffer, as it would write them to a socket or a file. */
static void worker(const double *part, size_t n, unsigned char msg[SAFENORM_SUMSQ_BYTES]) {
    safenorm_sumsq s;
    safenorm_sumsq_init(&s);
    ok(safenorm_sumsq_add_d(&s, n, part, 1), "worker add");
    memcpy(msg, &s, sizeof s);
}

/* The same with the exact state (560 bytes), for when the fast result is undecided. */
static void exact_worker(const double *part, size_t n, unsigned char msg[SAFENORM_EXACT_SUMSQ_BYTES]) {
    safenorm_exact_sumsq s;
    safenorm_exact_sumsq_init(&s);
    ok(safenorm_exact_sumsq_add_d(&s, n, part, 1), "exact worker add");
    memcpy(msg, &s, sizeof s);
}

/* The receiver: merges the two workers' states and rounds once; on SAFENORM_NEED_EXACT it
 * asks the workers for exact states of the same parts. */
static double two_workers(const double *x, size_t n) {
    size_t half = n / 2;
    unsigned char msg1[SAFENORM_SUMSQ_BYTES], msg2[SAFENORM_SUMSQ_BYTES];
    worker(x, half, msg1);
    worker(x + half, n - half, msg2);

    safenorm_sumsq total, other;
    memcpy(&total, msg1, sizeof total);
    memcpy(&other, msg2, sizeof other);
    ok(safenorm_sumsq_merge(&total, &other), "merge");
    double norm;
    int status = safenorm_sumsq_result_d(&total, &norm);
    if (status == SAFENORM_NEED_EXACT) {
        printf("  fast state: SAFENORM_NEED_EXACT, faithful value %.17g; asking for exact states\n", norm);
        unsigned char xmsg1[SAFENORM_EXACT_SUMSQ_BYTES], xmsg2[SAFENORM_EXACT_SUMSQ_BYTES];
        exact_worker(x, half, xmsg1);
        exact_worker(x + half, n - half, xmsg2);
        safenorm_exact_sumsq xtotal, xother;
        memcpy(&xtotal, xmsg1, sizeof xtotal);
        memcpy(&xother, xmsg2, sizeof xother);
        ok(safenorm_exact_sumsq_merge(&xtotal, &xother), "exact merge");
        status = safenorm_exact_sumsq_result_d(&xtotal, &norm);
    }
    ok(status, "result");
    return norm;
}

int main(void) {
    printf("safenorm %s, kernel %s, %d threads for long vectors\n\n", safenorm_version(),
           safenorm_active_kernel(), safenorm_get_num_threads());

    /* 1. Values near 1e300: their squares overflow, so the textbook formula gives inf. */
    static double x[N];
    for (int i = 0; i < N; i++) x[i] = 1e300 * (1.0 + i / 1000.0);
    double naive = 0.0;
    for (int i = 0; i < N; i++) naive += x[i] * x[i];
    naive = sqrt(naive);
    double whole = safenorm_dnrm2(N, x, 1);
    printf("%d values from 1e300 to 2e300\n", N);
    printf("  %-46s %.17g\n", "naive sqrt(sum x_i^2)", naive);
    printf("  %-46s %.17g\n", "safenorm_dnrm2 of the whole vector", whole);

    /* The vector arrives in chunks: add each to one state as it comes, round at the end. */
    safenorm_sumsq s;
    safenorm_sumsq_init(&s);
    for (size_t i = 0; i < N; i += CHUNK)
        ok(safenorm_sumsq_add_d(&s, N - i < CHUNK ? N - i : CHUNK, x + i, 1), "add chunk");
    double chunked;
    if (safenorm_sumsq_result_d(&s, &chunked) == SAFENORM_NEED_EXACT) {
        /* Undecided (near a rounding tie): the exact state over the same chunks decides. */
        safenorm_exact_sumsq e;
        safenorm_exact_sumsq_init(&e);
        for (size_t i = 0; i < N; i += CHUNK)
            ok(safenorm_exact_sumsq_add_d(&e, N - i < CHUNK ? N - i : CHUNK, x + i, 1), "exact add");
        ok(safenorm_exact_sumsq_result_d(&e, &chunked), "exact result");
    }
    compare("in chunks of 64, one state", chunked, whole);
    compare("two workers, states sent as bytes, merged", two_workers(x, N), whole);
    g_mismatches += isfinite(naive); /* the naive formula must overflow on this data */

    /* 2. An exact rounding tie: (2^53 + 1)^2 = (2^53)^2 + (2^27)^2 + 1, scaled by 2^900.  The
     * norm (2^53 + 1) * 2^900 lies exactly halfway between two doubles; no error bound can
     * decide that, the exact state can (ties to even: 2^953). */
    double tie[3] = {0x1p953, 0x1p927, 0x1p900};
    printf("\n(2^53, 2^27, 1) * 2^900: norm exactly halfway between two doubles\n");
    compare("two workers (exact state when undecided)", two_workers(tie, 3), safenorm_dnrm2(3, tie, 1));
    g_mismatches += safenorm_dnrm2(3, tie, 1) != 0x1p953;

    printf("\n%s\n", g_mismatches ? "MISMATCH" : "all results agree");
    return g_mismatches ? 1 : 0;
}
