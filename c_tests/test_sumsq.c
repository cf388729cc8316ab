/* The sum-of-squares states of the C API (safenorm_sumsq_*, safenorm_exact_sumsq_*) and the
 * thread count (safenorm_set_num_threads / safenorm_get_num_threads).
 *
 * 1. Pieces and merges.  A vector is cut at random points (empty pieces and single elements
 *    included); each piece is added to one of 1..5 states, either as a view into the whole
 *    vector's storage or as a copy with its own stride (-3..3, 0 where the piece's elements
 *    are equal), at a random byte offset, and float pieces sometimes widened to double
 *    (states may mix element types).  The states are merged in a random tree, some of them
 *    first copied through a byte buffer (as if sent to another process) or merged in place at
 *    an odd address.  The result must be bitwise safenorm_?nrm2 of the whole vector, or
 *    SAFENORM_NEED_EXACT with a faithful value, and the exact state over the same pieces must
 *    give the bits.  Vectors: the DB1NRM2 grid of test_nrm2.c (every element v * m_i, v a power
 *    of two or DBL_MAX/FLT_MAX, m_i a small integer, so the norm is v * sqrt(M) for the integer
 *    M = sum m_i^2 and its correct rounding is known without the library), normal-ish,
 *    near overflow, subnormal, mixed huge and tiny, log-uniform, NaN/Inf planted, and exact
 *    rounding ties (squares summing to the square of a rounding midpoint, built as
 *    tests/common/oracle.rs tie_decomposition does), which make the fast state answer
 *    SAFENORM_NEED_EXACT (asserted to happen).
 * 2. NaN and Inf across states, overflow to +Inf in binary64 and binary32.
 * 3. Bad input: NULL state, NULL x, overflowing spans, NULL out, every kind of corrupted byte,
 *    into == from, the all-zero struct, misaligned x.
 * 4. The byte layout (tag, version, flags, classes).
 * 5. Threads: the same bits for 1, 2, 3 and 4 threads (nrm2 and the state), and the
 *    SAFENORM_NUM_THREADS default. */
#define _POSIX_C_SOURCE 200112L /* setenv */
#include "safenorm.h"
#include "check.h"

#include <float.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ the entry points */

enum kind { KD, KS, KZ, KC, N_KIND }; /* double, float, complex double, complex float */
static const char *kind_name[N_KIND] = {"d", "s", "dz", "sc"};
static int parts_of(enum kind k) { return k == KZ || k == KC ? 2 : 1; }
static int is_single(enum kind k) { return k == KS || k == KC; }
static size_t esize(enum kind k) { return is_single(k) ? sizeof(float) : sizeof(double); }
static enum kind widened(enum kind k) { return k == KS ? KD : k == KC ? KZ : k; }

/* Every add function behind one signature: st is a safenorm_sumsq or safenorm_exact_sumsq. */
typedef int (*add_fn)(void *st, size_t n, const void *x, ptrdiff_t incx);
static int fa_d(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_sumsq_add_d((safenorm_sumsq *)s, n, (const double *)x, i); }
static int fa_s(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_sumsq_add_s((safenorm_sumsq *)s, n, (const float *)x, i); }
static int fa_dz(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_sumsq_add_dz((safenorm_sumsq *)s, n, (const double *)x, i); }
static int fa_sc(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_sumsq_add_sc((safenorm_sumsq *)s, n, (const float *)x, i); }
static int ea_d(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_exact_sumsq_add_d((safenorm_exact_sumsq *)s, n, (const double *)x, i); }
static int ea_s(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_exact_sumsq_add_s((safenorm_exact_sumsq *)s, n, (const float *)x, i); }
static int ea_dz(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_exact_sumsq_add_dz((safenorm_exact_sumsq *)s, n, (const double *)x, i); }
static int ea_sc(void *s, size_t n, const void *x, ptrdiff_t i) { return safenorm_exact_sumsq_add_sc((safenorm_exact_sumsq *)s, n, (const float *)x, i); }
static const add_fn add_tab[2][N_KIND] = {{fa_d, fa_s, fa_dz, fa_sc}, {ea_d, ea_s, ea_dz, ea_sc}};
static const char *state_name[2] = {"sumsq", "exact_sumsq"};

static size_t state_size(int exact) { return exact ? sizeof(safenorm_exact_sumsq) : sizeof(safenorm_sumsq); }
static void init_any(int exact, void *s) {
    if (exact) safenorm_exact_sumsq_init((safenorm_exact_sumsq *)s);
    else safenorm_sumsq_init((safenorm_sumsq *)s);
}
static int merge_any(int exact, void *into, const void *from) {
    return exact ? safenorm_exact_sumsq_merge((safenorm_exact_sumsq *)into, (const safenorm_exact_sumsq *)from)
                 : safenorm_sumsq_merge((safenorm_sumsq *)into, (const safenorm_sumsq *)from);
}
static int result_d_any(int exact, const void *s, double *out) {
    return exact ? safenorm_exact_sumsq_result_d((const safenorm_exact_sumsq *)s, out)
                 : safenorm_sumsq_result_d((const safenorm_sumsq *)s, out);
}
static int result_s_any(int exact, const void *s, float *out) {
    return exact ? safenorm_exact_sumsq_result_s((const safenorm_exact_sumsq *)s, out)
                 : safenorm_sumsq_result_s((const safenorm_sumsq *)s, out);
}

/* The whole-vector norm (float results widened exactly). */
static double nrm_native(enum kind k, size_t n, const void *x, ptrdiff_t incx) {
    switch (k) {
    case KD: return safenorm_dnrm2(n, (const double *)x, incx);
    case KS: return safenorm_snrm2(n, (const float *)x, incx);
    case KZ: return safenorm_dznrm2(n, (const double *)x, incx);
    default: return safenorm_scnrm2(n, (const float *)x, incx);
    }
}

/* The final answer of a fast state, the exact state asked when the fast one cannot decide. */
static double resolved_d(const safenorm_sumsq *f, const safenorm_exact_sumsq *e) {
    double v = -1.0;
    if (safenorm_sumsq_result_d(f, &v) == SAFENORM_NEED_EXACT) safenorm_exact_sumsq_result_d(e, &v);
    return v;
}

/* ------------------------------------------------------------------ vectors in memory */

static double rnd_unit(void) { return (double)(rng_next() >> 11) * 0x1p-53; } /* [0, 1) */
static double rnd_sign(void) { return rng_next() & 1 ? -1.0 : 1.0; }

/* Memory position of logical element i (reference BLAS convention). */
static size_t pos(size_t i, size_t n, ptrdiff_t incx) {
    if (incx == 0) return 0;
    return incx > 0 ? i * (size_t)incx : (n - 1 - i) * (size_t)(-incx);
}

static void put_comp(enum kind k, unsigned char *p, size_t idx, double v) {
    if (is_single(k)) {
        float f = (float)v;
        memcpy(p + idx * sizeof f, &f, sizeof f);
    } else {
        memcpy(p + idx * sizeof v, &v, sizeof v);
    }
}

/* Stores the n logical elements comps[] (parts components each; for incx == 0 only element 0
 * is stored) with stride incx, a NaN in every gap, `off` bytes into a fresh buffer (*raw, to
 * free).  Returns the vector's x. */
static const void *make_buffer(enum kind k, size_t n, ptrdiff_t incx, const double *comps,
                               size_t off, unsigned char **raw) {
    int parts = parts_of(k);
    size_t span = n == 0 || incx == 0 ? 1 : (n - 1) * (size_t)(incx < 0 ? -incx : incx) + 1;
    size_t ncomp = span * (size_t)parts;
    unsigned char *r = malloc(ncomp * esize(k) + off + 1);
    if (!r) abort();
    for (size_t i = 0; i < ncomp; i++) put_comp(k, r + off, i, NAN);
    size_t count = incx == 0 ? (n > 0) : n;
    for (size_t i = 0; i < count; i++)
        for (int c = 0; c < parts; c++)
            put_comp(k, r + off, pos(i, n, incx) * (size_t)parts + (size_t)c, comps[i * (size_t)parts + (size_t)c]);
    *raw = r;
    return r + off;
}

/* ------------------------------------------------------------------ pieces and merge trees */

static long g_mixed_types = 0;     /* states that got float and double pieces */
static long g_transported = 0;     /* merges of a state copied through a byte buffer */
static long g_need_exact[2][2];    /* [float data][result_s]: fast state said NEED_EXACT */
static long g_need_exact_tie[2];   /* [float data]: ... on an exact tie in the data's format */

struct vec {
    enum kind k;
    size_t n;       /* logical elements */
    ptrdiff_t incx; /* of the whole vector's storage */
    double *c;      /* n * parts components (incx == 0: n equal elements) */
};

/* Adds the logical elements [a, b) of v to the state st (fast or exact).  Returns 1 if the
 * piece went in as double data widened from float. */
static int add_piece(int exact, void *st, const struct vec *v, const unsigned char *whole, size_t a,
                     size_t b) {
    size_t len = b - a;
    enum kind k = v->k;
    int parts = parts_of(k);
    int rc, widen = 0;
    if (len == 0) {
        /* Nothing is read: x may be NULL, the stride anything. */
        const void *x = rng_next() & 1 ? NULL : (const void *)whole;
        ptrdiff_t inc = rng_next() & 1 ? PTRDIFF_MIN : (ptrdiff_t)(rng_next() % 7) - 3;
        rc = add_tab[exact][k](st, 0, x, inc);
        CHECK(rc == SAFENORM_OK, "empty piece, %s %s rc=%d", state_name[exact], kind_name[k], rc);
        return 0;
    }
    unsigned mode = (unsigned)(rng_next() % 4);
    if (mode == 0) {
        /* A view into the whole vector's storage, with its stride. */
        const unsigned char *p = whole;
        size_t step = (size_t)parts * esize(k);
        if (v->incx > 0) p = whole + a * (size_t)v->incx * step;
        if (v->incx < 0) p = whole + (v->n - b) * (size_t)(-v->incx) * step;
        rc = add_tab[exact][k](st, len, p, v->incx);
    } else {
        /* A copy with a stride of its own (0 only where the piece's elements are all equal),
         * at a random byte offset; float data sometimes widened to double. */
        enum kind kk = mode == 3 ? widened(k) : k;
        widen = kk != k;
        ptrdiff_t inc;
        do inc = (ptrdiff_t)(rng_next() % 7) - 3;
        while (inc == 0 && !(len == 1 || v->incx == 0));
        unsigned char *raw;
        const void *x = make_buffer(kk, len, inc, v->c + a * (size_t)parts, (size_t)(rng_next() % 8), &raw);
        rc = add_tab[exact][kk](st, len, x, inc);
        free(raw);
    }
    CHECK(rc == SAFENORM_OK, "piece [%zu,%zu) of %s n=%zu incx=%td mode=%u: %s rc=%d", a, b,
          kind_name[k], v->n, v->incx, mode, state_name[exact], rc);
    return widen;
}

