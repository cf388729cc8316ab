/* safenorm_mpi.h under a real MPI run (mpirun -np 4; any number of ranks works).
 *
 * Every rank generates the whole vector from a seed (the same on every rank), cuts it into
 * one piece per rank (unequal sizes, empty pieces included), stores its own piece with the
 * stride under test (a NaN in every gap, so a read outside the piece shows), and calls the
 * distributed routine.  Checks, on every rank:
 *  1. the result equals bitwise safenorm_?nrm2 (single process) of the whole vector, and the
 *     status is SAFENORM_OK;
 *  2. every rank got the same bits and the same status (one MPI_Allreduce of all recorded
 *     bits at the end, MAX over (v, ~v));
 *  3. exact rounding ties (squares summing to the square of a rounding midpoint): the fast
 *     state of the whole vector, single process, says SAFENORM_NEED_EXACT (checked, counted),
 *     the distributed call really enters the exact round (counted through
 *     SAFENORM_MPI_EXACT_ROUND_HOOK, the same count on every rank), and the result is the
 *     known correctly rounded value (the even neighbour, or the upper one with a tie-breaker);
 * for the four routines, strides 1, 2, -1, 3, -3 and 0 (n copies of x[0] per piece), and the
 * families random, near overflow (2^1020 / 2^124 entries), subnormal, mixed (huge, tiny,
 * subnormal, zero), NaN and Inf planted in pieces, ties; MPI_COMM_WORLD and a split
 * communicator.  safenorm_mpi_sumsq_allreduce / _exact_sumsq_allreduce directly: identical
 * state bytes on every rank, the result of the merged state equals the whole vector's norm.
 * Errors: a NULL piece, an overflowing span, a NULL out, NULL and corrupted states on one
 * rank (that rank gets its code, the others SAFENORM_MPI_ERR_REMOTE and NaN, nobody hangs),
 * an intercommunicator and MPI_COMM_NULL (negated MPI error codes).  The user operation with
 * len > 1.  Exits non-zero on every rank if any rank saw a failure.
 *
 * The file is C99 and C++11 (built as both). */
#ifdef __cplusplus
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#endif

static long g_exact_rounds = 0; /* exact rounds entered by this rank */
#define SAFENORM_MPI_EXACT_ROUND_HOOK() (g_exact_rounds++)
#include "safenorm_mpi.h"
#include "check.h"

#include <float.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static int g_rank, g_size;

enum { KD, KS, KZ, KC, N_KIND }; /* double, float, complex double, complex float */
static const char *kind_name[N_KIND] = {"d", "s", "dz", "sc"};
static int parts_of(int k) { return k == KZ || k == KC ? 2 : 1; }
static int is_single(int k) { return k == KS || k == KC; }

enum { F_RANDOM, F_HUGE, F_SUBNORMAL, F_MIXED, F_SPECIAL, F_TIE, N_FAM };
static const char *fam_name[N_FAM] = {"random", "near-overflow", "subnormal", "mixed", "nan/inf", "tie"};

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    return p;
}

/* ------------------------------------------------------------------ recorded values
 * Values every rank must agree on, compared once at the end. */
