/* Batches and matrices through the C ABI: every output of safenorm_?nrm2_batch bitwise
 * equal to safenorm_?nrm2 of its vector (row and column norms, negative strides,
 * incx == 0, misaligned pointers, NaN/Inf vectors), safenorm_?nrm2_matrix equal to the
 * norm of the matrix gathered into one vector, and the bad-input answers (status codes,
 * nothing written on error). */
#include <float.h>
#include <stdlib.h>

#include "check.h"
#include "safenorm.h"

/* Random value of a family (by vector), scaled to stay finite in float when asked. */
static double value(int fam, int is_float) {
    double u = (double)(rng_next() >> 11) / 9007199254740992.0 - 0.5;
    double big = is_float ? 1e37 : 1e300, tiny = is_float ? 1e-40 : 1e-310;
    switch (fam % 5) {
    case 0: return u;
    case 1: return u * big;
    case 2: return u * tiny;
    case 3: return (rng_next() & 1) ? u * big : u * tiny;
    default: return 0.0;
    }
}

#define MAXBUF 40000

static double dbuf[MAXBUF + 8];
static float fbuf[MAXBUF + 8];
static double dout[2000];
static float fout[2000];

/* One layout on every type: out[b*incout] == single routine of vector b. */
static void layout(size_t n, ptrdiff_t incx, ptrdiff_t stridex, size_t batch,
                   ptrdiff_t incout, size_t xoff) {
    size_t ax = (size_t)(incx < 0 ? -incx : incx), as = (size_t)(stridex < 0 ? -stridex : stridex);
    size_t ao = (size_t)(incout < 0 ? -incout : incout);
    size_t span = (batch - 1) * as + (n - 1) * ax + 1; /* elements */
    size_t ospan = (batch - 1) * ao + 1;
    size_t i, b;
    if (2 * span + xoff > MAXBUF || ospan + 4 > 2000) return;
    for (i = 0; i < 2 * span + xoff; i++) {
        int fam = (int)((i / 2) % 7);
        dbuf[i] = value(fam, 0);
        fbuf[i] = (float)value(fam, 1);
    }
    if (batch > 3) { dbuf[xoff + 3] = NAN; fbuf[xoff + 3] = INFINITY; }
    {
        /* Pointers to vector 0: the lowest element is at the buffer start + xoff. */
        size_t back = stridex < 0 ? (batch - 1) * as : 0;
        size_t oback = incout < 0 ? (batch - 1) * ao : 0;
        const double *xd = dbuf + xoff + back;
        const float *xf = fbuf + xoff + back;
        const double *xz = dbuf + xoff + 2 * back;
        const float *xc = fbuf + xoff + 2 * back;
        int st;
        /* double */
        for (i = 0; i < ospan + 2; i++) dout[i] = -1.0;
        st = safenorm_dnrm2_batch(n, xd, incx, stridex, batch, dout + oback, incout);
        CHECK(st == SAFENORM_OK, "d status %d", st);
        for (b = 0; b < batch; b++)
            CHECK_SAME(dout[oback + (ptrdiff_t)b * incout],
                       safenorm_dnrm2(n, xd + (ptrdiff_t)b * stridex, incx),
                       "d n=%zu incx=%td stridex=%td batch=%zu b=%zu", n, incx, stridex, batch, b);
        /* float */
        for (i = 0; i < ospan + 2; i++) fout[i] = -1.0f;
        st = safenorm_snrm2_batch(n, xf, incx, stridex, batch, fout + oback, incout);
        CHECK(st == SAFENORM_OK, "s status %d", st);
        for (b = 0; b < batch; b++)
            CHECK_SAME(fout[oback + (ptrdiff_t)b * incout],
                       safenorm_snrm2(n, xf + (ptrdiff_t)b * stridex, incx),
                       "s n=%zu incx=%td stridex=%td batch=%zu b=%zu", n, incx, stridex, batch, b);
        /* complex double */
        for (i = 0; i < ospan + 2; i++) dout[i] = -1.0;
        st = safenorm_dznrm2_batch(n, xz, incx, stridex, batch, dout + oback, incout);
        CHECK(st == SAFENORM_OK, "dz status %d", st);
        for (b = 0; b < batch; b++)
            CHECK_SAME(dout[oback + (ptrdiff_t)b * incout],
                       safenorm_dznrm2(n, xz + 2 * (ptrdiff_t)b * stridex, incx),
                       "dz n=%zu incx=%td stridex=%td batch=%zu b=%zu", n, incx, stridex, batch, b);
        /* complex float */
        for (i = 0; i < ospan + 2; i++) fout[i] = -1.0f;
        st = safenorm_scnrm2_batch(n, xc, incx, stridex, batch, fout + oback, incout);
        CHECK(st == SAFENORM_OK, "sc status %d", st);
        for (b = 0; b < batch; b++)
            CHECK_SAME(fout[oback + (ptrdiff_t)b * incout],
                       safenorm_scnrm2(n, xc + 2 * (ptrdiff_t)b * stridex, incx),
                       "sc n=%zu incx=%td stridex=%td batch=%zu b=%zu", n, incx, stridex, batch, b);
    }
}