/* Merges the k states in st[] (each state_size(exact) bytes) in a random tree into *out. */
static void merge_tree(int exact, unsigned char *st, int k, unsigned char *out) {
    size_t sz = state_size(exact);
    int live[8], cnt = k;
    for (int i = 0; i < k; i++) live[i] = i;
    while (cnt > 1) {
        int a = (int)(rng_next() % (unsigned)cnt);
        int b = (int)(rng_next() % (unsigned)(cnt - 1));
        if (b >= a) b++;
        unsigned char *into = st + (size_t)live[a] * sz;
        const unsigned char *from = st + (size_t)live[b] * sz;
        unsigned char wire[SAFENORM_EXACT_SUMSQ_BYTES + 8], moved[SAFENORM_EXACT_SUMSQ_BYTES + 8];
        int rc;
        switch (rng_next() % 4) {
        case 0: /* sent: bytes out, bytes in elsewhere */
            memcpy(wire, from, sz);
            memset(moved, 0xA5, sizeof moved);
            memcpy(moved, wire, sz);
            rc = merge_any(exact, into, moved);
            g_transported++;
            break;
        case 1: { /* merged in place at an odd address (a state has alignment 1) */
            size_t off = 1 + (size_t)(rng_next() % 7);
            memcpy(moved + off, into, sz);
            rc = merge_any(exact, moved + off, from);
            memcpy(into, moved + off, sz);
            break;
        }
        case 2: { /* an empty state merged in, either way round */
            unsigned char empty[SAFENORM_EXACT_SUMSQ_BYTES];
            if (rng_next() & 1) init_any(exact, empty);
            else memset(empty, 0, sz);
            rc = merge_any(exact, into, empty);
            CHECK(rc == SAFENORM_OK, "merge of an empty state");
            rc = merge_any(exact, empty, into);
            CHECK(rc == SAFENORM_OK, "merge into an empty state");
            memcpy(into, empty, sz);
            rc = merge_any(exact, into, from);
            break;
        }
        default: rc = merge_any(exact, into, from); break;
        }
        CHECK(rc == SAFENORM_OK, "merge %s rc=%d", state_name[exact], rc);
        live[b] = live[--cnt];
    }
    memcpy(out, st + (size_t)live[0] * sz, sz);
}

/* What is known about a vector's norm without the library. */
struct expect {
    int has_d;         /* result_d on this data (the binary64 norm of the values) */
    double d;
    int has_s;         /* result_s on this data (the binary32 norm of the values) */
    float s;
    int tie_d, tie_s;  /* the norm is an exact midpoint in binary64 / binary32 ... */
    double nb_d[2];    /* ... between these two neighbours */
    float nb_s[2];
};

static const struct expect no_expect;

/* Documented (SAFENORM_NEED_EXACT): a fast state holding binary32 data and finished with
 * result_d is accumulated only as well as snrm2 needs, to within 2^-28 relative; its
 * NEED_EXACT value is checked against that bound (and counted when it is not faithful).
 * Everything else must be faithful. */
static long g_unfaithful_float_as_double = 0;

static int faithful_d(double got, double cr, const struct expect *e) {
    if (e->tie_d) return same_double(got, e->nb_d[0]) || same_double(got, e->nb_d[1]);
    return !isnan(got) && (got == cr || got == nextafter(cr, -INFINITY) || got == nextafter(cr, INFINITY));
}

static int faithful_s(float got, float cr, const struct expect *e) {
    if (e->tie_s) return same_double(got, e->nb_s[0]) || same_double(got, e->nb_s[1]);
    return !isnan(got) && (got == cr || got == nextafterf(cr, -INFINITY) || got == nextafterf(cr, INFINITY));
}

static void run_trial(const struct vec *v, const struct expect *e, const char *what) {
    enum kind k = v->k;
    int single = is_single(k);
    unsigned char *raw, *raw2;
    const unsigned char *x = make_buffer(k, v->n, v->incx, v->c, 0, &raw);
    /* The references: the library's one-call norm of the whole vector. */
    double want_d;
    float want_s = 0.0f;
    if (single) {
        want_s = (float)nrm_native(k, v->n, x, v->incx);
        const void *x2 = make_buffer(widened(k), v->n, v->incx, v->c, 0, &raw2);
        want_d = nrm_native(widened(k), v->n, x2, v->incx);
        free(raw2);
    } else {
        want_d = nrm_native(k, v->n, x, v->incx);
    }
    /* ... and independently known answers. */
    if (e->has_d) CHECK_SAME(want_d, e->d, "%s: %s nrm2 (as double) n=%zu incx=%td: known answer", what, kind_name[k], v->n, v->incx);
    if (e->has_s && single) CHECK_SAME(want_s, e->s, "%s: %s nrm2 n=%zu incx=%td: known answer", what, kind_name[k], v->n, v->incx);

    /* Random cuts: 1..8 pieces (equal cuts make empty pieces), or every element alone. */
    size_t cut[16];
    int np;
    if (v->n <= 12 && rng_next() % 4 == 0) {
        np = (int)v->n; /* pieces [i, i+1) */
        for (int i = 0; i <= np; i++) cut[i] = (size_t)i;
    } else {
        np = 1 + (int)(rng_next() % 8);
        cut[0] = 0;
        cut[np] = v->n;
        for (int i = 1; i < np; i++) cut[i] = (size_t)(rng_next() % (v->n + 1));
        for (int i = 1; i < np; i++) /* sort */
            for (int j = i; j > 1 && cut[j - 1] > cut[j]; j--) {
                size_t t = cut[j]; cut[j] = cut[j - 1]; cut[j - 1] = t;
            }
    }

    safenorm_sumsq fs[5], ff;
    safenorm_exact_sumsq es[5], ef;
    for (int exact = 0; exact < 2; exact++) {
        int ns = 1 + (int)(rng_next() % 5);
        unsigned char *st = exact ? (unsigned char *)es : (unsigned char *)fs;
        size_t sz = state_size(exact);
        for (int i = 0; i < ns; i++) {
            if (rng_next() & 1) init_any(exact, st + (size_t)i * sz);
            else memset(st + (size_t)i * sz, 0, sz); /* all zero: also an empty state */
        }
        /* The pieces in a random order, each to a random state. */
        int order[16], mixed[5] = {0, 0, 0, 0, 0}, plain[5] = {0, 0, 0, 0, 0};
        for (int i = 0; i < np; i++) order[i] = i;
        for (int i = np - 1; i > 0; i--) {
            int j = (int)(rng_next() % (unsigned)(i + 1)), t = order[i];
            order[i] = order[j]; order[j] = t;
        }
        for (int i = 0; i < np; i++) {
            int p = order[i], s = (int)(rng_next() % (unsigned)ns);
            int w = add_piece(exact, st + (size_t)s * sz, v, x, cut[p], cut[p + 1]);
            if (cut[p + 1] > cut[p]) { mixed[s] |= w; plain[s] |= !w; }
        }
        for (int i = 0; i < ns; i++) g_mixed_types += single && mixed[i] && plain[i];
        merge_tree(exact, st, ns, exact ? (unsigned char *)&ef : (unsigned char *)&ff);
    }

    /* The exact state: always the correctly rounded answer. */
    double ed = -1.0, fd = -1.0;
    float esf = -1.0f, fsf = -1.0f;
    CHECK(safenorm_exact_sumsq_result_d(&ef, &ed) == SAFENORM_OK, "%s: exact result_d status", what);
    CHECK(safenorm_exact_sumsq_result_s(&ef, &esf) == SAFENORM_OK, "%s: exact result_s status", what);
    CHECK_SAME(ed, want_d, "%s: %s n=%zu incx=%td pieces=%d: exact state result_d vs nrm2", what, kind_name[k], v->n, v->incx, np);
    if (e->has_d) CHECK_SAME(ed, e->d, "%s: exact state result_d: known answer", what);
    if (single) CHECK_SAME(esf, want_s, "%s: %s n=%zu incx=%td pieces=%d: exact state result_s vs nrm2", what, kind_name[k], v->n, v->incx, np);
    if (e->has_s) CHECK_SAME(esf, e->s, "%s: %s n=%zu: exact state result_s: known answer", what, kind_name[k], v->n);

    /* The fast state: the same bits, or NEED_EXACT with a faithful value. */
    int rc = safenorm_sumsq_result_d(&ff, &fd);
    if (rc == SAFENORM_OK) {
        CHECK_SAME(fd, ed, "%s: %s n=%zu incx=%td pieces=%d: fast state result_d", what, kind_name[k], v->n, v->incx, np);
    } else {
        CHECK(rc == SAFENORM_NEED_EXACT, "%s: fast result_d status %d", what, rc);
        CHECK(!isnan(ed), "%s: NEED_EXACT for a NaN result", what);
        if (single && !faithful_d(fd, ed, e)) {
            g_unfaithful_float_as_double++;
            CHECK(fabs(fd - ed) <= 0x1p-28 * ed, "%s: %s NEED_EXACT value %a far from %a", what, kind_name[k], fd, ed);
        } else {
            CHECK(faithful_d(fd, ed, e), "%s: %s NEED_EXACT value %a not faithful (correct %a)", what, kind_name[k], fd, ed);
        }
        g_need_exact[single][0]++;
        if (e->tie_d && !single) g_need_exact_tie[0]++;
    }
    rc = safenorm_sumsq_result_s(&ff, &fsf);
    if (rc == SAFENORM_OK) {
        CHECK_SAME(fsf, esf, "%s: %s n=%zu incx=%td pieces=%d: fast state result_s", what, kind_name[k], v->n, v->incx, np);
    } else {
        CHECK(rc == SAFENORM_NEED_EXACT, "%s: fast result_s status %d", what, rc);
        CHECK(faithful_s(fsf, esf, e), "%s: %s NEED_EXACT value %a not faithful (correct %a)", what, kind_name[k], (double)fsf, (double)esf);
        g_need_exact[single][1]++;
        if (e->tie_s && single) g_need_exact_tie[1]++;
    }
    free(raw);
}