static uint64_t *g_rec = NULL;
static size_t g_nrec = 0, g_caprec = 0, g_compared = 0;
static void record(uint64_t v) {
    if (g_nrec == g_caprec) {
        g_caprec = g_caprec ? 2 * g_caprec : 1024;
        g_rec = (uint64_t *)realloc(g_rec, g_caprec * sizeof *g_rec);
        if (!g_rec) MPI_Abort(MPI_COMM_WORLD, 2);
    }
    g_rec[g_nrec++] = v;
}
static uint64_t bits_d(double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}
static uint64_t bits_s(float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}
static uint64_t hash_bytes(const void *p, size_t n) { /* FNV-1a */
    const unsigned char *b = (const unsigned char *)p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

/* ------------------------------------------------------------------ data */

static double rnd_unit(void) { return (double)(rng_next() >> 11) * ldexp(1.0, -53); } /* [0, 1) */
static double rnd_sign(void) { return rng_next() & 1 ? -1.0 : 1.0; }

static double draw(int fam, int single) {
    switch (fam) {
    case F_HUGE: /* near overflow: (0.5, 1] * 2^(emax-3): a few of them overflow a naive sum */
        return rnd_sign() * (0.5 + 0.5 * rnd_unit()) * ldexp(1.0, single ? 124 : 1020);
    case F_SUBNORMAL: {
        uint64_t m = 1 + rng_next() % ((single ? (UINT64_C(1) << 23) : (UINT64_C(1) << 52)) - 1);
        return rnd_sign() * ldexp((double)m, single ? -149 : -1074);
    }
    case F_MIXED:
        switch (rng_next() % 5) {
        case 0: return draw(F_HUGE, single);
        case 1: return draw(F_SUBNORMAL, single);
        case 2: return 0.0;
        case 3: return rnd_sign() * rnd_unit() * ldexp(1.0, single ? -120 : -1000);
        default: return draw(F_RANDOM, single);
        }
    default: /* F_RANDOM and the base of F_SPECIAL */
        return rnd_sign() * (0.5 + 0.5 * rnd_unit()) * ldexp(1.0, (int)(rng_next() % 61) - 30);
    }
}

/* Squares summing to m^2 for an odd m (a rounding midpoint between two neighbours of the
 * format): (m-1)^2 + (2m-1), the remainder split greedily into squares. */
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

/* One test vector: the whole vector (logical elements, components in double, already
 * representable in float for the float kinds) and its cut into P pieces. */
struct vec {
    int k, fam, P;
    ptrdiff_t incx;
    size_t N;          /* logical elements of the whole vector */
    double *whole;     /* N * parts components */
    size_t *start, *len; /* piece r: elements start[r] .. start[r] + len[r] */
    int has_known;     /* ties: the correctly rounded value is known independently */
    double known;      /* (as double; float kinds: a float value) */
};

static void free_vec(struct vec *v) {
    free(v->whole);
    free(v->start);
    free(v->len);
}

/* Builds a vector of family fam for P pieces.  With incx == 0 every piece is len copies of
 * its first element (the stride-0 meaning of the piece). */
static void make_vec(struct vec *v, int k, int fam, ptrdiff_t incx, int P) {
    int parts = parts_of(k), single = is_single(k);
    v->k = k;
    v->fam = fam;
    v->incx = incx;
    v->P = P;
    v->has_known = 0;
    v->start = (size_t *)xmalloc((size_t)P * sizeof(size_t));
    v->len = (size_t *)xmalloc((size_t)P * sizeof(size_t));
    if (fam == F_TIE) {
        /* An exact tie in the data's format, scaled by 2^e, maybe broken upwards by a tiny
         * element; its components dealt to random pieces. */
        static const int de[] = {-1074, -1000, -600, -53, 0, 300, 600, 969};
        static const int se[] = {-149, -120, -60, 0, 30, 60, 103};
        int e = single ? se[rng_next() % 7] : de[rng_next() % 8];
        uint64_t m = single ? ((UINT64_C(1) << 24) | (rng_next() & ((UINT64_C(1) << 24) - 1)) | 1)
                            : ((UINT64_C(1) << 53) | (rng_next() & ((UINT64_C(1) << 53) - 1)) | 1);
        double comps[80];
        int c = tie_decomposition(m, comps);
        int tiebreak = rng_next() % 3 == 0 && e - 40 >= (single ? -149 : -1074);
        if (tiebreak) comps[c++] = ldexp(1.0, single ? -20 : -40);
        for (int i = 0; i < c; i++) comps[i] = rnd_sign() * ldexp(comps[i], e);
        for (int i = c - 1; i > 0; i--) {
            int j = (int)(rng_next() % (uint64_t)(i + 1));
            double t = comps[i];
            comps[i] = comps[j];
            comps[j] = t;
        }
        if (parts == 2 && c % 2) comps[c++] = 0.0;
        size_t ne = (size_t)(c / parts);
        /* Deal the elements: each goes to a random piece, in order of pieces. */
        size_t *owner_count = v->len;
        for (int r = 0; r < P; r++) owner_count[r] = 0;
        for (size_t i = 0; i < ne; i++) owner_count[rng_next() % (uint64_t)P]++;
        v->N = ne;
        v->whole = (double *)xmalloc(ne * (size_t)parts * sizeof(double));
        memcpy(v->whole, comps, ne * (size_t)parts * sizeof(double));
        size_t s = 0;
        for (int r = 0; r < P; r++) {
            v->start[r] = s;
            s += v->len[r];
        }
        /* The norm is m 2^e (just above with the tie-breaker): the even neighbour, or up. */
        double lo = ldexp((double)(m - 1), e), hi = ldexp((double)(m + 1), e);
        int up = tiebreak || m % 4 == 3;
        v->has_known = 1;
        v->known = single ? (double)(float)(up ? hi : lo) : (up ? hi : lo);
        return;
    }
    /* Piece sizes: empty with probability 1/4, else 1 .. maxlen; sometimes a long one. */
    static const size_t maxlens[] = {1, 7, 60, 400};
    size_t maxlen = maxlens[rng_next() % 4];
    size_t N = 0;
    for (int r = 0; r < P; r++) {
        size_t l = rng_next() % 4 == 0 ? 0 : 1 + (size_t)(rng_next() % maxlen);
        if (rng_next() % 16 == 0) l = 3000 + (size_t)(rng_next() % 100);
        v->start[r] = N;
        v->len[r] = l;
        N += l;
    }
    v->N = N;
    v->whole = (double *)xmalloc(N * (size_t)parts * sizeof(double));
    for (int r = 0; r < P; r++) {
        for (size_t i = 0; i < v->len[r]; i++) {
            double *el = v->whole + (v->start[r] + i) * (size_t)parts;
            if (incx == 0 && i > 0) { /* n copies of the piece's first element */
                memcpy(el, v->whole + v->start[r] * (size_t)parts, (size_t)parts * sizeof(double));
                continue;
            }
            for (int c = 0; c < parts; c++) {
                double x = draw(fam == F_SPECIAL ? F_MIXED : fam, single);
                el[c] = single ? (double)(float)x : x;
            }
        }
    }
    if (fam == F_SPECIAL) {
        /* NaN in one piece, +-Inf in another (or the same), or only an Inf. */
        int what = (int)(rng_next() % 3); /* 0: NaN, 1: Inf, 2: both */
        for (int w = 0; w < 2; w++) {
            if ((w == 0 && what == 1) || (w == 1 && what == 0)) continue;
            int r = (int)(rng_next() % (uint64_t)P);
            if (v->len[r] == 0) continue; /* landed on an empty piece: nothing planted */
            size_t count = incx == 0 ? 1 : v->len[r];
            size_t at = (size_t)(rng_next() % count) * (size_t)parts + (size_t)(rng_next() % (uint64_t)parts);
            double val = w == 0 ? (rng_next() & 1 ? -NAN : NAN) : rnd_sign() * INFINITY;
            if (incx == 0) /* every copy of the first element */
                for (size_t i = 0; i < v->len[r]; i++) v->whole[(v->start[r] + i) * (size_t)parts + at] = val;
            else
                v->whole[v->start[r] * (size_t)parts + at] = val;
        }
    }
}

/* Memory position of logical element i of a piece of n elements (reference BLAS). */
static size_t pos(size_t i, size_t n, ptrdiff_t incx) {
    if (incx == 0) return 0;
    return incx > 0 ? i * (size_t)incx : (n - 1 - i) * (size_t)(-incx);
}

/* This rank's piece in memory with stride incx, NaN in every gap: a fresh buffer. */
static void *local_piece(const struct vec *v, int r) {
    int parts = parts_of(v->k), single = is_single(v->k);
    size_t n = v->len[r];
    size_t ainc = (size_t)(v->incx < 0 ? -v->incx : v->incx);
    size_t span = n == 0 || v->incx == 0 ? 1 : (n - 1) * ainc + 1;
    size_t ncomp = span * (size_t)parts, es = single ? sizeof(float) : sizeof(double);
    unsigned char *buf = (unsigned char *)xmalloc(ncomp * es);
    for (size_t i = 0; i < ncomp; i++) {
        if (single) {
            float f = NAN;
            memcpy(buf + i * es, &f, es);
        } else {
            double d = NAN;
            memcpy(buf + i * es, &d, es);
        }
    }
    size_t count = v->incx == 0 ? (n > 0) : n;
    for (size_t i = 0; i < count; i++)
        for (int c = 0; c < parts; c++) {
            double d = v->whole[(v->start[r] + i) * (size_t)parts + (size_t)c];
            size_t at = pos(i, n, v->incx) * (size_t)parts + (size_t)c;
            if (single) {
                float f = (float)d;
                memcpy(buf + at * es, &f, es);
            } else {
                memcpy(buf + at * es, &d, es);
            }
        }
    return buf;
}

/* The whole vector as contiguous data of its kind (float kinds converted; exact). */
static void *whole_data(const struct vec *v) {
    size_t nc = v->N * (size_t)parts_of(v->k);
    if (!is_single(v->k)) {
        double *d = (double *)xmalloc(nc * sizeof(double));
        memcpy(d, v->whole, nc * sizeof(double));
        return d;
    }
    float *f = (float *)xmalloc(nc * sizeof(float));
    for (size_t i = 0; i < nc; i++) f[i] = (float)v->whole[i];
    return f;
}

/* Single-process reference: safenorm_?nrm2 of the whole vector (float results widened). */
static double reference(int k, size_t n, const void *x) {
    switch (k) {
    case KD: return safenorm_dnrm2(n, (const double *)x, 1);
    case KS: return safenorm_snrm2(n, (const float *)x, 1);
    case KZ: return safenorm_dznrm2(n, (const double *)x, 1);
    default: return safenorm_scnrm2(n, (const float *)x, 1);
    }
}

/* The distributed routine of kind k; the float result widened into *out (NaN when not set). */
static int mpi_nrm2(MPI_Comm comm, int k, size_t n, const void *x, ptrdiff_t incx, double *out, uint64_t *bits) {
    int rc;
    if (is_single(k)) {
        float f = NAN;
        rc = k == KS ? safenorm_mpi_snrm2(comm, n, (const float *)x, incx, &f)
                     : safenorm_mpi_scnrm2(comm, n, (const float *)x, incx, &f);
        *out = f;
        *bits = bits_s(f);
    } else {
        double d = NAN;
        rc = k == KD ? safenorm_mpi_dnrm2(comm, n, (const double *)x, incx, &d)
                     : safenorm_mpi_dznrm2(comm, n, (const double *)x, incx, &d);
        *out = d;
        *bits = bits_d(d);
    }
    return rc;
}

static int add_fast(int k, safenorm_sumsq *s, size_t n, const void *x, ptrdiff_t incx) {
    switch (k) {
    case KD: return safenorm_sumsq_add_d(s, n, (const double *)x, incx);
    case KS: return safenorm_sumsq_add_s(s, n, (const float *)x, incx);
    case KZ: return safenorm_sumsq_add_dz(s, n, (const double *)x, incx);
    default: return safenorm_sumsq_add_sc(s, n, (const float *)x, incx);
    }
}
static int add_exact(int k, safenorm_exact_sumsq *s, size_t n, const void *x, ptrdiff_t incx) {
    switch (k) {
    case KD: return safenorm_exact_sumsq_add_d(s, n, (const double *)x, incx);
    case KS: return safenorm_exact_sumsq_add_s(s, n, (const float *)x, incx);
    case KZ: return safenorm_exact_sumsq_add_dz(s, n, (const double *)x, incx);
    default: return safenorm_exact_sumsq_add_sc(s, n, (const float *)x, incx);
    }
}

/* ------------------------------------------------------------------ the cases */

static long g_cases = 0;
static long g_tie_need_exact_single[2];  /* [float data]: whole-vector fast state undecided */
static long g_tie_cases[2];
static long g_tie_exact_rounds[N_KIND];  /* distributed calls that entered the exact round */
static long g_allreduce_need_exact = 0;  /* safenorm_mpi_sumsq_allreduce states undecided */
static long g_nonempty_pieces = 0, g_empty_pieces = 0;

static void run_case(MPI_Comm comm, int k, int fam, ptrdiff_t incx) {
    int rank, P;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &P);
    struct vec v;
    make_vec(&v, k, fam, incx, P);
    void *whole = whole_data(&v);
    void *piece = local_piece(&v, rank);
    size_t n = v.len[rank];
    double want = reference(k, v.N, whole);
    double got;
    uint64_t bits;
    char what[160];
    snprintf(what, sizeof what, "%s %s incx=%ld N=%lu P=%d piece n=%lu", kind_name[k], fam_name[fam],
             (long)incx, (unsigned long)v.N, P, (unsigned long)n);
    g_cases++;
    if (n) g_nonempty_pieces++;
    else g_empty_pieces++;

    if (fam == F_TIE) {
        /* The case needs the exact round: the whole vector's fast state cannot decide. */
        safenorm_sumsq s;
        safenorm_sumsq_init(&s);
        CHECK(add_fast(k, &s, v.N, whole, 1) == SAFENORM_OK, "%s", what);
        int st;
        if (is_single(k)) {
            float f;
            st = safenorm_sumsq_result_s(&s, &f);
        } else {
            double d;
            st = safenorm_sumsq_result_d(&s, &d);
        }
        g_tie_cases[is_single(k)]++;
        g_tie_need_exact_single[is_single(k)] += st == SAFENORM_NEED_EXACT;
        CHECK_SAME(want, v.known, "tie: single-process reference vs known value: %s", what);
    }

    long rounds_before = g_exact_rounds;
    int rc = mpi_nrm2(comm, k, n, piece, incx, &got, &bits);
    if (fam == F_TIE) g_tie_exact_rounds[k] += g_exact_rounds - rounds_before;
    CHECK(rc == SAFENORM_OK, "rc %d (%s): %s", rc, safenorm_mpi_strerror(rc), what);
    CHECK_SAME(got, want, "safenorm_mpi_%snrm2 vs single process: %s", kind_name[k], what);
    if (v.has_known) CHECK_SAME(got, v.known, "tie: known value: %s", what);
    record(bits);
    record((uint64_t)rc);
    record((uint64_t)(g_exact_rounds - rounds_before));

    /* The same vector through safenorm_mpi_sumsq_allreduce (every other case). */
    if (g_cases % 2 == 0 || fam == F_TIE) {
        safenorm_sumsq s;
        safenorm_sumsq_init(&s);
        CHECK(add_fast(k, &s, n, piece, incx) == SAFENORM_OK, "%s", what);
        rc = safenorm_mpi_sumsq_allreduce(comm, &s);
        CHECK(rc == SAFENORM_OK, "sumsq_allreduce rc %d: %s", rc, what);
        record(hash_bytes(&s, sizeof s)); /* the same bytes on every rank */
        double r;
        int st;
        if (is_single(k)) {
            float f;
            st = safenorm_sumsq_result_s(&s, &f);
            r = f;
        } else {
            st = safenorm_sumsq_result_d(&s, &r);
        }
        record((uint64_t)st);
        if (st == SAFENORM_NEED_EXACT) {
            g_allreduce_need_exact++;
            safenorm_exact_sumsq e;
            safenorm_exact_sumsq_init(&e);
            CHECK(add_exact(k, &e, n, piece, incx) == SAFENORM_OK, "%s", what);
            rc = safenorm_mpi_exact_sumsq_allreduce(comm, &e);
            CHECK(rc == SAFENORM_OK, "exact_sumsq_allreduce rc %d: %s", rc, what);
            record(hash_bytes(&e, sizeof e));
            if (is_single(k)) {
                float f;
                st = safenorm_exact_sumsq_result_s(&e, &f);
                r = f;
            } else {
                st = safenorm_exact_sumsq_result_d(&e, &r);
            }
        }
        CHECK(st == SAFENORM_OK, "sumsq result status %d: %s", st, what);
        CHECK_SAME(r, want, "sumsq_allreduce + result vs single process: %s", what);
    }
    free(piece);
    free(whole);
    free_vec(&v);
}

