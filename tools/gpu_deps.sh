#!/usr/bin/env bash
# Prepares .deps/ for tools/gpu_check.sh. Runs HERE (Debian 12, apt
# available), before a device call: the GPU machine has no apt and none of
# convt's Debian -dev packages, so this downloads them (apt-get download, no
# install) into .deps/debs/ and unpacks them (dpkg -x) into .deps/root/.
# oneDNN is left out (optional: convt then builds without its oneDNN
# backends); googletest's sources and gmock too (the build needs neither).
# Docs are dropped and links become copies: .deps/root/usr is a
# self-contained prefix (CMAKE_PREFIX_PATH) wherever it is copied; its
# CMake files find their libraries relative to themselves.
# Usage: bash tools/gpu_deps.sh; then carry .deps and run
#   OUT=$OUT bash tools/gpu_check.sh   (on the device machine).
# Safe to run again (starts from an empty .deps/root).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libbenchmark-dev libbenchmark1debian librapidcheck-dev nlohmann-json3-dev
          libgtest-dev libcli11-dev libexpat1-dev libxxhash-dev)
# tools/setup.sh is the list of record: say so when it names one not here.
for p in $(sed -n '/^packages=(/,/)/p' tools/setup.sh | grep -o '[a-z0-9.+-]*-dev'); do
  [[ $p == libdnnl-dev || " ${packages[*]} " == *" $p "* ]] || echo "gpu_deps: WARNING: tools/setup.sh needs $p, not downloaded here" >&2
done

mkdir -p .deps/debs
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qxF '/.deps/' "$exclude" 2>/dev/null || echo '/.deps/' >>"$exclude"

(cd .deps/debs && rm -f ./*.deb && apt-get download -q "${packages[@]}")

rm -rf .deps/root
mkdir -p .deps/root
for deb in .deps/debs/*.deb; do dpkg -x "$deb" .deps/root; done
root=$PWD/.deps/root
rm -rf "$root"/usr/share/{doc,doc-base,man,lintian,aclocal} "$root"/usr/src
# expat and xxhash: only their static libraries (find_library then takes
# them), so that no Debian libexpat.so.1 or libxxhash.so.0 (their runtime
# packages are not downloaded) is ever needed or loaded on the device.
rm -rf "$root"/usr/lib/*/lib{expat,xxhash}.so "$root"/usr/lib/*/libexpatw.* "$root"/usr/lib/*/cmake/expat-*

# Links (the copy to the device may not keep them): replace each by a copy
# of its target inside .deps/root.
while IFS= read -r link; do
  target=$(readlink "$link")
  case $target in /*) target=$root/usr${target#/usr} ;; *) target=$(dirname "$link")/$target ;; esac
  rm "$link"
  cp -L "$target" "$link"
done < <(find "$root" -type l)

echo "gpu_deps: absolute paths left in CMake files (only the usr-move guards, inactive here):"
grep -rn '"/\(usr/\)\?lib' --include='*.cmake' "$root" | sed "s|^$PWD/||" || true
find "$root" -type l | grep . && { echo "gpu_deps: links left in .deps/root" >&2; exit 1; }
echo "gpu_deps: .deps/root $(du -sh .deps/root | cut -f1), .deps $(du -sh .deps | cut -f1)"