static void batches(void) {
    static const size_t dims[][2] = {{1, 1}, {3, 5}, {17, 9}, {64, 33}, {70, 130}, {130, 20}};
    size_t d;
    for (d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        size_t m = dims[d][0], k = dims[d][1];
        ptrdiff_t lda = (ptrdiff_t)m + 2;
        layout(k, lda, 1, m, 1, 0);       /* row norms of a column-major matrix */
        layout(k, -lda, -1, m, -1, 0);
        layout(k, lda, 1, m, 2, 0);
        layout(m, 1, lda, k, 1, 0);       /* column norms */
        layout(m, -1, -lda, k, -3, 0);
        layout(k, 1, (ptrdiff_t)k, m, 1, 0); /* rows of a row-major matrix */
    }
    layout(5, 0, 1, 20, 1, 0); /* incx == 0 */
    layout(9, 7, 1, 7, 1, 1);  /* misaligned complex vectors (odd double offset) */
}

static void matrices(void) {
    size_t m, k, lda, i, j;
    static double col[MAXBUF];
    static float colf[MAXBUF];
    for (m = 0; m < 40; m += 13)
        for (k = 0; k < 30; k += 7)
            for (lda = (m ? m : 1); lda < (m ? m : 1) + 3; lda += 2) {
                size_t p = 0;
                for (i = 0; i < lda * k + 2; i++) {
                    dbuf[i] = NAN; /* rows m..lda are not part of the matrix */
                    fbuf[i] = NAN;
                }
                for (j = 0; j < k; j++)
                    for (i = 0; i < m; i++) {
                        double v = value((int)j, 0);
                        float f = (float)value((int)j, 1);
                        dbuf[i + j * lda] = v;
                        fbuf[i + j * lda] = f;
                        col[p] = v;
                        colf[p] = f;
                        p++;
                    }
                CHECK_SAME(safenorm_dnrm2_matrix(m, k, dbuf, lda), safenorm_dnrm2(p, col, 1),
                           "d matrix m=%zu k=%zu lda=%zu", m, k, lda);
                CHECK_SAME(safenorm_snrm2_matrix(m, k, fbuf, lda), safenorm_snrm2(p, colf, 1),
                           "s matrix m=%zu k=%zu lda=%zu", m, k, lda);
                /* Complex: the same doubles as m/2 x k complex elements when m is even;
                 * check against the gathered complex vector. */
                if (m % 2 == 0 && lda % 2 == 0)
                    CHECK_SAME(safenorm_dznrm2_matrix(m / 2, k, dbuf, lda / 2),
                               safenorm_dznrm2(p / 2, col, 1), "dz matrix m=%zu k=%zu", m, k);
                if (m % 2 == 0 && lda % 2 == 0)
                    CHECK_SAME(safenorm_scnrm2_matrix(m / 2, k, fbuf, lda / 2),
                               safenorm_scnrm2(p / 2, colf, 1), "sc matrix m=%zu k=%zu", m, k);
            }
    /* Misaligned matrix. */
    {
        char raw[8 * 13 + 1];
        double v[12];
        for (i = 0; i < 12; i++) v[i] = (double)i - 5.5;
        memcpy(raw + 1, v, sizeof v);
        CHECK_SAME(safenorm_dnrm2_matrix(4, 3, (const double *)(const void *)(raw + 1), 4),
                   safenorm_dnrm2(12, v, 1), "misaligned matrix");
    }
}

