/* Half precision through the C API: safenorm_hnrm2 / safenorm_bfnrm2 are bitwise
 * safenorm_snrm2 of the vector widened to float (widened here by this file's own conversion,
 * written from the format definitions); every binary16 and bfloat16 pattern as a single
 * element; random mixes with strides and NaN in the gaps; 5000 x 65504; NaN/Inf; bad input;
 * the state functions over several tensors; the batch functions and their status codes. */
#include <safenorm.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Binary16 value from the definition: 2^-24 f (exponent field 0), 2^(e-25) (1024 + f),
 * exponent 31: Inf / NaN. */
static float h2f(uint16_t h) {
    int e = (h >> 10) & 0x1f;
    int f = h & 0x3ff;
    float v;
    if (e == 31) {
        v = f ? NAN : INFINITY;
    } else if (e == 0) {
        v = (float)ldexp((double)f, -24);
    } else {
        v = (float)ldexp((double)(1024 + f), e - 25);
    }
    return (h & 0x8000) ? -v : v;
}

/* Bfloat16: the upper half of a float. */
static float bf2f(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

typedef float (*half_norm)(size_t, const uint16_t *, ptrdiff_t);
typedef float (*widen_fn)(uint16_t);

/* A logical vector of n patterns laid out with stride inc (NaN pattern in the gaps), and
 * the same for its widened floats; compares the half norm with snrm2 bitwise. */
static void compare(const uint16_t *v, size_t n, ptrdiff_t inc, half_norm nrm, widen_fn w,
                    uint16_t nan_pattern, const char *what) {
    size_t s = (size_t)(inc < 0 ? -inc : inc);
    size_t span = n == 0 ? 1 : (n - 1) * (s ? s : 1) + 1;
    uint16_t *hb = malloc(span * sizeof *hb);
    float *fb = malloc(span * sizeof *fb);
    size_t i;
    for (i = 0; i < span; i++) {
        hb[i] = nan_pattern;
        fb[i] = NAN;
    }
    for (i = 0; i < n; i++) {
        size_t pos = inc == 0 ? 0 : (inc > 0 ? i * s : (n - 1 - i) * s);
        if (inc == 0 && i > 0) break;
        hb[pos] = v[i];
        fb[pos] = w(v[i]);
    }
    CHECK_SAME(nrm(n, hb, inc), safenorm_snrm2(n, fb, inc), "%s n=%zu inc=%td", what, n, inc);
    free(hb);
    free(fb);
}

static void singles(void) {
    uint32_t b;
    for (b = 0; b <= 0xffff; b++) {
        uint16_t h = (uint16_t)b;
        CHECK_SAME(safenorm_hnrm2(1, &h, 1), fabsf(h2f(h)), "hnrm2 single %#06x", (unsigned)b);
        CHECK_SAME(safenorm_bfnrm2(1, &h, 1), fabsf(bf2f(h)), "bfnrm2 single %#06x",
                   (unsigned)b);
    }
}

static void mixes(void) {
    static const ptrdiff_t incs[] = {1, -1, 2, -3, 0, 7};
    static const size_t lens[] = {0, 1, 2, 3, 15, 16, 17, 33, 64, 100, 257, 1000, 4096, 5000};
    uint16_t *v = malloc(5000 * sizeof *v);
    size_t li, ii, i;
    for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t n = lens[li];
        for (i = 0; i < n; i++) v[i] = (uint16_t)(rng_next() & 0xfbff); /* finite binary16 */
        for (ii = 0; ii < sizeof incs / sizeof incs[0]; ii++)
            compare(v, n, incs[ii], safenorm_hnrm2, h2f, 0x7e00, "h mix");
        for (i = 0; i < n; i++) v[i] = (uint16_t)(rng_next() & 0xff7f); /* finite bfloat16 */
        for (ii = 0; ii < sizeof incs / sizeof incs[0]; ii++)
            compare(v, n, incs[ii], safenorm_bfnrm2, bf2f, 0x7fc0, "bf mix");
    }
    free(v);
}

