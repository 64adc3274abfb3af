#!/usr/bin/env bash
# End-to-end speed: `gmat import` + `gmat export` of an HF checkpoint versus
# llama.cpp's quantizer (llama_model_quantize) on the BF16 GGUF of the same
# model, same mix, same threads. Prints both times, the ratio, and peak RSS.
#
# Usage: bench/e2e/bench_import_export.sh [MIX] [THREADS] [SIZE]
#   MIX: q8_0 (default), q4_k_m, ...   SIZE: tiny | small (default) | medium | large |
#   80m (16 layers, 83M parameters) | 850m (16 layers, 852M parameters)
#   (bench/e2e/checkpoint_sizes.sh)
# Environment: MIN_SPEEDUP=R exits 1 when llama_model_quantize's time is less
#   than R times gmat export's (the goal check: 4 for K/IQ4 mixes on 80m, 2
#   for the legacy ones, 8 for q4_k_m on 850m).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
gmat="$build/bin/gmat"
timer="$build/bin/llama_quantize_timer"
python="${PYTHON:-/usr/bin/python3}"
mix="${1:-q8_0}"
threads="${2:-$(nproc)}"
size="${3:-small}"
declare -A ftype=([q8_0]=7 [q4_0]=2 [q4_1]=3 [q5_0]=8 [q5_1]=9 [q2_k]=10 [q3_k_s]=11 [q3_k_m]=12 [q3_k_l]=13
                  [q4_k_s]=14 [q4_k_m]=15 [q5_k_s]=16 [q5_k_m]=17 [q6_k]=18 [iq4_nl]=25 [iq4_xs]=30)
source "$root/bench/e2e/checkpoint_sizes.sh"
checkpoint_dims "$size"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$root/tests/reference/make_llama_checkpoint.py" "$work/hf" "${dims[@]}" --dtype bf16 >/dev/null

measure() { # prints "seconds max_rss_kb"; stops the script when the command fails
  # Earlier steps' dirty pages (the checkpoint, the store, the BF16 GGUF) are
  # written back first, so no timed step pays for another's disk writes.
  sync
  if ! /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1; then
    echo "failed: $*" >&2
    cat "$work/out" >&2
    kill $$
  fi
  tail -n 1 "$work/time"
}
[[ -x "$timer" ]] || { echo "missing $timer: build with GMAT_BUILD_BENCH=ON" >&2; exit 1; }
read -r import_s import_rss < <(measure "$gmat" import -m "$work/hf" -o "$work/store" -q -t "$threads")
# The scale strategy of the profile `export --generate-config` writes (what a user's first export runs).
"$gmat" export -m "$work/store/model.gmat" --generate-config -c "$work/generated.json" -q >/dev/null
strategy="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["quantization"]["scale_optimization"])' "$work/generated.json")"
echo "{\"quantization\": {\"default_type\": \"$mix\", \"scale_optimization\": \"$strategy\"}}" > "$work/export.json"
read -r export_s export_rss < <(measure "$gmat" export -m "$work/store/model.gmat" -c "$work/export.json" -o "$work/gmat.gguf" -q -t "$threads")
echo '{"quantization": {"default_type": "bf16"}}' > "$work/bf16.json"
"$gmat" export -m "$work/store/model.gmat" -c "$work/bf16.json" -o "$work/bf16.gguf" -q >/dev/null
read -r llama_s llama_rss < <(measure "$timer" "$work/bf16.gguf" "$work/llama.gguf" "${ftype[$mix]}" "$threads")
gmat_s=$(echo "$import_s + $export_s" | bc -l)
printf 'model: %s BF16 (%s), mix %s (%s), %s threads\n' "$(du -sh "$work/hf" | cut -f1)" "$size" "$mix" "$strategy" "$threads"
printf 'gmat import            %8.2f s  peak RSS %6d MB\n' "$import_s" $((import_rss / 1024))
printf 'gmat export            %8.2f s  peak RSS %6d MB\n' "$export_s" $((export_rss / 1024))
printf 'llama_model_quantize   %8.2f s  peak RSS %6d MB\n' "$llama_s" $((llama_rss / 1024))
printf 'ratio (gmat import+export) / llama quantize: %.2f\n' "$(echo "$gmat_s / $llama_s" | bc -l)"
printf 'ratio gmat export / llama quantize:          %.2f\n' "$(echo "$export_s / $llama_s" | bc -l)"
if [[ -n "${MIN_SPEEDUP:-}" ]]; then
  speedup=$(echo "$llama_s / $export_s" | bc -l)
  if (( $(echo "$speedup < $MIN_SPEEDUP" | bc -l) )); then
    printf 'goal missed: llama_model_quantize / gmat export = %.2f < %s\n' "$speedup" "$MIN_SPEEDUP" >&2
    exit 1
  fi
  printf 'goal met: llama_model_quantize / gmat export = %.2f >= %s\n' "$speedup" "$MIN_SPEEDUP"
fi