/* ------------------------------------------------------------------ vector families */

enum family { F_GRID, F_NORMAL, F_HUGE, F_SUBNORMAL, F_MIXED, F_LOGUNIFORM, F_SPECIAL, N_FAMILY };
static const char *family_name[N_FAMILY] = {"grid", "normal", "near overflow", "subnormal",
                                            "mixed huge and tiny", "log-uniform", "NaN/Inf"};

static const double dgrid[9] = {0x1p-1074, 0x1p-1021, 0x1p-600, 0x1p-52, 1.0, 0x1p52, 0x1p600, 0x1p1020, DBL_MAX};
static const float sgrid[9] = {0x1p-149f, 0x1p-125f, 0x1p-60f, 0x1p-23f, 1.0f, 0x1p23f, 0x1p60f, 0x1p120f, FLT_MAX};

/* sqrt(M) correctly rounded to float (IEEE sqrtf), for M < 2^24. */
static float sqrt_s(long M) { return sqrtf((float)M); }

/* One element's components for a family (float data is drawn in float's range). */
static void draw(enum family f, enum kind k, double *out, int parts) {
    int single = is_single(k);
    for (int c = 0; c < parts; c++) {
        double u = rnd_unit(), s = rnd_sign(), y;
        switch (f) {
        case F_NORMAL: {
            static const double scales[3] = {1.0, 0x1p-30, 0x1p30};
            y = (rnd_unit() + rnd_unit() + rnd_unit() + u - 2.0) * scales[rng_next() % 3];
            break;
        }
        case F_HUGE: y = s * (1.0 + u) * (single ? 0x1p126 : 0x1p1022); break;
        case F_SUBNORMAL:
            y = s * (double)(rng_next() % (single ? 1u << 12 : 1u << 20)) * (single ? 0x1p-149 : 0x1p-1074);
            break;
        case F_MIXED: {
            static const double ds[5] = {0x1p-1060, 0x1p-500, 1.0, 0x1p500, 0x1p1000};
            static const double ss[5] = {0x1p-140, 0x1p-60, 1.0, 0x1p60, 0x1p120};
            y = s * (1.0 + u) * (single ? ss : ds)[rng_next() % 5];
            break;
        }
        default: { /* log-uniform exponents over the whole range */
            int lo = single ? -149 : -1074, hi = single ? 127 : 1023;
            int ex = lo + (int)(rng_next() % (unsigned)(hi - lo + 1));
            y = s * ldexp(1.0 + u, ex);
            break;
        }
        }
        out[c] = single ? (double)(float)y : y;
    }
}

/* Fills v (kind, n, incx set) from a family; e gets what is known independently. */
static void fill(struct vec *v, enum family f, int g, struct expect *e) {
    int parts = parts_of(v->k), single = is_single(v->k);
    size_t count = v->incx == 0 ? (v->n > 0) : v->n; /* independent elements */
    *e = no_expect;
    if (f == F_GRID) {
        long M = 0;
        int mmax = g == 8 ? 1 : 7;
        double val = single ? (double)sgrid[g] : dgrid[g];
        for (size_t i = 0; i < count * (size_t)parts; i++) {
            int m = (int)(rng_next() % (unsigned)(2 * mmax + 1)) - mmax;
            v->c[i] = val * m;
            M += (long)m * m;
        }
        if (v->incx == 0) M *= (long)v->n;
        if (single) {
            /* float norm: RN(sqrt(M)) * v (subnormal grid: rint(sqrt(M)) * v). */
            if (M < (1L << 24)) {
                e->has_s = 1;
                e->s = g == 0 ? (float)(rint(sqrt((double)M)) * val) : sqrt_s(M) * sgrid[g];
            }
            /* double norm of the float values: RN(sqrt(M)) * v when v is a power of two
             * (every float grid value is a normal double); FLT_MAX only if M is a square. */
            double r = sqrt((double)M);
            if (g != 8 || r == floor(r)) { e->has_d = 1; e->d = r * val; }
        } else {
            e->has_d = 1;
            e->d = g == 0 ? rint(sqrt((double)M)) * val : sqrt((double)M) * val;
            /* float norm of the double values: 0 below float's range, +Inf above. */
            if (M == 0) { e->has_s = 1; e->s = 0.0f; }
            else if (g <= 2) { e->has_s = 1; e->s = 0.0f; }
            else if (g >= 6) { e->has_s = 1; e->s = INFINITY; }
            else if (M < (1L << 24)) { e->has_s = 1; e->s = sqrt_s(M) * (float)val; }
        }
    } else {
        enum family base = f == F_SPECIAL ? F_NORMAL : f;
        for (size_t i = 0; i < count; i++) draw(base, v->k, v->c + i * (size_t)parts, parts);
        if (f == F_SPECIAL && count > 0) {
            int what = (int)(rng_next() % 3); /* NaN, Inf, both */
            size_t at = (size_t)(rng_next() % (count * (size_t)parts));
            v->c[at] = what == 1 ? (rng_next() & 1 ? -INFINITY : INFINITY) : (rng_next() & 1 ? -NAN : NAN);
            if (what == 2) v->c[(at + 1 + (size_t)(rng_next() % (count * (size_t)parts))) % (count * (size_t)parts)] = -INFINITY;
            int any_nan = 0;
            for (size_t i = 0; i < count * (size_t)parts; i++) any_nan |= isnan(v->c[i]);
            e->has_d = e->has_s = 1;
            e->d = any_nan ? NAN : INFINITY;
            e->s = any_nan ? NAN : INFINITY;
        }
    }
    /* incx == 0: the logical vector is n copies of element 0. */
    if (v->incx == 0)
        for (size_t i = 1; i < v->n; i++) memcpy(v->c + i * (size_t)parts, v->c, (size_t)parts * sizeof(double));
}

/* Squares summing to m^2 for an odd m (a rounding midpoint between two adjacent integers of
 * the format): (m-1)^2 + (2m-1), the remainder split greedily into squares (as
 * tests/common/oracle.rs tie_decomposition).  Returns the count written to out. */
static int tie_decomposition(uint64_t m, double *out) {
    int cnt = 0;
    uint64_t r = 2 * m - 1;
    out[cnt++] = (double)(m - 1);
    while (r > 0) {
        uint64_t a = (uint64_t)sqrt((double)r);
        while (a * a > r) a--;
        while ((a + 1) * (a + 1) <= r) a++;
        out[cnt++] = (double)a;
        r -= a * a;
    }
    return cnt;
}

/* An exact tie in binary64 (double kinds) or binary32 (float kinds), scaled by 2^k, maybe
 * with a tiny element that breaks it upwards. */
static void fill_tie(struct vec *v, struct expect *e, double *buf) {
    int single = is_single(v->k), parts = parts_of(v->k);
    static const int dk[] = {-1074, -1000, -600, -300, -53, 0, 100, 300, 600, 969};
    static const int sk[] = {-149, -120, -60, -24, 0, 30, 60, 103};
    int k = single ? sk[rng_next() % 8] : dk[rng_next() % 10];
    uint64_t m = single ? ((1ull << 24) | (rng_next() & ((1ull << 24) - 1)) | 1)
                        : ((1ull << 53) | (rng_next() & ((1ull << 53) - 1)) | 1);
    double comps[80];
    int c = tie_decomposition(m, comps);
    int tiebreak = (int)(rng_next() % 3) == 0 && k - 40 >= (single ? -149 : -1074);
    if (tiebreak) comps[c++] = ldexp(1.0, (single ? -20 : -40)); /* scaled below */
    int zeros = (int)(rng_next() % 3);
    for (int i = 0; i < zeros; i++) comps[c++] = 0.0;
    for (int i = 0; i < c; i++) comps[i] = rnd_sign() * ldexp(comps[i], k);
    for (int i = c - 1; i > 0; i--) { /* shuffle */
        int j = (int)(rng_next() % (unsigned)(i + 1));
        double t = comps[i]; comps[i] = comps[j]; comps[j] = t;
    }
    if (parts == 2 && c % 2) comps[c++] = 0.0;
    v->n = (size_t)(c / parts);
    v->c = buf;
    memcpy(buf, comps, (size_t)c * sizeof(double));
    *e = no_expect;
    /* The norm is m 2^k (just above it with the tie-breaker): round to the even neighbour
     * (or up). */
    double lo = ldexp((double)(m - 1), k), hi = ldexp((double)(m + 1), k);
    int up = tiebreak || m % 4 == 3;
    if (single) {
        e->tie_s = 1;
        e->nb_s[0] = (float)lo;
        e->nb_s[1] = (float)hi;
        e->has_s = 1;
        e->s = up ? (float)hi : (float)lo;
        e->has_d = 1;
        e->d = ldexp((double)m, k); /* 25 bits: exact in binary64; the tiny part is far below */
    } else {
        e->tie_d = 1;
        e->nb_d[0] = lo;
        e->nb_d[1] = hi;
        e->has_d = 1;
        e->d = up ? hi : lo;
        /* Binary32 rounding of m 2^k (54-bit m, never a binary32 tie). */
        uint64_t q = m >> 30, rem = m & ((1ull << 30) - 1);
        if (rem > (1ull << 29)) q++;
        if (k >= 75) { e->has_s = 1; e->s = INFINITY; }
        else if (k <= -210) { e->has_s = 1; e->s = 0.0f; }
        else if (k + 30 >= -126 && k + 54 <= 128) { e->has_s = 1; e->s = ldexpf((float)q, k + 30); }
    }
}

