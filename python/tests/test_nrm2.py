"""safenorm's Python binding against the exact oracle (tests/oracle.py), on the extreme
families, every dtype and every kind of 1-D view; and the refusals."""
import math
import os
import random
import struct
import subprocess
import sys

import numpy as np
import pytest

import safenorm
from oracle import exact_norm, round_sqrt, tie_decomposition

REAL = {np.float64: "binary64", np.float32: "binary32",
        np.complex128: "binary64", np.complex64: "binary32"}
COMPLEX_OF = {np.float64: np.complex128, np.float32: np.complex64}


def components(x):
    """The real values whose squares make up |x|^2 (re and im parts for complex)."""
    x = np.asarray(x)
    if np.iscomplexobj(x):
        return [float(v) for z in x for v in (z.real, z.imag)]
    return [float(v) for v in x]


def want(x):
    return exact_norm(components(x), REAL[x.dtype.type])


def same(got, expected):
    got = float(got)
    if math.isnan(expected):
        return math.isnan(got)
    return got == expected and math.copysign(1, got) == math.copysign(1, expected)


def check(x):
    got = safenorm.nrm2(x)
    assert type(got) is (np.float32 if x.dtype.type in (np.float32, np.complex64)
                         else np.float64)
    expected = want(x)
    assert same(got, expected), "got %r (%s), want %r (%s) for %r" % (
        float(got), float(got).hex(), expected, float(expected).hex(), x[:8])


# ---------------------------------------------------------------- the oracle itself

def test_oracle_known_values():
    assert exact_norm([3.0, 4.0]) == 5.0
    assert exact_norm([3 * 2.0**1000, 4 * 2.0**1000]) == 5 * 2.0**1000
    assert exact_norm([2.0**-1074] * 4) == 2.0**-1073
    assert exact_norm([2.0**-1074]) == 2.0**-1074
    assert exact_norm([sys.float_info.max] * 2) == math.inf
    assert exact_norm([sys.float_info.max]) == sys.float_info.max
    assert exact_norm([math.inf, math.nan]) != exact_norm([math.inf, math.nan])  # NaN
    assert exact_norm([-math.inf, 1.0]) == math.inf
    assert exact_norm([0.1] * 4**5) == 32 * 0.1
    assert exact_norm([3.0 * 2**100, 4.0 * 2**100], "binary32") == 5.0 * 2**100
    assert exact_norm([2.0**-149] * 4, "binary32") == 2.0**-148
    assert exact_norm([2.0**-151], "binary32") == 0.0      # below half the least subnormal
    assert exact_norm([2.0**-150 * 1.5], "binary32") == 2.0**-149
    assert exact_norm([2.0**128], "binary32") == math.inf   # double input, float result


def test_oracle_single_values_round_like_the_cast():
    rng = random.Random(1)
    for _ in range(2000):
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(63)))[0]
        if math.isfinite(x):
            assert exact_norm([x]) == abs(x)
            f = float(np.float32(x)) if abs(x) < 3.4e38 else None
            if f is not None:
                assert exact_norm([x], "binary32") == f  # numpy's cast rounds correctly


def test_oracle_ties_go_to_even():
    # m odd with 54 bits: sqrt is the midpoint between two 53-bit neighbours.
    for m in (2**53 + 1, 2**53 + 3, 2**54 - 1, 2**53 + 12345):
        xs = tie_decomposition(m)
        assert sum(int(v) ** 2 for v in xs) == m * m
        r = exact_norm(xs)
        # the neighbours m-1 and m+1 are multiples of 2 (the ulp); the even one of 4
        assert r in (float(m - 1), float(m + 1)) and int(r) % 4 == 0


# ---------------------------------------------------------------- families

def families(rng, dt):
    """Named hard inputs as Python floats, representable in dt (float64 or float32)."""
    f32 = dt is np.float32
    emin, emax, p = (-149, 127, 24) if f32 else (-1074, 1023, 53)
    big = 2.0 ** (emax - 20)
    tiny = 2.0 ** emin
    fmax = float(np.finfo(dt).max)

    def rnd(lo, hi):
        return math.ldexp(1 + rng.random(), rng.randrange(lo, hi)) * rng.choice((-1, 1))

    fam = {
        "near overflow": [rnd(emax - 30, emax) for _ in range(37)],
        "overflowing sum": [fmax] * 3,
        "max and tiny": [fmax, tiny, -tiny],
        "subnormals": [rng.randrange(1, 2**(p - 1)) * tiny * rng.choice((-1, 1))
                       for _ in range(41)],
        "least subnormals": [tiny] * 16,
        "mixed": [rnd(emax - 40, emax) if i % 3 == 0 else
                  rng.randrange(1, 2**(p - 1)) * tiny for i in range(50)],
        "log-uniform": [rnd(emin + p, emax) for _ in range(60)],
        "random": [rng.gauss(0, 1) for _ in range(257)],
        "pythagorean huge": [3 * big, 4 * big],
        "pythagorean tiny": [3 * tiny, 4 * tiny],
        "equal run": [0.1] * 4**5,
        "zeros": [0.0, -0.0, 0.0],
    }
    # exact and near ties, scaled to the top and the bottom of the range
    m = 2**p + 2 * rng.randrange(1, 2**(p - 2)) + 1
    tie = tie_decomposition(m)
    fam["tie"] = tie
    fam["tie + tiny"] = tie + [1.0 / 8]
    fam["tie scaled up"] = [v * 2.0 ** (emax - p - 4) for v in tie]
    fam["tie scaled down"] = [v * 2.0 ** (emin + p + 4) for v in tie]
    out = {}
    for k, vals in fam.items():
        a = np.array(vals, dtype=dt)  # random values are rounded to dt here
        if k.startswith("tie") or k.startswith("pythagorean"):
            # constructed values must be exactly representable
            assert [float(v) for v in a] == [float(v) for v in vals], k
        out[k] = a
    return out


