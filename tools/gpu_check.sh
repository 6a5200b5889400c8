#!/usr/bin/env bash
# The GPU checks of convt, in one run on a machine with an NVIDIA GPU (made
# for a borrowed H200 with CUDA 13.0, PyTorch's venv and no Debian -dev
# packages). Builds convt for sm_90 with CUDA and cuDNN, then runs the gpu
# tests, convt list/check/bench on the device. Every step's output goes to
# logs/<step>.txt (reports beside it) and a line (step, exit code, seconds)
# to $OUT/summary.txt; a failing step does not stop the others (except the
# build: all need it). At the end (or on SIGTERM) logs/ is packed into
# $OUT/logs.tar.gz, split into 15 MiB parts logs.tar.gz.N if larger: the
# device call brings back at most 8 files, 16 MiB each.
# Each step is bounded by `timeout` and by a global deadline,
# CONVT_GPU_CHECK_SECONDS (default 450); one that would start too late is
# recorded as skipped.
#
# Usage, here: bash tools/gpu_deps.sh (downloads the dependencies into
# .deps/); then the device call: carry .deps, command
#   OUT=$OUT bash tools/gpu_check.sh
# (CONVT_GPU_CHECK_SECONDS=N before it for another budget; keep N some 60 s
# under the call's timeout_s). Without .deps, the system's packages are used.
# Environment: OUT (default gpu-out), CONVT_GPU_CHECK_SECONDS,
# CONVT_GPU_BUILD_DIR (default build-sm90), CUDNN_PATH (default: the
# toolkit's cuDNN, else the nvidia-cudnn wheel of python3 / PyTorch's venv).
set -uo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-gpu-out}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
LOGS=$OUT/logs
rm -rf "$LOGS" "$OUT"/logs.tar.gz* && mkdir -p "$LOGS"
BUILD=$PWD/${CONVT_GPU_BUILD_DIR:-build-sm90}
CONVT=$BUILD/convt
end=$(($(date +%s) + ${CONVT_GPU_CHECK_SECONDS:-450}))
summary=$OUT/summary.txt
printf '# convt gpu_check %s, budget %ss\n' "$(date -u +%FT%TZ)" "${CONVT_GPU_CHECK_SECONDS:-450}" >"$summary"
export LOGS BUILD CONVT

pack() {
  trap - TERM INT
  echo "# total $SECONDS s; logs in logs.tar.gz (tar xzf; parts: cat logs.tar.gz.* | tar xz)" >>"$summary"
  tar -C "$OUT" -czf "$OUT/logs.tar.gz" logs && rm -rf "$LOGS"
  if (($(stat -c %s "$OUT/logs.tar.gz") > 15 * 1024 * 1024)); then
    split -b 15M -d -a 1 "$OUT/logs.tar.gz" "$OUT/logs.tar.gz." && rm "$OUT/logs.tar.gz"
  fi
  cat "$summary"
}
child= current=
trap 'kill -TERM $child 2>/dev/null; echo "$current: interrupted (SIGTERM or SIGINT)" >>"$summary"; pack; exit 143' TERM INT

# step NAME SECONDS COMMAND: runs COMMAND (bash) for at most SECONDS and at
# most until the deadline, stdout and stderr in $LOGS/NAME.txt; STEP_END is
# its own deadline (for steps that share their time among parts).
step() {
  local name=$1 share=$2 cmd=$3 t0=$SECONDS rc
  current=$name
  local limit=$((end - $(date +%s)))
  ((share < limit)) && limit=$share
  if ((limit < 5)); then
    printf '%-24s skipped (deadline)\n' "$name" >>"$summary"
    return 0
  fi
  STEP_END=$(($(date +%s) + limit)) timeout -k 5 "$limit" bash -c "$cmd" >"$LOGS/$name.txt" 2>&1 &
  child=$!
  wait $child   # (in the background, so that a SIGTERM is handled at once)
  rc=$?
  ((rc == 124 || rc == 137)) && echo "gpu_check: stopped after ${limit}s" >>"$LOGS/$name.txt"
  printf '%-24s rc=%-3s %4ss\n' "$name" "$rc" "$((SECONDS - t0))" >>"$summary"
  return $rc
}
# Setup steps run in this shell (they export variables): name, function.
setup() {
  local t0=$SECONDS rc
  "$2" >"$LOGS/$1.txt" 2>&1
  rc=$?
  printf '%-24s rc=%-3s %4ss\n' "$1" "$rc" "$((SECONDS - t0))" >>"$summary"
}

