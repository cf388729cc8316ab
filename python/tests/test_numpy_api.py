"""safenorm.norm / normalize / SumSq (numpy's API) against the exact oracle (oracle.py) on
extreme data, every axis and layout of 3-D arrays, every dtype; against numpy.linalg.norm
on ordinary data; and checks that strided views are read in place."""
import math
import multiprocessing
import os
import pickle
import random
import subprocess
import sys

import numpy as np
import pytest

import safenorm
from oracle import exact_norm, exact_quotients, tie_decomposition
from test_nrm2 import families, same

try:
    import ml_dtypes
    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover
    ml_dtypes = None
    BF16 = None

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = [np.float64, np.float32, np.complex128, np.complex64, np.float16] + (
    [BF16] if BF16 is not None else [])
IDS = ["float64", "float32", "complex128", "complex64", "float16"] + (
    ["bfloat16"] if BF16 is not None else [])
SINGLE = {np.dtype(np.float32), np.dtype(np.complex64), np.dtype(np.float16)} | (
    {BF16} if BF16 is not None else set())


def fmt_of(dt):
    return "binary32" if np.dtype(dt) in SINGLE else "binary64"


def rtype(dt):
    return np.float32 if np.dtype(dt) in SINGLE else np.float64


def parts(a):
    """Real components of an array's elements (re and im for complex), as Python floats."""
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return [float(v) for z in a.reshape(-1) for v in (z.real, z.imag)]
    return [float(v) for v in a.astype(np.float64).reshape(-1)]


def want(a, dt):
    return exact_norm(parts(a), fmt_of(dt))


def data(dt, shape, rng, kind="mixed"):
    """An array of dtype dt with hard values: huge, tiny (subnormal), ordinary, ties."""
    dt = np.dtype(dt)
    n = int(np.prod(shape))
    if dt in (np.dtype(np.float16),) or dt == BF16:
        if dt == BF16:
            emin, emax = -133, 127  # bfloat16: float32's range, 8 bits
        else:
            emin, emax = -24, 15
        vals = [math.ldexp(1 + rng.random(), rng.randrange(emin, emax)) * rng.choice((-1, 1))
                for _ in range(n)]
        out = np.array(vals, dtype=np.float32).astype(dt)
        return out.reshape(shape)
    real = np.float32 if dt in SINGLE else np.float64
    pool = []
    for fam in families(rng, real).values():
        pool.extend(float(v) for v in fam)
    pool = [v for v in pool if math.isfinite(v)]
    if kind == "random":
        vals = [rng.gauss(0, 1) for _ in range(2 * n)]
    else:
        vals = [rng.choice(pool) for _ in range(2 * n)]
    if dt.kind == "c":
        z = np.empty(n, dtype=dt)
        z.real = np.array(vals[:n], dtype=real)
        z.imag = np.array(vals[n:], dtype=real)
        return z.reshape(shape)
    return np.array(vals[:n], dtype=real).astype(dt).reshape(shape)


def check_value(got, expected, what=""):
    assert same(got, expected), "%s: got %r (%s), want %r (%s)" % (
        what, float(got), float(got).hex(), expected, float(expected).hex())


def layouts(a):
    """The same values as a (3-D) in different memory layouts: C, Fortran, transposed,
    negative strides, a strided slice of a bigger array (NaN in the gaps)."""
    yield "C", a
    yield "F", np.asfortranarray(a)
    t = np.ascontiguousarray(a.transpose(2, 0, 1)).transpose(1, 2, 0)
    yield "transposed storage", t
    r = np.ascontiguousarray(a[::-1, :, ::-1])[::-1, :, ::-1]
    yield "negative strides", r
    junk = np.nan if a.dtype.kind != "c" else complex(np.nan, np.nan)
    big = np.full((a.shape[0] * 2, a.shape[1] + 1, a.shape[2] * 3), junk, dtype=a.dtype)
    big[::2, 1:, ::3] = a
    yield "strided slice", big[::2, 1:, ::3]
    big2 = np.full((a.shape[2], a.shape[0] * 2, a.shape[1]), junk, dtype=a.dtype)
    big2[:, ::2, :] = a.transpose(2, 0, 1)
    yield "strided transposed", big2[:, ::2, :].transpose(1, 2, 0)


# ---------------------------------------------------------------- the oracle for quotients

