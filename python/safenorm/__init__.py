"""safenorm for Python: correctly rounded Euclidean norms of numpy vectors, through ctypes.

    >>> import numpy as np, safenorm
    >>> safenorm.nrm2(np.array([3e300, 4e300]))          # the naive formula overflows
    np.float64(5e+300)

``nrm2(x)`` takes a 1-D ``numpy.ndarray`` of dtype float32, float64, complex64 or
complex128 -- any 1-D view: contiguous, strided (``x[::3]``), negative-stride
(``x[::-1]``), a row or column of a 2-D array (``a[:, 2]``), a broadcast (stride 0) view --
and returns the norm ``sqrt(sum |x_i|^2)`` correctly rounded to the real type of the
input (``numpy.float32`` for float32/complex64, ``numpy.float64`` otherwise).  No copy is
made: the library reads the array's memory through the base pointer and the element
stride.  A negative stride is passed BLAS-style: the pointer of the lowest-address element
with a negative ``incx``.

Rules (the C library's):  NaN anywhere -> NaN; otherwise any infinity -> inf; a true norm
above the largest finite value -> inf; an empty vector -> 0.

Refused, with an exception and never a crash:
  * anything that is not a ``numpy.ndarray`` (lists too: convert them yourself, choosing
    the dtype) -> ``TypeError``;
  * any other dtype (integers, float16, longdouble, object, ...) -> ``TypeError``;
  * ``ndim != 1`` -> ``ValueError``.  Multi-dimensional input is refused rather than
    flattened, so a matrix is never silently treated as a vector: for the Frobenius norm
    pass ``a.reshape(-1)`` (a copy if ``a`` is not contiguous; the values, hence the norm,
    are the same).

Exact conversions are made where numpy's layout cannot be described to the library: a
non-native byte order, or a byte stride that is not a multiple of the element size
(possible with ``as_strided`` or structured-array fields), gets a contiguous native copy.

The library is found, in this order: the environment variable ``SAFENORM_LIB`` (a path to
``libsafenorm.so``); a ``libsafenorm.so`` beside this file; the build tree of the
repository this package sits in (``target/release/libsafenorm.so``); the system loader
(``ctypes.util.find_library("safenorm")``, e.g. after ``cmake --install`` to a standard
prefix).  Errors that the C library reports through its ``_checked`` functions become
``ValueError`` with its message.
"""
import ctypes
import ctypes.util
import os

import numpy as np

__all__ = ["nrm2", "version", "active_kernel", "library_path", "SafenormError"]


class SafenormError(ValueError):
    """A status other than SAFENORM_OK from the C library's ``_checked`` functions."""


def _candidates():
    env = os.environ.get("SAFENORM_LIB")
    if env:
        # An explicit choice: use it or fail, never fall back silently.
        return [("SAFENORM_LIB", env)]
    here = os.path.dirname(os.path.abspath(__file__))
    out = [("beside the package", os.path.join(here, "libsafenorm.so"))]
    repo = os.path.dirname(os.path.dirname(here))
    out.append(("build tree", os.path.join(repo, "target", "release", "libsafenorm.so")))
    found = ctypes.util.find_library("safenorm")
    if found:
        out.append(("system loader", found))
    return out


def _load():
    tried = []
    for how, path in _candidates():
        if how in ("beside the package", "build tree") and not os.path.exists(path):
            tried.append("%s: %s (absent)" % (how, path))
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            if how == "SAFENORM_LIB":
                raise ImportError("safenorm: SAFENORM_LIB=%r cannot be loaded: %s" % (path, e))
            tried.append("%s: %s (%s)" % (how, path, e))
    raise ImportError(
        "safenorm: libsafenorm.so not found; set SAFENORM_LIB=/path/to/libsafenorm.so "
        "(tried: %s; system loader: not found)" % "; ".join(tried))


_lib, library_path = _load()

_lib.safenorm_version.restype = ctypes.c_char_p
_lib.safenorm_version.argtypes = []
_lib.safenorm_active_kernel.restype = ctypes.c_char_p
_lib.safenorm_active_kernel.argtypes = []
_lib.safenorm_strerror.restype = ctypes.c_char_p
_lib.safenorm_strerror.argtypes = [ctypes.c_int]

# dtype -> (checked C function, C type of the result, numpy result type)
_ROUTINES = {}
for _dt, _name, _ct, _rt in (
    (np.dtype(np.float64), "safenorm_dnrm2_checked", ctypes.c_double, np.float64),
    (np.dtype(np.float32), "safenorm_snrm2_checked", ctypes.c_float, np.float32),
    (np.dtype(np.complex128), "safenorm_dznrm2_checked", ctypes.c_double, np.float64),
    (np.dtype(np.complex64), "safenorm_scnrm2_checked", ctypes.c_float, np.float32),
):
    _fn = getattr(_lib, _name)
    # int f(size_t n, const T *x, ptrdiff_t incx, T *out)
    _fn.argtypes = [ctypes.c_size_t, ctypes.c_void_p, ctypes.c_ssize_t, ctypes.POINTER(_ct)]
    _fn.restype = ctypes.c_int
    _ROUTINES[_dt] = (_fn, _ct, _rt)
del _dt, _name, _ct, _rt, _fn


def version():
    """The library's version string, e.g. ``"0.1.0"``."""
    return _lib.safenorm_version().decode()


def active_kernel():
    """The kernel the library chose for this CPU (``"scalar"``, ``"avx2"``, ...)."""
    return _lib.safenorm_active_kernel().decode()


def _call(dtype, n, address, incx):
    """Calls the ``_checked`` routine for ``dtype``; raises SafenormError on a bad status."""
    fn, ctype, rtype = _ROUTINES[dtype]
    out = ctype(0)
    status = fn(n, address, incx, ctypes.byref(out))
    if status != 0:
        raise SafenormError("safenorm: %s (status %d)"
                            % (_lib.safenorm_strerror(status).decode(), status))
    return rtype(out.value)


def nrm2(x):
    """Euclidean norm of a 1-D numpy vector, correctly rounded (see the module docs)."""
    if not isinstance(x, np.ndarray):
        raise TypeError("safenorm.nrm2: expected a numpy.ndarray, got %s (convert with "
                        "numpy.asarray(x, dtype=...))" % type(x).__name__)
    dt = x.dtype
    native = dt.newbyteorder("=")
    if native not in _ROUTINES:
        raise TypeError("safenorm.nrm2: dtype %s is not supported (float32, float64, "
                        "complex64, complex128)" % dt)
    if x.ndim != 1:
        raise ValueError("safenorm.nrm2: expected a 1-D array, got %d dimensions (shape %s); "
                         "pass x.reshape(-1) for the norm of all elements" % (x.ndim, x.shape))
    n = x.shape[0]
    if n == 0:
        return _ROUTINES[native][2](0)
    item = dt.itemsize
    stride = x.strides[0]
    if not dt.isnative or stride % item != 0:
        x = np.ascontiguousarray(x, dtype=native)  # exact: the same values
        stride = x.strides[0]
    incx = stride // item
    address = x.ctypes.data
    if incx < 0:
        # BLAS convention: point at the lowest-address element, walk with incx < 0.
        address += (n - 1) * stride
    return _call(native, n, address, incx)
