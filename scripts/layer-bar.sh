#!/usr/bin/env bash
# SPEC §10's layer bar, in time, over many processes: runs `layer_overhead time with-id N
# ROUNDS` RUNS times (default 15) for a one-header request and for a typical client request
# (`BENCH_HEADERS=typical`), and prints each run's ratio (the median over its rounds of
# `ApiErrorLayer`'s overhead over the bare router, divided by tower-http's
# SetRequestId + PropagateRequestId + CatchPanic), sorted, with their median and how many
# runs were above a third.
#
# Why many processes: one process's figure is steady (its rounds agree), but two processes
# of the same binary differ by up to 0.06 (0.28 to 0.36), as where the allocator and the
# loader put things differs from process to process; a single run, or three, says little.
#
#   RUNS=15 bash scripts/layer-bar.sh [N=2000] [ROUNDS=501]
#
# Run it on a quiet host (nothing else compiling): the ratio rises with load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${RUNS:-15}"
n="${1:-2000}"
rounds="${2:-501}"
cargo build --release -p api-error-benches --example layer_overhead >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples/layer_overhead"

for headers in one typical; do
  ratios=()
  for _ in $(seq 1 "$runs"); do
    line=$(BENCH_HEADERS="$headers" "$bin" time with-id "$n" "$rounds" | tail -n 1)
    ratios+=("${line##* }")
  done
  printf '%s\n' "${ratios[@]}" | python3 -c '
import statistics, sys
name = sys.argv[1]
r = sorted(float(x) for x in sys.stdin.read().split())
above = sum(1 for x in r if x > 1 / 3)
print(f"{name:8} median {statistics.median(r):.3f}  range {r[0]:.3f}-{r[-1]:.3f}  "
      f"above 1/3: {above} of {len(r)}  (" + " ".join("%.3f" % x for x in r) + ")")
' "$headers"
done