static void test_pieces(void) {
    static double comps[2 * 70000 + 8];
    struct vec v;
    struct expect e;
    char what[64];
    /* The grid, systematically: every kind, magnitude, stride, some lengths. */
    static const size_t ns[] = {0, 1, 2, 3, 5, 8, 31, 200};
    for (int k = 0; k < N_KIND; k++)
        for (int g = 0; g < 9; g++)
            for (ptrdiff_t incx = -3; incx <= 3; incx++)
                for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
                    v.k = (enum kind)k; v.n = ns[a]; v.incx = incx; v.c = comps;
                    fill(&v, F_GRID, g, &e);
                    snprintf(what, sizeof what, "grid v=%a", is_single(v.k) ? (double)sgrid[g] : dgrid[g]);
                    run_trial(&v, &e, what);
                }
    /* Every family at random lengths and strides. */
    for (int t = 0; t < 3000; t++) {
        v.k = (enum kind)(rng_next() % N_KIND);
        v.incx = (ptrdiff_t)(rng_next() % 7) - 3;
        unsigned r = (unsigned)(rng_next() % 10);
        v.n = r < 6 ? (size_t)(rng_next() % 13) : r < 9 ? 13 + (size_t)(rng_next() % 200) : 213 + (size_t)(rng_next() % 3000);
        v.c = comps;
        enum family f = (enum family)(rng_next() % N_FAMILY);
        fill(&v, f, (int)(rng_next() % 9), &e);
        run_trial(&v, &e, family_name[f]);
    }
    /* Longer than the one-block paths. */
    for (int k = 0; k < N_KIND; k++) {
        v.k = (enum kind)k; v.n = 70000; v.incx = k == 1 ? -1 : 1; v.c = comps;
        fill(&v, F_MIXED, 0, &e);
        run_trial(&v, &e, "long mixed");
    }
    /* Exact ties in binary64 (double data) and binary32 (float data). */
    for (int t = 0; t < 400; t++) {
        v.k = (enum kind)(rng_next() % N_KIND);
        do v.incx = (ptrdiff_t)(rng_next() % 7) - 3;
        while (v.incx == 0);
        fill_tie(&v, &e, comps);
        run_trial(&v, &e, "tie");
    }
    /* The test_nrm2.c tie: (2^53 + 1)^2 = (2^53)^2 + (2^27)^2 + 1, in pieces. */
    double tie[4] = {0x1p53, 0x1p27, 1.0, 0x1p-40};
    v.k = KD; v.n = 3; v.incx = 1; v.c = tie;
    e = no_expect;
    e.has_d = 1; e.d = 0x1p53; e.tie_d = 1; e.nb_d[0] = 0x1p53; e.nb_d[1] = 0x1p53 + 2.0;
    for (int t = 0; t < 20; t++) run_trial(&v, &e, "2^53+1 tie");
    v.n = 4; e.d = 0x1p53 + 2.0;
    for (int t = 0; t < 20; t++) run_trial(&v, &e, "2^53+1 tie broken upwards");

    CHECK(g_need_exact_tie[0] > 0, "the fast state never said NEED_EXACT on a binary64 tie");
    CHECK(g_need_exact_tie[1] > 0, "the fast state never said NEED_EXACT on a binary32 tie");
    CHECK(g_need_exact[0][0] > 0, "no NEED_EXACT for double data finished as double");
    CHECK(g_mixed_types > 0, "no state mixed float and double pieces");
    CHECK(g_transported > 0, "no state was merged through a byte buffer");
    printf("pieces: NEED_EXACT from the fast state: double data %ld (result_d) %ld (result_s), "
           "float data %ld (result_d) %ld (result_s); on ties %ld (binary64) %ld (binary32); "
           "%ld states mixed float and double pieces; %ld merges through bytes\n",
           g_need_exact[0][0], g_need_exact[0][1], g_need_exact[1][0], g_need_exact[1][1],
           g_need_exact_tie[0], g_need_exact_tie[1], g_mixed_types, g_transported);
    printf("pieces: %ld NEED_EXACT values of result_d on float data were within 2^-28 but not "
           "faithful (documented)\n", g_unfaithful_float_as_double);
}

/* ------------------------------------------------------------------ (f) float + double pieces */

static void test_mixed_types(void) {
    /* A float vector added as float pieces and the same values as double pieces (real and
     * complex): result_s is snrm2 of the whole float vector (or NEED_EXACT, then the exact
     * state's), result_d is dnrm2 of the values as doubles. */
    enum { N = 301 };
    float xf[2 * N];
    double xd[2 * N];
    for (int i = 0; i < 2 * N; i++) {
        xf[i] = (float)((rnd_unit() - 0.5) * ldexp(1.0, (int)(rng_next() % 200) - 100));
        xd[i] = xf[i];
    }
    for (int cplx = 0; cplx < 2; cplx++) {
        size_t n = cplx ? N : 2 * N;
        float want_s = cplx ? safenorm_scnrm2(n, xf, 1) : safenorm_snrm2(n, xf, 1);
        double want_d = cplx ? safenorm_dznrm2(n, xd, 1) : safenorm_dnrm2(n, xd, 1);
        for (int t = 0; t < 50; t++) {
            safenorm_sumsq a, b;
            safenorm_exact_sumsq ea, eb;
            safenorm_sumsq_init(&a); safenorm_sumsq_init(&b);
            safenorm_exact_sumsq_init(&ea); safenorm_exact_sumsq_init(&eb);
            size_t c1 = (size_t)(rng_next() % (n + 1)), c2 = c1 + (size_t)(rng_next() % (n - c1 + 1));
            size_t p = cplx ? 2 : 1;
            /* [0, c1) as float into a; [c1, c2) as double into a; [c2, n) as float into b. */
            if (cplx) {
                CHECK(safenorm_sumsq_add_sc(&a, c1, xf, 1) == SAFENORM_OK, "sc");
                CHECK(safenorm_sumsq_add_dz(&a, c2 - c1, xd + p * c1, 1) == SAFENORM_OK, "dz");
                CHECK(safenorm_sumsq_add_sc(&b, n - c2, xf + p * c2, 1) == SAFENORM_OK, "sc");
                CHECK(safenorm_exact_sumsq_add_dz(&ea, c1, xd, 1) == SAFENORM_OK, "exact dz");
                CHECK(safenorm_exact_sumsq_add_sc(&ea, c2 - c1, xf + p * c1, 1) == SAFENORM_OK, "exact sc");
                CHECK(safenorm_exact_sumsq_add_dz(&eb, n - c2, xd + p * c2, 1) == SAFENORM_OK, "exact dz");
            } else {
                CHECK(safenorm_sumsq_add_s(&a, c1, xf, 1) == SAFENORM_OK, "s");
                CHECK(safenorm_sumsq_add_d(&a, c2 - c1, xd + c1, 1) == SAFENORM_OK, "d");
                CHECK(safenorm_sumsq_add_s(&b, n - c2, xf + c2, 1) == SAFENORM_OK, "s");
                CHECK(safenorm_exact_sumsq_add_d(&ea, c1, xd, 1) == SAFENORM_OK, "exact d");
                CHECK(safenorm_exact_sumsq_add_s(&ea, c2 - c1, xf + c1, 1) == SAFENORM_OK, "exact s");
                CHECK(safenorm_exact_sumsq_add_d(&eb, n - c2, xd + c2, 1) == SAFENORM_OK, "exact d");
            }
            CHECK(safenorm_sumsq_merge(&b, &a) == SAFENORM_OK, "merge");
            CHECK(safenorm_exact_sumsq_merge(&eb, &ea) == SAFENORM_OK, "exact merge");
            float fs = -1.0f, es = -1.0f;
            double fd = -1.0, ed = -1.0;
            CHECK(safenorm_exact_sumsq_result_s(&eb, &es) == SAFENORM_OK, "exact result_s");
            CHECK(safenorm_exact_sumsq_result_d(&eb, &ed) == SAFENORM_OK, "exact result_d");
            CHECK_SAME(es, want_s, "mixed %s pieces: exact result_s vs snrm2", cplx ? "sc/dz" : "s/d");
            CHECK_SAME(ed, want_d, "mixed %s pieces: exact result_d vs dnrm2", cplx ? "sc/dz" : "s/d");
            int rc = safenorm_sumsq_result_s(&b, &fs);
            CHECK(rc == SAFENORM_OK || rc == SAFENORM_NEED_EXACT, "result_s status %d", rc);
            if (rc == SAFENORM_OK) CHECK_SAME(fs, want_s, "mixed pieces: fast result_s vs snrm2");
            else CHECK(faithful_s(fs, want_s, &no_expect), "mixed: faithful");
            rc = safenorm_sumsq_result_d(&b, &fd);
            CHECK(rc == SAFENORM_OK || rc == SAFENORM_NEED_EXACT, "result_d status %d", rc);
            if (rc == SAFENORM_OK) CHECK_SAME(fd, want_d, "mixed pieces: fast result_d vs dnrm2");
            else if (!faithful_d(fd, want_d, &no_expect)) {
                g_unfaithful_float_as_double++;
                CHECK(fabs(fd - want_d) <= 0x1p-28 * want_d, "mixed: NEED_EXACT value %a far from %a", fd, want_d);
            } else CHECK(faithful_d(fd, want_d, &no_expect), "mixed: faithful");
        }
    }
}

/* ------------------------------------------------------------------ (b) NaN, Inf, overflow */