def test_oracle_quotients():
    assert exact_quotients([3.0, -4.0]) == [{0.6}, {-0.8}]
    assert exact_quotients([1.0, 1.0]) == [{math.sqrt(0.5)}] * 2
    assert exact_quotients([2.0**-1074, 0.0]) == [{1.0}, {0.0}]
    assert exact_quotients([3.0, 4.0], "binary32") == [{float(np.float32(0.6))},
                                                       {float(np.float32(0.8))}]


# ---------------------------------------------------------------- norm, every axis

@pytest.mark.parametrize("dt", ALL, ids=IDS)
def test_every_axis_every_layout(dt):
    rng = random.Random(5)
    a = data(dt, (3, 4, 5), rng)
    axes = [None, 0, 1, 2, -1, -3, (0, 1), (1, 2), (0, 2), (2, 0), (-1, -2)]
    expected = {}
    for ax in axes:
        full = np.asarray(a)
        if ax is None:
            expected[ax] = want(full, dt)
            continue
        axt = ax if isinstance(ax, tuple) else (ax,)
        axt = tuple(x % 3 for x in axt)
        keep = [i for i in range(3) if i not in axt]
        moved = np.moveaxis(full, keep + list(axt), list(range(3)))
        shp = [full.shape[i] for i in keep]
        expected[ax] = [want(moved[idx], dt) for idx in np.ndindex(*shp)]
    for name, v in layouts(a):
        for ax in axes:
            got = safenorm.norm(v, axis=ax)
            if ax is None:
                assert type(got) is rtype(dt)
                check_value(got, expected[ax], "%s axis=None" % name)
                continue
            assert got.dtype == rtype(dt)
            for g, e in zip(got.reshape(-1), expected[ax]):
                check_value(g, e, "%s axis=%r" % (name, ax))
            kd = safenorm.norm(v, axis=ax, keepdims=True)
            ref = np.linalg.norm(np.ones((3, 4, 5)), axis=ax, keepdims=True)
            assert kd.shape == ref.shape
            assert np.array_equal(kd.reshape(-1), got.reshape(-1), equal_nan=True)


@pytest.mark.parametrize("dt", ALL, ids=IDS)
def test_axis_none_families(dt):
    """Every extreme family, as 1-D, 2-D views and N-d views, axis=None."""
    rng = random.Random(9)
    for kind in ("mixed", "random"):
        for shape in [(37,), (6, 7), (2, 3, 5), (3, 1, 4, 2)]:
            a = data(dt, shape, rng, kind)
            e = want(a, dt)
            check_value(safenorm.norm(a), e, str(shape))
            check_value(safenorm.norm(a.T), e, str(shape) + " T")
            if a.ndim >= 2:
                check_value(safenorm.norm(a[::-1, ::-1]), e, str(shape) + " reversed")
                check_value(safenorm.norm(np.swapaxes(a, 0, -1)[..., ::-1]), e, "swapped")
            k = safenorm.norm(a, keepdims=True)
            assert k.shape == (1,) * a.ndim and k.dtype == rtype(dt)


def test_near_ties_every_axis():
    """Rows that are exact and near rounding ties (the fast sums cannot decide; the library
    falls back to its exact path), in rows, columns and matrices."""
    for fmt, dt, p in (("binary64", np.float64, 53), ("binary32", np.float32, 24)):
        rng = random.Random(2)
        rows = []
        for _ in range(4):
            m = 2**p + 2 * rng.randrange(1, 2**(p - 2)) + 1
            t = tie_decomposition(m)
            rows.append((t + [0.0] * 8)[:8])
        a = np.array(rows, dtype=dt)
        a[1, 7] = 1.0 / 8 if dt is np.float64 else 2.0**-20   # near tie
        gaps = np.full((4, 17), np.nan, dtype=dt)   # odd row length: rows do not merge
        gaps[:, :16:2] = a
        # contiguous (vector), Fortran (matrix routine), reversed, no unit stride (states)
        for v in (a, np.asfortranarray(a), a[::-1, ::-1], gaps[:, :16:2], gaps[::-1, :16:2].T):
            for i, g in enumerate(safenorm.norm(v, axis=1)):
                check_value(g, exact_norm([float(x) for x in v[i]], fmt))
            check_value(safenorm.norm(v), exact_norm(parts(v), fmt))
        for row in a:  # one (near-)tie laid out as a 2 x 4 view without a unit stride
            g = np.full((2, 11), np.nan, dtype=dt)
            g[:, :8:2] = row.reshape(2, 4)
            check_value(safenorm.norm(g[:, :8:2]), exact_norm([float(x) for x in row], fmt))
        three = np.stack([a, a[::-1]], axis=1)  # (4, 2, 8)
        got = safenorm.norm(three, axis=(0, 2))
        for j in range(2):
            check_value(got[j], exact_norm(parts(three[:, j, :]), fmt))


