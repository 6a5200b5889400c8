#!/usr/bin/env bash
# The main job, for now a demonstration of the oracle: sets itself up on a
# fresh Debian 12 machine, builds convt, lists the backends and runs the
# oracle on a few real layers, with generated data and through .npy files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
convt=build/convt

"$convt" --version
"$convt" list
echo
for problem in \
    mb16ic512ih4oc256kh4sh2ph1nobias \
    mb1ic256ih14oc256kh2sh2 \
    mb1ic21ih8oc21kh16sh8ph4g21nobias \
    mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4; do
  "$convt" run --problem "$problem" --data exact --seed 7
  echo
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== the same problem through .npy files (shapes from the arrays)"
"$convt" run --problem mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4 --save-inputs "$work" \
  --output "$work/y.npy" >/dev/null
"$convt" run --problem sh2sw1ph1pw0oph1opw0dh1dw2g4 --input "$work/x.npy" --weight "$work/w.npy" \
  --bias "$work/b.npy" --output "$work/y_again.npy"
cmp "$work/y.npy" "$work/y_again.npy" && echo "identical outputs from generated data and from the saved arrays"