command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}

# 1. environment
step environment 30 'for c in "nvidia-smi" "nvcc --version" "uname -a" "g++ --version" "cmake --version" \
  "ninja --version" "nproc" "free -g" "df -h ."; do echo "\$ $c"; $c; echo "[rc=$?]"; done'

# 2. dependencies: .deps/root/usr (tools/gpu_deps.sh) when carried.
cmake_deps=()
deps() {
  local prefix=$PWD/.deps/root/usr d
  if [ ! -d "$prefix" ]; then echo "no .deps/root: using the system's packages"; return 0; fi
  cmake_deps=(-DCMAKE_PREFIX_PATH="$prefix")
  for d in "$prefix"/lib/*/cmake/* "$prefix"/share/cmake/*; do
    [[ -d $d && $(basename "$d") != *-* ]] && cmake_deps+=(-D"$(basename "$d")_DIR=$d")
  done
  for d in "$prefix"/lib/*-linux-gnu; do export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; done
  printf '%s\n' "${cmake_deps[@]}" "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  du -sh "$prefix"
}
setup dependencies deps

# 3. cuDNN: CUDNN_PATH, else the toolkit's, else python's nvidia-cudnn wheel.
cudnn() {
  local toolkit py
  toolkit=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")
  if [ -n "${CUDNN_PATH:-}" ]; then echo "CUDNN_PATH given"
  elif [ -f "$toolkit/include/cudnn.h" ]; then CUDNN_PATH=$toolkit; echo "the toolkit's cuDNN"
  else
    for py in python3 /opt/torch/.venv/bin/python3; do
      CUDNN_PATH=$("$py" -c 'import nvidia.cudnn as m; print(list(m.__path__)[0])' 2>/dev/null) && break
    done
    [ -n "$CUDNN_PATH" ] || CUDNN_PATH=$(ls -d /opt/torch/.venv/lib/python3*/site-packages/nvidia/cudnn 2>/dev/null | head -1)
    echo "python's nvidia-cudnn package"
  fi
  export CUDNN_PATH
  echo "CUDNN_PATH=$CUDNN_PATH"
  [ -n "$CUDNN_PATH" ] || { echo "no cuDNN found: cuDNN backends will not be built"; return 1; }
  grep -E '^#define CUDNN_(MAJOR|MINOR|PATCHLEVEL) ' "$CUDNN_PATH/include/cudnn_version.h" || return 1
  ls -l "$CUDNN_PATH"/lib*/libcudnn.so* || return 1
  local lib
  for lib in "$CUDNN_PATH"/lib64 "$CUDNN_PATH"/lib; do
    [ -d "$lib" ] && export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  done
  # cuDNN dlopens NVRTC etc. (runtime-compiled engines): the toolkit's, last.
  export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$toolkit/lib64
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
}
setup cudnn cudnn
export CUDNN_PATH LD_LIBRARY_PATH

# 4. build, going on past errors (one broken test must not cost the device
# run); the steps after it need only convt (and gpu_test for ctest).
generator=() keep_going=(-k)
command -v ninja >/dev/null && generator=(-G Ninja) keep_going=(-k 0)
configure=(cmake -S . -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCONVT_CUDA=ON
           -DCMAKE_CUDA_ARCHITECTURES=90 -DCUDNN_PATH="$CUDNN_PATH" -UCONVT_CUDNN_INCLUDE_DIR
           -UCONVT_CUDNN_LIBRARY "${cmake_deps[@]}")
rm -f "$CONVT"
step build 300 "$(printf '%q ' "${configure[@]}") && cmake --build $(printf '%q' "$BUILD") -j$(nproc) -- ${keep_going[*]}"
if [ ! -x "$CONVT" ]; then
  echo "no convt was built: the other steps are skipped" >>"$summary"
  pack
  exit 1
fi
grep -a '^FAILED' "$LOGS/build.txt" | sed 's/^/  build: /' >>"$summary"
grep -E '^(CONVT_[A-Z_]*|[A-Za-z0-9_]*_DIR|EXPAT_LIBRARY|CMAKE_PREFIX_PATH):' "$BUILD/CMakeCache.txt" \
  >>"$LOGS/build.txt"
ldd "$CONVT" >>"$LOGS/build.txt" 2>&1