static void test_specials(void) {
    double fin[3] = {3.0, 4.0, 12.0}, nanv[2] = {1.0, NAN}, infv[2] = {-INFINITY, 2.0};
    float nanf[1] = {-NAN}, inff[2] = {-INFINITY, 0.0f};
    for (int exact = 0; exact < 2; exact++) {
        unsigned char a[SAFENORM_EXACT_SUMSQ_BYTES], b[SAFENORM_EXACT_SUMSQ_BYTES], c[SAFENORM_EXACT_SUMSQ_BYTES],
            wire[SAFENORM_EXACT_SUMSQ_BYTES];
        size_t sz = state_size(exact);
        double d;
        float s;
        /* Finite in a, NaN in b, Inf in c; merged in every order (c sent as bytes): NaN. */
        for (int order = 0; order < 6; order++) {
            init_any(exact, a); init_any(exact, b); init_any(exact, c);
            CHECK(add_tab[exact][KD](a, 3, fin, 1) == SAFENORM_OK, "add");
            CHECK(add_tab[exact][order & 1 ? KS : KD](b, order & 1 ? 1 : 2, order & 1 ? (const void *)nanf : (const void *)nanv, 1) == SAFENORM_OK, "add NaN");
            CHECK(add_tab[exact][order & 2 ? KC : KZ](c, 1, order & 2 ? (const void *)inff : (const void *)infv, 0) == SAFENORM_OK, "add Inf");
            CHECK((b[6] & 3) == 1 && (c[6] & 3) == 2 && (a[6] & 3) == 0, "%s: flags NaN=1 Inf=2 at offset 6", state_name[exact]);
            memcpy(wire, c, sz);
            unsigned char *x = a, *y = b, *z = wire;
            if (order >= 2) { x = b; y = wire; z = a; }
            if (order >= 4) { x = wire; y = a; z = b; }
            CHECK(merge_any(exact, x, y) == SAFENORM_OK && merge_any(exact, x, z) == SAFENORM_OK, "merge");
            CHECK(x[6] == 3 && x[7] == 0, "%s: merged flags", state_name[exact]);
            CHECK(result_d_any(exact, x, &d) == SAFENORM_OK, "%s NaN result_d status", state_name[exact]);
            CHECK_SAME(d, NAN, "%s: NaN and Inf in different states, order %d", state_name[exact], order);
            CHECK(result_s_any(exact, x, &s) == SAFENORM_OK, "%s NaN result_s status", state_name[exact]);
            CHECK_SAME(s, NAN, "%s: NaN and Inf, result_s", state_name[exact]);
            /* Inf without NaN: +Inf; merging the NaN state in afterwards: NaN again. */
            unsigned char t[SAFENORM_EXACT_SUMSQ_BYTES];
            init_any(exact, t);
            CHECK(add_tab[exact][KD](t, 1, fin, 1) == SAFENORM_OK, "add");
            CHECK(merge_any(exact, t, c) == SAFENORM_OK, "merge");
            CHECK(result_d_any(exact, t, &d) == SAFENORM_OK && d == INFINITY, "%s: -Inf merged: +Inf, got %a", state_name[exact], d);
            CHECK(result_s_any(exact, t, &s) == SAFENORM_OK && s == INFINITY, "%s: -Inf merged: result_s +Inf", state_name[exact]);
            CHECK(merge_any(exact, t, x) == SAFENORM_OK, "merge");
            CHECK(result_d_any(exact, t, &d) == SAFENORM_OK && isnan(d), "%s: NaN survives merges", state_name[exact]);
        }
        /* The norm overflows: DBL_MAX in two states gives +Inf; one DBL_MAX is exact. */
        double big[2] = {DBL_MAX, -DBL_MAX};
        init_any(exact, a); memset(b, 0, sz);
        CHECK(add_tab[exact][KD](a, 1, big, 1) == SAFENORM_OK && add_tab[exact][KD](b, 1, big + 1, 1) == SAFENORM_OK, "add");
        CHECK(result_d_any(exact, a, &d) == SAFENORM_OK, "status");
        CHECK_SAME(d, DBL_MAX, "%s: DBL_MAX alone", state_name[exact]);
        CHECK(result_s_any(exact, a, &s) == SAFENORM_OK && s == INFINITY, "%s: DBL_MAX as float: +Inf", state_name[exact]);
        CHECK(merge_any(exact, a, b) == SAFENORM_OK, "merge");
        CHECK(result_d_any(exact, a, &d) == SAFENORM_OK && d == INFINITY, "%s: 2 x DBL_MAX: +Inf, got %a", state_name[exact], d);
        CHECK(result_s_any(exact, a, &s) == SAFENORM_OK && s == INFINITY, "%s: 2 x DBL_MAX: result_s +Inf", state_name[exact]);
        /* Float overflow: FLT_MAX twice is +Inf as float, finite (sqrt(2) FLT_MAX) as double. */
        float fbig[2] = {FLT_MAX, FLT_MAX};
        double fbigd[2] = {FLT_MAX, FLT_MAX};
        init_any(exact, a); init_any(exact, b);
        CHECK(add_tab[exact][KS](a, 1, fbig, 1) == SAFENORM_OK && add_tab[exact][KS](b, 1, fbig, 1) == SAFENORM_OK, "add");
        CHECK(result_s_any(exact, a, &s) == SAFENORM_OK, "status");
        CHECK_SAME(s, FLT_MAX, "%s: FLT_MAX alone", state_name[exact]);
        CHECK(merge_any(exact, a, b) == SAFENORM_OK, "merge");
        CHECK(result_s_any(exact, a, &s) == SAFENORM_OK && s == INFINITY, "%s: 2 x FLT_MAX: result_s +Inf", state_name[exact]);
        int rc = result_d_any(exact, a, &d);
        double want = safenorm_dnrm2(2, fbigd, 1);
        CHECK(want > FLT_MAX && want < INFINITY, "dnrm2 of 2 x FLT_MAX");
        if (rc == SAFENORM_NEED_EXACT && !exact) CHECK(faithful_d(d, want, &no_expect), "faithful");
        else CHECK(rc == SAFENORM_OK && same_double(d, want), "%s: 2 x FLT_MAX: result_d %a, want %a", state_name[exact], d, want);
        /* The binary32 overflow threshold: the midpoint 2^128 - 2^103 between FLT_MAX and 2^128
         * rounds to 2^128 (ties to even: FLT_MAX is odd): +Inf; just below it FLT_MAX.  The
         * binary32 underflow midpoint 2^-150 rounds to 0, just above it to 2^-149. */
        const double edge[4] = {0x1p128 - 0x1p103, 0x1p128 - 0x1p103 - 0x1p75, 0x1p-150, 0x1p-150 + 0x1p-180};
        const float edge_want[4] = {INFINITY, FLT_MAX, 0.0f, 0x1p-149f};
        for (int i = 0; i < 4; i++) {
            init_any(exact, a);
            CHECK(add_tab[exact][KD](a, 1, &edge[i], 1) == SAFENORM_OK, "add");
            rc = result_s_any(exact, a, &s);
            if (rc == SAFENORM_NEED_EXACT && !exact) {
                CHECK(faithful_s(s, edge_want[i], &no_expect), "faithful at a float edge");
            } else {
                CHECK(rc == SAFENORM_OK, "status");
                CHECK_SAME(s, edge_want[i], "%s: result_s of %a", state_name[exact], edge[i]);
            }
        }
    }
}

/* ------------------------------------------------------------------ (c) bad input */

/* A valid fast state with all three classes in use (one call per magnitude: a call
 * accumulates in the class of its largest elements, where much smaller ones vanish within
 * the bound). */
static void three_classes(safenorm_sumsq *s) {
    double x[6] = {0x3p-600, 0x4p-600, 3.0, 4.0, 0x3p600, 0x4p600};
    safenorm_sumsq_init(s);
    for (int i = 0; i < 6; i += 2) CHECK(safenorm_sumsq_add_d(s, 2, x + i, 1) == SAFENORM_OK, "three classes");
}