def test_half_precision_beyond_numpy():
    x = np.full(5000, 60000, dtype=np.float16)
    with np.errstate(over="ignore"):
        assert np.isinf(np.linalg.norm(x))           # numpy overflows in float16
    got = safenorm.norm(x)
    assert type(got) is np.float32
    check_value(got, exact_norm([60000.0] * 5000, "binary32"))
    sub = np.full(1000, np.float16(2.0**-24))        # least subnormal float16
    check_value(safenorm.norm(sub), exact_norm([2.0**-24] * 1000, "binary32"))
    m = np.full((300, 7), 65504, dtype=np.float16)
    for g in safenorm.norm(m, axis=0):
        check_value(g, exact_norm([65504.0] * 300, "binary32"))


@pytest.mark.skipif(BF16 is None, reason="ml_dtypes not installed")
def test_bfloat16():
    x = np.full(4097, 3e38, dtype=BF16)
    check_value(safenorm.norm(x), exact_norm([float(v) for v in x.astype(np.float32)] * 1,
                                             "binary32"))
    assert safenorm.norm(np.array([3, 4], dtype=BF16)) == np.float32(5)


@pytest.mark.parametrize("dt", [np.int8, np.int32, np.int64, np.uint16, bool])
def test_integers_and_bool_are_float64(dt):
    a = np.arange(24).reshape(2, 3, 4).astype(dt)
    got = safenorm.norm(a, axis=1)
    assert got.dtype == np.float64
    for idx in np.ndindex(2, 4):
        check_value(got[idx], exact_norm([float(v) for v in a[idx[0], :, idx[1]]]))
    assert safenorm.norm([3, 4]) == 5.0 and type(safenorm.norm([3, 4])) is np.float64


def test_nan_inf_per_vector():
    a = np.array([[1.0, np.nan, 2.0], [np.inf, 1.0, 0.0], [3.0, 4.0, 0.0],
                  [np.inf, np.nan, 1.0]])
    got = safenorm.norm(a, axis=1)
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == 5 and np.isnan(got[3])
    assert np.isnan(safenorm.norm(a)) and np.isnan(safenorm.norm(a.T, axis=(0, 1)))


def test_empty_and_degenerate():
    assert safenorm.norm(np.zeros(0)) == 0 and safenorm.norm(np.zeros((0, 3))) == 0
    assert safenorm.norm(np.zeros((0, 3)), axis=1).shape == (0,)
    assert np.array_equal(safenorm.norm(np.zeros((3, 0)), axis=1), [0, 0, 0])
    assert safenorm.norm(np.zeros((3, 0, 2)), axis=(0, 1)).tolist() == [0, 0]
    assert safenorm.norm(np.float64(-3)) == 3                   # 0-d
    assert safenorm.norm(np.array([-3.0]), axis=0) == 3
    assert type(safenorm.norm(np.array([-3.0]), axis=0)) is np.float64
    b = np.broadcast_to(np.array([3.0, 4.0]), (6, 2))          # stride 0
    assert np.array_equal(safenorm.norm(b, axis=1), [5.0] * 6)
    check_value(safenorm.norm(b), exact_norm([3.0, 4.0] * 6))
    check_value(safenorm.norm(b, axis=0)[1], exact_norm([4.0] * 6))


def test_bad_arguments():
    a = np.ones((2, 3, 4))
    with pytest.raises(np.exceptions.AxisError if hasattr(np, "exceptions") else ValueError):
        safenorm.norm(a, axis=3)
    with pytest.raises(ValueError):
        safenorm.norm(a, axis=(0, 1, 2))
    with pytest.raises(ValueError):
        safenorm.norm(a, axis=(1, -2))
    with pytest.raises(TypeError):
        safenorm.norm(a, axis=1.0)
    for bad in (np.zeros(3, dtype=object), np.zeros(3, dtype=np.longdouble), np.array(["a"])):
        with pytest.raises(TypeError, match="dtype"):
            safenorm.norm(bad)


