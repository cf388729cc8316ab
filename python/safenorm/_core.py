"""norm and normalize over numpy arrays of any shape, read in place through the C batch,
matrix and state APIs (the docstrings of ``norm`` and ``normalize`` state the rules)."""
import ctypes
import itertools
import operator

import numpy as np

from . import _lib
from ._lib import KINDS, need

try:
    _AxisError = np.exceptions.AxisError
except AttributeError:  # numpy < 1.25
    _AxisError = np.AxisError


class SafenormError(ValueError):
    """A status other than SAFENORM_OK from the C library."""


def check(status, what):
    if status != _lib.OK:
        raise SafenormError("safenorm: %s: %s (status %d)" % (what, _lib.strerror(status), status))


# ---------------------------------------------------------------- input

def prepare(x):
    """(ndarray of a supported native dtype, its Kind).  Copies only where documented:
    integers and bools become float64 (as numpy.linalg.norm does), a non-native byte order
    becomes native, and a byte stride that is not a multiple of the element size (possible
    with as_strided or structured fields) gets a contiguous copy; all exact for floats."""
    a = x if isinstance(x, np.ndarray) else np.asarray(x)
    dt = a.dtype
    if dt.kind in "biu":
        a = a.astype(np.float64)
    elif not dt.isnative:
        a = a.astype(dt.newbyteorder("="))
    k = KINDS.get(a.dtype)
    if k is None:
        raise TypeError(
            "safenorm: dtype %s is not supported (float16, float32, float64, complex64, "
            "complex128%s; integers and bool are converted to float64)"
            % (dt, ", bfloat16" if _lib.BFLOAT16 is not None else
               "; bfloat16 needs the ml_dtypes package"))
    item = a.dtype.itemsize
    if any(n > 1 and s % item for n, s in zip(a.shape, a.strides)):
        a = np.ascontiguousarray(a)
    return a, k


