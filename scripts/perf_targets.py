#!/usr/bin/env python3
"""Target tables of docs/PERFORMANCE.md from peer-harness CSVs (../shared/bench).

Usage: scripts/perf_targets.py LABEL=DIR[:YARDSTICK] ['strides LABEL=DIR+BASEDIR' ...]
Each DIR holds a harness run's peers_speed.csv; YARDSTICK (default: ys512 where measured,
else ys256) names the line the ratios are taken to.  For every routine and the cells of the
speed targets (n in 4, 16, 64, 256 with incx 1, 2, -1; n = 4096 and 2^24 with incx 1; the
general strides 3, 17, -5 at n = 4096 when present) it prints safenorm's time per call, its
ratio to the run's yardstick (ys512 where measured, else ys256), the fastest of the peers
named by the targets, and whether safenorm is faster.
"""
import collections
import csv
import sys

PEERS = ["openblas-0.3.34", "mkl-2026.2", "faer-0.24", "faer-0.24-avx512",
         "eigen-stableNorm", "blis-0.9.0", "refblas-3.11"]
ROUTINES = ["dnrm2", "snrm2", "dznrm2", "scnrm2"]


def load(path):
    cells = collections.defaultdict(dict)
    for r in csv.DictReader(open(path)):
        if r["abi"] != "fortran" or not r["ns_per_call"]:
            continue
        key = (r["routine"], int(r["n"]), int(r["incx"]))
        ns = float(r["ns_per_call"])
        lib = r["lib"]
        cells[key][lib] = min(ns, cells[key].get(lib, ns))
    return cells


def fmt_ns(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f us" % (ns / 1e3)
    return "%.1f ns" % ns


def table(label, cells, yard=None):
    me = sorted({lib for c in cells.values() for lib in c if lib.startswith("safenorm")})
    if not me:
        return
    me = me[0]
    keys = []
    for rt in ROUTINES:
        for n in (4, 16, 64, 256):
            for inc in (1, 2, -1):
                keys.append((rt, n, inc))
        keys.append((rt, 4096, 1))
        keys.append((rt, 1 << 24, 1))
        for inc in (3, 17, -5):
            keys.append((rt, 4096, inc))
    print("### %s\n" % label)
    print("| routine | n | incx | safenorm | ratio to %s |" % (yard or "ys512"), end="")
    print(" fastest peer | peer time | faster than every peer |")
    print("|---|---:|---:|---:|---:|---|---:|:---:|")
    for key in keys:
        c = cells.get(key)
        if not c or me not in c:
            continue
        ys = c.get(yard) if yard else (c.get("ys512") or c.get("ys256"))
        peers = {k: v for k, v in c.items() if k in PEERS}
        if not peers:
            continue
        best = min(peers, key=peers.get)
        n = key[1]
        nn = "2^24" if n == 1 << 24 else str(n)
        print("| %s | %s | %d | %s | %s | %s | %s | %s |" % (
            key[0], nn, key[2], fmt_ns(c[me]), "%.2f" % (c[me] / ys) if ys else "-",
            best, fmt_ns(peers[best]), "yes" if c[me] < peers[best] else "**no**"))
    print()


def strides(label, cells, base):
    """General strides against the same routine at incx = 2 (from `base`, a run with it)."""
    me = sorted({lib for c in cells.values() for lib in c if lib.startswith("safenorm")})
    if not me:
        return
    me = me[0]
    print("### %s: general strides, n = 4096\n" % label)
    print("| routine | incx | safenorm | / incx = 2 | fastest peer | peer time | faster than every peer |")
    print("|---|---:|---:|---:|---|---:|:---:|")
    for rt in ROUTINES:
        two = base.get((rt, 4096, 2), {}).get(me) or cells.get((rt, 4096, 2), {}).get(me)
        for inc in (3, 17, -5):
            c = cells.get((rt, 4096, inc))
            if not c or me not in c:
                continue
            peers = {k: v for k, v in c.items() if k in PEERS}
            best = min(peers, key=peers.get)
            print("| %s | %d | %s | %s | %s | %s | %s |" % (
                rt, inc, fmt_ns(c[me]), "%.2f" % (c[me] / two) if two else "-", best,
                fmt_ns(peers[best]), "yes" if c[me] < peers[best] else "**no**"))
    print()


def main():
    for arg in sys.argv[1:]:
        label, _, d = arg.partition("=")
        d, _, yard = d.partition(":")
        if label.startswith("strides "):
            run, _, base = d.partition("+")
            strides(label[len("strides "):], load(run.rstrip("/") + "/peers_speed.csv"),
                    load(base.rstrip("/") + "/peers_speed.csv") if base else {})
            continue
        table(label, load(d.rstrip("/") + "/peers_speed.csv"), yard or None)


if __name__ == "__main__":
    main()