@pytest.mark.parametrize("dt,rtol", [(np.float64, 1e-15), (np.float32, 1e-6),
                                     (np.complex128, 1e-15), (np.complex64, 1e-6)])
def test_against_numpy_on_ordinary_data(dt, rtol):
    rng = np.random.default_rng(4)
    a = rng.standard_normal((20, 30, 7)).astype(dt)
    if np.dtype(dt).kind == "c":
        a = a + 1j * rng.standard_normal(a.shape).astype(dt)
    for ax in (None, 0, 1, 2, (0, 1), (2, 0)):
        for v in (a, a.transpose(1, 2, 0), a[::-2, 1::3]):
            got = safenorm.norm(v, axis=ax)
            ref = np.linalg.norm(v, axis=ax)
            assert np.asarray(got).dtype == np.asarray(ref).dtype
            np.testing.assert_allclose(got, ref, rtol=rtol)


# ---------------------------------------------------------------- read in place

class Recorder:
    """Wraps the ctypes functions of one dtype's kind and records the data addresses the
    library is given, so a test can check they lie inside the caller's array (no copy)."""

    def __init__(self, monkeypatch, dt):
        from safenorm import _lib
        self.k = _lib.KINDS[np.dtype(dt)]
        self.addresses = []
        for name, pos in (("batch", 1), ("matrix", 2), ("checked", 1), ("plain", 1),
                          ("add", 2), ("xadd", 2)):
            fn = getattr(self.k, name)
            if fn is not None:
                monkeypatch.setattr(self.k, name, self.wrap(fn, pos))

    def wrap(self, fn, pos):
        def call(*args):
            self.addresses.append(args[pos])
            return fn(*args)
        return call

    def inside(self, a):
        lo, hi = np.byte_bounds(a) if hasattr(np, "byte_bounds") else np.lib.array_utils.byte_bounds(a)
        return bool(self.addresses) and all(lo <= x < hi for x in self.addresses)


@pytest.mark.parametrize("dt", ALL, ids=IDS)
def test_views_are_read_in_place(monkeypatch, dt):
    a = data(dt, (6, 5, 4), random.Random(1), "random")
    views = [a, a.T, a[::-1], a[:, ::-2, 1:], a.transpose(1, 0, 2)[::2], np.asfortranarray(a)]
    for v in views:
        for ax in (None, 0, 1, 2, (0, 1), (0, 2), (2, 1)):
            rec = Recorder(monkeypatch, dt)
            got = safenorm.norm(v, axis=ax)
            assert rec.inside(v), (v.strides, ax)
            monkeypatch.undo()
            assert np.array_equal(np.asarray(got), np.asarray(safenorm.norm(v.copy(), axis=ax)))
    # strides that are not a multiple of the element size: copied (documented)
    item = np.dtype(dt).itemsize
    raw = np.zeros(10 * (item + 1), dtype=np.uint8)
    odd = np.ndarray((10,), dtype=dt, buffer=raw.data, strides=(item + 1,))
    rec = Recorder(monkeypatch, dt)
    safenorm.norm(odd)
    assert not rec.inside(raw)


def test_one_batch_call_when_the_batch_axes_collapse(monkeypatch):
    from safenorm import _lib
    k = _lib.KINDS[np.dtype(np.float32)]
    calls = []
    orig = k.batch
    monkeypatch.setattr(k, "batch", lambda *a: calls.append(a) or orig(*a))
    a = np.ones((4, 50, 768), dtype=np.float32)
    safenorm.norm(a, axis=2)
    assert len(calls) == 1 and calls[0][4] == 200        # one call, batch of 200 rows
    calls.clear()
    safenorm.norm(a[:, ::2, :], axis=2)                   # every other row: still one run
    assert len(calls) == 1 and calls[0][4] == 100 and calls[0][3] == 1536
    calls.clear()
    safenorm.norm(a[:, :25, :], axis=2)                   # the outer axes do not merge
    assert len(calls) == 4 and all(c[4] == 25 for c in calls)
    calls.clear()
    safenorm.norm(a, axis=0)                              # columns: one call, 38400 vectors
    assert len(calls) == 1 and calls[0][4] == 50 * 768 and calls[0][3] == 1
    f = np.asfortranarray(a)
    for ax in (0, 2):                                     # Fortran order: also one call
        calls.clear()
        got = safenorm.norm(f, axis=ax)
        assert len(calls) == 1 and calls[0][4] == a.size // a.shape[ax]
        assert np.array_equal(got, safenorm.norm(a, axis=ax))