/* ------------------------------------------------------------------ errors */

static int is_nan(double v) { return v != v; }

/* A bad piece on rank `bad` (x NULL with n > 0, or an overflowing span): that rank gets its
 * code, every other rank SAFENORM_MPI_ERR_REMOTE, all NaN, and nobody waits forever. */
static void test_bad_piece(void) {
    double d[4] = {3.0, 4.0, 12.0, 0.0};
    float f[4] = {3.0f, 4.0f, 12.0f, 0.0f};
    for (int k = 0; k < N_KIND; k++)
        for (int kind_of_bad = 0; kind_of_bad < 2; kind_of_bad++) {
            int bad = (k + kind_of_bad) % g_size;
            const void *x = is_single(k) ? (const void *)f : (const void *)d;
            size_t n = 2;
            ptrdiff_t incx = 1;
            int want_local = SAFENORM_ERR_NULL;
            if (g_rank == bad) {
                if (kind_of_bad == 0) {
                    x = NULL;
                    n = 5;
                } else { /* (n-1)*|incx|+1 elements cannot be addressed */
                    n = SIZE_MAX / 4;
                    incx = PTRDIFF_MAX / 2;
                    want_local = SAFENORM_ERR_STRIDE;
                }
            }
            double got;
            uint64_t bits;
            int rc = mpi_nrm2(MPI_COMM_WORLD, k, n, x, incx, &got, &bits);
            int want = g_rank == bad ? want_local : SAFENORM_MPI_ERR_REMOTE;
            CHECK(rc == want, "bad piece on rank %d (%s, %s): rc %d, want %d", bad, kind_name[k],
                  kind_of_bad ? "stride" : "NULL", rc, want);
            CHECK(is_nan(got), "bad piece on rank %d (%s): result %a, want NaN", bad, kind_name[k], got);
            record(bits); /* the same NaN everywhere */
        }
}