static void put_f64(unsigned char *b, size_t off, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    for (int i = 0; i < 8; i++) b[off + (size_t)i] = (unsigned char)(u >> (8 * i));
}
static double get_f64(const unsigned char *b, size_t off) {
    uint64_t u = 0;
    double v;
    for (int i = 0; i < 8; i++) u |= (uint64_t)b[off + (size_t)i] << (8 * i);
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Every function refuses the bytes bad[] with SAFENORM_ERR_STATE, changes nothing, sets *out
 * to NaN. */
static void expect_refused(int exact, const unsigned char *bad, const char *what) {
    size_t sz = state_size(exact);
    unsigned char s[SAFENORM_EXACT_SUMSQ_BYTES], good[SAFENORM_EXACT_SUMSQ_BYTES], keep[SAFENORM_EXACT_SUMSQ_BYTES];
    double x[2] = {1.0, 2.0}, d = 0.0;
    float f = 0.0f;
    memcpy(s, bad, sz);
    for (int k = 0; k < N_KIND; k++) {
        CHECK(add_tab[exact][k](s, 1, x, 1) == SAFENORM_ERR_STATE, "%s add_%s to %s", state_name[exact], kind_name[k], what);
        CHECK(add_tab[exact][k](s, 0, NULL, 1) == SAFENORM_ERR_STATE, "%s add_%s n=0 to %s", state_name[exact], kind_name[k], what);
        CHECK(memcmp(s, bad, sz) == 0, "%s: %s changed by add", state_name[exact], what);
    }
    CHECK(result_d_any(exact, s, &d) == SAFENORM_ERR_STATE && isnan(d), "%s result_d of %s", state_name[exact], what);
    CHECK(result_s_any(exact, s, &f) == SAFENORM_ERR_STATE && isnan(f), "%s result_s of %s", state_name[exact], what);
    init_any(exact, good);
    CHECK(add_tab[exact][KD](good, 2, x, 1) == SAFENORM_OK, "add");
    memcpy(keep, good, sz);
    CHECK(merge_any(exact, good, s) == SAFENORM_ERR_STATE, "%s merge from %s", state_name[exact], what);
    CHECK(memcmp(good, keep, sz) == 0, "%s: into changed by a refused merge from %s", state_name[exact], what);
    CHECK(merge_any(exact, s, good) == SAFENORM_ERR_STATE, "%s merge into %s", state_name[exact], what);
    CHECK(merge_any(exact, s, s) == SAFENORM_ERR_STATE, "%s merge %s into itself", state_name[exact], what);
    CHECK(memcmp(s, bad, sz) == 0, "%s: %s changed by merge", state_name[exact], what);
}

static void expect_accepted(const unsigned char *b, const char *what) {
    double d;
    safenorm_sumsq s;
    memcpy(&s, b, sizeof s);
    int rc = safenorm_sumsq_result_d(&s, &d);
    CHECK(rc == SAFENORM_OK || rc == SAFENORM_NEED_EXACT, "%s refused (%d)", what, rc);
}

static void test_corrupt(void) {
    char what[96];
    unsigned char base[SAFENORM_EXACT_SUMSQ_BYTES], bad[SAFENORM_EXACT_SUMSQ_BYTES];
    /* ---- the fast state */
    safenorm_sumsq v;
    three_classes(&v);
    memcpy(base, &v, sizeof v);
    for (int cls = 0; cls < 3; cls++) CHECK(get_f64(base, 8 + 24 * (size_t)cls) > 0, "class %d in use", cls);
    expect_accepted(base, "valid state");
    for (int i = 0; i < 4; i++) { /* tag */
        memcpy(bad, base, 96); bad[i] ^= 0x20;
        snprintf(what, sizeof what, "tag byte %d flipped", i); expect_refused(0, bad, what);
        memcpy(bad, base, 96); bad[i] = 0;
        snprintf(what, sizeof what, "tag byte %d zero", i); expect_refused(0, bad, what);
    }
    memcpy(bad, base, 96); memcpy(bad, "SNEX", 4); expect_refused(0, bad, "exact tag on a fast state");
    static const unsigned versions[] = {0, 2, 0x100, 0xFFFF};
    for (int i = 0; i < 4; i++) { /* version */
        memcpy(bad, base, 96); bad[4] = (unsigned char)versions[i]; bad[5] = (unsigned char)(versions[i] >> 8);
        snprintf(what, sizeof what, "version %#x", versions[i]); expect_refused(0, bad, what);
    }
    for (int bit = 2; bit < 16; bit++) { /* unknown flags */
        memcpy(bad, base, 96); bad[6 + bit / 8] |= (unsigned char)(1u << (bit % 8));
        snprintf(what, sizeof what, "flag bit %d", bit); expect_refused(0, bad, what);
    }
    for (int i = 80; i < 96; i++) { /* reserved */
        memcpy(bad, base, 96); bad[i] = (unsigned char)(i == 80 ? 0x80 : 1);
        snprintf(what, sizeof what, "reserved byte %d", i); expect_refused(0, bad, what);
    }
    static const char *field[3] = {"hi", "lo", "err"};
    for (int cls = 0; cls < 3; cls++)
        for (int f = 0; f < 3; f++) {
            size_t off = 8 + 24 * (size_t)cls + 8 * (size_t)f;
            double hi = get_f64(base, 8 + 24 * (size_t)cls);
            double vals[7];
            int nv = 0;
            vals[nv++] = NAN; vals[nv++] = INFINITY; vals[nv++] = -INFINITY;
            if (f != 1) { /* hi and err: not negative, not above 2^1000 */
                vals[nv++] = -1.0; vals[nv++] = -0x1p-1074; vals[nv++] = 0x1p1001; vals[nv++] = nextafter(0x1p1000, INFINITY);
            } else { /* lo: below half an ulp of hi */
                vals[nv++] = hi; vals[nv++] = -hi * 0x1p-40; vals[nv++] = nextafter(hi, INFINITY) - hi;
            }
            for (int i = 0; i < nv; i++) {
                memcpy(bad, base, 96); put_f64(bad, off, vals[i]);
                snprintf(what, sizeof what, "class %d %s = %a", cls, field[f], vals[i]);
                expect_refused(0, bad, what);
            }
        }
    /* An empty state's class with lo but no hi; bytes that are all zero but one. */
    memset(bad, 0, 96); memcpy(bad, "SNSQ", 4); bad[4] = 1; put_f64(bad, 8 + 24 + 8, 1.0);
    expect_refused(0, bad, "lo without hi");
    for (int i = 0; i < 96; i += 7) {
        memset(bad, 0, 96); bad[i] = 1;
        snprintf(what, sizeof what, "zero struct with byte %d = 1", i); expect_refused(0, bad, what);
    }
    /* A class whose hi is -0.0, and a zero sum with a non-zero bound (never written). */
    memset(bad, 0, 96); memcpy(bad, "SNSQ", 4); bad[4] = 1; put_f64(bad, 8 + 24, -0.0);
    expect_refused(0, bad, "hi = -0.0");
    memset(bad, 0, 96); memcpy(bad, "SNSQ", 4); bad[4] = 1; put_f64(bad, 8 + 24 + 16, 1.0);
    expect_refused(0, bad, "zero sum with err = 1");
    /* The edges that are valid: hi and err up to 2^1000 (err <= hi), lo exactly half an ulp of an even
     * hi (what TwoSum returns, so the library writes such states). */
    memset(bad, 0, 96); memcpy(bad, "SNSQ", 4); bad[4] = 1;
    put_f64(bad, 8 + 48, 0x1p1000); put_f64(bad, 8 + 48 + 16, 0x1p1000);
    expect_accepted(bad, "hi = err = 2^1000");
    put_f64(bad, 8 + 48, 0x1p1000); put_f64(bad, 8 + 48 + 8, 0x1p947);
    expect_accepted(bad, "lo = half an ulp of an even hi");
    put_f64(bad, 8 + 48, nextafter(0x1p1000, 0)); put_f64(bad, 8 + 48 + 8, 0x1p946);
    put_f64(bad, 8 + 48 + 16, 0.0);
    expect_refused(0, bad, "lo = half an ulp of an odd hi");
    /* The bound may not exceed the sum (real states keep it below 2^-28 of it). */
    memset(bad, 0, 96); memcpy(bad, "SNSQ", 4); bad[4] = 1;
    put_f64(bad, 8 + 24, 1.0); put_f64(bad, 8 + 24 + 16, 1.0);
    expect_accepted(bad, "err = hi = 1");
    put_f64(bad, 8 + 24 + 16, nextafter(1.0, 2.0));
    expect_refused(0, bad, "err just above hi");

    /* ---- the exact state */
    safenorm_exact_sumsq ev;
    double x[3] = {0x3p-1074, 4.0, 0x5p1000};
    safenorm_exact_sumsq_init(&ev);
    CHECK(safenorm_exact_sumsq_add_d(&ev, 3, x, 1) == SAFENORM_OK, "add");
    memcpy(base, &ev, sizeof ev);
    for (int i = 0; i < 4; i++) {
        memcpy(bad, base, sizeof ev); bad[i] ^= 0x20;
        snprintf(what, sizeof what, "tag byte %d flipped", i); expect_refused(1, bad, what);
    }
    memcpy(bad, base, sizeof ev); memcpy(bad, "SNSQ", 4); expect_refused(1, bad, "fast tag on an exact state");
    for (int i = 0; i < 4; i++) {
        memcpy(bad, base, sizeof ev); bad[4] = (unsigned char)versions[i]; bad[5] = (unsigned char)(versions[i] >> 8);
        snprintf(what, sizeof what, "version %#x", versions[i]); expect_refused(1, bad, what);
    }
    for (int bit = 2; bit < 16; bit++) {
        memcpy(bad, base, sizeof ev); bad[6 + bit / 8] |= (unsigned char)(1u << (bit % 8));
        snprintf(what, sizeof what, "flag bit %d", bit); expect_refused(1, bad, what);
    }
    for (int i = 8; i < 16; i++) {
        memcpy(bad, base, sizeof ev); bad[i] = 1;
        snprintf(what, sizeof what, "reserved byte %d", i); expect_refused(1, bad, what);
    }
    for (size_t i = 0; i < sizeof ev; i += 37) {
        memset(bad, 0, sizeof ev); bad[i] = 1;
        snprintf(what, sizeof what, "zero exact struct with byte %zu = 1", i); expect_refused(1, bad, what);
    }
    /* A fast state is not an exact one, and the other way round (sizes differ, tags too). */
    memset(bad, 0, sizeof ev); memcpy(bad, &v, sizeof v); expect_refused(1, bad, "fast state bytes as exact");
}

static void test_bad_input(void) {
    double x[4] = {1.0, 2.0, 3.0, 4.0}, d;
    float f;
    for (int exact = 0; exact < 2; exact++) {
        size_t sz = state_size(exact);
        unsigned char s[SAFENORM_EXACT_SUMSQ_BYTES], keep[SAFENORM_EXACT_SUMSQ_BYTES];
        init_any(exact, s);
        CHECK(add_tab[exact][KD](s, 3, x, 1) == SAFENORM_OK, "add");
        memcpy(keep, s, sz);
        for (int k = 0; k < N_KIND; k++) {
            add_fn add = add_tab[exact][k];
            const char *nm = kind_name[k];
            /* NULL state. */
            CHECK(add(NULL, 1, x, 1) == SAFENORM_ERR_STATE, "%s add_%s NULL state", state_name[exact], nm);
            CHECK(add(NULL, 0, NULL, 1) == SAFENORM_ERR_STATE, "%s add_%s NULL state n=0", state_name[exact], nm);
            /* NULL x with n > 0 (whatever the stride): ERR_NULL, nothing changed. */
            CHECK(add(s, 1, NULL, 1) == SAFENORM_ERR_NULL, "%s add_%s NULL x", state_name[exact], nm);
            CHECK(add(s, 3, NULL, 0) == SAFENORM_ERR_NULL, "%s add_%s NULL x incx=0", state_name[exact], nm);
            CHECK(add(s, SIZE_MAX, NULL, PTRDIFF_MIN) == SAFENORM_ERR_NULL, "%s add_%s NULL x huge span", state_name[exact], nm);
            /* n == 0: nothing read, whatever x and incx. */
            CHECK(add(s, 0, NULL, 1) == SAFENORM_OK, "%s add_%s n=0 NULL", state_name[exact], nm);
            CHECK(add(s, 0, x, PTRDIFF_MIN) == SAFENORM_OK, "%s add_%s n=0 PTRDIFF_MIN", state_name[exact], nm);
            CHECK(memcmp(s, keep, sz) == 0, "%s add_%s: state changed", state_name[exact], nm);
            /* Spans that are not addressable: ERR_STRIDE, nothing read, nothing changed. */
            struct { size_t n; ptrdiff_t inc; } spans[] = {
                {SIZE_MAX, 1}, {SIZE_MAX, -1}, {SIZE_MAX, 2}, {SIZE_MAX, PTRDIFF_MIN}, {SIZE_MAX, PTRDIFF_MAX},
                {(size_t)1 << 62, 4}, {(size_t)1 << 61, 1}, {(size_t)1 << 61, -1}, {2, PTRDIFF_MIN},
                {2, PTRDIFF_MAX}, {(size_t)INT_MAX, INT_MAX}, {(size_t)INT_MAX, INT_MIN}, {(size_t)INT64_MAX, 2}};
            for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
                CHECK(add(s, spans[i].n, x, spans[i].inc) == SAFENORM_ERR_STRIDE, "%s add_%s n=%zu incx=%td",
                      state_name[exact], nm, spans[i].n, spans[i].inc);
                CHECK(memcmp(s, keep, sz) == 0, "%s add_%s: state changed by a refused span", state_name[exact], nm);
            }
            /* PTRDIFF_MIN with n == 1 is one element. */
            unsigned char t[SAFENORM_EXACT_SUMSQ_BYTES];
            init_any(exact, t);
            CHECK(add(t, 1, x, PTRDIFF_MIN) == SAFENORM_OK, "%s add_%s n=1 PTRDIFF_MIN", state_name[exact], nm);
            /* incx == 0 with n = SIZE_MAX: sqrt(2^64 - 1) * |x0| rounds to 2^32; only x[0] read. */
            static const double one_d[2] = {1.0, 0.0};
            static const float one_f[2] = {1.0f, 0.0f};
            init_any(exact, t);
            CHECK(add(t, SIZE_MAX, is_single((enum kind)k) ? (const void *)one_f : (const void *)one_d, 0) == SAFENORM_OK,
                  "%s add_%s n=SIZE_MAX incx=0", state_name[exact], nm);
            int rc = result_d_any(exact, t, &d);
            if (rc == SAFENORM_NEED_EXACT) CHECK(d == 0x1p32 || d == nextafter(0x1p32, 0), "faithful");
            else CHECK(rc == SAFENORM_OK && d == 0x1p32, "%s add_%s n=SIZE_MAX incx=0: %a", state_name[exact], nm, d);
        }
        /* NULL and bad pointers to merge and result. */
        CHECK(merge_any(exact, NULL, s) == SAFENORM_ERR_STATE, "%s merge NULL into", state_name[exact]);
        CHECK(merge_any(exact, s, NULL) == SAFENORM_ERR_STATE, "%s merge NULL from", state_name[exact]);
        CHECK(merge_any(exact, NULL, NULL) == SAFENORM_ERR_STATE, "%s merge NULL NULL", state_name[exact]);
        CHECK(memcmp(s, keep, sz) == 0, "%s: state changed by a refused merge", state_name[exact]);
        d = 1.0; f = 1.0f;
        CHECK(result_d_any(exact, NULL, &d) == SAFENORM_ERR_STATE && isnan(d), "%s result_d NULL state", state_name[exact]);
        CHECK(result_s_any(exact, NULL, &f) == SAFENORM_ERR_STATE && isnan(f), "%s result_s NULL state", state_name[exact]);
        CHECK(result_d_any(exact, s, NULL) == SAFENORM_ERR_OUT_NULL, "%s result_d NULL out", state_name[exact]);
        CHECK(result_s_any(exact, s, NULL) == SAFENORM_ERR_OUT_NULL, "%s result_s NULL out", state_name[exact]);
        int rc = result_d_any(exact, NULL, NULL);
        CHECK(rc == SAFENORM_ERR_STATE || rc == SAFENORM_ERR_OUT_NULL, "%s result_d NULL, NULL: %d", state_name[exact], rc);
        init_any(exact, NULL); /* does nothing */
        /* *out is written unaligned. */
        unsigned char outbuf[16];
        CHECK(result_d_any(exact, s, (double *)(void *)(outbuf + 1)) == SAFENORM_OK, "unaligned out");
        memcpy(&d, outbuf + 1, sizeof d);
        CHECK_SAME(d, sqrt(14.0), "%s: result_d into an unaligned double", state_name[exact]);

        /* The all-zero struct is an empty state: result 0, usable as into and from. */
        unsigned char z[SAFENORM_EXACT_SUMSQ_BYTES];
        memset(z, 0, sz);
        CHECK(result_d_any(exact, z, &d) == SAFENORM_OK && same_double(d, 0.0), "%s zero struct: +0", state_name[exact]);
        CHECK(result_s_any(exact, z, &f) == SAFENORM_OK && same_double(f, 0.0), "%s zero struct: +0f", state_name[exact]);
        CHECK(merge_any(exact, s, z) == SAFENORM_OK, "%s merge from a zero struct", state_name[exact]);
        CHECK(result_d_any(exact, s, &d) == SAFENORM_OK && d == sqrt(14.0), "%s after merging zero", state_name[exact]);
        CHECK(merge_any(exact, z, s) == SAFENORM_OK, "%s merge into a zero struct", state_name[exact]);
        CHECK(result_d_any(exact, z, &d) == SAFENORM_OK && d == sqrt(14.0), "%s zero struct after merge", state_name[exact]);
        memset(z, 0, sz);
        CHECK(add_tab[exact][KZ](z, 2, x, 1) == SAFENORM_OK, "%s add to a zero struct", state_name[exact]);
        CHECK(result_d_any(exact, z, &d) == SAFENORM_OK && d == sqrt(30.0), "%s zero struct after add", state_name[exact]);
        /* Negative zeros give +0. */
        double nz[2] = {-0.0, -0.0};
        memset(z, 0, sz);
        CHECK(add_tab[exact][KD](z, 2, nz, 1) == SAFENORM_OK && result_d_any(exact, z, &d) == SAFENORM_OK && same_double(d, 0.0),
              "%s -0.0 gives +0.0", state_name[exact]);
    }

    /* into == from doubles the state: the norm of the vector twice. */
    for (int t = 0; t < 40; t++) {
        enum { N = 100 };
        double y[2 * N];
        size_t n = 1 + (size_t)(rng_next() % N);
        for (size_t i = 0; i < n; i++) { draw(t % 2 ? F_LOGUNIFORM : F_NORMAL, KD, y + i, 1); y[n + i] = y[i]; }
        double want = safenorm_dnrm2(2 * n, y, 1), got;
        safenorm_sumsq s;
        safenorm_exact_sumsq e;
        safenorm_sumsq_init(&s);
        safenorm_exact_sumsq_init(&e);
        CHECK(safenorm_sumsq_add_d(&s, n, y, 1) == SAFENORM_OK && safenorm_exact_sumsq_add_d(&e, n, y, -1) == SAFENORM_OK, "add");
        CHECK(safenorm_sumsq_merge(&s, &s) == SAFENORM_OK && safenorm_exact_sumsq_merge(&e, &e) == SAFENORM_OK, "merge into itself");
        CHECK(safenorm_exact_sumsq_result_d(&e, &got) == SAFENORM_OK, "status");
        CHECK_SAME(got, want, "exact state merged into itself, n=%zu", n);
        CHECK_SAME(resolved_d(&s, &e), want, "state merged into itself, n=%zu", n);
    }

    /* Past a state's range (more than 2^64 elements' worth): never refused, and the norm,
     * which then exceeds every format's largest value, is +Inf.  Doubling a DBL_MAX state
     * gets there after about 150 merges (fast) and 150 (exact, 4352-bit accumulator).  A
     * medium-class sum doubled past 2^1000 moves into the big class and stays exact enough:
     * 1.0 doubled 1200 times is 2^600 (finite), checked against the exact state. */
    {
        double big = DBL_MAX, one = 1.0;
        safenorm_sumsq s;
        safenorm_exact_sumsq e;
        safenorm_sumsq_init(&s);
        safenorm_exact_sumsq_init(&e);
        CHECK(safenorm_sumsq_add_d(&s, 1, &big, 1) == SAFENORM_OK, "add");
        CHECK(safenorm_exact_sumsq_add_d(&e, 1, &big, 1) == SAFENORM_OK, "add");
        for (int k = 0; k < 300; k++) {
            CHECK(safenorm_sumsq_merge(&s, &s) == SAFENORM_OK, "fast doubling %d refused", k);
            CHECK(safenorm_exact_sumsq_merge(&e, &e) == SAFENORM_OK, "exact doubling %d refused", k);
        }
        CHECK(safenorm_sumsq_result_d(&s, &d) == SAFENORM_OK && d == INFINITY, "fast: +Inf past the range");
        CHECK(safenorm_exact_sumsq_result_d(&e, &d) == SAFENORM_OK && d == INFINITY, "exact: +Inf past the range");
        CHECK(s.bytes[6] == 2 && e.bytes[6] == 2, "the overflow is recorded as an infinity");
        /* An add that passes the range, from a (valid, crafted) state at its edge: big class
         * hi = 2^1000; exact limbs all ones.  The same answer, with 1 and 2 threads. */
        for (int t = 1; t <= 2; t++) {
            safenorm_set_num_threads(t);
            safenorm_sumsq_init(&s);
            put_f64(s.bytes, 8 + 48, 0x1p1000);
            CHECK(safenorm_sumsq_add_d(&s, (size_t)1 << 62, &big, 0) == SAFENORM_OK, "fast add past the range");
            CHECK(safenorm_sumsq_result_d(&s, &d) == SAFENORM_OK && d == INFINITY, "fast add: +Inf");
            safenorm_exact_sumsq_init(&e);
            memset(e.bytes + 16, 0xff, 8 * 68);
            CHECK(safenorm_exact_sumsq_add_d(&e, 1, &one, 1) == SAFENORM_OK, "exact add past the range");
            CHECK(safenorm_exact_sumsq_result_d(&e, &d) == SAFENORM_OK && d == INFINITY, "exact add: +Inf");
        }
        safenorm_set_num_threads(0);
        /* The medium class carried into the big one. */
        safenorm_sumsq_init(&s);
        safenorm_exact_sumsq_init(&e);
        CHECK(safenorm_sumsq_add_d(&s, 1, &one, 1) == SAFENORM_OK, "add");
        CHECK(safenorm_exact_sumsq_add_d(&e, 1, &one, 1) == SAFENORM_OK, "add");
        for (int k = 0; k < 1200; k++) {
            CHECK(safenorm_sumsq_merge(&s, &s) == SAFENORM_OK, "merge");
            CHECK(safenorm_exact_sumsq_merge(&e, &e) == SAFENORM_OK, "merge");
        }
        CHECK(get_f64(s.bytes, 8 + 24) == 0.0 && get_f64(s.bytes, 8 + 48) > 0.0, "carried into the big class");
        CHECK_SAME(resolved_d(&s, &e), 0x1p600, "1.0 doubled 1200 times");
    }

    /* Misaligned x (byte offsets 0..7): the same results, every add function. */
    unsigned char raw[8 * 64 + 16];
    double ref[64];
    float reff[64];
    for (int i = 0; i < 64; i++) {
        draw(F_NORMAL, KD, ref + i, 1);
        reff[i] = (float)ref[i];
    }
    for (int k = 0; k < N_KIND; k++) {
        const void *src = is_single((enum kind)k) ? (const void *)reff : (const void *)ref;
        size_t bytes = is_single((enum kind)k) ? sizeof reff : sizeof ref;
        size_t n = (size_t)(k == KZ || k == KC ? 32 : 64);
        for (ptrdiff_t inc = -3; inc <= 3; inc++) {
            size_t m = inc == 0 ? n : (n - 1) / (size_t)(inc < 0 ? -inc : inc) + 1;
            double want = nrm_native((enum kind)k, m, src, inc);
            for (int off = 0; off < 8; off++) {
                memcpy(raw + off, src, bytes);
                const void *p = raw + off;
                safenorm_sumsq s;
                safenorm_exact_sumsq e;
                safenorm_sumsq_init(&s);
                safenorm_exact_sumsq_init(&e);
                CHECK(add_tab[0][k](&s, m, p, inc) == SAFENORM_OK && add_tab[1][k](&e, m, p, inc) == SAFENORM_OK, "add");
                if (is_single((enum kind)k)) {
                    float fs, es;
                    CHECK(safenorm_exact_sumsq_result_s(&e, &es) == SAFENORM_OK, "status");
                    CHECK_SAME(es, want, "exact add_%s misaligned by %d, incx=%td", kind_name[k], off, inc);
                    if (safenorm_sumsq_result_s(&s, &fs) == SAFENORM_OK)
                        CHECK_SAME(fs, want, "add_%s misaligned by %d, incx=%td", kind_name[k], off, inc);
                    else CHECK(faithful_s(fs, (float)want, &no_expect), "faithful");
                } else {
                    CHECK_SAME(resolved_d(&s, &e), want, "add_%s misaligned by %d, incx=%td", kind_name[k], off, inc);
                }
            }
        }
    }
}

