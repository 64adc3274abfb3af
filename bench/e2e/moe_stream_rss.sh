#!/usr/bin/env bash
# Peak resident memory of `gmat export` on a DeepSeek-V3-shaped layer pair:
# layer 0 dense, layer 1 with 256 routed experts of [2048 x 7168] per
# projection (three 7.5 GB BF16 stacks, 22.5 GB) plus a shared expert, hidden
# 7168, MLA attention. Goal: < 1 GiB (the stacks stream chunk by chunk; no
# stack is ever held). The checkpoint is sparse (its payload is a file hole,
# read as zeros), imported as a zstd store of a few MB; the export writes a
# real q4_k_m GGUF (~6.5 GB) to a temporary folder, deleted at the end.
# Usage: bench/e2e/moe_stream_rss.sh [THREADS] [MIX]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
threads="${1:-$(nproc)}"
mix="${2:-q4_k_m}"
work="$(mktemp -d "${TMPDIR:-/tmp}/gmat-moe-rss.XXXXXX")"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/hf" <<'PY'
import json, os, struct, sys
out = sys.argv[1]
os.makedirs(out)
h, ff, dff, E, heads = 7168, 2048, 18432, 256, 128
c = {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "hidden_size": h,
     "intermediate_size": dff, "moe_intermediate_size": ff, "num_hidden_layers": 2, "num_attention_heads": heads,
     "num_key_value_heads": heads, "n_routed_experts": E, "n_shared_experts": 1, "num_experts_per_tok": 8,
     "first_k_dense_replace": 1, "n_group": 8, "topk_group": 4, "routed_scaling_factor": 2.5,
     "norm_topk_prob": True, "scoring_func": "sigmoid", "topk_method": "noaux_tc", "q_lora_rank": 1536,
     "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128,
     "vocab_size": 129280, "max_position_embeddings": 163840, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
     "hidden_act": "silu", "tie_word_embeddings": False, "moe_layer_freq": 1, "num_nextn_predict_layers": 0}
with open(os.path.join(out, "config.json"), "w") as f:
    json.dump(c, f)
shapes = {"model.embed_tokens.weight": [129280, h], "model.norm.weight": [h], "lm_head.weight": [129280, h]}
for i in range(2):
    p = f"model.layers.{i}."
    shapes.update({p + "input_layernorm.weight": [h], p + "post_attention_layernorm.weight": [h],
                   p + "self_attn.q_a_proj.weight": [1536, h], p + "self_attn.q_a_layernorm.weight": [1536],
                   p + "self_attn.q_b_proj.weight": [heads * 192, 1536],
                   p + "self_attn.kv_a_proj_with_mqa.weight": [576, h], p + "self_attn.kv_a_layernorm.weight": [512],
                   p + "self_attn.kv_b_proj.weight": [heads * 256, 512], p + "self_attn.o_proj.weight": [h, heads * 128]})
    if i == 0:
        shapes.update({p + "mlp.gate_proj.weight": [dff, h], p + "mlp.up_proj.weight": [dff, h],
                       p + "mlp.down_proj.weight": [h, dff]})
        continue
    shapes.update({p + "mlp.gate.weight": [E, h], p + "mlp.gate.e_score_correction_bias": [E],
                   p + "mlp.shared_experts.gate_proj.weight": [ff, h], p + "mlp.shared_experts.up_proj.weight": [ff, h],
                   p + "mlp.shared_experts.down_proj.weight": [h, ff]})
    for e in range(E):
        x = p + f"mlp.experts.{e}."
        shapes.update({x + "gate_proj.weight": [ff, h], x + "up_proj.weight": [ff, h], x + "down_proj.weight": [h, ff]})
header, offset = {"__metadata__": {"format": "pt"}}, 0
for name, shape in shapes.items():
    n = 1
    for d in shape:
        n *= d
    header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + 2 * n]}
    offset += 2 * n
blob = json.dumps(header).encode()
blob += b" " * (-len(blob) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(blob)) + blob)
    f.truncate(8 + len(blob) + offset)  # a hole: the payload reads as zeros and takes no disk
print(f"{len(shapes)} tensors, {offset / 1e9:.1f} GB BF16 (sparse)")
PY
"$gmat" import -m "$work/hf" -o "$work" --block-format zstd -q -t "$threads" >/dev/null
printf '{"quantization": {"default_type": "%s", "scale_optimization": "standard"}}\n' "$mix" > "$work/profile.json"
/usr/bin/time -f "%e %M" -o "$work/time" "$gmat" export --model "$work/model.gmat" --config "$work/profile.json" \
  -o "$work/out.gguf" -q -t "$threads" >/dev/null
read -r seconds rss_kb < "$work/time"
printf 'DeepSeek-V3-shaped layer pair (22.5 GB of BF16 experts), %s, %s threads: export %.1f s, peak RSS %d MB\n' \
  "$mix" "$threads" "$seconds" $((rss_kb / 1024))
printf 'store (zstd, on disk): %.1f MB; GGUF: %.2f GB\n' "$(echo "$(du -sb "$work/model.gmat" | cut -f1) / 1000000" | bc -l)" \
  "$(echo "$(stat -c %s "$work/out.gguf") / 1000000000" | bc -l)"
