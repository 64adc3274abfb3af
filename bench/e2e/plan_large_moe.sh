#!/usr/bin/env bash
# The planner at scale: a header-only, Kimi K2-shaped 1T-parameter MoE
# checkpoint (make_header_only_moe.py: real safetensors headers, sparse data).
# Times and peak RSS of reading every header (`gmat import --generate-config`)
# and of planning a sharded q4_k_m export of it in 64 parts (`gmat export
# --plan-only --parts 64`). Goal: planning under 10 s and 1 GiB.
#
#   bench/e2e/plan_large_moe.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
$py "$root/bench/e2e/make_header_only_moe.py" checkpoint "$work/ckpt"
/usr/bin/time -f "%e %M %U %S" -o "$work/t1" "$gmat" -q import -m "$work/ckpt" --generate-config -c "$work/import.json" >/dev/null
$py "$root/bench/e2e/make_header_only_moe.py" store "$work/ckpt" "$work/import.json" "$work/model.gmat"
echo '{"target_format": "gguf", "quantization": {"default_type": "q4_k_m"}, "shard_size": 50000000000}' > "$work/q4.json"
/usr/bin/time -f "%e %M %U %S" -o "$work/t2" "$gmat" -q export -m "$work/model.gmat" -c "$work/q4.json" --plan-only \
  --parts 64 -o "$work/plan.json"
read -r s1 r1 u1 k1 < "$work/t1"
read -r s2 r2 u2 k2 < "$work/t2"
summary=$($py -c "import json,sys; p=json.load(open(sys.argv[1])); print(p['tensor_count'], len(p['files']), round(p['total_bytes']/1e9, 1), p['total_values'])" "$work/plan.json")
read -r tensors files gb values <<<"$summary"
printf 'header-only MoE: %.3fT parameters; read headers + import config: %.1f s (%.1f s CPU), %d MB\n' \
  "$(echo "$values / 10^12" | bc -l)" "$s1" "$(echo "$u1 + $k1" | bc -l)" $((r1 / 1024))
printf 'plan (q4_k_m, 50 GB split files, 64 parts): %.1f s (%.1f s CPU), peak RSS %d MB: %s GGUF tensors, %s files, %s GB\n' \
  "$s2" "$(echo "$u2 + $k2" | bc -l)" $((r2 / 1024)) "$tensors" "$files" "$gb"
