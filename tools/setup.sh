#!/usr/bin/env bash
# Installs what convt needs on Debian 12 (only what is missing), then
# configures and builds convt in build/ (Release). Used by tools/demo.sh,
# tools/test.sh and .ci/run; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake make g++ pkg-config libbenchmark-dev librapidcheck-dev nlohmann-json3-dev
          libgtest-dev libcli11-dev libdnnl-dev libexpat1-dev libxxhash-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
cmake -S . -B build -DCONVT_WERROR=ON "$@" >/dev/null
cmake --build build -j"$jobs"
