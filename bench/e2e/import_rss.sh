#!/usr/bin/env bash
# Peak resident memory of `gmat import` on a ~1.5 GB BF16 checkpoint (goal:
# under 1 GiB: memory follows the chunk buffers, not the model).
# Usage: bench/e2e/import_rss.sh [THREADS] [SIZE]
#   SIZE: the README's 1.52 GB checkpoint (default), or tiny | small | medium |
#   large of bench/e2e/checkpoint_sizes.sh (tiny: CI's smoke run), or 0.85b | 7b
#   (bench/e2e/make_synthetic_llama.py; 7b needs ~14 GB in GMAT_BENCH_WORK,
#   default /tmp). The README's figure: bench/e2e/import_rss.sh 2
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
threads="${1:-$(nproc)}"
dims=(--hidden 2048 --intermediate 5632 --layers 14 --heads 16 --kv-heads 4 --vocab 32000)
work="$(mktemp -d "${GMAT_BENCH_WORK:-/tmp}/gmat-import-rss.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "${2:-}" in
  0.85b|7b) # the scale figures' synthetic Llamas (bench/e2e/distributed_scale.sh), written streaming
    /usr/bin/python3 "$root/bench/e2e/make_synthetic_llama.py" "$work/hf" --size "$2" >/dev/null ;;
  *)
    if [[ -n ${2:-} ]]; then
      source "$root/bench/e2e/checkpoint_sizes.sh"
      checkpoint_dims "$2"
    fi
    /usr/bin/python3 "$root/tests/reference/make_llama_checkpoint.py" "$work/hf" "${dims[@]}" --dtype bf16 --shards 2 >/dev/null ;;
esac
bytes=$(du -sb "$work/hf" | cut -f1)
/usr/bin/time -f "%e %M" -o "$work/time" "$gmat" import -m "$work/hf" -o "$work/store" -q -t "$threads" >/dev/null
read -r seconds rss_kb < "$work/time"
printf 'checkpoint %.2f GB BF16, %s threads: import %.1f s, peak RSS %d MB (%.2f of the model size)\n' \
  "$(echo "$bytes / 1000000000" | bc -l)" "$threads" "$seconds" $((rss_kb / 1024)) "$(echo "$rss_kb * 1024 / $bytes" | bc -l)"
