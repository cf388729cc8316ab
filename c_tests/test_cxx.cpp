// The headers compile as C++ (extern "C", no C-only constructs) and std::complex data is
// accepted through the documented reinterpret_cast to interleaved (re, im) pairs.
#include "safenorm.h"
#include "safenorm_blas.h"

#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

static int failures = 0;
static void check(bool ok, const char *what) {
    if (!ok) {
        std::fprintf(stderr, "FAIL: %s\n", what);
        ++failures;
    }
}

int main() {
    // |3+4i| = 5 and |0+12i| = 12: norm 13 exactly.
    std::vector<std::complex<double>> z = {{3.0, 4.0}, {0.0, 12.0}};
    const double *zp = reinterpret_cast<const double *>(z.data());
    check(safenorm_dznrm2(z.size(), zp, 1) == 13.0, "dznrm2 std::complex<double>");
    check(cblas_dznrm2(static_cast<int>(z.size()), z.data(), 1) == 13.0, "cblas_dznrm2 void*");
    std::vector<std::complex<float>> c = {{0x3p+100f, 0x4p+100f}, {0.0f, 0xCp+100f}};
    check(safenorm_scnrm2(c.size(), reinterpret_cast<const float *>(c.data()), 1) == 0xDp+100f,
          "scnrm2 std::complex<float> beyond the naive float range");
    std::vector<double> x = {0x3p+1000, 0x4p+1000};
    check(safenorm_dnrm2(x.size(), x.data(), -1) == 0x5p+1000, "dnrm2 negative stride");
    double out = 0.0;
    check(safenorm_dnrm2_checked(1, nullptr, 1, &out) == SAFENORM_ERR_NULL && std::isnan(out),
          "checked NULL");
    std::printf("test_cxx: %d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
    return failures ? 1 : 0;
}
