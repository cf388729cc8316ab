"""safenorm.norm(a, axis=...) against numpy.linalg.norm(a, axis=...): median wall time of
repeated calls, one run, same process (so the ratio is what to read on a noisy machine).

    python python/bench/bench_axis.py [repeats]
"""
import sys
import time

import numpy as np

import safenorm


def median_time(fn, repeats):
    fn()  # warm up (dispatch, page faults)
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 31
    rng = np.random.default_rng(0)
    emb = rng.standard_normal((10000, 768)).astype(np.float32)   # embeddings, row-major
    sq = rng.standard_normal((1000, 1000))
    cases = [("10000 x 768 float32", emb, 1), ("1000 x 1000 float64", sq, 1),
             ("1000 x 1000 float64", sq, 0)]
    print("safenorm %s, kernel %s, numpy %s, %d repeats (median)"
          % (safenorm.version(), safenorm.active_kernel(), np.__version__, repeats))
    print("%-22s %4s %12s %12s %8s" % ("matrix", "axis", "safenorm ms", "numpy ms", "ratio"))
    for name, a, axis in cases:
        ts = median_time(lambda: safenorm.norm(a, axis=axis), repeats)
        tn = median_time(lambda: np.linalg.norm(a, axis=axis), repeats)
        np.testing.assert_allclose(safenorm.norm(a, axis=axis), np.linalg.norm(a, axis=axis),
                                   rtol=1e-5 if a.dtype == np.float32 else 1e-14)
        print("%-22s %4d %12.3f %12.3f %7.2fx" % (name, axis, ts * 1e3, tn * 1e3, tn / ts))
    print("ratio = numpy time / safenorm time (> 1: safenorm faster)")


if __name__ == "__main__":
    main()