/* ------------------------------------------------------------------ (d) byte layout */

static void test_layout(void) {
    CHECK(sizeof(safenorm_sumsq) == 96 && SAFENORM_SUMSQ_BYTES == 96, "fast state: 96 bytes");
    CHECK(sizeof(safenorm_exact_sumsq) == 560 && SAFENORM_EXACT_SUMSQ_BYTES == 560, "exact state: 560 bytes");
    CHECK(offsetof(safenorm_sumsq, bytes) == 0 && offsetof(safenorm_exact_sumsq, bytes) == 0, "bytes at offset 0");
    safenorm_sumsq s;
    safenorm_exact_sumsq e;
    memset(&s, 0xEE, sizeof s);
    memset(&e, 0xEE, sizeof e);
    safenorm_sumsq_init(&s);
    safenorm_exact_sumsq_init(&e);
    CHECK(memcmp(s.bytes, "SNSQ", 4) == 0, "fast tag");
    CHECK(s.bytes[4] == 1 && s.bytes[5] == 0, "fast version 1, little-endian");
    CHECK(s.bytes[6] == 0 && s.bytes[7] == 0, "fast flags 0");
    int zero = 1;
    for (int i = 8; i < 96; i++) zero &= s.bytes[i] == 0;
    CHECK(zero, "init writes every byte: classes and reserved are 0");
    CHECK(memcmp(e.bytes, "SNEX", 4) == 0, "exact tag");
    CHECK(e.bytes[4] == 1 && e.bytes[5] == 0 && e.bytes[6] == 0 && e.bytes[7] == 0, "exact version 1, flags 0");
    zero = 1;
    for (int i = 8; i < 560; i++) zero &= e.bytes[i] == 0;
    CHECK(zero, "exact init: reserved and limbs 0");
    /* The classes: small (|x| < 2^-300, squares in units 2^-1200) at 8, medium (units 1) at
     * 32, big (|x| > 2^300, units 2^1200) at 56; hi, lo, err each.  3, 4: hi = 25. */
    static const double scale[3] = {0x1p-600, 1.0, 0x1p600};
    for (int c = 0; c < 3; c++) {
        double x[2] = {3 * scale[c], 4 * scale[c]};
        safenorm_sumsq_init(&s);
        CHECK(safenorm_sumsq_add_d(&s, 2, x, 1) == SAFENORM_OK, "add");
        for (int o = 0; o < 3; o++) {
            double hi = get_f64(s.bytes, 8 + 24 * (size_t)o), lo = get_f64(s.bytes, 16 + 24 * (size_t)o),
                   err = get_f64(s.bytes, 24 + 24 * (size_t)o);
            if (o == c) CHECK(hi == 25.0 && lo == 0.0 && err >= 0.0 && err < 1e-10, "class %d: hi %a lo %a err %a", c, hi, lo, err);
            else CHECK(hi == 0.0 && lo == 0.0 && err == 0.0, "class %d unused", o);
        }
        double d;
        CHECK(safenorm_sumsq_result_d(&s, &d) == SAFENORM_OK && d == 5 * scale[c], "5 * scale");
    }
    /* Exact limbs: 1.0^2 = 2^2150 in units of 2^-2150: limb 33, bit 38. */
    double one = 1.0;
    CHECK(safenorm_exact_sumsq_add_d(&e, 1, &one, 1) == SAFENORM_OK, "add");
    zero = 1;
    for (int i = 16; i < 560; i++) zero &= e.bytes[i] == (i == 16 + 8 * 33 + 4 ? 0x40 : 0);
    CHECK(zero, "exact: 1.0 is 2^2150 in the limbs");
}