DTYPES = [np.float64, np.float32]


@pytest.mark.parametrize("dt", DTYPES, ids=["float64", "float32"])
def test_families_contiguous(dt):
    for name, a in families(random.Random(7), dt).items():
        check(a)


@pytest.mark.parametrize("dt", DTYPES, ids=["complex128", "complex64"])
def test_families_complex(dt):
    rng = random.Random(11)
    fams = list(families(rng, dt).values())
    for a in fams:
        b = fams[rng.randrange(len(fams))]
        n = min(len(a), len(b))
        z = np.empty(n, dtype=COMPLEX_OF[dt])
        z.real = a[:n]
        z.imag = b[:n][::-1]
        check(z)


def views(a):
    """Every kind of 1-D view of the data in a (1-D), with garbage in the gaps."""
    dt = a.dtype
    n = len(a)
    junk = np.array(np.nan if dt.kind == "f" else complex(np.nan, np.nan), dtype=dt)
    yield "contiguous", a
    yield "reversed", a[::-1]
    for s in (2, 3, 7):
        buf = np.full(n * s, junk, dtype=dt)
        buf[::s] = a
        yield "stride %d" % s, buf[::s]
        yield "stride -%d" % s, buf[(n - 1) * s::-s]
    m = np.full((n, 5), junk, dtype=dt)
    m[:, 2] = a
    yield "column of C-order 2-D", m[:, 2]
    f = np.asfortranarray(np.full((5, n), junk, dtype=dt))
    f[3, :] = a
    yield "row of Fortran-order 2-D", f[3, :]
    yield "column reversed", m[::-1, 2]
    big = np.full((3, 2 * n), junk, dtype=dt)
    big[1, ::2] = a
    yield "non-contiguous slice of a 2-D row", big[1, ::2]
    # unaligned: the data starts one byte into a buffer
    raw = np.zeros(n * dt.itemsize + 1, dtype=np.uint8)
    u = raw[1:].view(dt)
    u[:] = a
    yield "unaligned", u
    yield "big-endian copy", a.astype(dt.newbyteorder(">"))
    # a byte stride that is not a multiple of the element size: copied (exactly) first
    raw2 = np.zeros(n * (dt.itemsize + 1), dtype=np.uint8)
    st = np.ndarray(shape=(n,), dtype=dt, buffer=raw2.data, strides=(dt.itemsize + 1,))
    st[:] = a
    yield "byte stride itemsize+1", st


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.complex128, np.complex64],
                         ids=["float64", "float32", "complex128", "complex64"])
def test_every_view(dt):
    rng = random.Random(3)
    real = np.float64 if dt in (np.float64, np.complex128) else np.float32
    fams = families(rng, real)
    for name in ("near overflow", "subnormals", "mixed", "tie", "tie scaled down", "random"):
        a = fams[name]
        if dt in (np.complex128, np.complex64):
            z = np.zeros(len(a), dtype=dt)
            z.real = a
            z.imag = a[::-1]
            a = z
        expected = want(a)
        for vname, v in views(a):
            assert v.ndim == 1 and len(v) == len(a), vname
            got = safenorm.nrm2(v)
            assert same(got, expected), "%s / %s: got %r want %r" % (name, vname, got, expected)


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.complex128, np.complex64])
def test_broadcast_stride_zero(dt):
    # stride 0: x[0] counted n times -> sqrt(n)*|x0|, correctly rounded
    x0 = np.array([3 * 2.0**90], dtype=dt)
    v = np.broadcast_to(x0, (17,))
    assert v.strides == (0,)
    check(v)
    v = np.broadcast_to(np.array([2.0**-149 if dt in (np.float32, np.complex64)
                                  else 2.0**-1074], dtype=dt), (4,))
    check(v)


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.complex128, np.complex64])
def test_nan_inf(dt):
    cases = [[1.0, np.nan], [np.inf, np.nan], [np.nan, np.inf], [-np.inf, 1.0],
             [np.inf, -np.inf], [0.0, np.inf, 5.0]]
    for c in cases:
        a = np.array(c, dtype=dt)
        check(a)
        check(a[::-1])
    if np.dtype(dt).kind == "c":
        check(np.array([complex(1, np.nan), complex(np.inf, 0)], dtype=dt))
        check(np.array([complex(np.inf, 1), complex(2, 3)], dtype=dt))


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.complex128, np.complex64])
def test_empty(dt):
    r = safenorm.nrm2(np.zeros(0, dtype=dt))
    assert r == 0 and not math.copysign(1, float(r)) < 0
    r = safenorm.nrm2(np.zeros((3, 4), dtype=dt)[:, 1][:0])
    assert r == 0


