#!/usr/bin/env bash
# Cost of default_type "auto": planning (measuring every candidate type on
# sampled rows, the budgeted allocation) + export at the exact file size of a
# mix, against the plain export of that mix, same store, same threads, same
# scale optimization. Prints both times, the ratio (goal: <= 2) and the sizes.
#
# Usage: bench/e2e/bench_auto.sh [MIX] [THREADS] [SCALE] [WITHOUT_PLUGIN]
#   MIX: q4_k_m (default), q3_k_m, q5_k_m ...  SCALE: standard (default, what
#   `export --generate-config` writes) | trellis
#   WITHOUT_PLUGIN: run with the build's plugins but that one (e.g. iq-lattice),
#   to see what a slow plugin's types cost when auto chooses them
# The model: a 16-layer synthetic Llama (hidden 1024, intermediate 2816, vocab 32000, BF16).
# Environment: MAX_RATIO=R exits 1 when (auto plan + export) / plain export
#   exceeds R (the goal check: 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
gmat="$build/bin/gmat"
python="${PYTHON:-/usr/bin/python3}"
mix="${1:-q4_k_m}"
threads="${2:-$(nproc)}"
scale="${3:-standard}"
without="${4:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -n "$without" ]]; then # a copy of gmat whose plugin folder lacks that plugin
  [[ -f "$build/lib/gmat/plugins/$without.so" ]] || { echo "bench_auto.sh: no plugin $without in $build/lib/gmat/plugins" >&2; exit 2; }
  mkdir -p "$work/gmat/bin" "$work/gmat/lib/gmat"
  cp "$gmat" "$work/gmat/bin/"
  cp -a "$build/lib/gmat/plugins" "$work/gmat/lib/gmat/"
  rm "$work/gmat/lib/gmat/plugins/$without.so"
  gmat="$work/gmat/bin/gmat"
fi
"$python" "$root/tests/reference/make_llama_checkpoint.py" "$work/hf" --hidden 1024 --intermediate 2816 --layers 16 \
  --heads 16 --kv-heads 4 --vocab 32000 --dtype bf16 >/dev/null
"$gmat" import -m "$work/hf" -o "$work/store" -q -t "$threads" >/dev/null
seconds() { # runs the command, prints its wall time
  local start end
  sync # earlier steps' dirty pages are written back first, so no timed step pays for another's disk writes
  start=$(date +%s.%N)
  "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
echo "{\"quantization\": {\"default_type\": \"$mix\", \"scale_optimization\": \"$scale\"}}" > "$work/mix.json"
mix_s=$(seconds "$gmat" export -m "$work/store/model.gmat" -c "$work/mix.json" -o "$work/mix.gguf" -q -t "$threads")
size=$(stat -c %s "$work/mix.gguf")
echo "{\"quantization\": {\"default_type\": \"auto\", \"target_size\": $size, \"scale_optimization\": \"$scale\"}}" > "$work/auto.json"
plan_s=$(seconds "$gmat" export -m "$work/store/model.gmat" -c "$work/auto.json" --dry-run -t "$threads")
auto_s=$(seconds "$gmat" export -m "$work/store/model.gmat" -c "$work/auto.json" -o "$work/auto.gguf" -q -t "$threads")
printf 'model: 16-layer Llama, hidden 1024, BF16; %s, %s, %s threads%s\n' "$mix" "$scale" "$threads" "${without:+, without plugin $without}"
printf 'gmat export %-8s %8.2f s  %d bytes\n' "$mix" "$mix_s" "$size"
printf 'auto plan only     %8.2f s\n' "$plan_s"
printf 'auto plan + export %8.2f s  %d bytes\n' "$auto_s" "$(stat -c %s "$work/auto.gguf")"
printf 'ratio (auto plan + export) / plain export: %.2f\n' "$(echo "$auto_s / $mix_s" | bc -l)"
if [[ -n "${MAX_RATIO:-}" ]] && (( $(echo "$auto_s / $mix_s > $MAX_RATIO" | bc -l) )); then
  printf 'goal missed: (auto plan + export) / plain export = %.2f > %s\n' "$(echo "$auto_s / $mix_s" | bc -l)" "$MAX_RATIO" >&2
  exit 1
fi
