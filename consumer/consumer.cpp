// A C++ program using an installed safenorm: std::complex<double> data passed through the
// documented reinterpret_cast, std::vector<float>; exits 1 unless every result is exact.
#include <safenorm.h>
#include <safenorm_blas.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

static int bad = 0, checks = 0;

static void same(const char *what, double got, double want) {
    ++checks;
    if (!(got == want || (std::isnan(got) && std::isnan(want)))) {
        ++bad;
        std::fprintf(stderr, "FAIL %s: got %a, want %a\n", what, got, want);
    }
}

int main() {
    const double big = std::ldexp(1.0, 1000);
    typedef std::complex<double> cd;
    std::vector<cd> z;
    z.push_back(cd(3 * big, 4 * big));   // |z0| = 5*2^1000
    z.push_back(cd(1, 1));               // skipped by stride 2
    z.push_back(cd(12 * big, 0));        // |z2| = 12*2^1000
    const double *p = reinterpret_cast<const double *>(z.data());
    same("dznrm2 stride 2", safenorm_dznrm2(2, p, 2), 13 * big);
    same("dznrm2 stride -2", safenorm_dznrm2(2, p, -2), 13 * big);
    same("cblas_dznrm2 stride 2", cblas_dznrm2(2, p, 2), 13 * big);
    same("dznrm2 one element", safenorm_dznrm2(1, p, 1), 5 * big);

    std::vector<cd> nan_inf(3, cd(1, 1));
    nan_inf[0] = cd(INFINITY, 0);
    nan_inf[2] = cd(0, NAN);
    same("dznrm2 Inf and NaN -> NaN",
         safenorm_dznrm2(3, reinterpret_cast<const double *>(nan_inf.data()), 1), NAN);

    std::vector<float> f(100, 0.5f);   // sqrt(100 * 0.25) = 5
    same("snrm2 100 x 0.5", safenorm_snrm2(f.size(), f.data(), 1), 5.0);
    std::vector<std::complex<float> > cf(1, std::complex<float>(5.0f, 12.0f));
    same("scnrm2 5+12i", safenorm_scnrm2(1, reinterpret_cast<const float *>(cf.data()), 1), 13.0);

    std::printf("consumer.cpp: %d checks, %d failures\n", checks, bad);
    return bad ? 1 : 0;
}