def layout(a):
    """[(extent, element stride)] per axis of a (strides of extent-1 axes are irrelevant)."""
    item = a.dtype.itemsize
    return [(n, s // item if n > 1 else 0) for n, s in zip(a.shape, a.strides)]


def flip(base, dims, item):
    """For sums, whose value does not depend on the order: every stride made >= 0 (the base
    moved to the lowest address), extent-1 axes dropped."""
    out = []
    for n, s in dims:
        if n == 1:
            continue
        if s < 0:
            base += (n - 1) * s * item
            s = -s
        out.append((n, s))
    return base, out


def collapse_sorted(dims):
    """Axes sorted by stride, neighbours merged when the outer one continues the inner one."""
    out = []
    for n, s in sorted(dims, key=operator.itemgetter(1)):
        if out and out[-1][0] * out[-1][1] == s:
            out[-1] = (out[-1][0] * n, out[-1][1])
        else:
            out.append((n, s))
    return out


def runs(base, dims, item):
    """The 1-D runs (n, address, stride) covering dims (dims[0] is the inner axis)."""
    n0, s0 = dims[0] if dims else (1, 0)
    outer = dims[1:]
    for idx in itertools.product(*(range(n) for n, _ in outer)):
        off = sum(i * s for i, (_, s) in zip(idx, outer))
        yield n0, base + off * item, s0


# ---------------------------------------------------------------- kernels over a layout

def vector(k, n, address, inc):
    """Norm of one strided vector (safenorm_?nrm2_checked; half: safenorm_hnrm2 /
    safenorm_bfnrm2, whose arguments are valid here by construction)."""
    inc = inc if n > 1 else 1
    if k.half:
        return need(k.plain, "safenorm_%snrm2" % k.short)(n, address, inc)
    out = k.ctype(0)
    check(need(k.checked, "safenorm_%snrm2_checked" % k.short)(
        n, address, inc, ctypes.addressof(out)), "nrm2_checked")
    return out.value


def state_norm(k, base, dims):
    """Norm of all elements of a layout through the state API: the fast state, and when it
    cannot decide the rounding (SAFENORM_NEED_EXACT) the exact state over the same data."""
    item = k.dtype.itemsize
    for prefix, add in (("sumsq", k.add), ("exact_sumsq", k.xadd)):
        st = _lib.STATE[prefix]
        buf = ctypes.create_string_buffer(st["size"])
        add = need(add, "safenorm_%s_add_%s" % (prefix, k.short))
        for n, address, inc in runs(base, dims, item):
            check(add(buf, n, address, inc), prefix + "_add")
        out = k.ctype(0)
        res = st["result_s"] if k.single else st["result_d"]
        status = res(buf, ctypes.addressof(out))
        if status != _lib.NEED_EXACT:
            check(status, prefix + "_result")
            return out.value
    raise AssertionError("unreachable: the exact state always decides")  # pragma: no cover


def norm_all(k, base, dims):
    """Correctly rounded norm of every element at base + sum(i_j * s_j) (dims: [(n, s)],
    strides in elements, any sign): one call without copying.  One run: the vector routine;
    a unit-stride inner axis inside a larger outer stride: the matrix routine (Frobenius);
    anything else: the state API, one add per run."""
    item = k.dtype.itemsize
    base, dims = flip(base, dims, item)
    dims = collapse_sorted(dims)
    if len(dims) <= 1:
        n, s = dims[0] if dims else (1, 1)
        return vector(k, n, base, s)
    if (len(dims) == 2 and k.matrix is not None and dims[0][1] == 1
            and dims[1][1] >= dims[0][0]):
        return k.matrix(dims[0][0], dims[1][0], base, dims[1][1])
    return state_norm(k, base, dims)


def batched(call, what, n, incx, base, item, others, obase, oitem):
    """Runs a batch routine ``call(n, x, incx, stridex, batch, out, incout)`` over every
    combination of the ``others`` axes ([(extent, input stride, output stride)], strides in
    elements, in C order of the output).  Neighbouring axes that continue each other in both
    input and output are merged; the longest remaining axis is the batch of one call, and
    the calls loop over the rest."""
    merged = []
    for d in others:
        if d[0] == 1:
            continue
        if merged and merged[-1][1] == d[0] * d[1] and merged[-1][2] == d[0] * d[2]:
            merged[-1] = (merged[-1][0] * d[0], d[1], d[2])
        else:
            merged.append(d)
    if not merged:
        merged = [(1, 0, 1)]
    j = max(range(len(merged)), key=lambda i: merged[i][0])
    nb, sb, ob = merged[j]
    if obase is None or nb == 1:
        ob = 1  # no output (normalize without norms), or a batch of one
    rest = merged[:j] + merged[j + 1:]
    if n <= 1:
        incx = 1
    for idx in itertools.product(*(range(e) for e, _, _ in rest)):
        xi = sum(i * s for i, (_, s, _) in zip(idx, rest))
        oi = sum(i * o for i, (_, _, o) in zip(idx, rest))
        out = obase + oi * oitem if obase is not None else None
        check(call(n, base + xi * item, incx, sb, nb, out, ob), what)


# ---------------------------------------------------------------- public functions

def _axes(axis, nd):
    if isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        axes = (axis,)
    if len(axes) not in (1, 2):
        raise ValueError("safenorm.norm: axis must be None, an int or a pair of ints, got %r"
                         % (axis,))
    out = []
    for ax in axes:
        try:
            ax = operator.index(ax)
        except TypeError:
            raise TypeError("safenorm.norm: axis must be an int or a tuple of ints, got %r"
                            % (axis,)) from None
        if not -nd <= ax < nd:
            raise _AxisError(ax, nd)
        out.append(ax % nd)
    if len(out) == 2 and out[0] == out[1]:
        raise ValueError("safenorm.norm: duplicate axes %r" % (axis,))
    return tuple(out)


def norm(x, axis=None, keepdims=False):
    """Euclidean (2-)norm of a numpy array, correctly rounded, never overflowing or
    underflowing spuriously -- numpy.linalg.norm's calling convention for ord=None.

    x: array_like of float16, float32, float64, complex64, complex128, or bfloat16
       (``ml_dtypes.bfloat16``, when ml_dtypes is installed).  Integers and bool are
       converted to float64 first (a copy), as numpy.linalg.norm does; other dtypes
       (longdouble, object, ...) raise TypeError.
    axis: None: the norm of all elements (any ndim); an int (negative allowed): the vector
       norms along that axis; a pair of ints: the Frobenius norm of each matrix over those
       two axes.
    keepdims: as numpy: the reduced axes are kept with extent 1.

    Result dtype: float32 for float16, bfloat16, float32 and complex64 input, float64
    otherwise; a numpy scalar when no axis is left (and keepdims is False), else an array.
    Each value is sqrt(sum |x_i|^2) rounded once to nearest; NaN anywhere in a vector gives
    NaN, otherwise an infinity gives inf; a norm above the result type's largest finite
    value gives inf; an empty reduction gives 0.

    No copy of the data is made (besides the conversions above): the library reads the
    array's memory through its base pointer and element strides -- strided, transposed and
    negative-stride views included.  A byte stride that is not a multiple of the element
    size, and a non-native byte order, get an exact contiguous copy first.
    """
    a, k = prepare(x)
    nd = a.ndim
    item = a.dtype.itemsize
    if axis is None:
        v = 0.0 if a.size == 0 else norm_all(k, a.ctypes.data, layout(a))
        if keepdims:
            return np.full((1,) * nd, v, dtype=k.rtype)
        return k.rtype.type(v)
    axes = _axes(axis, nd)
    dims = layout(a)
    keep = [i for i in range(nd) if i not in axes]
    # The output's memory follows the input's order of the kept axes (numpy's order="K"),
    # so that axes which continue each other in the input do so in the output too and
    # merge into one batch (a Fortran-ordered input is then one call, like a C one).
    perm = sorted(range(len(keep)), key=lambda j: -abs(dims[keep[j]][1]))
    inv = [0] * len(perm)
    for pos, j in enumerate(perm):
        inv[j] = pos
    out = np.empty([a.shape[keep[j]] for j in perm], dtype=k.rtype).transpose(inv)
    nred = 1
    for i in axes:
        nred *= a.shape[i]
    if nred == 0:
        out[...] = 0
    elif out.size > 0:
        base, red = flip(a.ctypes.data, [dims[i] for i in axes], item)
        red = collapse_sorted(red)
        ostr = [s // out.itemsize for s in out.strides]
        others = [(dims[keep[j]][0], dims[keep[j]][1], ostr[j]) for j in perm]
        if len(red) <= 1:
            n, s = red[0] if red else (1, 1)
            batched(need(k.batch, "safenorm_%snrm2_batch" % k.short), "nrm2_batch",
                    n, s, base, item, others, out.ctypes.data, out.itemsize)
        else:
            # two axes that are not one run: one Frobenius norm per matrix
            for idx in np.ndindex(*out.shape):
                off = sum(i * dims[keep[j]][1] for j, i in enumerate(idx))
                out[idx] = norm_all(k, base + off * item, red)
    if keepdims:
        out = out.reshape([1 if i in axes else a.shape[i] for i in range(nd)])
    elif out.ndim == 0:
        return out[()]
    return out


def normalize(x, axis=-1):
    """A new array ``x / norm(x, axis, keepdims=True)``: every vector along ``axis`` (an
    int; None: the whole array as one vector) divided by its correctly rounded norm, by the
    library's normalize routines on a C-ordered copy of x (x is not modified).

    dtypes: float32, float64, complex64, complex128 keep their dtype.  float16 and bfloat16
    are normalized in float32 (the exact widening of the data) and the quotients rounded to
    the input dtype: a double rounding, so an element may differ from the correctly rounded
    half-precision quotient by one unit in the last place.  Integers and bool give float64.
    Vectors whose norm is 0, inf or NaN follow the C library (safenorm_?normalize).
    """
    a, k = prepare(x)
    orig = a.dtype
    if k.half:  # half precision: through binary32
        k = KINDS[np.dtype(np.float32)]
        w = np.array(a, dtype=np.float32, order="C", copy=True)
    else:
        w = np.array(a, order="C", copy=True)
    if w.size:
        call = need(k.normalize_batch, "safenorm_%snormalize_batch" % k.short)
        item = w.dtype.itemsize
        if axis is None:
            batched(call, "normalize_batch", w.size, 1, w.ctypes.data, item, [], None, 0)
        else:
            (ax,) = _axes(operator.index(axis), w.ndim)
            dims = layout(w)
            others = [(dims[i][0], dims[i][1], 0) for i in range(w.ndim) if i != ax]
            batched(call, "normalize_batch", w.shape[ax], dims[ax][1], w.ctypes.data, item,
                    others, None, 0)
    return w if w.dtype == orig else w.astype(orig)
