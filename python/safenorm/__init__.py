"""safenorm for Python: correctly rounded Euclidean norms of numpy arrays, through ctypes.

    >>> import numpy as np, safenorm
    >>> safenorm.norm(np.array([3e300, 4e300]))             # the naive formula overflows
    np.float64(5e+300)
    >>> safenorm.norm(np.arange(6.0).reshape(2, 3), axis=1)  # numpy.linalg.norm's API
    array([2.23606798, 7.07106781])

* ``norm(x, axis=None, keepdims=False)``: numpy.linalg.norm for ord=None, any ndim, read in
  place (see its docstring);
* ``normalize(x, axis=-1)``: a new array x / ||x|| along axis;
* ``SumSq`` / ``ExactSumSq``: mergeable, picklable sum-of-squares states for data in
  pieces (threads, processes, Dask chunks); ``NeedExact``;
* ``nrm2(x)``: the strict 1-D function of the first binding (kept).

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
    flattened, so a matrix is never silently treated as a vector: use ``norm(a)`` (all
    elements, read in place) or ``norm(a, axis=...)``.

Exact conversions are made where numpy's layout cannot be described to the library: a
non-native byte order, or a byte stride that is not a multiple of the element size
(possible with ``as_strided`` or structured-array fields), gets a contiguous native copy.

The library is found, in this order: the environment variable ``SAFENORM_LIB`` (a path to
``libsafenorm.so``); a ``libsafenorm.so`` beside this file; the build tree of the
repository this package sits in (``target/release/libsafenorm.so``); the system loader
(``ctypes.util.find_library("safenorm")``, e.g. after ``cmake --install`` to a standard
prefix).  ``pip install ./python`` builds the library with cargo and installs it beside
the package, so an installed package needs no ``SAFENORM_LIB``.  Errors that the C library reports through its ``_checked`` functions become
``ValueError`` with its message.
"""
import ctypes

import numpy as np

from . import _lib
from ._core import SafenormError, norm, normalize
from ._lib import library_path
from ._state import ExactSumSq, NeedExact, SumSq

__all__ = ["norm", "normalize", "SumSq", "ExactSumSq", "NeedExact", "nrm2", "version",
           "active_kernel", "library_path", "SafenormError"]

_lib_handle = _lib.lib

# dtype -> (checked C function, C type of the result, numpy result type)
_ROUTINES = {dt: (k.checked, k.ctype, k.rtype.type)
             for dt, k in _lib.KINDS.items() if k.checked is not None}


def version():
    """The library's version string, e.g. ``"0.1.0"``."""
    return _lib_handle.safenorm_version().decode()


def active_kernel():
    """The kernel the library chose for this CPU (``"scalar"``, ``"avx2"``, ...)."""
    return _lib_handle.safenorm_active_kernel().decode()


def _call(dtype, n, address, incx):
    """Calls the ``_checked`` routine for ``dtype``; raises SafenormError on a bad status."""
    fn, ctype, rtype = _ROUTINES[dtype]
    out = ctype(0)
    status = fn(n, address, incx, ctypes.addressof(out))
    if status != 0:
        raise SafenormError("safenorm: %s (status %d)"
                            % (_lib_handle.safenorm_strerror(status).decode(), status))
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
