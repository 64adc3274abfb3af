#!/usr/bin/env bash
# Fidelity harness: what a quantized model "feels". Imports an HF checkpoint
# with gmat, exports F32 and each type, quantizes the F32 GGUF with llama.cpp's
# llama_model_quantize (the npm oracle), runs every file in llama.cpp over a
# natural-text prompt and prints per type: mean KL divergence of the next-token
# distributions from the F32 model's, top-1 agreement, file size, for gmat and
# llama.cpp, and the ratios (bench/fidelity/fidelity_compare).
#
# Usage: bench/fidelity/fidelity.sh [options]
#   --model DIR          HF checkpoint (default: stories15M, installed into
#                        .deps/stories15m by scripts/install-stories15m.sh)
#   --types LIST         comma-separated mixes (default: the 16 of the README table)
#   --strategy S         scale_optimization of gmat's profiles: standard, trellis,
#                        or generated (default: what `export --generate-config` writes)
#   --prompt FILE        natural text, tokenized by the model's tokenizer
#                        (default: bench/fidelity/prompt.txt, 219 tokens;
#                        bench/fidelity/stories.txt holds it and more stories,
#                        3,352 tokens, for differences of a few percent)
#   --chunk N            read the prompt in chunks of at most N tokens, each
#                        starting with BOS (default 256, stories15M's context)
#   --max-perplexity P   exit 1 when the F32 model's perplexity on the prompt
#                        exceeds P
#   --threads N          (default: 2)
#   --max-kl-ratio R     exit 1 when a type's gmat KL exceeds R x llama.cpp's
#   --max-auto-kl-ratio R  exit 1 when an auto row's KL exceeds R x llama.cpp's
#                        mix at that size, or is not below gmat's own mix
#   --work DIR           keep the store and the GGUF files there (default: a
#                        temporary folder, removed at the end)
#   --imatrix FILE       an importance matrix (llama-imatrix's GGUF or .dat) for
#                        both sides: gmat's export and llama_model_quantize
#   --make-imatrix       compute one with llama.cpp from the F32 model over the
#                        calibration text (bench/fidelity/fidelity_imatrix) into
#                        the work folder as imatrix.gguf, and use it for both
#                        sides; needed by the mixes llama.cpp only makes with one
#                        (iq1_s, iq1_m, iq2_xxs, iq2_xs, iq2_s, iq2_m, iq3_xxs, q2_k_s)
#   --calibration FILE   text for --make-imatrix (default:
#                        bench/fidelity/calibration.txt, not the prompt)
#   --auto LIST          comma-separated mixes: for each, llama.cpp's file of that
#                        mix is made first and gmat exports `default_type: auto`
#                        with `target_size` = its size in bytes; the table gets
#                        a row "auto (MIX size)" against llama.cpp's MIX (and,
#                        unless --types already lists it, a row for gmat's MIX)
# Environment: GMAT_BUILD_DIR (default: build/) holds bin/gmat, bin/fidelity_compare
# and bin/fidelity_imatrix.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${GMAT_BUILD_DIR:-$root/build}"
gmat="$build/bin/gmat"
compare="$build/bin/fidelity_compare"
make_imatrix="$build/bin/fidelity_imatrix"
model=""
types="q8_0,q6_k,q5_k_m,q5_k_s,q5_0,q5_1,q4_k_m,q4_k_s,q4_0,q4_1,q3_k_l,q3_k_m,q3_k_s,q2_k,iq4_nl,iq4_xs"
strategy=generated
prompt="$root/bench/fidelity/prompt.txt"
threads=2
max_ratio=""
chunk=256
max_perplexity=""
max_auto_ratio=""
work=""
imatrix=""
make=""
calibration="$root/bench/fidelity/calibration.txt"
auto=""
types_given=""
while (($#)); do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --types) types="$2"; types_given=1; shift 2 ;;
    --strategy) strategy="$2"; shift 2 ;;
    --prompt) prompt="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --chunk) chunk="$2"; shift 2 ;;
    --max-perplexity) max_perplexity="$2"; shift 2 ;;
    --max-kl-ratio) max_ratio="$2"; shift 2 ;;
    --max-auto-kl-ratio) max_auto_ratio="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --imatrix) imatrix="$2"; shift 2 ;;
    --make-imatrix) make=1; shift ;;
    --calibration) calibration="$2"; shift 2 ;;
    --auto) auto="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fidelity.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$strategy" in standard|trellis|generated) ;; *) echo "fidelity.sh: --strategy must be standard, trellis or generated" >&2; exit 2 ;; esac
