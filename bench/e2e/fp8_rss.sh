#!/usr/bin/env bash
# Peak resident memory and time of `gmat import` and `gmat export` (q8_0) on
# an FP8 block-128 checkpoint against the BF16 checkpoint of the same model
# and shapes (goal: FP8 peak RSS within 1.2x of BF16's), and the FP8 store's
# size against the checkpoint's (goal: within 2%).
# Usage: bench/e2e/fp8_rss.sh [THREADS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
threads="${1:-$(nproc)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
ref="$root/tests/reference"
$py "$ref/make_arch_checkpoint.py" "$work/src" --architecture Qwen3ForCausalLM --hidden 1024 --intermediate 3072 \
  --layers 12 --heads 8 --kv-heads 4 --head-dim 128 --vocab 32000 >/dev/null
$py "$ref/make_low_precision_checkpoint.py" "$work/src" "$work/fp8" --method fp8 --other-dtype BF16 >/dev/null
# The BF16 checkpoint of the same model: every tensor BF16 (the FP8 one keeps non-projections in BF16 too).
$py -c "
import os, shutil, sys
sys.path.insert(0, '$ref')
import safetensors_io
tensors, _ = safetensors_io.read_checkpoint('$work/src')
safetensors_io.write_checkpoint('$work/bf16', tensors, dtype='BF16')
shutil.copy('$work/src/config.json', '$work/bf16/config.json')
"
measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  read -r seconds rss_kb < "$work/time"
  echo "$label $seconds $rss_kb"
}
for kind in bf16 fp8; do
  measure "$kind-import" "$gmat" import -m "$work/$kind" -o "$work/$kind-out" -q -t "$threads" >> "$work/results"
  echo '{"quantization": {"default_type": "q8_0"}}' > "$work/q8_0.json"
  measure "$kind-export" "$gmat" export --model "$work/$kind-out/model.gmat" --config "$work/q8_0.json" \
    -o "$work/$kind.gguf" -q -t "$threads" >> "$work/results"
done
checkpoint=$(stat -c %s "$work/fp8/model.safetensors")
store=$(du -sb "$work/fp8-out/model.gmat" | cut -f1)
awk -v checkpoint="$checkpoint" -v store="$store" -v threads="$threads" '
  { seconds[$1] = $2; rss[$1] = $3 }
  END {
    printf "FP8 checkpoint %.1f MB, store %.1f MB (%.4f of the checkpoint), %s threads\n", checkpoint / 1e6, store / 1e6, store / checkpoint, threads
    for (step in seconds) if (step ~ /^fp8/) {
      base = step; sub(/^fp8/, "bf16", base)
      printf "%-12s FP8 %.2f s, peak RSS %d MB | BF16 %.2f s, %d MB | RSS FP8/BF16 %.2f\n", substr(step, 5), seconds[step], rss[step] / 1024, seconds[base], rss[base] / 1024, rss[step] / rss[base]
    }
  }' "$work/results"
