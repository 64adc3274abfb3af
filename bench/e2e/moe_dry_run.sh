#!/usr/bin/env bash
# `gmat export --dry-run` (the whole plan: names, expert stacks, the q4_k_m
# mix, shards) on a Kimi K2-shaped store: DeepseekV3ForCausalLM, 61 layers,
# 384 routed experts of [2048 x 7168], 70,000 tensors, 1.03 T parameters.
# The store is header-only: metadata.json and config.json as an import
# writes them, no tensor payloads (planning never reads one). Goal: < 10 s.
# Usage: bench/e2e/moe_dry_run.sh [MIX]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gmat="${GMAT_BUILD_DIR:-$root/build}/bin/gmat"
mix="${1:-q4_k_m}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/model.gmat" <<'PY'
import json, os, sys, uuid
out = sys.argv[1]
os.makedirs(out)
c = {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "kimi_k2", "hidden_size": 7168,
     "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61,
     "num_attention_heads": 64, "num_key_value_heads": 64, "n_routed_experts": 384, "n_shared_experts": 1,
     "num_experts_per_tok": 8, "first_k_dense_replace": 1, "n_group": 1, "topk_group": 1,
     "routed_scaling_factor": 2.827, "norm_topk_prob": True, "scoring_func": "sigmoid", "topk_method": "noaux_tc",
     "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128,
     "vocab_size": 163840, "max_position_embeddings": 131072, "rms_norm_eps": 1e-6, "rope_theta": 50000.0,
     "rope_scaling": {"type": "yarn", "factor": 32.0, "beta_fast": 1.0, "beta_slow": 1.0, "mscale": 1.0,
                      "mscale_all_dim": 1.0, "original_max_position_embeddings": 4096},
     "hidden_act": "silu", "tie_word_embeddings": False, "moe_layer_freq": 1, "num_nextn_predict_layers": 0}
with open(os.path.join(out, "config.json"), "w") as f:
    json.dump(c, f)
h, L, E, ff, dff = 7168, 61, 384, 2048, 18432
shapes = {"model.embed_tokens.weight": [163840, h], "model.norm.weight": [h], "lm_head.weight": [163840, h]}
for i in range(L):
    p = f"model.layers.{i}."
    shapes.update({p + "input_layernorm.weight": [h], p + "post_attention_layernorm.weight": [h],
                   p + "self_attn.q_a_proj.weight": [1536, h], p + "self_attn.q_a_layernorm.weight": [1536],
                   p + "self_attn.q_b_proj.weight": [64 * 192, 1536],
                   p + "self_attn.kv_a_proj_with_mqa.weight": [512 + 64, h],
                   p + "self_attn.kv_a_layernorm.weight": [512],
                   p + "self_attn.kv_b_proj.weight": [64 * 256, 512], p + "self_attn.o_proj.weight": [h, 64 * 128]})
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
tensor_map, tensors = [], {}
for n, (name, shape) in enumerate(shapes.items()):
    u = str(uuid.UUID(int=n + 1))
    tensor_map.append({"source": name, "target": u, "include": True})
    count = 1
    for d in shape:
        count *= d
    dtype = "F32" if len(shape) == 1 or name.endswith("mlp.gate.weight") else "BF16"
    tensors[u] = {"name": name, "dtype": dtype, "shape": shape, "bytes": count * (4 if dtype == "F32" else 2),
                  "checksum": "xxh3:0000000000000000"}
md = {"format": "gmat-store", "format_version": 1, "gmat_version": "bench",
      "config": {"source_format": "safetensors", "block_format": "raw", "tensor_map": tensor_map, "metadata": {}},
      "total_tensors": len(tensors), "tensors": tensors, "model_files": ["config.json"]}
with open(os.path.join(out, "metadata.json"), "w") as f:
    json.dump(md, f)
params = sum(t["bytes"] // (4 if t["dtype"] == "F32" else 2) for t in tensors.values())
print(f"{len(tensors)} tensors, {params / 1e12:.2f} T parameters")
PY
printf '{"quantization": {"default_type": "%s"}}\n' "$mix" > "$work/profile.json"
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$gmat" export --model "$work/model.gmat" --config "$work/profile.json" \
  --dry-run > "$work/plan.txt"
read -r seconds user sys rss_kb < "$work/time"
printf 'Kimi K2-shaped store, %s dry run: %s s wall (%.2f s CPU), peak RSS %d MB, %s planned GGUF tensors\n' \
  "$mix" "$seconds" "$(echo "$user + $sys" | bc -l)" $((rss_kb / 1024)) \
  "$(grep -c 'blk\.\|token_embd\|output' "$work/plan.txt")"
