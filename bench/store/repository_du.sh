#!/usr/bin/env bash
# The README's repository figures: a BF16 base and three fine-tunes (frozen
# embeddings and norms, every tensor changed by ~2% noise, one added tensor),
# the family tests/repository builds (same generator, sizes and seeds),
# imported into one repository with --base (raw, then zstd) and as four plain
# stores; prints `gmat du` of the repository and the stored share.
#
# Usage: bench/store/repository_du.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
python="${PYTHON:-/usr/bin/python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$root/tests/reference/make_llama_checkpoint.py" "$work/base" --hidden 128 --intermediate 352 --heads 4 \
  --kv-heads 2 --vocab 1024 --dtype bf16 --tied --seed 11 >/dev/null
seed=1
for mode in frozen noisy added; do
  "$python" "$root/tests/repository/make_finetune.py" "$work/base" "$work/$mode" --mode "$mode" --seed "$seed" >/dev/null
  seed=$((seed + 1))
done
bytes() { find "$@" -type f -printf '%s\n' | awk '{s += $1} END {print s}'; } # file bytes, as the test counts
for name in base frozen noisy added; do "$gmat" import -m "$work/$name" -o "$work/plain/$name" -q >/dev/null; done
plain=$(bytes "$work"/plain/*/model.gmat/tensors)
echo "four plain stores: $plain bytes of tensor files"
for format in raw zstd; do
  repo="$work/repo-$format"
  for name in base frozen noisy added; do
    args=(import -m "$work/$name" --into "$repo" --name "$name" --block-format "$format" -q)
    [[ $name == base ]] || args+=(--base "$repo/models/base/model.gmat")
    "$gmat" "${args[@]}" >/dev/null
  done
  echo "== repository, $format blobs (gmat du --bytes)"
  "$gmat" du --bytes "$repo"
  stored=$(bytes "$repo/blobs")
  printf 'repository %s: %d bytes of blobs = %.1f%% of the four plain stores\n' "$format" "$stored" \
    "$(echo "100 * $stored / $plain" | bc -l)"
done
