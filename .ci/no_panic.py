#!/usr/bin/env python3
"""Fails if a panicking path is reachable from safenorm's code in a shared library.

Usage: no_panic.py path/to/libsafenorm.so

Builds a static call graph of the x86_64 shared object from `objdump -d` (direct calls and
jumps, calls through GOT slots resolved with the dynamic relocations, and function addresses
taken with `lea`), starts from every exported symbol and every
function whose demangled name contains `safenorm`, and reports every path to a panic entry
point of core/alloc/std.  Indirect calls through vtables are not followed, which is why every
`safenorm` function is a root: the kernels, closures and `ChunkSource` methods are all named
`safenorm::...`, and whatever they inline (slice indexing, `unwrap`, ...) is checked in their
bodies.

Allowed, and only these (each one named here with the reason it cannot panic in practice):

* `std::env::` -- the dispatcher reads SAFENORM_ISA once per process with `std::env::var`.
  Inside, std takes its environment lock (a futex RwLock whose only panics are a reader-count
  overflow, i.e. 2^30 concurrent readers, and unwinding-in-cleanup, impossible under
  panic = "abort") and copies the value into a Vec (capacity overflow is impossible for a C
  string that exists in memory; allocation failure aborts, it does not unwind).
* `std::thread::` and `std::sys::thread::` (functions, and panic calls that std's
  `thread/` sources inline into safenorm functions) -- `threads.rs` starts and joins scoped
  threads for vectors of at least 2^21 components.  Their panics: `std::thread::scope`
  re-raising the panic of a scoped thread (the threads run safenorm kernels, which this check
  covers, and release builds abort on panic, so there is none to re-raise); assertions on the
  return codes of pthread_attr_init / pthread_attr_destroy (cannot fail with the valid
  attributes std passes); `JoinInner::join` unwrapping the result a finished thread stored
  (always stored); spawn hooks (none are registered: safenorm registers none, and hooks are
  inherited only from threads that set them); unwinding in cleanup (impossible under
  panic = "abort").  A failure to start a thread is not a panic: `Builder::spawn_scoped`
  returns an error and safenorm adds that piece in the calling thread.  The drop glue of
  std::thread types (`core::ptr::drop_in_place<std::thread::...>`, instantiated with
  safenorm's closure types) counts as std::thread.
"""
import re
import subprocess
import sys
from collections import deque

ALLOWED_PREFIXES = ("std::env::", "std::thread::", "std::sys::thread::")
# Inlined panic calls allowed by the source file they come from (see the docstring).
ALLOWED_SOURCES = ("/library/std/src/thread/",)
PANIC = re.compile(
    r"core::panicking::|::unwrap_failed|::expect_failed|slice_index_fail|slice_start_index"
    r"|slice_end_index|slice_error_fail|panic_bounds_check|capacity_overflow|begin_panic"
    r"|rust_begin_unwind|panic_fmt|len_mismatch_fail|panic_const"
)


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def allowed(name):
    """True for a function of an allowed std module (`<std::...>::f` impl names included)."""
    for head in ("core::ptr::drop_in_place::<", "core::ptr::drop_in_place<"):
        if name.startswith(head):
            name = name[len(head):]
    return name.lstrip("<").startswith(ALLOWED_PREFIXES)


def source_of(so, site):
    """The source file and line of a call site (first, innermost inlined frame)."""
    out = subprocess.run(["addr2line", "-i", "-C", "-e", so, "0x" + site],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else "?"


def main(so):
    dis = run("objdump", "-d", "--no-show-raw-insn", "-C", so)
    relocs = {}
    for line in run("objdump", "-R", so).splitlines():
        p = line.split()
        if len(p) >= 3 and p[1] == "R_X86_64_RELATIVE":
            relocs[int(p[0], 16)] = int(p[2].split("+")[-1], 16)
    hdr = re.compile(r"^([0-9a-f]+) <(.*)>:$")
    direct = re.compile(r"\s(?:call|jmp)\w*\s+([0-9a-f]+) <")
    comment = re.compile(r"#\s+([0-9a-f]+) <")
    starts, edges, fn = {}, {}, None
    sites = []  # (function, call-site address, target address)
    for line in dis.splitlines():
        m = hdr.match(line)
        if m:
            fn = m.group(2)
            starts[int(m.group(1), 16)] = fn
            edges.setdefault(fn, set())
            continue
        if fn is None:
            continue
        m = direct.search(line)
        if m:
            edges[fn].add(int(m.group(1), 16))
            sites.append((fn, line.split(":")[0].strip(), int(m.group(1), 16)))
            continue
        m = comment.search(line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        if re.search(r"\s(?:call|jmp)\w*\s+\*", line):
            # Call through a GOT slot: the function its relocation points at.
            if addr in relocs:
                edges[fn].add(relocs[addr])
                sites.append((fn, line.split(":")[0].strip(), relocs[addr]))
        elif re.search(r"\slea\s", line):
            # A function address taken (function pointer, closure passed as `dyn FnMut`).
            edges[fn].add(addr)
    if not starts:
        sys.exit(f"no_panic: could not disassemble {so}")
    # Direct calls into a panic entry point that std's thread sources inlined into a function:
    # drop the edge when every such call site of that (function, target) pair is allowed.
    panic_sites = {}
    for f, site, t in sites:
        name = starts.get(t, "")
        if PANIC.search(name):
            panic_sites.setdefault((f, t), []).append(site)
    for (f, t), ss in panic_sites.items():
        if all(source_of(so, s).startswith(ALLOWED_SOURCES, source_of(so, s).find("/library/"))
               for s in ss):
            edges[f].discard(t)
    exported = set(run("nm", "-D", "--defined-only", so).split())
    roots = [f for f in edges if "safenorm" in f or f in exported]
    root_set = set(roots)
    if not any(f == "safenorm_dnrm2" for f in roots):
        sys.exit("no_panic: safenorm_dnrm2 not found; wrong library?")
    parent = {r: None for r in roots}
    q = deque(roots)
    while q:
        f = q.popleft()
        if allowed(f):
            continue
        for t in edges.get(f, ()):
            name = starts.get(t)
            if name is None or name in parent:
                continue
            parent[name] = f
            q.append(name)
    bad = []
    for name in parent:
        if PANIC.search(name) and not allowed(name):
            path, x = [], name
            while x is not None:
                path.append(x)
                x = parent[x]
            bad.append(" <- ".join(path))
    print(f"no_panic: {len(roots)} roots, {len(parent)} functions reachable")
    if bad:
        print("no_panic: FAIL: panicking paths reachable from safenorm code:")
        for b in sorted(bad, key=len)[:12]:
            print("  " + b)
        # Where: every call from a safenorm function straight into a panic entry point,
        # with the source line the compiler attributes it to (needs debug info).
        print("no_panic: direct calls from safenorm code into panic entry points:")
        for f, site, t in sites:
            name = starts.get(t, "")
            if t not in edges.get(f, ()):
                continue
            if f in root_set and PANIC.search(name) and not allowed(f):
                loc = subprocess.run(["addr2line", "-i", "-C", "-e", so, "0x" + site],
                                     capture_output=True, text=True).stdout.split()
                print(f"  {f} @0x{site} -> {name}  [{loc[0] if loc else '?'}]")
        sys.exit(1)
    print("no_panic: ok, no panicking path reachable (allowed: %s)" % ", ".join(ALLOWED_PREFIXES))


if __name__ == "__main__":
    main(sys.argv[1])