[[ -n "$make" && -n "$imatrix" ]] && { echo "fidelity.sh: --imatrix and --make-imatrix exclude each other" >&2; exit 2; }
[[ -z "$imatrix" || -f "$imatrix" ]] || { echo "fidelity.sh: --imatrix $imatrix: no such file" >&2; exit 1; }
[[ -z "$make" || -f "$calibration" ]] || { echo "fidelity.sh: --calibration $calibration: no such file" >&2; exit 1; }
for tool in "$gmat" "$compare" ${make:+"$make_imatrix"}; do
  [[ -x "$tool" ]] || { echo "fidelity.sh: missing $tool (scripts/build.sh builds it; needs the llama.cpp oracle)" >&2; exit 1; }
done
if [[ -z "$model" ]]; then
  "$root/scripts/install-stories15m.sh"
  model="$root/.deps/stories15m/hf"
fi
[[ -f "$model/config.json" ]] || { echo "fidelity.sh: $model has no config.json (not an HF checkpoint)" >&2; exit 1; }
if [[ -z "$work" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
python="/usr/bin/python3"
[[ -x "$python" ]] || python=python3

"$gmat" import -m "$model" -o "$work" -q -t "$threads" --force
store="$work/model.gmat"
if [[ "$strategy" == generated ]]; then
  "$gmat" export -m "$store" --generate-config -c "$work/generated.json" -q >/dev/null
  strategy="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["quantization"].get("scale_optimization", "standard"))' "$work/generated.json")"
fi
export_type() { # export_type TYPE OUT.gguf [EXTRA_JSON_MEMBERS]
  local config="$work/export-$(basename "$2" .gguf).json"
  echo "{\"quantization\": {\"default_type\": \"$1\", \"scale_optimization\": \"$strategy\"${3-}}}" > "$config"
  "$gmat" export -m "$store" -c "$config" -o "$2" -q -t "$threads" ${imatrix:+--imatrix "$imatrix"}
}
rm -f "$work"/llama-*.gguf   # llama.cpp's files of an earlier run in --work are not reused
export_type f32 "$work/f32.gguf"
if [[ -n "$make" ]]; then
  imatrix="$work/imatrix.gguf"
  "$make_imatrix" --model "$work/f32.gguf" --text "$calibration" --out "$imatrix" --threads "$threads"
fi
pairs=()
[[ -n "$auto" && -z "$types_given" ]] && types=""
type_list=()
[[ -n "$types" ]] && IFS=',' read -r -a type_list <<< "$types"
auto_list=()
[[ -n "$auto" ]] && IFS=',' read -r -a auto_list <<< "$auto"
for m in "${auto_list[@]}"; do  # gmat's own mix of that name, beside auto at its size
  [[ ",$types," == *",$m,"* ]] || type_list+=("$m")
done
for t in "${type_list[@]}"; do
  export_type "$t" "$work/gmat-$t.gguf"
  pairs+=("$t=$work/gmat-$t.gguf")
done
if ((${#auto_list[@]})); then
  "$compare" --f32 "$work/f32.gguf" --work "$work" --threads "$threads" ${imatrix:+--imatrix "$imatrix"} \
    --quantize-only "${auto_list[@]}" > "$work/llama-sizes"
  while read -r m bytes; do
    export_type auto "$work/gmat-auto-$m.gguf" ", \"target_size\": $bytes"
    pairs+=("auto@$m=$work/gmat-auto-$m.gguf")
  done < "$work/llama-sizes"
fi
echo "gmat scale_optimization: $strategy$([[ -n "$imatrix" ]] && echo "; imatrix $imatrix for gmat and llama.cpp"); $(date -u +%Y-%m-%d)"
"$compare" --f32 "$work/f32.gguf" --prompt "$prompt" --chunk "$chunk" --work "$work" --threads "$threads" \
  ${imatrix:+--imatrix "$imatrix"} ${max_perplexity:+--max-perplexity "$max_perplexity"} \
  ${max_ratio:+--max-kl-ratio "$max_ratio"} ${max_auto_ratio:+--max-auto-kl-ratio "$max_auto_ratio"} --reuse-llama "${pairs[@]}"