static void extremes(void) {
    uint16_t *v = malloc(5000 * sizeof *v);
    size_t i;
    for (i = 0; i < 5000; i++) v[i] = 0x7bff; /* 65504 */
    /* sqrt(5000) * 65504 = 4631832.259..., float spacing 0.5 there. */
    CHECK_SAME(safenorm_hnrm2(5000, v, 1), 4631832.5f, "5000 x 65504");
    CHECK_SAME(safenorm_hnrm2(5000, v, 0), 4631832.5f, "5000 x 65504, incx 0");
    for (i = 0; i < 5000; i++) v[i] = (uint16_t)(rng_next() & 0x83ff); /* subnormals */
    compare(v, 5000, 1, safenorm_hnrm2, h2f, 0x7e00, "subnormals");
    /* NaN beats Inf; Inf gives +Inf. */
    {
        uint16_t a[3] = {0x3c00, 0xfc00, 0x3c00};
        CHECK_SAME(safenorm_hnrm2(3, a, 1), INFINITY, "-Inf");
        a[2] = 0xfe01;
        CHECK(isnan(safenorm_hnrm2(3, a, 1)), "NaN beside Inf");
        a[1] = 0xff80;
        a[2] = 0x3f80;
        CHECK_SAME(safenorm_bfnrm2(3, a, 1), INFINITY, "bf -Inf");
    }
    free(v);
}

static void bad_input(void) {
    uint16_t one = 0x3c00;
    unsigned char raw[64];
    uint16_t *mis = (uint16_t *)(void *)(raw + 1);
    size_t i;
    CHECK_SAME(safenorm_hnrm2(0, NULL, 1), 0.0f, "n == 0, NULL");
    CHECK(isnan(safenorm_hnrm2(3, NULL, 1)), "NULL");
    CHECK(isnan(safenorm_bfnrm2(3, NULL, 1)), "NULL");
    CHECK(isnan(safenorm_hnrm2(3, &one, PTRDIFF_MAX)), "span overflow");
    /* Misaligned data: same answer. */
    for (i = 0; i < 62; i += 2) {
        raw[i + 1] = 0x00;
        raw[i + 2] = 0x3c; /* little-endian 1.0 at odd byte offsets */
    }
    CHECK_SAME(safenorm_hnrm2(16, mis, 1), 4.0f, "misaligned");
    CHECK_SAME(safenorm_bfnrm2(16, mis, 1), 4.0f * bf2f(0x3c00), "misaligned bf");
}

/* One state over several tensors of different types = snrm2 of all the values together. */
static void states(void) {
    enum { NA = 3000, NB = 700, NC = 50 };
    uint16_t *a = malloc(NA * sizeof *a), *b = malloc(NB * sizeof *b);
    float *c = malloc(NC * sizeof *c), *all = malloc((NA + NB + NC) * sizeof *all);
    safenorm_sumsq s;
    safenorm_exact_sumsq e;
    float r = 0.0f;
    int st;
    size_t i, k = 0;
    for (i = 0; i < NA; i++) {
        a[i] = (uint16_t)(rng_next() & 0xfbff);
        all[k++] = h2f(a[i]);
    }
    for (i = 0; i < NB; i++) {
        b[i] = (uint16_t)(0x3000 | (rng_next() & 0x8fff));
        all[k++] = bf2f(b[i]);
    }
    for (i = 0; i < NC; i++) {
        c[i] = (float)(rng_next() >> 40);
        all[k++] = c[i];
    }
    safenorm_sumsq_init(&s);
    CHECK(safenorm_sumsq_add_h(&s, NA, a, 1) == SAFENORM_OK, "add_h");
    CHECK(safenorm_sumsq_add_bf(&s, NB, b, 1) == SAFENORM_OK, "add_bf");
    CHECK(safenorm_sumsq_add_s(&s, NC, c, 1) == SAFENORM_OK, "add_s");
    st = safenorm_sumsq_result_s(&s, &r);
    CHECK(st == SAFENORM_OK, "result status %d", st);
    CHECK_SAME(r, safenorm_snrm2(k, all, 1), "state over tensors");
    safenorm_exact_sumsq_init(&e);
    CHECK(safenorm_exact_sumsq_add_h(&e, NA, a, 1) == SAFENORM_OK, "exact add_h");
    CHECK(safenorm_exact_sumsq_add_bf(&e, NB, b, 1) == SAFENORM_OK, "exact add_bf");
    CHECK(safenorm_exact_sumsq_add_s(&e, NC, c, 1) == SAFENORM_OK, "exact add_s");
    CHECK(safenorm_exact_sumsq_result_s(&e, &r) == SAFENORM_OK, "exact result");
    CHECK_SAME(r, safenorm_snrm2(k, all, 1), "exact state over tensors");
    /* Bad input leaves the state alone. */
    CHECK(safenorm_sumsq_add_h(NULL, NA, a, 1) == SAFENORM_ERR_STATE, "NULL state");
    CHECK(safenorm_sumsq_add_h(&s, 3, NULL, 1) == SAFENORM_ERR_NULL, "NULL x");
    CHECK(safenorm_sumsq_add_bf(&s, 3, a, PTRDIFF_MAX) == SAFENORM_ERR_STRIDE, "stride");
    CHECK(safenorm_exact_sumsq_add_bf(&e, 0, NULL, 1) == SAFENORM_OK, "n == 0");
    free(a);
    free(b);
    free(c);
    free(all);
}

