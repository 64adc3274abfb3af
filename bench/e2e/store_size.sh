#!/usr/bin/env bash
# The README's store figures: a BF16 checkpoint imported as a raw store and
# as a zstd store (bytes on disk of each), and the CPU time of the same
# q4_k_m export (`standard`) from each, whose GGUF files must be identical.
#
# Usage: bench/e2e/store_size.sh [SIZE] [THREADS]
#   SIZE: tiny | small | medium (default; the README's) | large (bench/e2e/checkpoint_sizes.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
python="${PYTHON:-/usr/bin/python3}"
size="${1:-medium}"
threads="${2:-$(nproc)}"
source "$root/bench/e2e/checkpoint_sizes.sh"
checkpoint_dims "$size"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$root/tests/reference/make_llama_checkpoint.py" "$work/hf" "${dims[@]}" --dtype bf16 >/dev/null
mb() { echo "scale=1; $(du -sb --apparent-size "$1" | cut -f1) / 1000000" | bc -l; }
echo '{"quantization": {"default_type": "q4_k_m", "scale_optimization": "standard"}}' > "$work/export.json"
printf 'checkpoint (%s): %s MB of safetensors\n' "$size" "$(mb "$work/hf/model.safetensors")"
for format in raw zstd; do
  # Both stores sit in a folder named "model": general.name (from that folder) is the same.
  "$gmat" import -m "$work/hf" -o "$work/$format/model" --block-format "$format" -t "$threads" -q >/dev/null
  /usr/bin/time -f "%U %S" -o "$work/time-$format" \
    "$gmat" export -m "$work/$format/model/model.gmat" -c "$work/export.json" -o "$work/$format.gguf" -t "$threads" -q >/dev/null
  read -r user sys < "$work/time-$format"
  cpu=$(echo "$user + $sys" | bc -l)
  eval "cpu_$format=$cpu"
  printf '%-4s store: %8s MB   q4_k_m export: %6.2f s CPU\n' "$format" "$(mb "$work/$format/model/model.gmat")" "$cpu"
done
cmp -s "$work/raw.gguf" "$work/zstd.gguf" && same="byte-identical" || { echo "the two GGUF files differ" >&2; exit 1; }
ratio=$(echo "if ($cpu_raw > 0) $cpu_zstd / $cpu_raw else 0" | bc -l)
printf 'export from zstd / from raw: %.2fx CPU; GGUF files %s\n' "$ratio" "$same"