# 5. the gpu tests (without a GPU: skipped, exit 0)
step ctest-gpu 150 'ctest --test-dir "$BUILD" -L gpu --output-on-failure --timeout $((STEP_END - $(date +%s)));
  rc=$?; cp "$BUILD"/Testing/Temporary/LastTest*.log "$LOGS"/ 2>/dev/null; exit $rc'

# 6. convt list; this GPU's properties; engines planned for the device and for the h200 description
step list 20 '"$CONVT" list'
step list-save-gpu 20 '"$CONVT" list --save-gpu "$LOGS/gpu.json"'
step engines-device 30 '"$CONVT" list --problem mb16ic256ih8oc128kh4sh2ph1 --gpu device --json >"$LOGS/engines-device.json"'
step engines-h200 30 '"$CONVT" list --problem mb16ic256ih8oc128kh4sh2ph1 --gpu h200 --json >"$LOGS/engines-h200.json"'

# 7. cudnn (PyTorch's choice) and convt's own kernels on the default suite, configs/conformance.json
for tf32 in off on; do
  step check-cudnn-tf32-$tf32 90 "\"\$CONVT\" check --backend cudnn,cuda,cuda-direct --isolate off --tf32 $tf32 \
    --report \"\$LOGS/check-cudnn-tf32-$tf32.json\" --junit \"\$LOGS/check-cudnn-tf32-$tf32.xml\""
done

# 8. every engine on the default suite, in shards (shard I with TF32 off, then on) until the time is spent
engine_shards() {
  local n=8 i tf32 rc=0 r left
  for ((i = 0; i < n; i++)); do
    for tf32 in off on; do
      left=$((STEP_END - $(date +%s)))
      if ((left < 10)); then echo "== stopped: time spent before shard $i/$n tf32 $tf32"; return $rc; fi
      echo "== shard $i/$n tf32 $tf32"
      timeout --foreground -k 5 "$left" "$CONVT" check --backend 'cudnn:*' --isolate off --data normal --tf32 $tf32 --shard $i/$n \
        --report "$LOGS/check-engines-tf32-$tf32-shard$i.json"
      r=$?
      ((r)) && rc=$r
      echo "== shard $i/$n tf32 $tf32: rc=$r"
    done
  done
  echo "== all $n shards ran"
  return $rc
}
export -f engine_shards
step check-engines 120 engine_shards
grep -h '^== ' "$LOGS/check-engines.txt" 2>/dev/null | tail -1 | sed 's/^/  check-engines: /' >>"$summary"

# 9. timing on configs/real_shapes.json: cudnn and convt's kernels; then every engine, one
# problem at a time (TF32 off, then on; each its own complete report),
# until the time is spent. Google Benchmark 1.7 (Debian 12's) takes
# --benchmark_min_time in plain seconds: 0.05, not 0.05s.
for tf32 in off on; do
  step bench-cudnn-tf32-$tf32 60 "\"\$CONVT\" bench --backend cudnn,cuda,cuda-direct --config configs/real_shapes.json --tf32 $tf32 \
    --report \"\$LOGS/bench-cudnn-tf32-$tf32.json\" --benchmark_min_time=0.05"
done
engine_bench() {
  local problems i tf32 rc=0 r left
  mapfile -t problems < <(grep -o '"descriptor": *"[^"]*"' configs/real_shapes.json | cut -d'"' -f4)
  for ((i = 0; i < ${#problems[@]}; i++)); do
    for tf32 in off on; do
      left=$((STEP_END - $(date +%s)))
      if ((left < 10)); then echo "== stopped: time spent before problem $i of ${#problems[@]}"; return $rc; fi
      echo "== problem $i ${problems[i]} tf32 $tf32"
      timeout --foreground -k 5 "$left" "$CONVT" bench --backend 'cudnn:*' --problem "${problems[i]}" --tf32 $tf32 \
        --report "$LOGS/bench-engines-tf32-$tf32-problem$i.json" --benchmark_min_time=0.05
      r=$?
      ((r)) && rc=$r
      echo "== problem $i tf32 $tf32: rc=$r"
    done
  done
  echo "== all ${#problems[@]} problems ran"
  return $rc
}
export -f engine_bench
step bench-engines 120 engine_bench
grep -h '^== ' "$LOGS/bench-engines.txt" 2>/dev/null | tail -1 | sed 's/^/  bench-engines: /' >>"$summary"

pack