# ---------------------------------------------------------------- normalize

@pytest.mark.parametrize("dt", [np.float64, np.float32, np.complex128, np.complex64],
                         ids=["float64", "float32", "complex128", "complex64"])
def test_normalize_against_exact_quotients(dt):
    rng = random.Random(8)
    fmt = fmt_of(dt)
    a = data(dt, (3, 4, 5), rng)
    for ax in (0, 1, 2, -1, None):
        for v in (a, a.transpose(2, 1, 0)[::-1]):
            before = v.copy()
            got = safenorm.normalize(v, axis=ax)
            assert np.array_equal(v, before)                   # input untouched
            assert got.dtype == v.dtype and got.shape == v.shape
            vecs = ([(v, got)] if ax is None else
                    [(np.moveaxis(v, ax, -1)[i], np.moveaxis(got, ax, -1)[i])
                     for i in np.ndindex(*np.moveaxis(v, ax, -1).shape[:-1])])
            for x, y in vecs:
                xs, ys = parts(x), parts(y)
                if not any(xs):
                    assert ys == xs
                    continue
                for g, ok, xi in zip(ys, exact_quotients(xs, fmt), xs):
                    assert g in ok, (ax, xi, g, ok)


def test_normalize_half_and_ints():
    x = np.array([[60000, 60000, 3], [3, 4, 0]], dtype=np.float16)
    got = safenorm.normalize(x, axis=1)
    assert got.dtype == np.float16
    for row, out in zip(x, got):
        q = exact_quotients([float(v) for v in row], "binary32")
        # computed in float32 (correctly rounded there) then rounded to float16
        assert [float(v) for v in out] == [float(np.float32(next(iter(s))).astype(np.float16))
                                           for s in q]
    g = safenorm.normalize(np.array([3, 4]))
    assert g.dtype == np.float64 and g.tolist() == [0.6, 0.8]
    if BF16 is not None:
        b = safenorm.normalize(np.array([3, 4], dtype=BF16))
        assert b.dtype == BF16 and b.astype(np.float32).tolist() == [
            float(np.float32(0.6).astype(BF16)), float(np.float32(0.8).astype(BF16))]


def test_normalize_overflowing_norm():
    x = np.full((2, 3), np.finfo(np.float64).max)
    got = safenorm.normalize(x, axis=1)
    assert np.all(got == np.float64(1 / math.sqrt(3)) ) or np.allclose(got, 1 / math.sqrt(3),
                                                                     rtol=2e-16)
    q = exact_quotients([float(np.finfo(np.float64).max)] * 3)
    assert all(g in s for g, s in zip(got[0], q))


# ---------------------------------------------------------------- SumSq

def chunks_of(a, k):
    return [a[i:i + k] for i in range(0, len(a), k)]


@pytest.mark.parametrize("dt", ALL, ids=IDS)
def test_sumsq_chunks_equal_norm(dt):
    a = data(dt, (40, 6), random.Random(3))
    s = safenorm.SumSq()
    for c in chunks_of(a, 7):
        s.add(c.T)                                   # any layout
    e64, e32 = exact_norm(parts(a)), exact_norm(parts(a), "binary32")
    check_value(s.result(), e64)
    check_value(s.result(np.float32), e32)
    assert type(s.result()) is np.float64 and type(s.result(np.float32)) is np.float32
    check_value(s.result(rtype(dt)), float(safenorm.norm(a)))  # bitwise as norm
    x = safenorm.ExactSumSq()
    for c in chunks_of(a, 9):
        x.add(c[::-1])
    check_value(x.result(), e64)
    check_value(x.result(np.float32), e32)