/* out == NULL on one rank: that rank gets SAFENORM_ERR_OUT_NULL, the others the norm. */
static void test_out_null(void) {
    const double d[3] = {ldexp(3.0, 1000), ldexp(4.0, 1000), ldexp(12.0, 1000)}; /* rank r holds d[r % 3] */
    const double want_by_size[] = {0.0, ldexp(3.0, 1000), ldexp(5.0, 1000), ldexp(13.0, 1000)};
    int bad = g_size - 1;
    double out = -1.0;
    int rc = safenorm_mpi_dnrm2(MPI_COMM_WORLD, g_rank < 3 ? 1 : 0, d + (g_rank % 3), 1,
                                g_rank == bad ? NULL : &out);
    if (g_rank == bad) {
        CHECK(rc == SAFENORM_ERR_OUT_NULL, "out NULL: rc %d", rc);
    } else {
        CHECK(rc == SAFENORM_OK, "out NULL elsewhere: rc %d", rc);
        CHECK_SAME(out, want_by_size[g_size < 3 ? g_size : 3], "out NULL elsewhere");
    }
    /* float */
    float fo = -1.0f;
    const float fv = 2.0f;
    rc = safenorm_mpi_snrm2(MPI_COMM_WORLD, 1, &fv, 1, g_rank == bad ? NULL : &fo);
    if (g_rank == bad) CHECK(rc == SAFENORM_ERR_OUT_NULL, "snrm2 out NULL: rc %d", rc);
    else CHECK(rc == SAFENORM_OK && fo == 2.0f * (float)sqrt((double)g_size), "snrm2 out NULL elsewhere: rc %d %a", rc, fo);
}

