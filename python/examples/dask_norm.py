"""The norm of a chunked dask array, correctly rounded, through mergeable safenorm states.

Each chunk becomes a ``safenorm.SumSq`` (its 96 bytes are what travels between workers),
partial states are merged in a tree of ``dask.delayed`` tasks (``split_every`` states per
node), and the merged state is rounded once.  The result is checked bit for bit against ``safenorm.norm`` of the whole array, for
float64 and float32 data, with the threaded and the multiprocessing schedulers.

If the fast state meets a near-tie it cannot decide (``safenorm.NeedExact``: practically
only constructed data), the same reduction runs again with ``safenorm.ExactSumSq``.

    python examples/dask_norm.py        # needs: pip install dask numpy ./python
"""
import dask
import dask.array as da
import numpy as np

import safenorm


def chunk_state(block, cls):
    """One chunk's state, as bytes (what a worker sends back)."""
    return bytes(cls().add(block))


def merge_states(parts, cls):
    """Several states' bytes merged into one state's bytes."""
    total = cls()
    for b in parts:
        total.merge(cls.from_bytes(b))
    return bytes(total)


def dask_norm(x, cls=safenorm.SumSq, split_every=4):
    """A dask.delayed computing the Euclidean norm of every element of the dask array x,
    as numpy.float32 for single-precision data and numpy.float64 otherwise (the dtype
    safenorm.norm gives).  Chunks are read in place by their state's add."""
    rtype = np.float32 if x.dtype in (np.float16, np.float32, np.complex64) else np.float64
    layer = [dask.delayed(chunk_state)(b, cls) for b in x.to_delayed().reshape(-1)]
    while len(layer) > 1:  # a merge tree, split_every states per node
        layer = [dask.delayed(merge_states)(layer[i:i + split_every], cls)
                 for i in range(0, len(layer), split_every)]
    return dask.delayed(lambda b: cls.from_bytes(b).result(rtype))(layer[0])


def correctly_rounded_norm(x, **compute_args):
    try:
        return dask_norm(x).compute(**compute_args)
    except safenorm.NeedExact:
        return dask_norm(x, cls=safenorm.ExactSumSq).compute(**compute_args)


def main():
    rng = np.random.default_rng(2026)
    whole = rng.standard_normal((1000, 700)) * np.exp2(rng.integers(-400, 400, (1000, 700)))
    whole[::37, ::11] = 1e300                      # the naive sum of squares overflows
    cases = [
        ("float64", whole, (128, 100)),
        ("float32", (whole * 1e-290).astype(np.float32), (300, 256)),
        ("float64, transposed", whole.T, (64, 333)),
    ]
    for name, a, chunks in cases:
        x = da.from_array(a, chunks=chunks)
        want = safenorm.norm(a)
        # the multiprocessing scheduler once (its worker start-up costs seconds)
        for scheduler in ("threads", "processes") if name == "float32" else ("threads",):
            got = correctly_rounded_norm(x, scheduler=scheduler)
            assert type(got) is type(want), (type(got), type(want))
            assert got.tobytes() == want.tobytes(), (name, scheduler, got, want)
            print("%-20s %-9s %d chunks: %r, bitwise equal to safenorm.norm"
                  % (name, scheduler, x.npartitions, float(got)))
    # a near-tie: the fast states cannot decide, the exact states take over
    m = 2**53 + 2 * 12345 + 1
    tie = [float(m - 1)]
    r = 2 * m - 1
    while r:
        s = int(np.sqrt(r))
        while s * s > r:
            s -= 1
        tie.append(float(s))
        r -= s * s
    t = da.from_array(np.array(tie * 4), chunks=3)
    got = correctly_rounded_norm(t, scheduler="threads")
    assert got == safenorm.norm(np.array(tie * 4)), (got, safenorm.norm(np.array(tie * 4)))
    print("near-tie %r: ExactSumSq fallback, bitwise equal to safenorm.norm" % float(got))
    with dask.config.set(scheduler="threads"):
        try:
            dask_norm(t).compute()
            print("(the fast states decided this one)")
        except safenorm.NeedExact as e:
            print("SumSq alone raised NeedExact (approximation %r)" % float(e.approximation))


if __name__ == "__main__":
    main()