/* ------------------------------------------------------------------ (e) threads */

static void test_threads(void) {
    /* SAFENORM_NUM_THREADS is the default (set in main before the first library call). */
    CHECK(safenorm_get_num_threads() == 3, "SAFENORM_NUM_THREADS=3: got %d", safenorm_get_num_threads());
    safenorm_set_num_threads(5);
    CHECK(safenorm_get_num_threads() == 5, "set 5");
    safenorm_set_num_threads(0);
    CHECK(safenorm_get_num_threads() == 3, "set 0: back to the default");
    safenorm_set_num_threads(-7);
    CHECK(safenorm_get_num_threads() == 3, "set -7: back to the default");

    size_t n = (size_t)1 << 22;
    double *x = malloc(n * sizeof *x);
    float *xf = malloc(n * sizeof *xf);
    if (!x || !xf) abort();
    for (size_t i = 0; i < n; i++) {
        draw(i % 3 ? F_NORMAL : F_MIXED, KD, x + i, 1);
        xf[i] = (float)((rnd_unit() - 0.5) * 1e3);
    }
    double r[4][6];
    float rf[4][2];
    for (int t = 1; t <= 4; t++) {
        safenorm_set_num_threads(t);
        CHECK(safenorm_get_num_threads() == t, "set %d", t);
        double *o = r[t - 1];
        o[0] = safenorm_dnrm2(n, x, 1);
        o[1] = safenorm_dznrm2(n / 2, x, -1);
        o[2] = safenorm_dnrm2(n / 2, x, -2);
        rf[t - 1][0] = safenorm_snrm2(n, xf, 1);
        safenorm_sumsq s, s2;
        safenorm_sumsq_init(&s);
        safenorm_sumsq_init(&s2);
        CHECK(safenorm_sumsq_add_d(&s, n, x, 1) == SAFENORM_OK, "add");
        CHECK(safenorm_sumsq_result_d(&s, &o[3]) == SAFENORM_OK, "result (NEED_EXACT here would be a surprise)");
        CHECK(safenorm_sumsq_add_dz(&s2, n / 2, x, -1) == SAFENORM_OK, "add");
        CHECK(safenorm_sumsq_result_d(&s2, &o[4]) == SAFENORM_OK, "result");
        safenorm_sumsq_init(&s2);
        CHECK(safenorm_sumsq_add_s(&s2, n, xf, 1) == SAFENORM_OK, "add");
        if (safenorm_sumsq_result_s(&s2, &rf[t - 1][1]) != SAFENORM_OK) {
            safenorm_exact_sumsq e2;
            safenorm_exact_sumsq_init(&e2);
            CHECK(safenorm_exact_sumsq_add_s(&e2, n, xf, 1) == SAFENORM_OK, "add");
            CHECK(safenorm_exact_sumsq_result_s(&e2, &rf[t - 1][1]) == SAFENORM_OK, "result");
        }
        /* incx == 0 on a long vector: sqrt(4^20) * 3. */
        double three = 3.0;
        safenorm_sumsq_init(&s2);
        CHECK(safenorm_sumsq_add_d(&s2, (size_t)1 << 40, &three, 0) == SAFENORM_OK, "add");
        CHECK(safenorm_sumsq_result_d(&s2, &o[5]) == SAFENORM_OK && o[5] == 0x3p20, "incx=0, n=2^40, %d threads", t);
    }
    for (int t = 2; t <= 4; t++) {
        for (int i = 0; i < 6; i++) CHECK_SAME(r[t - 1][i], r[0][i], "result %d with %d threads vs 1 thread", i, t);
        for (int i = 0; i < 2; i++) CHECK_SAME(rf[t - 1][i], rf[0][i], "float result %d with %d threads vs 1", i, t);
    }
    CHECK_SAME(r[0][3], r[0][0], "state vs dnrm2");
    CHECK_SAME(r[0][4], r[0][1], "state vs dznrm2");
    CHECK_SAME(rf[0][1], rf[0][0], "state vs snrm2");
    /* The exact state agrees (it does not depend on threads at all). */
    safenorm_exact_sumsq e;
    double ed;
    safenorm_exact_sumsq_init(&e);
    CHECK(safenorm_exact_sumsq_add_d(&e, n, x, 1) == SAFENORM_OK, "add");
    CHECK(safenorm_exact_sumsq_result_d(&e, &ed) == SAFENORM_OK, "result");
    CHECK_SAME(ed, r[0][0], "exact state vs dnrm2 on 2^22 doubles");
    safenorm_set_num_threads(0);
    free(x);
    free(xf);
}

int main(void) {
    /* Before any library call: the default thread count comes from the environment. */
    setenv("SAFENORM_NUM_THREADS", "3", 1);
    test_threads();
    test_layout();
    test_specials();
    test_bad_input();
    test_corrupt();
    test_mixed_types();
    test_pieces();
    printf("kernel %s, %d threads by default\n", safenorm_active_kernel(), safenorm_get_num_threads());
    return finish("test_sumsq");
}
