#!/usr/bin/env bash
# The test command: sets itself up on a fresh Debian 12 machine, builds,
# runs every test (labels unit, property, golden, mutants), then builds the
# tests again with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# them there (all but the mutants, which exercise the same harness code
# through whole-suite runs and would only be slow under the sanitizers).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash tools/setup.sh
echo "== tests (build/)"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== tests under ASan + UBSan (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONVT_SANITIZE=ON -DCONVT_CUDA=OFF \
      -DCONVT_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE mutants
