"""Mergeable sum-of-squares states over the C state API (safenorm_sumsq_*,
safenorm_exact_sumsq_*): add arrays in pieces, in any process, merge, round once."""
import ctypes

import numpy as np

from . import _lib
from ._core import check, collapse_sorted, flip, layout, prepare, runs
from ._lib import need

# elements widened per block when single-precision data go into the fast state
_BLOCK = 1 << 15


class NeedExact(ArithmeticError):
    """The fast state's error bound cannot decide the rounding of the norm: the exact norm
    lies within about 2^-100 (relative) of a rounding midpoint.  Random data reach this
    with a probability of the order of 2^-45 per result; constructed near-ties reach it on
    purpose.  ``approximation`` holds a faithful rounding (one of the two neighbours of
    the exact norm).  For a correctly rounded value, accumulate the same data in an
    ``ExactSumSq`` (same interface, always decides, about 1 GB/s)."""

    def __init__(self, approximation):
        self.approximation = approximation
        super().__init__("safenorm: the fast state cannot decide the rounding (a near-tie); "
                         "approximation %r; accumulate the data in safenorm.ExactSumSq for "
                         "the correctly rounded norm" % (approximation,))


class _State:
    _prefix = None
    _widen = False

    def __init__(self):
        st = _lib.STATE[self._prefix]
        self._buf = ctypes.create_string_buffer(st["size"])
        need(st["init"], "safenorm_%s_init" % self._prefix)(self._buf)

    # ------------------------------------------------------------ accumulate

    def add(self, x):
        """Adds the squares of every element of x (array_like of any supported dtype, any
        shape and strides; see ``safenorm.norm``); returns self."""
        a, k = prepare(x)
        if a.size == 0:
            return self
        pre = self._prefix
        if self._widen and k.single:
            # Single-precision data (float16, bfloat16, float32, complex64) are widened,
            # exactly, block by block, and added with the binary64 routines, so that the
            # state carries a bound good enough for a float64 result as well.
            wk = _lib.KINDS[np.dtype(k.wide)]
            add = need(wk.add, "safenorm_%s_add_%s" % (pre, wk.short))
            it = np.nditer(a, flags=["external_loop", "buffered", "zerosize_ok"],
                           op_dtypes=[k.wide], casting="safe", buffersize=_BLOCK, order="K")
            for blk in it:
                check(add(self._buf, blk.shape[0], blk.ctypes.data,
                          blk.strides[0] // blk.itemsize), pre + "_add")
            return self
        fn = k.xadd if pre == "exact_sumsq" else k.add
        add = need(fn, "safenorm_%s_add_%s" % (pre, k.short))
        item = a.dtype.itemsize
        base, dims = flip(a.ctypes.data, layout(a), item)
        for n, address, inc in runs(base, collapse_sorted(dims), item):
            check(add(self._buf, n, address, inc if n > 1 else 1), pre + "_add")
        return self

    def merge(self, other):
        """Adds the sums of another state of the same class (exact for ExactSumSq; for
        SumSq within the state's rigorous bound, so the rounded result does not depend on
        the merge order whenever it is decided); returns self."""
        if type(other) is not type(self):
            raise TypeError("safenorm: can only merge a %s, not %s"
                            % (type(self).__name__, type(other).__name__))
        check(_lib.STATE[self._prefix]["merge"](self._buf, other._buf), self._prefix + "_merge")
        return self

    # ------------------------------------------------------------ result

    def _result(self, dtype):
        dt = np.dtype(dtype)
        st = _lib.STATE[self._prefix]
        if dt == np.float64:
            out, fn = ctypes.c_double(0), st["result_d"]
        elif dt == np.float32:
            out, fn = ctypes.c_float(0), st["result_s"]
        else:
            raise TypeError("safenorm: result dtype must be float64 or float32, not %s" % dt)
        status = fn(self._buf, ctypes.addressof(out))
        return status, dt.type(out.value)

    # ------------------------------------------------------------ bytes, pickling

    def __bytes__(self):
        """The C state's bytes (``safenorm_sumsq``: 96, ``safenorm_exact_sumsq``: 560;
        little-endian, version-tagged, the layout of the README): portable across
        processes, machines and the C API."""
        return self._buf.raw

    @classmethod
    def from_bytes(cls, b):
        """A state from ``bytes(state)`` (or the bytes of the C struct); ValueError when
        they are not a state written by this library."""
        b = bytes(b)
        size = _lib.STATE[cls._prefix]["size"]
        if len(b) != size:
            raise ValueError("safenorm: %s.from_bytes needs %d bytes, got %d"
                             % (cls.__name__, size, len(b)))
        s = cls.__new__(cls)
        s._buf = ctypes.create_string_buffer(b, size)
        status, _ = s._result(np.float64)
        if status == _lib.ERR_STATE:
            raise ValueError("safenorm: not a valid %s state: %s"
                             % (cls.__name__, _lib.strerror(status)))
        return s

    def __reduce__(self):
        return (type(self).from_bytes, (bytes(self),))

    def copy(self):
        return type(self).from_bytes(bytes(self))

    def __eq__(self, other):
        """Equal bytes (the same state; two merge orders of the same data may give
        different bytes of a SumSq, and the same result)."""
        if type(other) is not type(self):
            return NotImplemented
        return bytes(self) == bytes(other)

    __hash__ = None  # mutable

    def __repr__(self):
        status, v = self._result(np.float64)
        shown = repr(float(v)) if status == _lib.OK else "undecided"
        return "safenorm.%s(norm=%s)" % (type(self).__name__, shown)


class SumSq(_State):
    """The fast mergeable sum-of-squares state (C: ``safenorm_sumsq``, 96 bytes).

        s = safenorm.SumSq()
        for chunk in chunks:              # any dtype, shape and strides
            s.add(chunk)
        s.merge(other_state)              # from a thread, process or machine
        s.result()                        # numpy.float64, correctly rounded
        s.result(numpy.float32)
        b = bytes(s); safenorm.SumSq.from_bytes(b); pickle.dumps(s)

    Binary64 data are read in place; single-precision data (float16, bfloat16, float32,
    complex64) are widened exactly to binary64, in blocks of 32768 elements, so that the
    state can give a float64 result too (the C single-precision adds accumulate only
    well enough for a float32 result); this costs a conversion (about 7 GB/s instead of
    50+). ``result(numpy.float32)`` of float32 data equals ``safenorm.norm`` of them.

    ``result()`` returns the correctly rounded norm, or raises ``NeedExact`` when the
    state's error bound cannot decide the rounding (a near-tie; see there): it never
    returns a value that is not correctly rounded.  ``ExactSumSq`` always decides.
    """

    _prefix = "sumsq"
    _widen = True

    def result(self, dtype=np.float64):
        """The correctly rounded norm as numpy.float64 (or numpy.float32 with
        ``dtype=numpy.float32``); raises NeedExact on a near-tie (never a wrong value)."""
        status, v = self._result(dtype)
        if status == _lib.NEED_EXACT:
            raise NeedExact(v)
        check(status, "sumsq_result")
        return v


class ExactSumSq(_State):
    """The exact mergeable state (C: ``safenorm_exact_sumsq``, 560 bytes): the same
    interface as SumSq; the sum of squares is held exactly (a fixed-point integer), merging
    is exact, ``result()`` is always correctly rounded and never raises NeedExact.  About
    40-80 times slower to add to than SumSq (about 1 GB/s)."""

    _prefix = "exact_sumsq"

    def result(self, dtype=np.float64):
        """The correctly rounded norm as numpy.float64 (or numpy.float32)."""
        status, v = self._result(dtype)
        check(status, "exact_sumsq_result")
        return v