def test_sumsq_merge_order_and_bytes():
    rng = random.Random(6)
    a = data(np.float64, (64,), rng)
    pieces = chunks_of(a, 5)
    states = [safenorm.SumSq().add(p) for p in pieces]
    e = exact_norm(parts(a))
    for trial in range(20):
        order = list(range(len(states)))
        rng.shuffle(order)
        acc = safenorm.SumSq()
        if trial % 2:
            for i in order:
                acc.merge(states[i].copy())
        else:  # a tree through bytes and pickles
            layer = [states[i] for i in order]
            while len(layer) > 1:
                nxt = []
                for j in range(0, len(layer), 2):
                    left = safenorm.SumSq.from_bytes(bytes(layer[j]))
                    if j + 1 < len(layer):
                        left.merge(pickle.loads(pickle.dumps(layer[j + 1])))
                    nxt.append(left)
                layer = nxt
            acc = layer[0]
        check_value(acc.result(), e)
    s = states[0]
    b = bytes(s)
    assert len(b) == 96 and b[:4] == b"SNSQ"
    assert safenorm.SumSq.from_bytes(b) == s and pickle.loads(pickle.dumps(s)) == s
    assert safenorm.SumSq() != s and safenorm.SumSq.from_bytes(bytes(96)).result() == 0
    x = safenorm.ExactSumSq().add(a)
    assert len(bytes(x)) == 560 and pickle.loads(pickle.dumps(x)) == x
    with pytest.raises(ValueError):
        safenorm.SumSq.from_bytes(b"XXXX" + b[4:])
    with pytest.raises(ValueError):
        safenorm.SumSq.from_bytes(b[:50])
    with pytest.raises(TypeError):
        s.merge(x)
    with pytest.raises(TypeError):
        s.result(np.float16)


def test_sumsq_near_tie_raises_never_wrong():
    """A near-tie: the fast state cannot decide; result() raises NeedExact with a faithful
    approximation (never a wrong value); ExactSumSq decides."""
    m = 2**53 + 2 * 12345 + 1
    tie = tie_decomposition(m)
    for extra in ([], [1.0 / 8], [-2.0**-500]):
        v = np.array(tie + extra)
        e = exact_norm(list(v))
        s = safenorm.SumSq().add(v[:2]).merge(safenorm.SumSq().add(v[2:]))
        with pytest.raises(safenorm.NeedExact) as info:
            s.result()
        approx = float(info.value.approximation)
        assert approx != e and abs(approx - e) <= 2 * math.ulp(e)    # the other neighbour
        x = safenorm.ExactSumSq().add(v[:2]).merge(safenorm.ExactSumSq().add(v[2:]))
        check_value(x.result(), e)
        check_value(safenorm.norm(v), e)                            # norm falls back itself
    assert issubclass(safenorm.NeedExact, ArithmeticError)


def _partial_state(chunk):
    return safenorm.SumSq().add(chunk)     # pickled back to the parent


def test_sumsq_multiprocessing():
    a = data(np.float64, (3000,), random.Random(12))
    ctx = multiprocessing.get_context("spawn" if sys.platform != "linux" else "fork")
    with ctx.Pool(2) as pool:
        states = pool.map(_partial_state, chunks_of(a, 700))
    total = safenorm.SumSq()
    for s in states:
        total.merge(s)
    check_value(total.result(), exact_norm(parts(a)))


# ---------------------------------------------------------------- examples, installation

def test_dask_example():
    pytest.importorskip("dask.array")
    ex = os.path.join(HERE, "..", "examples", "dask_norm.py")
    # the example imports the same safenorm as this test run (source tree or installed)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(safenorm.__file__)))
    r = subprocess.run([sys.executable, ex], capture_output=True, text=True, timeout=300,
                       env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "bitwise equal" in r.stdout


@pytest.mark.skipif(os.environ.get("SAFENORM_EXPECT_INSTALLED") != "1",
                    reason="set SAFENORM_EXPECT_INSTALLED=1 to test an installed package")
def test_installed_package_is_imported():
    repo = os.path.abspath(os.path.join(HERE, "..", ".."))
    pkg = os.path.dirname(os.path.abspath(safenorm.__file__))
    # the installed copy (site-packages of the venv, which may itself lie under build/), not python/
    assert not pkg.startswith(os.path.join(repo, "python") + os.sep), pkg
    assert "site-packages" in pkg, pkg
    assert "SAFENORM_LIB" not in os.environ
    assert safenorm.library_path == os.path.join(pkg, "libsafenorm.so")


def test_safenorm_lib_overrides(tmp_path):
    import shutil
    lib = tmp_path / "libcopy.so"
    shutil.copy(safenorm.library_path, lib)
    env = dict(os.environ, SAFENORM_LIB=str(lib),
               PYTHONPATH=os.path.dirname(os.path.dirname(safenorm.__file__)))
    r = subprocess.run([sys.executable, "-c", "import safenorm; print(safenorm.library_path)"],
                       cwd=str(tmp_path), env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(lib)
