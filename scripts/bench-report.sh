#!/usr/bin/env bash
# Runs the run-time benchmarks (`cargo bench -p api-error-benches`) RUNS times (default 3)
# and prints, for each case, the median of its per-run medians as Markdown tables, with the
# ratio of each case to a baseline measured in the same runs:
#   - body rendering: every case divided by the floor, a hand-written
#     `#[derive(Serialize)]` struct of five `&'static str` fields through serde_json
#     (`json::floor_serde_struct`). SPEC §10: write_json <= 0.25x, to_body()+serde <= 1.25x;
#   - wire formats: each against a hand-written serde struct of its own shape (<= 0.5x);
#   - axum: each case divided by its own baseline (named in the table).
# Several runs because a moment of noise on a shared VM can spoil one case of one run (every
# case runs once per run, one after another); the SPEC §10 lines also give each run's ratio.
# Usage: RUNS=3 bash scripts/bench-report.sh [extra divan args, e.g. --sample-count 200]
# The raw divan output of run N is kept in target/bench-report.N.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${RUNS:-3}"
raw="${CARGO_TARGET_DIR:-$root/target}/bench-report"
mkdir -p "$(dirname "$raw")"
files=()
for n in $(seq 1 "$runs"); do
  cargo bench -p api-error-benches --bench render -- "$@" | tee "$raw.$n.txt" >&2
  files+=("$raw.$n.txt")
done

python3 - "${files[@]}" <<'PY'
import re, statistics, sys

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
def parse(path):
    medians = {}
    stack = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        # A row: tree prefix ("│  " per level), "├─ " or "╰─ ", the name, then
        # fastest │ slowest │ median │ mean │ samples │ iters.
        m = re.match(r"^((?:│  |   )*)(?:├─|╰─) (\S+)", line)
        if not m:
            continue
        depth = len(m.group(1)) // 3
        stack[depth:] = [m.group(2)]
        cols = line[m.end():].split("│")
        if len(cols) < 6:
            continue
        t = cols[2].split()
        if len(t) != 2 or t[1] not in UNITS:
            continue
        medians["/".join(["render"] + stack)[len("render/"):]] = float(t[0]) * UNITS[t[1]]
    return medians

per_run = [parse(path) for path in sys.argv[1:]]
# Each case: the median of its medians over the runs.
medians = {
    name: statistics.median(run[name] for run in per_run if name in run)
    for name in set().union(*per_run)
}
print(f"\n({len(per_run)} runs; each figure is the median of the per-run medians)")

def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3f} µs"
    return f"{ns:.1f} ns"

def table(title, rows):
    print(f"\n{title}\n")
    print("| case | median | baseline | ratio |")
    print("|---|---:|---|---:|")
    for name, desc, base in rows:
        if name not in medians:
            print(f"| {desc} | (not run) | | |")
            continue
        if base in medians:
            ratio = f"{medians[name] / medians[base]:.2f}x"
            bdesc = base.split("/")[-1]
        else:
            ratio, bdesc = "", ""
        print(f"| {desc} | {fmt(medians[name])} | {bdesc} | {ratio} |")

FLOOR = "json/floor_serde_struct"
json_rows = [
    (FLOOR, "(a) floor: hand-written `#[derive(Serialize)]` struct, serde_json", FLOOR),
    ("json/floor_serde_struct_request_id", "(a') the same struct with a request id", FLOOR),
    ("json/json_macro", "(b) `serde_json::json!` built per call", FLOOR),
    ("json/http_api_problem", "(c) `http-api-problem` 0.60: build + serialize", FLOOR),
]
for case, desc in [
    ("literal", "literal message"),
    ("formatted", "formatted message, two fields"),
    ("transparent", "transparent (inner literal)"),
    ("request_id", "literal message + request id"),
]:
    json_rows.append((f"json/{case}_write_json", f"derived, {desc}: `write_json`", FLOOR))
    json_rows.append((f"json/{case}_serde", f"derived, {desc}: `to_body()` + serde_json", FLOOR))

