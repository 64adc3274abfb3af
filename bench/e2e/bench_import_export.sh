#!/usr/bin/env bash
# End-to-end speed: `gmat import` + `gmat export` of an HF checkpoint versus
# llama.cpp's quantizer (llama_model_quantize) on the BF16 GGUF of the same
# model, same mix, same threads. Prints both times, the ratio, and peak RSS.
#
# Both files must hold the same type for every tensor (the script compares
# `gmat inspect` of the two and exits 1 otherwise).
#
# Usage: bench/e2e/bench_import_export.sh [MIX] [THREADS] [SIZE]
#   MIX: q8_0 (default), q4_k_m, iq2_xs, ... (any mix llama.cpp makes)
#   SIZE: tiny | small (default) | medium | large |
#   80m (16 layers, 83M parameters) | 850m (16 layers, 852M parameters)
#   (bench/e2e/checkpoint_sizes.sh)
# Environment: MIN_SPEEDUP=R exits 1 when llama_model_quantize's time is less
#   than R times gmat export's (the goal check: 4 for K/IQ4 mixes on 80m, 2
#   for the legacy ones, 8 for q4_k_m on 850m).
#   IMATRIX=synthetic gives both sides one importance matrix: heavy-tailed,
#   made for the checkpoint by bench/e2e/make_synthetic_imatrix.py (the mixes
#   iq1_s, iq1_m, iq2_xxs, iq2_xs, iq2_s, iq2_m, iq3_xxs and q2_k_s need one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
gmat="$build/bin/gmat"
timer="$build/bin/llama_quantize_timer"
python="${PYTHON:-/usr/bin/python3}"
mix="${1:-q8_0}"
threads="${2:-$(nproc)}"
size="${3:-small}"
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
gmat_imatrix=() llama_imatrix=()
case "${IMATRIX:-}" in
  "") ;;
  synthetic)
    echo '{"quantization": {"default_type": "f32"}}' > "$work/f32.json" # lists every tensor, needs no imatrix
    "$gmat" export -m "$work/store/model.gmat" -c "$work/f32.json" --dry-run > "$work/dry_run.txt"
    "$python" "$root/bench/e2e/make_synthetic_imatrix.py" "$work/dry_run.txt" "$work/imatrix.gguf"
    gmat_imatrix=(--imatrix "$work/imatrix.gguf") llama_imatrix=("$work/imatrix.gguf") ;;
  *) echo "bench_import_export.sh: IMATRIX must be empty or 'synthetic', not '$IMATRIX'" >&2; exit 2 ;;
esac
read -r export_s export_rss < <(measure "$gmat" export -m "$work/store/model.gmat" -c "$work/export.json" "${gmat_imatrix[@]}" -o "$work/gmat.gguf" -q -t "$threads")
echo '{"quantization": {"default_type": "bf16"}}' > "$work/bf16.json"
"$gmat" export -m "$work/store/model.gmat" -c "$work/bf16.json" -o "$work/bf16.gguf" -q >/dev/null
read -r llama_s llama_rss < <(measure "$timer" "$work/bf16.gguf" "$work/llama.gguf" "$mix" "$threads" "${llama_imatrix[@]}")
tensor_types() { # "name type" per tensor of a GGUF, sorted
  "$gmat" inspect "$1" | awk '/^TENSOR /{table = 1; next} table && NF == 0 {exit} table {print $1, $3}' | sort
}
tensor_types "$work/gmat.gguf" > "$work/gmat.types"
tensor_types "$work/llama.gguf" > "$work/llama.types"
gmat_s=$(echo "$import_s + $export_s" | bc -l)
printf 'model: %s BF16 (%s), mix %s (%s), %s threads%s\n' "$(du -sh "$work/hf" | cut -f1)" "$size" "$mix" "$strategy" "$threads" \
  "${IMATRIX:+, importance matrix: $IMATRIX (both sides)}"
if ! diff "$work/gmat.types" "$work/llama.types" > "$work/types.diff"; then
  echo "per-tensor types differ from llama.cpp's (< gmat, > llama.cpp):" >&2
  grep '^[<>]' "$work/types.diff" >&2
  exit 1
fi
printf 'per-tensor types: equal to llama.cpp'"'"'s for all %d tensors\n' "$(wc -l < "$work/gmat.types")"
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