/* NULL and corrupted states on one rank in the _allreduce functions. */
static void test_bad_state(void) {
    for (int which = 0; which < 4; which++) { /* fast NULL, fast corrupted, exact NULL, exact corrupted */
        int bad = which % g_size;
        int exact = which >= 2, corrupt = which % 2;
        double x = 1.0, r = 0.0;
        int rc;
        if (!exact) {
            safenorm_sumsq s, before;
            safenorm_sumsq_init(&s);
            safenorm_sumsq_add_d(&s, 1, &x, 1);
            if (g_rank == bad && corrupt) memset(&s, 0xAB, sizeof s);
            before = s;
            rc = safenorm_mpi_sumsq_allreduce(MPI_COMM_WORLD, g_rank == bad && !corrupt ? NULL : &s);
            if (g_rank == bad) {
                CHECK(rc == SAFENORM_ERR_STATE, "bad fast state: rc %d", rc);
                CHECK(memcmp(&s, &before, sizeof s) == 0, "bad fast state was changed");
            } else {
                CHECK(rc == SAFENORM_MPI_ERR_REMOTE, "fast state elsewhere: rc %d", rc);
                CHECK(safenorm_sumsq_result_d(&s, &r) == SAFENORM_OK && is_nan(r), "merged state: %a", r);
            }
        } else {
            safenorm_exact_sumsq s, before;
            safenorm_exact_sumsq_init(&s);
            safenorm_exact_sumsq_add_d(&s, 1, &x, 1);
            if (g_rank == bad && corrupt) memset(&s, 0xAB, sizeof s);
            before = s;
            rc = safenorm_mpi_exact_sumsq_allreduce(MPI_COMM_WORLD, g_rank == bad && !corrupt ? NULL : &s);
            if (g_rank == bad) {
                CHECK(rc == SAFENORM_ERR_STATE, "bad exact state: rc %d", rc);
                CHECK(memcmp(&s, &before, sizeof s) == 0, "bad exact state was changed");
            } else {
                CHECK(rc == SAFENORM_MPI_ERR_REMOTE, "exact state elsewhere: rc %d", rc);
                CHECK(safenorm_exact_sumsq_result_d(&s, &r) == SAFENORM_OK && is_nan(r), "merged exact: %a", r);
            }
        }
    }
}