static void bad_input(void) {
    double x[16] = {3, 4, 0, 0, 5, 12, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    double out[8];
    int i, st;
    for (i = 0; i < 8; i++) out[i] = -7.0;
    st = safenorm_dnrm2_batch(2, NULL, 1, 2, 3, out, 1);
    CHECK(st == SAFENORM_ERR_NULL, "NULL x: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, 2, 3, NULL, 1);
    CHECK(st == SAFENORM_ERR_OUT_NULL, "NULL out: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, 2, 3, out, 0);
    CHECK(st == SAFENORM_ERR_STRIDE, "incout 0: %d", st);
    st = safenorm_dnrm2_batch(2, x, PTRDIFF_MAX, 1, 3, out, 1);
    CHECK(st == SAFENORM_ERR_SIZE, "span overflow: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, PTRDIFF_MAX / 4, 3, out, 1);
    CHECK(st == SAFENORM_ERR_SIZE, "span over PTRDIFF_MAX bytes: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, 1, 3, out, PTRDIFF_MAX / 2);
    CHECK(st == SAFENORM_ERR_SIZE, "output span overflow: %d", st);
    st = safenorm_dnrm2_batch(2, x + 8, 1, -1, (size_t)1 << 62, out, 0);
    CHECK(st == SAFENORM_ERR_STRIDE, "incout 0 checked first: %d", st);
    st = safenorm_dnrm2_batch(2, x + 8, 1, -(PTRDIFF_MAX / 8), 2, out, 1);
    CHECK(st == SAFENORM_ERR_SIZE, "wrap below address 0: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, 2, 3, x + 5, 1);
    CHECK(st == SAFENORM_ERR_OVERLAP, "overlap: %d", st);
    st = safenorm_dnrm2_batch(2, x + 2, 1, 2, 3, x, 1);
    CHECK(st == SAFENORM_ERR_OVERLAP, "overlap below: %d", st);
    for (i = 0; i < 8; i++) CHECK(out[i] == -7.0, "nothing written on error (%d)", i);
    CHECK(x[0] == 3 && x[5] == 12, "input untouched");
    /* Valid edge cases. */
    st = safenorm_dnrm2_batch(2, x, 1, 2, 0, NULL, 1);
    CHECK(st == SAFENORM_OK, "batch 0: %d", st);
    st = safenorm_dnrm2_batch(0, NULL, 1, 2, 3, out, 2);
    CHECK(st == SAFENORM_OK && out[0] == 0.0 && out[2] == 0.0 && out[4] == 0.0 && out[1] == -7.0,
          "n 0: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, 4, 2, out, 0);
    CHECK(st == SAFENORM_ERR_STRIDE, "incout 0, batch 2: %d", st);
    st = safenorm_dnrm2_batch(2, x, 1, 4, 1, out, 0);
    CHECK(st == SAFENORM_OK && out[0] == 5.0, "incout 0, batch 1: %d %g", st, out[0]);
    st = safenorm_dnrm2_batch(2, x, 4, 1, 2, out, 1); /* rows of [[3,5],[4,12]] */
    CHECK(st == SAFENORM_OK && out[0] == sqrt(34.0) && out[1] == sqrt(160.0), "rows: %d", st);
    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_OVERLAP), "unknown status") != 0, "strerror 6");
    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_SIZE), "unknown status") != 0, "strerror 7");
    /* Matrices. */
    CHECK(isnan(safenorm_dnrm2_matrix(2, 2, NULL, 2)), "NULL matrix");
    CHECK(safenorm_dnrm2_matrix(0, 2, NULL, 1) == 0.0, "empty matrix");
    CHECK(safenorm_dnrm2_matrix(2, 0, NULL, 2) == 0.0, "empty matrix");
    CHECK(isnan(safenorm_dnrm2_matrix(3, 2, x, 2)), "lda < m");
    CHECK(isnan(safenorm_dnrm2_matrix(0, 2, x, 0)), "lda 0");
    CHECK(isnan(safenorm_dnrm2_matrix(2, SIZE_MAX / 2, x, SIZE_MAX / 4)), "matrix span");
    CHECK(isnan(safenorm_snrm2_matrix(2, 2, NULL, 2)), "NULL float matrix");
    CHECK(safenorm_dnrm2_matrix(2, 2, x, 4) == sqrt(194.0), "3,4 and 5,12 with lda 4");
}

int main(void) {
    batches();
    matrices();
    bad_input();
    return finish("test_batch");
}
