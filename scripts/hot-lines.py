#!/usr/bin/env python3
"""Instructions and instruction-cache lines per request, by function, from a callgrind run.

Counts, for every function of BINARY whose name matches PATTERN (a regular expression;
default `api_error_core`), the instructions run per request and the distinct 64-byte lines
holding an instruction run at least once per request (a measure of the code's footprint on
the request path), from a run made with `--dump-instr=yes`:

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=cg.out \\
        target/release/examples/layer_overhead layer with-id 3000
    python3 scripts/hot-lines.py cg.out target/release/examples/layer_overhead 3000

`.` as PATTERN counts the whole binary (libc's `memcpy` and `malloc` are not in it).
"""
import bisect
import collections
import re
import subprocess
import sys


def symbols(binary):
    out = subprocess.run(["nm", "-S", "-C", binary], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            syms.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    syms.sort()
    return syms


def counts(path):
    """Instructions run at each address (a call's inclusive cost is not one)."""
    by_addr = collections.Counter()
    addr, after_call = 0, False
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("calls="):
            after_call = True
            continue
        if not line or line[0] not in "0123456789+-*":
            continue
        parts = line.split()
        pos = parts[0]
        if pos.startswith("0x"):
            addr = int(pos, 16)
        elif pos[0] == "+":
            addr += int(pos[1:], 0)
        elif pos[0] == "-":
            addr -= int(pos[1:], 0)
        elif pos != "*":
            continue
        if after_call:
            after_call = False
            continue
        if len(parts) >= 3:
            by_addr[addr] += int(parts[2])
    return by_addr


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    path, binary, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pattern = re.compile(sys.argv[4] if len(sys.argv) > 4 else "api_error_core")
    syms = symbols(binary)
    starts = [s[0] for s in syms]
    per_fn = collections.defaultdict(lambda: [0, set()])
    for addr, n in counts(path).items():
        i = bisect.bisect_right(starts, addr) - 1
        if i < 0 or n < requests:
            continue
        start, size, name = syms[i]
        if start <= addr < start + size:
            per_fn[name][0] += n
            per_fn[name][1].add(addr // 64)
    total = 0
    for name, (n, lines) in sorted(per_fn.items(), key=lambda kv: -len(kv[1][1])):
        if pattern.search(name):
            total += len(lines)
            print(f"{n / requests:8.0f} instructions {len(lines):4d} lines  {name[:140]}")
    print(f"lines in all: {total}")


main()
