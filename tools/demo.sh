#!/usr/bin/env bash
# The main job: sets itself up on a fresh Debian 12 machine, builds convt,
# lists the backends, runs the conformance suite on every available backend
# and on the example plugin, fuzzes the example plugin, and shows one problem
# through .npy files. Exits non-zero if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
convt=build/convt

"$convt" --version
"$convt" list
echo
echo "== convt check: the default suite (configs/conformance.json) on every available backend"
"$convt" check --report build/check-report.json
echo "   report: build/check-report.json"
echo
echo "== convt check: the example plugin"
"$convt" check --plugin build/examples/gather_plugin.so
echo
echo "== convt fuzz: 20 seconds on the example plugin"
"$convt" fuzz --plugin build/examples/gather_plugin.so --time 20 --seed 1
echo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== one problem through .npy files (shapes from the arrays)"
"$convt" run --problem mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4 --save-inputs "$work" \
  --output "$work/y.npy" >/dev/null
"$convt" run --problem sh2sw1ph1pw0oph1opw0dh1dw2g4 --input "$work/x.npy" --weight "$work/w.npy" \
  --bias "$work/b.npy" --output "$work/y_again.npy"
cmp "$work/y.npy" "$work/y_again.npy" && echo "identical outputs from generated data and from the saved arrays"
