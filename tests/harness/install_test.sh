#!/usr/bin/env bash
# The installed convt. `cmake --install` into a temporary prefix puts
# bin/convt, include/convt/plugin.h and share/convt/configs/*.json in place;
# a copy of that prefix in another place (the first one removed), run from
# a third directory with CONVT_CONFIG_DIR unset, reads its own default
# suite; CONVT_CONFIG_DIR replaces it; the source tree's configs path is not
# in the binary; build/convt finds the suites of its build tree; --version
# names the commit, the build type and the backends.
#
# Usage: install_test.sh CMAKE BUILD_DIR SOURCE_DIR [CONFIG]
set -euo pipefail
cmake=$1 build=$2 src=$3 config=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "install_test: $*" >&2
  exit 1
}
unset CONVT_CONFIG_DIR

# A suite of one problem, named so that its cases show where it came from.
one_problem_suite() {
  mkdir -p "$1"
  printf '{"name": "conformance", "problems": [{"descriptor": "ic1ih2oc1kh1", "name": "%s"}]}\n' "$2" \
    >"$1/conformance.json"
}
# `convt check` with the default suite: the oracle, exact data, every case.
check_default() { "$1" check --backend reference --data exact --verbose; }

"$cmake" --install "$build" --prefix "$tmp/first" ${config:+--config "$config"} >/dev/null
for f in bin/convt include/convt/plugin.h share/convt/configs/conformance.json; do
  [[ -f $tmp/first/$f ]] || fail "cmake --install did not install $f"
done
cmp "$src/include/convt/plugin.h" "$tmp/first/include/convt/plugin.h"
for suite in "$src"/configs/*.json; do
  cmp "$suite" "$tmp/first/share/convt/configs/$(basename "$suite")"
done
if grep -qF "$src/configs" "$tmp/first/bin/convt"; then
  fail "the binary holds the source tree's path $src/configs"
fi

# Moved: the prefix copied elsewhere, the first one gone; run from a third
# directory.
cp -a "$tmp/first" "$tmp/moved"
rm -rf "$tmp/first"
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
convt=$tmp/moved/bin/convt

out=$("$convt" check --backend reference --data exact --filter '^pt_nn_groups ') || fail "check failed: $out"
grep -q '^tests:1 passed:1 ' <<<"$out" || fail "the installed suite's pt_nn_groups did not run once: $out"

one_problem_suite "$tmp/moved/share/convt/configs" from_the_prefix
out=$(check_default "$convt") || fail "check failed: $out"
grep -q ' from_the_prefix ' <<<"$out" || fail "the default suite is not the prefix's own: $out"
grep -q '^tests:1 passed:1 ' <<<"$out" || fail "$out"

one_problem_suite "$tmp/env" from_the_environment
out=$(CONVT_CONFIG_DIR=$tmp/env check_default "$convt") || fail "check failed: $out"
grep -q ' from_the_environment ' <<<"$out" || fail "CONVT_CONFIG_DIR is not read: $out"

mkdir "$tmp/empty"
set +e
err=$(CONVT_CONFIG_DIR=$tmp/empty "$convt" check --backend reference 2>&1 >/dev/null)
code=$?
rm -rf "$tmp/moved/share"
err2=$("$convt" check --backend reference 2>&1 >/dev/null)
code2=$?
set -e
[[ $code == 2 && $err == *"CONVT_CONFIG_DIR=$tmp/empty holds no conformance.json"* ]] ||
  fail "an empty CONVT_CONFIG_DIR: exit $code, $err"
[[ $code2 == 2 && $err2 == *"cannot find conformance.json"* && $(wc -l <<<"$err2") == 1 ]] ||
  fail "no installed suites: exit $code2, $err2"

# The build tree's convt reads the build tree's suites, from any directory.
out=$("$build/convt" check --backend reference --data exact --filter '^pt_nn_groups ') ||
  fail "build/convt check failed: $out"
grep -q '^tests:1 passed:1 ' <<<"$out" || fail "$out"

version=$("$convt" --version)
[[ $version =~ ^convt\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [^,\ ]+,\ [A-Za-z]*\ build\;\ backends\ compiled\ in:\ reference,\ reference-tf32,\ reference-tf32-trunc,\ cpu ]] ||
  fail "--version: $version"
echo "install_test: passed ($version)"