static void batches(void) {
    enum { N = 37, STRIDE = 40, B = 5 };
    uint16_t x[STRIDE * B];
    float out[2 * B], o1[B];
    size_t i, b;
    int st;
    for (i = 0; i < STRIDE * B; i++) x[i] = (uint16_t)(rng_next() & 0xfbff);
    for (i = 0; i < 2 * B; i++) out[i] = -1.0f;
    /* Forwards, incout 2. */
    st = safenorm_hnrm2_batch(N, x, 1, STRIDE, B, out, 2);
    CHECK(st == SAFENORM_OK, "batch status %d", st);
    for (b = 0; b < B; b++) {
        CHECK_SAME(out[2 * b], safenorm_hnrm2(N, x + b * STRIDE, 1), "batch b=%zu", b);
        CHECK_SAME(out[2 * b + 1], -1.0f, "gap untouched b=%zu", b);
    }
    /* Backwards vectors (stridex < 0), incx = -2, outputs backwards. */
    st = safenorm_bfnrm2_batch(18, x + STRIDE * (B - 1), -2, -STRIDE, B, o1 + B - 1, -1);
    CHECK(st == SAFENORM_OK, "batch status %d", st);
    for (b = 0; b < B; b++)
        CHECK_SAME(o1[B - 1 - b], safenorm_bfnrm2(18, x + STRIDE * (B - 1 - b), -2),
                   "backwards b=%zu", b);
    /* incx == 0. */
    st = safenorm_hnrm2_batch(N, x, 0, 1, B, o1, 1);
    for (b = 0; b < B; b++)
        CHECK_SAME(o1[b], safenorm_hnrm2(N, x + b, 0), "incx 0 b=%zu", b);
    /* n == 0: zeros, x not read. */
    st = safenorm_hnrm2_batch(0, NULL, 1, 5, B, o1, 1);
    CHECK(st == SAFENORM_OK, "n == 0 status %d", st);
    for (b = 0; b < B; b++) CHECK_SAME(o1[b], 0.0f, "n == 0 b=%zu", b);
    st = safenorm_bfnrm2_batch(0, x, 1, PTRDIFF_MAX, 3, o1, 1);
    CHECK(st == SAFENORM_OK, "n == 0, huge stridex: status %d", st);
    CHECK(safenorm_hnrm2_batch(N, x, 1, STRIDE, 0, NULL, 1) == SAFENORM_OK, "batch 0");
    /* Bad input. */
    CHECK(safenorm_hnrm2_batch(N, x, 1, STRIDE, B, NULL, 1) == SAFENORM_ERR_OUT_NULL, "out");
    CHECK(safenorm_hnrm2_batch(N, x, 1, STRIDE, B, o1, 0) == SAFENORM_ERR_STRIDE, "incout 0");
    CHECK(safenorm_hnrm2_batch(N, x, 1, STRIDE, 1, o1, 0) == SAFENORM_OK, "incout 0, batch 1");
    CHECK(safenorm_bfnrm2_batch(N, NULL, 1, STRIDE, B, o1, 1) == SAFENORM_ERR_NULL, "x NULL");
    CHECK(safenorm_hnrm2_batch(N, x, 1, PTRDIFF_MAX / 2, B, o1, 1) == SAFENORM_ERR_SIZE,
          "stridex overflow");
    CHECK(safenorm_hnrm2_batch(2, x, PTRDIFF_MAX, 1, B, o1, 1) == SAFENORM_ERR_SIZE,
          "incx overflow");
    CHECK(safenorm_hnrm2_batch(N, x, 1, STRIDE, B, o1, PTRDIFF_MAX / 2) == SAFENORM_ERR_SIZE,
          "incout overflow");
    CHECK(safenorm_hnrm2_batch(N, x, 1, STRIDE, B, (float *)(void *)(x + 60), 1) ==
              SAFENORM_ERR_OVERLAP,
          "overlap");
    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_OVERLAP), "unknown status") != 0, "strerror 6");
    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_SIZE), "unknown status") != 0, "strerror 7");
}

int main(void) {
    printf("kernel: %s\n", safenorm_active_kernel());
    singles();
    mixes();
    extremes();
    bad_input();
    states();
    batches();
    return finish("test_half");
}
