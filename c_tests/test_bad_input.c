/* Bad input gets its documented answer and nothing is read: NULL with n > 0, n <= 0 with
 * NULL, spans that overflow the address space, INT_MIN strides, misaligned pointers. */
#include "safenorm.h"
#include "safenorm_blas.h"
#include "check.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

int main(void) {
    double out = 0.0;
    float outf = 0.0f;
    int n, inc;
    int64_t n64, inc64;

    /* n <= 0: 0 without reading x, even when x is NULL. */
    CHECK_SAME(safenorm_dnrm2(0, NULL, 1), 0.0, "n=0 NULL");
    n = 0; inc = 1;
    CHECK_SAME(dnrm2_(&n, NULL, &inc), 0.0, "f77 n=0 NULL");
    n = -5;
    CHECK_SAME(dnrm2_(&n, NULL, &inc), 0.0, "f77 n<0 NULL");
    CHECK_SAME(cblas_dnrm2(-1, NULL, 1), 0.0, "cblas n<0 NULL");
    CHECK_SAME(cblas_scnrm2(0, NULL, 1), 0.0, "cblas c n=0 NULL");
    CHECK(safenorm_dnrm2_checked(0, NULL, 1, &out) == SAFENORM_OK && out == 0.0, "checked n=0");

    /* NULL x with n > 0: NaN, or SAFENORM_ERR_NULL. */
    CHECK_SAME(safenorm_dnrm2(3, NULL, 1), NAN, "native NULL");
    CHECK_SAME(safenorm_snrm2(3, NULL, 1), NAN, "native s NULL");
    CHECK_SAME(safenorm_dznrm2(3, NULL, 1), NAN, "native z NULL");
    CHECK_SAME(safenorm_scnrm2(3, NULL, 1), NAN, "native c NULL");
    n = 3; inc = 1; n64 = 3; inc64 = 1;
    CHECK_SAME(dnrm2_(&n, NULL, &inc), NAN, "f77 NULL");
    CHECK_SAME(snrm2_(&n, NULL, &inc), NAN, "f77 s NULL");
    CHECK_SAME(dznrm2_(&n, NULL, &inc), NAN, "f77 z NULL");
    CHECK_SAME(scnrm2_(&n, NULL, &inc), NAN, "f77 c NULL");
    CHECK_SAME(dnrm2_64_(&n64, NULL, &inc64), NAN, "f77_64 NULL");
    CHECK_SAME(cblas_dnrm2(3, NULL, 1), NAN, "cblas NULL");
    CHECK_SAME(cblas_snrm2_64(3, NULL, 1), NAN, "cblas_64 s NULL");
    CHECK(safenorm_dnrm2_checked(3, NULL, 1, &out) == SAFENORM_ERR_NULL && isnan(out), "checked NULL");
    CHECK(safenorm_snrm2_checked(3, NULL, 1, &outf) == SAFENORM_ERR_NULL && isnan(outf), "checked s NULL");
    double one = 1.0;
    CHECK(safenorm_dnrm2_checked(1, &one, 1, NULL) == SAFENORM_ERR_OUT_NULL, "checked out NULL");
    /* NULL n or incx pointers in the Fortran names. */
    CHECK_SAME(dnrm2_(NULL, &one, &inc), NAN, "f77 NULL n");
    CHECK_SAME(dnrm2_(&n, &one, NULL), NAN, "f77 NULL incx");

    /* Spans that overflow: (n-1)*|incx| elements cannot exist.  x points to one valid
     * double; the library must refuse before reading anything else. */
    double x[4] = {1.0, 2.0, 3.0, 4.0};
    CHECK_SAME(safenorm_dnrm2(SIZE_MAX, x, 2), NAN, "n=SIZE_MAX");
    CHECK_SAME(safenorm_dnrm2((size_t)1 << 62, x, 4), NAN, "span > address space");
    CHECK_SAME(safenorm_dnrm2(2, x, PTRDIFF_MIN), NAN, "incx=PTRDIFF_MIN");
    CHECK(safenorm_dnrm2_checked(SIZE_MAX, x, 1, &out) == SAFENORM_ERR_STRIDE && isnan(out), "checked stride");
    CHECK(safenorm_dznrm2_checked((size_t)1 << 61, x, 1, &out) == SAFENORM_ERR_STRIDE, "checked z stride");
    n64 = INT64_MAX; inc64 = INT64_MAX;
    CHECK_SAME(dnrm2_64_(&n64, x, &inc64), NAN, "f77_64 INT64_MAX");
    CHECK_SAME(cblas_dnrm2_64(INT64_MAX, x, -2), NAN, "cblas_64 INT64_MAX");
    inc64 = INT64_MIN; n64 = 2;
    CHECK_SAME(dnrm2_64_(&n64, x, &inc64), NAN, "f77_64 INT64_MIN stride");
    /* 32-bit: INT_MAX elements with stride INT_MAX is ~2^65 bytes: refused. */
    CHECK_SAME(cblas_dnrm2(INT_MAX, x, INT_MAX), NAN, "cblas INT_MAX*INT_MAX");
    n = INT_MAX; inc = INT_MIN;
    CHECK_SAME(dnrm2_(&n, x, &inc), NAN, "f77 INT_MAX, INT_MIN");
    /* incx == INT_MIN with n == 1 is harmless: one element. */
    n = 1;
    CHECK_SAME(dnrm2_(&n, x, &inc), 1.0, "f77 n=1 INT_MIN");
    /* incx == 0 with a huge n reads one element: sqrt(n)*|x0|. */
    CHECK_SAME(cblas_dnrm2(INT_MAX, x, 0), sqrt((double)INT_MAX), "cblas INT_MAX incx=0");

    /* Misaligned data: the same bits at every byte offset. */
    unsigned char raw[8 * 64 + 16];
    double ref[64];
    float reff[64];
    for (int i = 0; i < 64; i++) {
        ref[i] = (double)((int)(rng_next() % 2001) - 1000) * 0x1p-7;
        reff[i] = (float)ref[i];
    }
    double want = safenorm_dnrm2(64, ref, 1);
    double want2 = safenorm_dnrm2(21, ref, 3);
    double wantz = safenorm_dznrm2(32, ref, 1);
    float wants = safenorm_snrm2(64, reff, 1);
    for (int off = 0; off < 8; off++) {
        memcpy(raw + off, ref, sizeof ref);
        const double *p = (const double *)(const void *)(raw + off);
        CHECK_SAME(safenorm_dnrm2(64, p, 1), want, "misaligned off=%d", off);
        CHECK_SAME(safenorm_dnrm2(21, p, -3), want2, "misaligned off=%d incx=-3", off);
        CHECK_SAME(safenorm_dznrm2(32, p, 1), wantz, "misaligned z off=%d", off);
        n = 64; inc = 1;
        CHECK_SAME(dnrm2_(&n, p, &inc), want, "misaligned f77 off=%d", off);
        memcpy(raw + off, reff, sizeof reff);
        const float *pf = (const float *)(const void *)(raw + off);
        CHECK_SAME(safenorm_snrm2(64, pf, 1), wants, "misaligned s off=%d", off);
    }
    /* The aligned answer itself is independently known to be correct: the elements are
     * k/128 with integer k, so the norm is sqrt(sum k^2)/128, correctly rounded by sqrt. */
    long M = 0;
    for (int i = 0; i < 64; i++) M += (long)(ref[i] * 128) * (long)(ref[i] * 128);
    CHECK_SAME(want, sqrt((double)M) / 128, "aligned reference value");

    CHECK(strcmp(safenorm_strerror(SAFENORM_ERR_NULL), "x is NULL while n > 0") == 0, "strerror");
    return finish("test_bad_input");
}