axum_rows = [
    ("axum/hand_built_json", "handler returns `(StatusCode, Json<Value>)` (json!)", "axum/hand_built_json"),
    ("axum/derived_error", "handler returns the derived error", "axum/hand_built_json"),
    ("axum/derived_error_with_layer", "derived error + `ApiErrorLayer` (request id in the body)", "axum/hand_built_json"),
    ("axum/hand_built_json_tower_http", "hand-built `(StatusCode, Json<Value>)` under tower-http request-id + catch-panic", "axum/hand_built_json"),
    ("axum/ok_no_layer", "200 `\"ok\"`, no layer", "axum/ok_no_layer"),
    ("axum/ok_noop_layer", "200 `\"ok\"`, a layer that does nothing (`MapRequestLayer` of the identity)", "axum/ok_no_layer"),
    ("axum/ok_floor_layer", "200 `\"ok\"`, reference floor: one header lookup, catch_unwind, one header insert", "axum/ok_no_layer"),
    ("axum/ok_with_layer", "200 `\"ok\"`, with `ApiErrorLayer`", "axum/ok_no_layer"),
    ("axum/ok_tower_http", "200 `\"ok\"`, tower-http request-id + catch-panic (three `Router::layer`s)", "axum/ok_no_layer"),
    ("axum/ok_tower_http_service_builder", "200 `\"ok\"`, the same stack as one `ServiceBuilder` layer", "axum/ok_no_layer"),
    ("axum/ok_no_layer_generated", "200, no incoming id: no layer", "axum/ok_no_layer_generated"),
    ("axum/ok_with_layer_generated", "200, no incoming id: `ApiErrorLayer` generates one", "axum/ok_no_layer_generated"),
    ("axum/ok_tower_http_generated", "200, no incoming id: tower-http generates a UUID", "axum/ok_no_layer_generated"),
    ("axum/ok_tower_http_service_builder_generated", "200, no incoming id: tower-http as one `ServiceBuilder`", "axum/ok_no_layer_generated"),
]

table("Body rendering into a reused `Vec<u8>` (median; ratio to the floor (a)):", json_rows)
format_rows = [
    ("json/floor_serde_envelope", "floor: hand-written `{\"error\": {...}}` structs, serde_json", "json/floor_serde_envelope"),
    ("json/literal_enveloped", "derived, literal message: `WireFormat::Enveloped`", "json/floor_serde_envelope"),
    ("json/floor_serde_problem", "floor: hand-written RFC 9457 struct, serde_json", "json/floor_serde_problem"),
    ("json/literal_problem", "derived, literal message: `WireFormat::Problem` (type base)", "json/floor_serde_problem"),
]
table("Wire formats, each against a hand-written serde struct of its shape (SPEC §12; bar <= 0.5x):", format_rows)
table("axum, one request through `Router::oneshot`, body read (median; ratio to the baseline):", axum_rows)
def ratio_line(m, bare, ours, theirs):
    d_ours, d_theirs = m[ours] - m[bare], m[theirs] - m[bare]
    if d_ours <= 0 or d_theirs <= 0:
        return None, d_ours, d_theirs
    return d_ours / d_theirs, d_ours, d_theirs

print("\nSPEC §10: overhead on a 200 over the bare router, `ApiErrorLayer` vs tower-http's stack (bar <= 0.33x):")
for suffix, label in [("", "incoming x-request-id"), ("_generated", "no incoming id")]:
    for stack, how in [("tower_http", "three `Router::layer`s"), ("tower_http_service_builder", "one `ServiceBuilder`")]:
        bare, ours, theirs = (f"axum/ok_{k}{suffix}" for k in ("no_layer", "with_layer", stack))
        if not all(k in medians for k in (bare, ours, theirs)):
            continue
        r, d_ours, d_theirs = ratio_line(medians, bare, ours, theirs)
        each = [ratio_line(run, bare, ours, theirs)[0] for run in per_run if all(k in run for k in (bare, ours, theirs))]
        each = ", ".join("noisy" if x is None else f"{x:.2f}x" for x in each)
        if r is None:
            print(f"- {label}, tower-http as {how}: no verdict, an overhead <= 0 (a noisy run; run again)")
            continue
        print(f"- {label}, tower-http as {how}: ApiErrorLayer +{fmt(d_ours)}, tower-http +{fmt(d_theirs)}: {r:.2f}x ({'holds' if r <= 1 / 3 else 'MISSED'}; runs: {each})")
        floor = "axum/ok_floor_layer"
        if suffix == "" and floor in medians:
            d_floor = medians[floor] - medians[bare]
            print(f"  - reference floor layer: +{fmt(d_floor)}: {d_floor / d_theirs:.2f}x")

if FLOOR in medians:
    f = medians[FLOOR]
    print("\nSPEC §10 bars (literal message):")
    for name, bar, label in [("json/literal_write_json", 0.25, "write_json"), ("json/literal_serde", 1.25, "to_body() + serde_json")]:
        if name in medians:
            r = medians[name] / f
            print(f"- {label}: {r:.2f}x of the floor (bar <= {bar}x): {'holds' if r <= bar else 'MISSED'}")
PY
