/* safenorm demo: vectors that break the textbook formula sqrt(sum x_i^2), their naive norm,
 * safenorm's norm, and the exact answer (known in closed form for each case). */
#include "safenorm.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double naive(size_t n, const double *x, ptrdiff_t incx) {
    double s = 0.0;
    const double *p = incx < 0 ? x + (ptrdiff_t)(n - 1) * -incx : x;
    for (size_t i = 0; i < n; i++, p += incx) s += *p * *p;
    return sqrt(s);
}

static int g_mismatches = 0;

static void show(const char *what, size_t n, const double *x, ptrdiff_t incx, double exact,
                 const char *exact_text) {
    double nv = naive(n, x, incx);
    double sn = safenorm_dnrm2(n, x, incx);
    int ok = (isnan(exact) && isnan(sn)) || sn == exact;
    g_mismatches += !ok;
    printf("%-44s naive %-24.17g safenorm %-24.17g exact %s %s\n", what, nv, sn, exact_text,
           ok ? "[ok]" : "[MISMATCH]");
}

int main(void) {
    printf("safenorm %s, kernel %s\n\n", safenorm_version(), safenorm_active_kernel());

    /* Exact binary multiples, so that the exact norm is known: 3, 4, 5 times a power of two. */
    double big[2] = {0x3p+900, 0x4p+900};
    show("3*2^900, 4*2^900 (squares overflow)", 2, big, 1, 0x5p+900, "5*2^900");
    double small[2] = {0x3p-1000, 0x4p-1000};
    show("3*2^-1000, 4*2^-1000 (squares underflow)", 2, small, 1, 0x5p-1000, "5*2^-1000");
    double mx[1] = {DBL_MAX};
    show("DBL_MAX alone", 1, mx, 1, DBL_MAX, "DBL_MAX");
    double mx2[2] = {DBL_MAX, DBL_MAX};
    show("DBL_MAX, DBL_MAX (true norm > DBL_MAX)", 2, mx2, 1, INFINITY, "+Inf (1.414*DBL_MAX)");
    double sub[4] = {0x1p-1074, 0x1p-1074, 0x1p-1074, 0x1p-1074};
    show("four smallest subnormals 2^-1074", 4, sub, 1, 0x1p-1073, "2^-1073");

    /* 4^11 equal values: the exact norm is 2^11 * 0.1 (0.1 as a double), exactly. */
    size_t n = (size_t)1 << 22;
    double *eq = malloc(n * sizeof *eq);
    if (!eq) return 1;
    for (size_t i = 0; i < n; i++) eq[i] = 0.1;
    show("4^11 copies of 0.1 (rounding drift)", n, eq, 1, 2048 * 0.1, "2048*0.1 = 204.80000000000001137");
    free(eq);

    /* A column of a 3x4 row-major matrix (stride 4), and the same walked backwards. */
    double m[12] = {0x3p+900, 0, 0, 0, 0, 0, 0, 0, 0x4p+900, 0, 0, 0};
    show("column of a row-major matrix, incx=4", 3, m, 4, 0x5p+900, "5*2^900");
    show("the same, incx=-4", 3, m, -4, 0x5p+900, "5*2^900");
    show("incx=0: x[0] counted 4^5 times", 1024, big, 0, 0x3p+905, "32*3*2^900");

    double nan_inf[2] = {INFINITY, NAN};
    show("Inf and NaN (NaN wins)", 2, nan_inf, 1, NAN, "NaN");
    double inf1[2] = {-INFINITY, 1.0};
    show("-Inf and 1", 2, inf1, 1, INFINITY, "+Inf");

    double out;
    int st = safenorm_dnrm2_checked(3, NULL, 1, &out);
    printf("\nsafenorm_dnrm2_checked(3, NULL, 1): status %d (%s), value %g\n", st,
           safenorm_strerror(st), out);
    return g_mismatches ? 1 : 0;
}
