#!/usr/bin/env bash
# Installs the llama.cpp oracle the tests compare against: node-llama-cpp's
# prebuilt libllama / libggml-base (npm registry) and the public headers of the
# exact llama.cpp release they were built from (read out of the package's git
# bundle into the build tree; no llama.cpp code is kept in this repository).
#
# Usage: scripts/install-oracle.sh [DEST]   (default: .deps/llama-oracle)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/.deps/llama-oracle}"
version=3.22.1
stamp="$dest/.installed-$version"
if [[ -f "$stamp" ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "install-oracle: npm is required (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dest"
cd "$dest"
[[ -f package.json ]] || echo '{"name":"gmat-llama-oracle","private":true}' > package.json
npm install --ignore-scripts --omit=optional --no-audit --no-fund --loglevel=error \
  "node-llama-cpp@$version" "@node-llama-cpp/linux-x64@$version" >/dev/null
bins="$dest/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
bundle="$dest/node_modules/node-llama-cpp/llama/gitRelease.bundle"
[[ -f "$bins/libggml-base.so" ]] || { echo "install-oracle: $bins/libggml-base.so missing" >&2; exit 1; }
[[ -f "$bundle" ]] || { echo "install-oracle: $bundle missing" >&2; exit 1; }
ln -sfn "$bins" "$dest/lib"

# Public headers only, from the bundle's commit.
gitdir="$dest/llama.git"
rm -rf "$gitdir"
git init -q --bare "$gitdir"
git --git-dir="$gitdir" fetch -q "$bundle" '+HEAD:refs/heads/release' 2>/dev/null ||
  git --git-dir="$gitdir" fetch -q "$bundle" '+refs/*:refs/*'
rev="$(git --git-dir="$gitdir" rev-parse --verify -q refs/heads/release || git --git-dir="$gitdir" for-each-ref --format='%(objectname)' | head -n1)"
mkdir -p "$dest/include"
git --git-dir="$gitdir" show "$rev:include/llama.h" > "$dest/include/llama.h"
for h in $(git --git-dir="$gitdir" ls-tree --name-only "$rev" ggml/include/); do
  git --git-dir="$gitdir" show "$rev:$h" > "$dest/include/$(basename "$h")"
done
rm -rf "$gitdir"
touch "$stamp"
echo "install-oracle: llama.cpp oracle ready in $dest"