/* MPI errors come back negated: an intercommunicator, and MPI_COMM_NULL with
 * MPI_ERRORS_RETURN. */
static void test_mpi_errors(void) {
    double x = 1.0, out = 0.0;
    if (g_size >= 2) {
        MPI_Comm local, inter;
        int color = g_rank % 2;
        MPI_Comm_split(MPI_COMM_WORLD, color, g_rank, &local);
        MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, color == 0 ? 1 : 0, 77, &inter);
        int rc = safenorm_mpi_dnrm2(inter, 1, &x, 1, &out);
        CHECK(rc == -MPI_ERR_COMM, "intercommunicator: rc %d", rc);
        safenorm_sumsq s;
        safenorm_sumsq_init(&s);
        rc = safenorm_mpi_sumsq_allreduce(inter, &s);
        CHECK(rc == -MPI_ERR_COMM, "intercommunicator (sumsq): rc %d", rc);
        MPI_Comm_free(&inter);
        MPI_Comm_free(&local);
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int rc = safenorm_mpi_dnrm2(MPI_COMM_NULL, 1, &x, 1, &out);
    int cls = -1;
    CHECK(rc < 0, "MPI_COMM_NULL: rc %d, want a negated MPI error code", rc);
    if (rc < 0) {
        MPI_Error_class(-rc, &cls);
        CHECK(cls == MPI_ERR_COMM, "MPI_COMM_NULL: error class %d, want MPI_ERR_COMM %d", cls, MPI_ERR_COMM);
    }
    CHECK(strstr(safenorm_mpi_strerror(rc), "MPI") != NULL, "strerror of an MPI error");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_ARE_FATAL);
}

/* The user operations with len > 1: element i of inout becomes the merge of element i of
 * both, elements independent; flags ORed. */
