#!/usr/bin/env bash
# The main job: sets itself up on a fresh Debian 12 machine, builds convt,
# and writes the report of this machine into reports/<host>-<date>/:
#   check        the default suite on every available backend (conformance),
#                convt's CUDA kernels executed on the host too
#   determinism  a representative subset, 20 runs each, thread counts 1..T
#   accuracy     the same subset against the oracle, strict and TF32 bounds
#   bench        configs/real_shapes.json, short, on every available backend
# joined into report.json and drawn as report.html, then a summary of what
# passed, what was skipped and why. Each step's output is also in its
# <step>.txt there. Exits 1 if a check failed (the reports are written
# anyway), 130 if interrupted.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit
convt=build/convt
out=${CONVT_REPORT_DIR:-reports/$(hostname -s)-$(date -u +%Y-%m-%d)}
mkdir -p "$out" || exit

"$convt" --version
"$convt" list | tee "$out/backends.txt"
# The implementations: every available backend but the references, the
# family of single cuDNN engines (`convt check --backend 'cudnn:*'` runs those)
# and the GPU kernels executed on the host, which only the check runs.
backends=$(awk '$3 == "available" && $1 !~ /^reference/ && $1 !~ /</ && $1 !~ /@host$/ {print $1}' \
  "$out/backends.txt" | paste -sd,)
on_host=$(awk '$3 == "available" && $1 ~ /@host$/ {print $1}' "$out/backends.txt" | paste -sd,)

failed=0
# step NAME COMMAND...: runs it with its output on the terminal and in
# $out/NAME.txt; remembers a failure; stops everything on an interrupt.
step() {
  local name=$1 rc
  shift
  echo
  echo "== $name: $*"
  "$@" 2> >(tee -a "$out/$name.txt" >&2) | tee "$out/$name.txt"
  rc=${PIPESTATUS[0]}
  if ((rc == 130)); then echo "interrupted: the reports so far are in $out"; exit 130; fi
  ((rc == 0)) || { echo "($name exited with $rc)"; failed=1; }
}

step check "$convt" check --backend "$backends${on_host:+,$on_host}" --report "$out/check.json"
step determinism "$convt" report determinism --backend "$backends" --runs 20 --report "$out/determinism.json"
step accuracy "$convt" report accuracy --backend "$backends,reference-tf32,reference-tf32-trunc" \
  --report "$out/accuracy.json"
step bench "$convt" bench --config configs/real_shapes.json --backend "$backends" \
  --benchmark_min_time=0.05 --report "$out/bench.json"

echo
echo "== the report"
"$convt" report merge "$out"/check.json "$out"/determinism.json "$out"/accuracy.json "$out"/bench.json \
  --output "$out/report.json" || exit
"$convt" report html --from "$out/report.json" --output "$out/report.html" || exit

echo
echo "== summary ($out)"
echo "check:       $(grep -m1 '^tests:' "$out/check.txt")"
sed -n '/^skipped (/,/^[^ ]/p' "$out/check.txt" | grep '^ ' | sed 's/^/  skipped /'
grep -h '^failed (' "$out/check.txt" | sed 's/^/  /'
echo "determinism:"
grep -E '^[^ ]+ +problems:|^  failed ' "$out/determinism.txt" | sed 's/^/  /'
echo "accuracy:"
sed -n '/^backend /,/^wrote /p' "$out/accuracy.txt" | grep -v '^wrote ' | sed 's/^/  /'
grep -h '^  failed ' "$out/accuracy.txt" | sed 's/^/  /' || true
echo "bench:       $(grep -c ' us ' "$out/bench.txt") benchmarks; $(grep -c 'ERROR OCCURRED' "$out/bench.txt") not run"
echo "report:      $out/report.json"
echo "page:        $out/report.html"
exit "$failed"