def test_long_vector():
    x = np.full(100_000, 0.1)
    x[::7] = 2.0**-1070
    x[5] = 2.0**1000
    check(x)
    check(x[::-13])


def test_float32_result_is_rounded_once():
    # sqrt(m^2) for an odd 25-bit m: the exact binary32 tie, rounded to even
    m = 2**24 + 2 * 12345 + 1
    a = np.array(tie_decomposition(m), dtype=np.float32)
    got = float(safenorm.nrm2(a))
    assert got == round_sqrt(m * m * 2**2148, "binary32")
    assert got in (m - 1, m + 1) and (int(got) // 2) % 2 == 0


# ---------------------------------------------------------------- refusals, never a crash

@pytest.mark.parametrize("bad", [[3.0, 4.0], (3.0, 4.0), 5.0, "abc", None, memoryview(b"abcd"),
                                 {"x": 1}])
def test_non_array_is_type_error(bad):
    with pytest.raises(TypeError, match="numpy.ndarray"):
        safenorm.nrm2(bad)


@pytest.mark.parametrize("dt", [np.int32, np.int64, np.uint8, np.float16, np.longdouble,
                                np.clongdouble, object, bool, "U3", "datetime64[s]"])
def test_wrong_dtype_is_type_error(dt):
    a = np.zeros(3, dtype=dt)
    with pytest.raises(TypeError, match="dtype"):
        safenorm.nrm2(a)


@pytest.mark.parametrize("shape", [(), (2, 3), (1, 1, 4)])
def test_not_1d_is_refused(shape):
    a = np.ones(shape)
    with pytest.raises(ValueError, match="1-D"):
        safenorm.nrm2(a)
    if a.ndim > 1:  # the documented way to flatten
        check(a.reshape(-1))


def test_checked_status_becomes_exception():
    # The binding's low-level call with a NULL pointer: the C library's _checked status.
    with pytest.raises(safenorm.SafenormError, match="NULL"):
        safenorm._call(np.dtype(np.float64), 3, None, 1)
    # a span that is not addressable
    with pytest.raises(safenorm.SafenormError):
        safenorm._call(np.dtype(np.float64), 2**62, 4096, 2**40)
    assert isinstance(safenorm.SafenormError("x"), ValueError)


def test_version_and_kernel():
    assert safenorm.version().count(".") == 2
    assert safenorm.active_kernel() in ("scalar", "avx2", "avx512", "neon")
    assert os.path.exists(safenorm.library_path) or "/" not in safenorm.library_path


def test_bad_safenorm_lib_is_import_error(tmp_path):
    env = dict(os.environ, SAFENORM_LIB=str(tmp_path / "nope.so"))
    pkg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    r = subprocess.run([sys.executable, "-c", "import safenorm"], cwd=pkg, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 1 and "ImportError" in r.stderr and "SAFENORM_LIB" in r.stderr


# ---------------------------------------------------------------- finding the library

def _import_in(cwd, env_extra, unset=("SAFENORM_LIB",)):
    env = dict(os.environ)
    for k in unset:
        env.pop(k, None)
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "import safenorm, numpy as np; "
         "print(safenorm.library_path); print(float(safenorm.nrm2(np.array([3e300, 4e300]))))"],
        cwd=cwd, env=env, capture_output=True, text=True)


def test_library_beside_the_package(tmp_path):
    import shutil
    pkg = os.path.dirname(os.path.abspath(safenorm.__file__))
    dst = tmp_path / "safenorm"
    shutil.copytree(pkg, dst, ignore=shutil.ignore_patterns("__pycache__", "*.so*"))
    shutil.copy(safenorm.library_path, dst / "libsafenorm.so")
    r = _import_in(str(tmp_path), {})
    assert r.returncode == 0, r.stderr
    path, value = r.stdout.split()
    assert path == str(dst / "libsafenorm.so") and float(value) == 5e300


def test_library_from_the_build_tree():
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    lib = os.path.join(repo, "target", "release", "libsafenorm.so")
    beside = os.path.join(repo, "python", "safenorm", "libsafenorm.so")
    if not os.path.exists(lib) or os.path.exists(beside):
        pytest.skip("no target/release/libsafenorm.so (run cargo build --release)")
    r = _import_in(os.path.join(repo, "python"), {})
    assert r.returncode == 0, r.stderr
    path, value = r.stdout.split()
    assert path == lib and float(value) == 5e300
