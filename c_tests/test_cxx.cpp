// The headers compile as C++ (extern "C", no C-only constructs) and std::complex data is
// accepted through the documented reinterpret_cast to interleaved (re, im) pairs.
#include "safenorm.h"
#include "safenorm_blas.h"

#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
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

    // The state API from C++: pieces of std::vector and std::complex data in two states,
    // one sent through bytes, merged; the exact state when the fast one cannot decide.
    std::vector<double> w = {0x3p+1000, 0x4p+1000, 0xCp+1000};  // norm 13 * 2^1000
    safenorm_sumsq a, b;
    safenorm_sumsq_init(&a);
    safenorm_sumsq_init(&b);
    check(safenorm_sumsq_add_d(&a, 2, w.data(), 1) == SAFENORM_OK, "sumsq_add_d");
    check(safenorm_sumsq_add_d(&b, 1, &w[2], 1) == SAFENORM_OK, "sumsq_add_d");
    unsigned char wire[sizeof(safenorm_sumsq)];
    std::memcpy(wire, &b, sizeof wire);
    safenorm_sumsq received;
    std::memcpy(&received, wire, sizeof received);
    check(safenorm_sumsq_merge(&a, &received) == SAFENORM_OK, "sumsq_merge");
    double r = 0.0;
    check(safenorm_sumsq_result_d(&a, &r) == SAFENORM_OK && r == 0xDp+1000, "sumsq_result_d");
    check(safenorm_sumsq_add_sc(&a, c.size(), reinterpret_cast<const float *>(c.data()), 1) ==
              SAFENORM_OK, "sumsq_add_sc std::complex<float>");
    safenorm_exact_sumsq e;
    safenorm_exact_sumsq_init(&e);
    check(safenorm_exact_sumsq_add_dz(&e, z.size(), zp, -1) == SAFENORM_OK, "exact_sumsq_add_dz");
    float rf = 0.0f;
    check(safenorm_exact_sumsq_result_s(&e, &rf) == SAFENORM_OK && rf == 13.0f, "exact_sumsq_result_s");
    check(safenorm_sumsq_result_d(nullptr, &r) == SAFENORM_ERR_STATE && std::isnan(r), "NULL state");
    safenorm_set_num_threads(2);
    check(safenorm_get_num_threads() == 2, "set/get_num_threads");
    safenorm_set_num_threads(0);
    std::printf("test_cxx: %d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
    return failures ? 1 : 0;
}
