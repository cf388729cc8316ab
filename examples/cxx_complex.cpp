// safenorm from C++: std::complex<double> and std::vector data, contiguous and strided.
//
// std::complex<double> is laid out as two doubles, real part first (C++11 [complex.numbers]),
// so a pointer to it is passed to the complex routines as
// reinterpret_cast<const double *>(p); incx counts complex elements.  Every result printed
// here is checked against its exact value; the program exits 1 on any mismatch.
#include <safenorm.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

namespace {

int g_bad = 0;

void expect(const char *what, double got, double want) {
    const bool ok = got == want;
    g_bad += !ok;
    std::printf("%-56s %-24.17g %s\n", what, got, ok ? "[ok]" : "[MISMATCH]");
}

// Norm of every `stride`-th element of a std::vector<std::complex<double>>.
double znorm(const std::vector<std::complex<double> > &v, std::ptrdiff_t stride) {
    if (v.empty()) return 0.0;
    const std::size_t n = (v.size() + static_cast<std::size_t>(stride) - 1) / static_cast<std::size_t>(stride);
    return safenorm_dznrm2(n, reinterpret_cast<const double *>(v.data()), stride);
}

}  // namespace

int main() {
    const double big = std::ldexp(1.0, 1000);     // 2^1000: its square overflows
    const double tiny = std::ldexp(1.0, -1074);   // smallest subnormal

    // |3*2^1000 + 4*2^1000 i| = 5*2^1000, although (3*2^1000)^2 overflows.
    std::vector<std::complex<double> > z(1, std::complex<double>(3 * big, 4 * big));
    expect("|3*2^1000 + 4*2^1000 i|", znorm(z, 1), 5 * big);

    // Strided: every second element of {3+4i, 1e300+1e300i (skipped), 0+0i, 7+7i (skipped)}.
    std::vector<std::complex<double> > w;
    w.push_back(std::complex<double>(3, 4));
    w.push_back(std::complex<double>(1e300, 1e300));
    w.push_back(std::complex<double>(0, 12));
    w.push_back(std::complex<double>(7, 7));
    expect("stride 2 over {3+4i, x, 12i, x} -> 13", znorm(w, 2), 13.0);

    // Negative stride walks the same elements backwards (BLAS convention): same norm.
    expect("stride -2 (same elements) -> 13",
           safenorm_dznrm2(2, reinterpret_cast<const double *>(w.data()), -2), 13.0);

    // Subnormals: four copies of 2^-1074 + 0i -> 2^-1073, not 0.
    std::vector<std::complex<double> > s(4, std::complex<double>(tiny, 0));
    expect("four 2^-1074 -> 2^-1073", znorm(s, 1), 2 * tiny);

    // A real column of a row-major 3x4 std::vector<double> matrix: stride 4.
    std::vector<double> m(12, 1e308);
    m[1] = 3;
    m[5] = 4;
    m[9] = 12;
    expect("column 1 of a 3x4 matrix {3,4,12} -> 13", safenorm_dnrm2(3, &m[1], 4), 13.0);

    // float data: (3*2^100)^2 overflows float; the norm 5*2^100 does not.
    std::vector<float> f;
    f.push_back(std::ldexp(3.0f, 100));
    f.push_back(std::ldexp(4.0f, 100));
    expect("float {3*2^100, 4*2^100} -> 5*2^100", safenorm_snrm2(f.size(), f.data(), 1),
           std::ldexp(5.0f, 100));

    std::printf("cxx_complex: %d mismatches (kernel %s)\n", g_bad, safenorm_active_kernel());
    return g_bad == 0 ? 0 : 1;
}
