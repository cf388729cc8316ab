"""Exact oracle for the Euclidean norm, in pure Python integers (no numpy, no floats in the
arithmetic): the exact sum of squares of the (float) values, then the square root rounded
to nearest, ties to even, in binary64 or binary32 with IEEE subnormals and overflow.

Every finite binary64 (hence binary32) value is m * 2^-1074 for an integer m, so its square
is an integer number of units 2^-2148; the sum S is exact.  The result is
sqrt(S * 2^-2148) rounded: with the quantum q = 2^(max(e, emin) - (p - 1)) of the binade
2^e <= sqrt <= 2^(e+1) (clamped to the subnormal quantum), the integer
m0 = floor(sqrt(S)/q) comes from math.isqrt, and comparing S/q^2 with (m0 + 1/2)^2 exactly
decides up, down or tie (to even).  A rounded value >= 2^(emax+1) is +inf.
"""
import math

UNIT_EXP = 1074  # x * 2^1074 is an integer for every finite binary64 x
FORMATS = {
    # name: (precision p, emin, emax)
    "binary64": (53, -1022, 1023),
    "binary32": (24, -126, 127),
}


def to_units(x):
    """x * 2^1074 as an exact integer (x a finite Python float)."""
    num, den = float(x).as_integer_ratio()  # den is a power of two <= 2^1074
    return num * ((1 << UNIT_EXP) // den)


def exact_sum_of_squares(values):
    """sum x^2 in units of 2^-2148, exactly."""
    return sum(to_units(v) ** 2 for v in values)


def round_sqrt(s, fmt):
    """sqrt(s * 2^-2148) correctly rounded in fmt, as a Python float (exact for binary32)."""
    p, emin, emax = FORMATS[fmt]
    if s == 0:
        return 0.0
    # S = s * 2^-2148; k = floor(log2 S); e = floor(log2 sqrt S) = floor(k / 2).
    k = s.bit_length() - 1 - 2 * UNIT_EXP
    e = k // 2
    qexp = max(e, emin) - (p - 1)          # quantum 2^qexp
    # t = S / q^2 = s * 2^(-2148 - 2*qexp), as a fraction tn / td with td a power of two.
    shift = -2 * UNIT_EXP - 2 * qexp
    if shift >= 0:
        tn, td = s << shift, 1
    else:
        tn, td = s, 1 << -shift
    m0 = math.isqrt(tn // td)              # floor(sqrt(t)) = isqrt(floor(t))
    # compare t with (m0 + 1/2)^2  <=>  4*tn with (2*m0 + 1)^2 * td
    lhs, rhs = 4 * tn, (2 * m0 + 1) ** 2 * td
    if lhs > rhs or (lhs == rhs and m0 % 2 == 1):
        m = m0 + 1
    else:
        m = m0
    # m * 2^qexp, with unbounded exponent: overflow if >= 2^(emax + 1)
    if m.bit_length() - 1 + qexp >= emax + 1:
        return math.inf
    return math.ldexp(float(m), qexp)      # m < 2^(p+1): exact


def exact_norm(values, fmt="binary64"):
    """The correctly rounded norm of real values (complex: pass re and im parts)."""
    values = [float(v) for v in values]
    if any(math.isnan(v) for v in values):
        return math.nan
    if any(math.isinf(v) for v in values):
        return math.inf
    return round_sqrt(exact_sum_of_squares(values), fmt)


def tie_decomposition(m):
    """Values whose squares sum to m^2 for an odd integer m (the midpoint between two
    neighbours at precision p when m has p + 1 bits): (m-1)^2 + (2m - 1), the remainder
    split greedily into squares (as tests/common/mod.rs)."""
    xs = [float(m - 1)]
    r = 2 * m - 1
    while r > 0:
        a = math.isqrt(r)
        xs.append(float(a))
        r -= a * a
    return xs


def exact_quotients(values, fmt="binary64", slack=2.0**-20):
    """For finite real components (complex: re and im parts) of a vector that is not all
    zero: per component x_i, the set of acceptable roundings of x_i / ||x|| (exact norm) in
    fmt -- the correctly rounded quotient, and also its other neighbour when the exact
    quotient lies within `slack` ulp of a rounding midpoint (the library's normalize
    promises 0.5 + 2^-26 ulp).  Exact rational arithmetic: |q| = |X| / sqrt(s) with
    X = x * 2^1074 and s the sum of squares in units of 2^-2148."""
    from fractions import Fraction
    p, emin, _ = FORMATS[fmt]
    xs = [to_units(v) for v in values]
    s = sum(x * x for x in xs)
    assert s > 0
    out = []
    for x, v in zip(xs, values):
        if x == 0:
            out.append({0.0})
            continue
        t = Fraction(x * x, s)                       # q^2, 0 < q <= 1
        k = t.numerator.bit_length() - t.denominator.bit_length()
        if Fraction(2) ** k > t:
            k -= 1                                   # 2^k <= t < 2^(k+1)
        e = k // 2                                   # 2^e <= |q| < 2^(e+1)
        qexp = max(e, emin) - (p - 1)
        big = t / Fraction(2) ** (2 * qexp)          # (|q| / quantum)^2
        m0 = math.isqrt(big.numerator // big.denominator)
        mid = Fraction(2 * m0 + 1, 2)
        m = m0 + 1 if big > mid * mid else m0        # exact ties cannot occur off zero
        cands = {m}
        lo, hi = mid - Fraction(slack), mid + Fraction(slack)
        if lo * lo < big < hi * hi:
            cands = {m0, m0 + 1}
        sign = -1.0 if v < 0 else 1.0
        out.append({sign * math.ldexp(float(c), qexp) for c in cands})
    return out