static void test_op_len(void) {
    safenorm_mpi_fast_msg_ a[3], b[3];
    safenorm_mpi_exact_msg_ ea[3], eb[3];
    int len = 3;
    MPI_Datatype dt = MPI_BYTE;
    const double xs[3][2] = {{3.0, 4.0}, {ldexp(1.0, 1000), ldexp(1.0, 1000)}, {ldexp(1.0, -1074), 5.0}};
    const double want[3] = {5.0, ldexp(1.4142135623730951, 1000), 5.0};
    for (int i = 0; i < 3; i++) {
        memset(a[i].flags, 0, sizeof a[i].flags);
        memset(b[i].flags, 0, sizeof b[i].flags);
        safenorm_sumsq_init(&a[i].state);
        safenorm_sumsq_init(&b[i].state);
        safenorm_sumsq_add_d(&a[i].state, 1, &xs[i][0], 1);
        safenorm_sumsq_add_d(&b[i].state, 1, &xs[i][1], 1);
        memset(ea[i].flags, 0, sizeof ea[i].flags);
        memset(eb[i].flags, 0, sizeof eb[i].flags);
        safenorm_exact_sumsq_init(&ea[i].state);
        safenorm_exact_sumsq_init(&eb[i].state);
        safenorm_exact_sumsq_add_d(&ea[i].state, 1, &xs[i][0], 1);
        safenorm_exact_sumsq_add_d(&eb[i].state, 1, &xs[i][1], 1);
    }
    a[1].flags[0] = 1;
    ea[2].flags[0] = 1;
    safenorm_mpi_fast_op_(a, b, &len, &dt);
    safenorm_mpi_exact_op_(ea, eb, &len, &dt);
    for (int i = 0; i < 3; i++) {
        double r, e, w = want[i];
        int st = safenorm_sumsq_result_d(&b[i].state, &r);
        CHECK(st == SAFENORM_OK, "op len 3: element %d status %d", i, st);
        CHECK_SAME(r, w, "op len 3: element %d", i);
        CHECK(safenorm_exact_sumsq_result_d(&eb[i].state, &e) == SAFENORM_OK, "exact op len 3");
        CHECK_SAME(e, w, "exact op len 3: element %d", i);
        CHECK(b[i].flags[0] == (i == 1), "op len 3: flags of element %d", i);
        CHECK(eb[i].flags[0] == (i == 2), "exact op len 3: flags of element %d", i);
    }
    /* A state that cannot be read (as from another library version) fails to merge: the
     * element becomes a NaN state flagged bad, the others are merged as usual. */
    memset(&a[1].state, 0xAB, sizeof a[1].state);
    memset(&ea[0].state, 0xAB, sizeof ea[0].state);
    safenorm_mpi_fast_op_(a, b, &len, &dt);
    safenorm_mpi_exact_op_(ea, eb, &len, &dt);
    for (int i = 0; i < 3; i++) {
        double r = 0.0, e = 0.0;
        CHECK(safenorm_sumsq_result_d(&b[i].state, &r) == SAFENORM_OK, "op, unreadable: element %d", i);
        CHECK(safenorm_exact_sumsq_result_d(&eb[i].state, &e) == SAFENORM_OK, "exact op, unreadable: %d", i);
        CHECK(is_nan(r) == (i == 1) && (b[i].flags[0] & 1) == (i == 1), "op, unreadable: element %d: %a", i, r);
        CHECK(is_nan(e) == (i == 0) && (eb[i].flags[0] & 1) == (i == 0 || i == 2),
              "exact op, unreadable: element %d: %a", i, e);
    }
}

/* Every rank of comm must have recorded the same values (results, statuses, state hashes,
 * exact rounds) since the last comparison: one MPI_Allreduce (MAX) of (v, ~v). */
