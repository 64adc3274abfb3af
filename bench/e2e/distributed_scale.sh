#!/usr/bin/env bash
# Scale figures of an export or import split into parts (README "On a cluster"):
# for each synthetic BF16 Llama size, peak RSS and time of `gmat import` and of
# a q4_k_m `gmat export` in one process, then the same export as 4 parts run
# one after another (as 4 machines would run them at once) plus --assemble,
# checked byte-identical; the projected speed-up on 4 machines is
# one-process time / (slowest part + assembly).
#
#   bench/e2e/distributed_scale.sh [SIZE...]     SIZE: 0.85b (default) or 7b
#   GMAT_BENCH_WORK=/big/disk ...                 where checkpoints go (7b: ~40 GB)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
threads="${THREADS:-$(nproc)}"
parts=4
work="$(mktemp -d "${GMAT_BENCH_WORK:-/tmp}/gmat-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 0.85b

timed() { # LABEL CMD...: appends "LABEL seconds rss_kb" to $work/times
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null
  echo "$label $(cat "$work/t")" >> "$work/times"
}
get() { awk -v l="$1" '$1 == l { print $'"$2"' }' "$work/times"; }
mb() { echo $(( $1 / 1024 )); }

printf '| model | import s | import RSS MB | export s | export RSS MB | parts: slowest s / max RSS MB | assemble s | byte-identical | projected 4-machine speed-up |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for size in "$@"; do
  d="$work/$size"
  mkdir -p "$d"
  /usr/bin/python3 "$root/bench/e2e/make_synthetic_llama.py" "$d/hf" --size "$size" >/dev/null
  echo '{"target_format": "gguf", "quantization": {"default_type": "q4_k_m", "scale_optimization": "standard"}}' > "$d/q4.json"
  : > "$work/times"
  timed import "$gmat" -q import -m "$d/hf" -o "$d/store" -t "$threads"
  rm -rf "$d/hf"   # the store holds everything export needs; frees the disk
  timed export "$gmat" -q export -m "$d/store/model.gmat" -c "$d/q4.json" -o "$d/one/m.gguf" -t "$threads"
  for i in $(seq 0 $((parts - 1))); do
    timed "part$i" "$gmat" -q export -m "$d/store/model.gmat" -c "$d/q4.json" -o "$d/parts/m.gguf" --part "$i/$parts" -t "$threads"
  done
  timed assemble "$gmat" -q export -m "$d/store/model.gmat" -c "$d/q4.json" -o "$d/parts/m.gguf" --assemble
  same=no
  cmp -s "$d/one/m.gguf" "$d/parts/m.gguf" && same=yes
  slowest=0 max_rss=0
  for i in $(seq 0 $((parts - 1))); do
    s=$(get "part$i" 2); r=$(get "part$i" 3)
    slowest=$(echo "if ($s > $slowest) $s else $slowest" | bc -l)
    [ "$r" -gt "$max_rss" ] && max_rss=$r
  done
  speedup=$(echo "$(get export 2) / ($slowest + $(get assemble 2))" | bc -l)
  printf '| %s | %.1f | %d | %.1f | %d | %.1f / %d | %.1f | %s | %.2fx |\n' "$size" "$(get import 2)" \
    "$(mb "$(get import 3)")" "$(get export 2)" "$(mb "$(get export 3)")" "$slowest" "$(mb "$max_rss")" \
    "$(get assemble 2)" "$same" "$speedup"
  rm -rf "$d"
done
