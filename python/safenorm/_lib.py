"""Finding and loading libsafenorm, and the ctypes prototypes of the C API (include/safenorm.h).

The library is found, in this order: ``$SAFENORM_LIB`` (a path; an ImportError if it does
not load, never a silent fallback); ``libsafenorm.so`` beside the package (where
``pip install ./python`` puts it); the build tree of the repository the package sits in
(``target/release/libsafenorm.so``, for a source checkout); the system loader.

Functions of the C API that the loaded library lacks (an older build given through
``SAFENORM_LIB``) are bound as ``None``; the Python functions that need them raise
``NotImplementedError`` naming the missing symbol.
"""
import ctypes
import ctypes.util
import os

import numpy as np

try:  # optional: bfloat16 as a numpy dtype
    import ml_dtypes as _ml_dtypes

    BFLOAT16 = np.dtype(_ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - depends on the environment
    BFLOAT16 = None

# Status codes (include/safenorm.h).
OK, ERR_NULL, ERR_STRIDE, ERR_OUT_NULL, ERR_STATE, NEED_EXACT, ERR_OVERLAP, ERR_SIZE = range(8)
SUMSQ_BYTES = 96
EXACT_SUMSQ_BYTES = 560


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
        "safenorm: libsafenorm.so not found; install the package with `pip install ./python` "
        "or set SAFENORM_LIB=/path/to/libsafenorm.so (tried: %s; system loader: not found)"
        % "; ".join(tried))


lib, library_path = _load()

_P = ctypes.c_void_p
_Z = ctypes.c_size_t
_I = ctypes.c_ssize_t  # ptrdiff_t


def _bind(name, restype, argtypes):
    fn = getattr(lib, name, None)
    if fn is None:
        return None
    fn.restype = restype
    fn.argtypes = argtypes
    return fn


def need(fn, name):
    """fn, or NotImplementedError when the loaded library lacks the symbol."""
    if fn is None:
        raise NotImplementedError("safenorm: the loaded library (%s) has no %s; rebuild it "
                                  "from this source tree" % (library_path, name))
    return fn


lib.safenorm_version.restype = ctypes.c_char_p
lib.safenorm_version.argtypes = []
lib.safenorm_active_kernel.restype = ctypes.c_char_p
lib.safenorm_active_kernel.argtypes = []
lib.safenorm_strerror.restype = ctypes.c_char_p
lib.safenorm_strerror.argtypes = [ctypes.c_int]


class Kind:
    """The C routines for one element type (numpy dtype, native byte order)."""

    def __init__(self, dtype, short, real, ctype, matrix, state, wide):
        self.dtype = dtype            # the element dtype
        self.short = short            # C name piece: d, s, dz, sc, h, bf
        self.rtype = np.dtype(real)   # result dtype (float32 or float64)
        self.ctype = ctype            # C type of a result
        self.single = self.rtype == np.float32
        self.complex = dtype.kind == "c"
        out = _P
        self.batch = _bind("safenorm_%snrm2_batch" % short, ctypes.c_int,
                           [_Z, _P, _I, _I, _Z, out, _I])
        if dtype.itemsize >= 4:  # int f(size_t n, const T *x, ptrdiff_t incx, T *out)
            self.checked = _bind("safenorm_%snrm2_checked" % short, ctypes.c_int,
                                 [_Z, _P, _I, _P])
            self.plain = None
        else:  # half precision: float f(size_t n, const uint16_t *x, ptrdiff_t incx)
            self.checked = None
            self.plain = _bind("safenorm_%snrm2" % short, ctypes.c_float, [_Z, _P, _I])
        self.matrix = (_bind("safenorm_%snrm2_matrix" % short, ctype, [_Z, _Z, _P, _Z])
                       if matrix else None)
        self.add = _bind("safenorm_sumsq_add_%s" % state, ctypes.c_int, [_P, _Z, _P, _I])
        self.xadd = _bind("safenorm_exact_sumsq_add_%s" % state, ctypes.c_int,
                          [_P, _Z, _P, _I])
        self.half = dtype.itemsize == 2   # float16, bfloat16: no normalize routines
        self.normalize_batch = (None if self.half else
                                _bind("safenorm_%snormalize_batch" % short, ctypes.c_int,
                                      [_Z, _P, _I, _I, _Z, _P, _I]))
        # the dtype whose routines this kind's data are widened to for a float64 result
        self.wide = wide


_K = [
    Kind(np.dtype(np.float64), "d", np.float64, ctypes.c_double, True, "d", None),
    Kind(np.dtype(np.float32), "s", np.float32, ctypes.c_float, True, "s", np.float64),
    Kind(np.dtype(np.complex128), "dz", np.float64, ctypes.c_double, True, "dz", None),
    Kind(np.dtype(np.complex64), "sc", np.float32, ctypes.c_float, True, "sc", np.complex128),
    Kind(np.dtype(np.float16), "h", np.float32, ctypes.c_float, False, "h", np.float64),
]
if BFLOAT16 is not None:
    _K.append(Kind(BFLOAT16, "bf", np.float32, ctypes.c_float, False, "bf", np.float64))
KINDS = {k.dtype: k for k in _K}

STATE = {}
for _prefix, _size in (("sumsq", SUMSQ_BYTES), ("exact_sumsq", EXACT_SUMSQ_BYTES)):
    STATE[_prefix] = dict(
        size=_size,
        init=_bind("safenorm_%s_init" % _prefix, None, [_P]),
        merge=_bind("safenorm_%s_merge" % _prefix, ctypes.c_int, [_P, _P]),
        result_d=_bind("safenorm_%s_result_d" % _prefix, ctypes.c_int, [_P, _P]),
        result_s=_bind("safenorm_%s_result_s" % _prefix, ctypes.c_int, [_P, _P]),
    )
del _prefix, _size


def strerror(status):
    return lib.safenorm_strerror(status).decode()
