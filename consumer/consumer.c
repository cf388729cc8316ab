/* A C program using an installed safenorm (native API and BLAS names); exits 1 unless every
 * result is bitwise the exact known value. */
#include <safenorm.h>
#include <safenorm_blas.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int bad = 0, checks = 0;

static void same(const char *what, double got, double want) {
    uint64_t g, w;
    memcpy(&g, &got, sizeof g);
    memcpy(&w, &want, sizeof w);
    checks++;
    if (g != w && !(isnan(got) && isnan(want))) {
        bad++;
        fprintf(stderr, "FAIL %s: got %a, want %a\n", what, got, want);
    }
}

int main(void) {
    const double big = ldexp(1.0, 1000), tiny = ldexp(1.0, -1074);
    double x[2] = {3 * big, 4 * big};
    double sub[4] = {tiny, tiny, tiny, tiny};
    double strided[5] = {3, 1e308, 4, 1e308, 12};
    double z[4] = {3, 4, 0, 12}; /* complex 3+4i, 0+12i */
    float f[2] = {3.0f, 4.0f};
    float cf[2] = {ldexpf(3.0f, 100), ldexpf(4.0f, 100)};
    int32_t n = 2, one = 1;
    double out = 0;

    same("safenorm_dnrm2 {3,4}*2^1000", safenorm_dnrm2(2, x, 1), 5 * big);
    same("safenorm_dnrm2 subnormals", safenorm_dnrm2(4, sub, 1), 2 * tiny);
    same("safenorm_dnrm2 stride 2", safenorm_dnrm2(3, strided, 2), 13.0);
    same("safenorm_dnrm2 stride -2", safenorm_dnrm2(3, strided, -2), 13.0);
    same("safenorm_dnrm2 stride 0", safenorm_dnrm2(4, strided, 0), 6.0);
    same("safenorm_dnrm2 DBL_MAX,DBL_MAX", safenorm_dnrm2(2, (double[]){DBL_MAX, DBL_MAX}, 1),
         INFINITY);
    same("safenorm_dznrm2", safenorm_dznrm2(2, z, 1), 13.0);
    same("safenorm_snrm2", safenorm_snrm2(2, f, 1), 5.0);
    same("safenorm_scnrm2", safenorm_scnrm2(1, cf, 1), ldexpf(5.0f, 100));
    same("dnrm2_", dnrm2_(&n, x, &one), 5 * big);
    same("cblas_dnrm2", cblas_dnrm2(2, x, 1), 5 * big);
    same("cblas_dznrm2", cblas_dznrm2(2, z, 1), 13.0);

    checks++;
    if (safenorm_dnrm2_checked(3, NULL, 1, &out) != SAFENORM_ERR_NULL || !isnan(out)) {
        bad++;
        fprintf(stderr, "FAIL checked NULL: status not SAFENORM_ERR_NULL\n");
    }
    checks++;
    if (strcmp(safenorm_version(), SAFENORM_EXPECTED_VERSION) != 0) {
        bad++;
        fprintf(stderr, "FAIL version %s != %s\n", safenorm_version(), SAFENORM_EXPECTED_VERSION);
    }
    printf("consumer.c: %d checks, %d failures (safenorm %s, kernel %s)\n", checks, bad,
           safenorm_version(), safenorm_active_kernel());
    return bad ? 1 : 0;
}