static void compare_records(MPI_Comm comm, const char *where) {
    size_t n = g_nrec;
    unsigned long long nn = (unsigned long long)n, nmin = 0, nmax = 0;
    MPI_Allreduce(&nn, &nmin, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm);
    MPI_Allreduce(&nn, &nmax, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm);
    CHECK(nmin == nmax, "%s: ranks recorded different numbers of values (%llu..%llu)", where, nmin, nmax);
    if (nmin == nmax && n > 0) {
        uint64_t *buf = (uint64_t *)xmalloc(2 * n * sizeof(uint64_t));
        uint64_t *red = (uint64_t *)xmalloc(2 * n * sizeof(uint64_t));
        for (size_t i = 0; i < n; i++) {
            buf[i] = g_rec[i];
            buf[n + i] = ~g_rec[i];
        }
        MPI_Allreduce(buf, red, (int)(2 * n), MPI_UINT64_T, MPI_MAX, comm);
        size_t differ = 0;
        for (size_t i = 0; i < n; i++) differ += red[i] != g_rec[i] || ~red[n + i] != g_rec[i];
        CHECK(differ == 0, "%s: %lu of %lu recorded values differ between ranks", where,
              (unsigned long)differ, (unsigned long)n);
        free(buf);
        free(red);
    }
    g_compared += n;
    g_nrec = 0;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (argc > 1) g_rng ^= strtoull(argv[1], NULL, 0) * UINT64_C(0x9E3779B97F4A7C15);
    /* Under CTest: the launcher must have started one job of this many ranks (a launcher of
     * another MPI implementation starts that many jobs of one rank each). */
    const char *expect = getenv("SAFENORM_MPI_EXPECT_RANKS");
    if (expect && atoi(expect) != g_size) {
        fprintf(stderr, "test_mpi: %d rank(s), expected %s: wrong mpiexec for this MPI?\n", g_size, expect);
        MPI_Finalize();
        return 1;
    }

    /* Arguments: [seed [quick]]; quick: one pass instead of three (the CTest reruns of the
     * same source against the static library and as C++). */
    int reps = argc > 2 && strcmp(argv[2], "quick") == 0 ? 1 : 3;
    static const ptrdiff_t incs[] = {1, 2, -1, 3, -3, 0};
    for (int rep = 0; rep < reps; rep++)
        for (int k = 0; k < N_KIND; k++)
            for (int fam = 0; fam < N_FAM; fam++)
                for (size_t ii = 0; ii < sizeof incs / sizeof incs[0]; ii++) {
                    if (fam == F_TIE && incs[ii] == 0) continue; /* copies would change the sum */
                    run_case(MPI_COMM_WORLD, k, fam, incs[ii]);
                }
    /* More ties: the exact round is the point of them. */
    for (int rep = 0; rep < 4 * reps; rep++)
        for (int k = 0; k < N_KIND; k++) run_case(MPI_COMM_WORLD, k, F_TIE, incs[rep % 5]);
    /* A split communicator: even and odd ranks are two jobs with different vectors (each
     * half draws from its own stream, then every rank returns to the common one). */
    compare_records(MPI_COMM_WORLD, "MPI_COMM_WORLD");
    {
        MPI_Comm half;
        MPI_Comm_split(MPI_COMM_WORLD, g_rank % 2, g_rank, &half);
        uint64_t saved = g_rng;
        g_rng ^= (uint64_t)(g_rank % 2 + 1) * UINT64_C(0x5851F42D4C957F2D);
        for (int k = 0; k < N_KIND; k++)
            for (int fam = 0; fam < N_FAM; fam++) run_case(half, k, fam, incs[(k + fam) % 5]);
        g_rng = saved;
        compare_records(half, "split communicator");
        MPI_Comm_free(&half);
    }

    test_bad_piece();
    test_out_null();
    test_bad_state();
    test_mpi_errors();
    test_op_len();
    /* Still working after all of that. */
    for (int k = 0; k < N_KIND; k++) run_case(MPI_COMM_WORLD, k, F_TIE, 1);

    /* Local counters that must be non-zero. */
    for (int s = 0; s < 2; s++)
        CHECK(g_tie_need_exact_single[s] > 0, "no %s tie needed the exact state (single process)",
              s ? "binary32" : "binary64");
    for (int k = 0; k < N_KIND; k++)
        CHECK(g_tie_exact_rounds[k] > 0, "safenorm_mpi_%snrm2 never entered the exact round", kind_name[k]);
    CHECK(g_allreduce_need_exact > 0, "safenorm_mpi_sumsq_allreduce never gave an undecided state");
    record((uint64_t)g_exact_rounds);
    record((uint64_t)g_nrec);

    compare_records(MPI_COMM_WORLD, "MPI_COMM_WORLD");

    long local[2] = {g_checks, (long)g_failures}, total[2] = {0, 0};
    MPI_Allreduce(local, total, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (g_failures) {
        char name[64];
        snprintf(name, sizeof name, "test_mpi rank %d", g_rank);
        finish(name);
    }
    if (g_rank == 0) {
        printf("test_mpi: %d ranks, %ld cases per rank (%ld empty / %ld non-empty local pieces on rank 0)\n",
               g_size, g_cases, g_empty_pieces, g_nonempty_pieces);
        printf("test_mpi: ties: whole-vector fast state undecided in %ld/%ld binary64 and %ld/%ld binary32 "
               "cases; exact rounds entered (rank 0): d %ld s %ld dz %ld sc %ld, total %ld; "
               "sumsq_allreduce undecided %ld\n",
               g_tie_need_exact_single[0], g_tie_cases[0], g_tie_need_exact_single[1], g_tie_cases[1],
               g_tie_exact_rounds[KD], g_tie_exact_rounds[KS], g_tie_exact_rounds[KZ], g_tie_exact_rounds[KC],
               g_exact_rounds, g_allreduce_need_exact);
        printf("test_mpi: %lu values compared across ranks (rank 0)\n", (unsigned long)g_compared);
        printf("test_mpi: %ld checks on all ranks, %ld failures\n", total[0], total[1]);
        printf("test_mpi: %d passed, %d failed\n", total[1] ? 0 : 1, total[1] ? 1 : 0);
    }
    free(g_rec);
    MPI_Finalize();
    return total[1] ? 1 : 0;
}
