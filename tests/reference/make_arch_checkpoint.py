#!/usr/bin/env python3
"""Write a small random HuggingFace checkpoint of a non-Llama decoder class.

  make_arch_checkpoint.py OUTDIR --architecture Qwen2ForCausalLM|Qwen3ForCausalLM|
      Phi3ForCausalLM|Gemma2ForCausalLM|Gemma3ForCausalLM|MixtralForCausalLM|
      Qwen2MoeForCausalLM|Qwen3MoeForCausalLM|Glm4MoeForCausalLM|DeepseekV3ForCausalLM [--hidden 256 --intermediate 512 --layers 4 --heads 4
      --kv-heads 2 --head-dim N --vocab 512 --max-pos 512 --seed S --tied
      --sliding-window N --sliding-window-pattern N --rope-scaling-linear F
      --experts 4 --experts-used 2 --moe-intermediate 256 --shared-intermediate 512
      --norm-topk-prob --fused-experts --dense-layers 1 --nextn-layers 1
      --shared-experts 1 --expert-groups 1 --expert-groups-used 1
      --routed-scaling 1.0 --partial-rotary 0.5 --qk-norm
      --q-lora-rank 64 --kv-lora-rank 64 --qk-nope-dim 32 --qk-rope-dim 16 --v-head-dim 32
      --yarn-factor F]

OUTDIR gets config.json (the class's own field names, as transformers writes
them) and model.safetensors (F32, the class's tensor names). The same arguments
always give the same bytes.

Scales keep the logits neither flat nor saturated at any width: projections
have std 0.5/sqrt(fan_in), the embedding std 0.5 (0.03 for Gemma, whose
embedding is multiplied by sqrt(hidden) and doubles as the output head),
lm_head std 0.8/sqrt(hidden), biases std 0.1, Mixtral's and Qwen2/3-MoE's router
std 2/sqrt(hidden) (routing weights far from ties, so top-k picks the same
experts in float32 and float64), Qwen2-MoE's shared_expert_gate std
1/sqrt(hidden) (sigmoid of about N(0, 1): neither 0 nor 1). RMSNorm weights are 1 +- 0.1,
stored as +-0.1 for Gemma (whose norms multiply by 1 + w).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

MODEL_TYPES = {"Qwen2ForCausalLM": "qwen2", "Qwen3ForCausalLM": "qwen3", "Phi3ForCausalLM": "phi3",
               "Gemma2ForCausalLM": "gemma2", "Gemma3ForCausalLM": "gemma3_text", "MixtralForCausalLM": "mixtral",
               "Qwen2MoeForCausalLM": "qwen2_moe", "Qwen3MoeForCausalLM": "qwen3_moe",
               "Glm4MoeForCausalLM": "glm4_moe", "DeepseekV3ForCausalLM": "deepseek_v3"}
BOS_ID, EOS_ID = 1, 2


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--architecture", choices=sorted(MODEL_TYPES), required=True)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--intermediate", type=int, default=512)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--head-dim", type=int, default=None, help="default hidden/heads")
    p.add_argument("--vocab", type=int, default=512)
    p.add_argument("--max-pos", type=int, default=512)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tied", action="store_true", help="Qwen/Phi: tie lm_head to the embedding (Gemma always is)")
    p.add_argument("--sliding-window", type=int, default=None, help="Phi3/Gemma attention window")
    p.add_argument("--sliding-window-pattern", type=int, default=None,
                   help="Gemma3: every Nth layer is global (written as layer_types)")
    p.add_argument("--rope-scaling-linear", type=float, default=None, help="Gemma3: linear factor of global layers")
    p.add_argument("--experts", type=int, default=4, help="Mixtral/Qwen2-MoE: num_(local_)experts")
    p.add_argument("--experts-used", type=int, default=2, help="Mixtral/Qwen2-MoE: num_experts_per_tok")
    p.add_argument("--moe-intermediate", type=int, default=256, help="Qwen2-MoE: moe_intermediate_size")
    p.add_argument("--shared-intermediate", type=int, default=512,
                   help="Qwen2-MoE: shared_expert_intermediate_size")
    p.add_argument("--norm-topk-prob", action="store_true", help="Qwen2/3-MoE: renormalise the top-k weights")
    p.add_argument("--fused-experts", action="store_true",
                   help="Qwen2/3-MoE: write each layer's experts as 3-D mlp.experts.gate_up_proj [E, 2*ff, hidden] "
                        "and mlp.experts.down_proj [E, hidden, ff], as transformers 5 saves them")
    p.add_argument("--dense-layers", type=int, default=1, help="GLM-4.5: first_k_dense_replace")
    p.add_argument("--nextn-layers", type=int, default=1,
                   help="GLM-4.5: num_nextn_predict_layers (MTP layers written after the last layer)")
    p.add_argument("--shared-experts", type=int, default=1, help="GLM-4.5: n_shared_experts")
    p.add_argument("--expert-groups", type=int, default=1, help="GLM-4.5: n_group")
    p.add_argument("--expert-groups-used", type=int, default=1, help="GLM-4.5: topk_group")
    p.add_argument("--routed-scaling", type=float, default=1.0, help="GLM-4.5: routed_scaling_factor")
    p.add_argument("--partial-rotary", type=float, default=0.5, help="GLM-4.5: partial_rotary_factor")
    p.add_argument("--qk-norm", action="store_true", help="GLM-4.5: use_qk_norm")
    p.add_argument("--q-lora-rank", type=int, default=64, help="DeepSeek-V3: q_lora_rank (0 writes null)")
    p.add_argument("--kv-lora-rank", type=int, default=64, help="DeepSeek-V3: kv_lora_rank")
    p.add_argument("--qk-nope-dim", type=int, default=32, help="DeepSeek-V3: qk_nope_head_dim")
    p.add_argument("--qk-rope-dim", type=int, default=16, help="DeepSeek-V3: qk_rope_head_dim")
    p.add_argument("--v-head-dim", type=int, default=32, help="DeepSeek-V3: v_head_dim")
    p.add_argument("--yarn-factor", type=float, default=None,
                   help="DeepSeek-V3: rope_scaling yarn with this factor (original context max_pos / factor, "
                        "beta_fast 32, beta_slow 1, mscale = mscale_all_dim = 1)")
    a = p.parse_args(argv)
    if a.heads % a.kv_heads != 0:
        p.error(f"--heads {a.heads} is not a multiple of --kv-heads {a.kv_heads}")
    if a.head_dim is None:
        a.head_dim = a.hidden // a.heads
    if a.head_dim % 2 != 0:
        p.error(f"head dim {a.head_dim} must be even for rotary embeddings")
    return a


def is_gemma(a):
    return a.architecture.startswith("Gemma")


def common_config(a):
    return {
        "architectures": [a.architecture], "model_type": MODEL_TYPES[a.architecture],
        "hidden_size": a.hidden, "intermediate_size": a.intermediate, "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads, "num_key_value_heads": a.kv_heads, "vocab_size": a.vocab,
        "max_position_embeddings": a.max_pos, "rms_norm_eps": 1e-6, "torch_dtype": "float32",
        "bos_token_id": BOS_ID, "eos_token_id": EOS_ID, "attention_dropout": 0.0, "initializer_range": 0.02,
        "use_cache": True, "transformers_version": "4.53.0",
    }


def gemma3_layer_types(a):
    pattern = a.sliding_window_pattern or 6
    return ["full_attention" if (i + 1) % pattern == 0 else "sliding_attention" for i in range(a.layers)]


def build_config(a):
    c = common_config(a)
    kind = MODEL_TYPES[a.architecture]
    if kind in ("qwen2", "qwen3"):
        c.update({"hidden_act": "silu", "rope_theta": 1000000.0, "rope_scaling": None, "tie_word_embeddings": a.tied,
                  "use_sliding_window": False, "sliding_window": None, "max_window_layers": a.layers})
        if kind == "qwen3":
            c.update({"head_dim": a.head_dim, "attention_bias": False})
    elif kind == "qwen2_moe":
        c.update({"hidden_act": "silu", "rope_theta": 1000000.0, "rope_scaling": None, "tie_word_embeddings": a.tied,
                  "use_sliding_window": False, "sliding_window": 4096, "max_window_layers": a.layers,
                  "num_experts": a.experts, "num_experts_per_tok": a.experts_used,
                  "moe_intermediate_size": a.moe_intermediate,
                  "shared_expert_intermediate_size": a.shared_intermediate, "norm_topk_prob": a.norm_topk_prob,
                  "decoder_sparse_step": 1, "mlp_only_layers": [], "qkv_bias": True,
                  "output_router_logits": False, "router_aux_loss_coef": 0.001})
    elif kind == "qwen3_moe":
        c.update({"hidden_act": "silu", "rope_theta": 1000000.0, "rope_scaling": None, "tie_word_embeddings": a.tied,
                  "use_sliding_window": False, "sliding_window": None, "max_window_layers": a.layers,
                  "head_dim": a.head_dim, "attention_bias": False, "num_experts": a.experts,
                  "num_experts_per_tok": a.experts_used, "moe_intermediate_size": a.moe_intermediate,
                  "norm_topk_prob": a.norm_topk_prob, "decoder_sparse_step": 1, "mlp_only_layers": [],
                  "output_router_logits": False, "router_aux_loss_coef": 0.001})
    elif kind == "glm4_moe":
        c.update({"hidden_act": "silu", "rope_theta": 1000000.0, "rope_scaling": None, "tie_word_embeddings": a.tied,
                  "head_dim": a.head_dim, "attention_bias": True, "partial_rotary_factor": a.partial_rotary,
                  "n_routed_experts": a.experts, "num_experts_per_tok": a.experts_used,
                  "moe_intermediate_size": a.moe_intermediate, "n_shared_experts": a.shared_experts,
                  "first_k_dense_replace": a.dense_layers, "num_nextn_predict_layers": a.nextn_layers,
                  "n_group": a.expert_groups, "topk_group": a.expert_groups_used,
                  "routed_scaling_factor": a.routed_scaling, "norm_topk_prob": a.norm_topk_prob,
                  "use_qk_norm": a.qk_norm, "pad_token_id": 0})
    elif kind == "deepseek_v3":
        c.update({"hidden_act": "silu", "rope_theta": 10000.0, "tie_word_embeddings": a.tied, "attention_bias": False,
                  "num_key_value_heads": a.heads,
                  "q_lora_rank": a.q_lora_rank or None, "kv_lora_rank": a.kv_lora_rank,
                  "qk_nope_head_dim": a.qk_nope_dim, "qk_rope_head_dim": a.qk_rope_dim, "v_head_dim": a.v_head_dim,
                  "n_routed_experts": a.experts, "num_experts_per_tok": a.experts_used,
                  "moe_intermediate_size": a.moe_intermediate, "n_shared_experts": a.shared_experts,
                  "first_k_dense_replace": a.dense_layers, "num_nextn_predict_layers": a.nextn_layers,
                  "n_group": a.expert_groups, "topk_group": a.expert_groups_used, "moe_layer_freq": 1,
                  "routed_scaling_factor": a.routed_scaling, "norm_topk_prob": a.norm_topk_prob,
                  "scoring_func": "sigmoid", "topk_method": "noaux_tc", "rope_interleave": True,
                  "rope_scaling": ({"type": "yarn", "factor": a.yarn_factor, "beta_fast": 32, "beta_slow": 1,
                                    "mscale": 1.0, "mscale_all_dim": 1.0,
                                    "original_max_position_embeddings": int(a.max_pos / a.yarn_factor)}
                                   if a.yarn_factor else None)})
    elif kind == "mixtral":
        c.update({"hidden_act": "silu", "rope_theta": 1000000.0, "tie_word_embeddings": a.tied, "sliding_window": None,
                  "num_local_experts": a.experts, "num_experts_per_tok": a.experts_used, "router_jitter_noise": 0.0,
                  "output_router_logits": False, "router_aux_loss_coef": 0.02})
    elif kind == "phi3":
        c.update({"hidden_act": "silu", "rope_theta": 10000.0, "rope_scaling": None, "tie_word_embeddings": a.tied,
                  "original_max_position_embeddings": a.max_pos, "sliding_window": a.sliding_window,
                  "resid_pdrop": 0.0, "embd_pdrop": 0.0, "pad_token_id": 0})
    else:
        c.update({"head_dim": a.head_dim, "hidden_activation": "gelu_pytorch_tanh", "query_pre_attn_scalar": a.head_dim,
                  "sliding_window": a.sliding_window or 4096, "tie_word_embeddings": True, "attention_bias": False,
                  "pad_token_id": 0})
        if kind == "gemma2":
            c.update({"rope_theta": 10000.0, "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0,
                      "cache_implementation": "hybrid"})
        else:
            c.update({"rope_theta": 1000000.0, "rope_local_base_freq": 10000.0, "attn_logit_softcapping": None,
                      "final_logit_softcapping": None, "layer_types": gemma3_layer_types(a),
                      "rope_scaling": ({"rope_type": "linear", "factor": a.rope_scaling_linear}
                                       if a.rope_scaling_linear else None)})
    return c


GATE_UP_DOWN = ("gate_proj.weight", "up_proj.weight", "down_proj.weight")


def gated_mlp(prefix, names, ff, a, linear):
    """A SiLU-gated MLP of width ff: names are its (gate, up, down) projections."""
    gate, up, down = names
    return {prefix + gate: linear(ff, a.hidden), prefix + up: linear(ff, a.hidden), prefix + down: linear(a.hidden, ff)}


def router_and_experts(a, moe, names, ff, linear, rng):
    """moe + gate.weight, the router, and moe + experts.E.<names> for each expert
    (with --fused-experts: moe + experts.gate_up_proj and experts.down_proj,
    the same values stacked, gate rows before up rows)."""
    w = {moe + "gate.weight": (rng.standard_normal((a.experts, a.hidden)) * (2.0 / np.sqrt(a.hidden)))
         .astype(np.float32)}
    experts = [gated_mlp(moe + f"experts.{e}.", names, ff, a, linear) for e in range(a.experts)]
    if not a.fused_experts:
        for e in experts:
            w.update(e)
        return w
    gate, up, down = names
    at = [[e[moe + f"experts.{i}." + n] for i, e in enumerate(experts)] for n in (gate, up, down)]
    w[moe + "experts.gate_up_proj"] = np.stack([np.concatenate([g, u], axis=0) for g, u in zip(at[0], at[1])])
    w[moe + "experts.down_proj"] = np.stack(at[2])
    return w


def mixtral_experts(a, p, linear, rng):
    """Layer prefix p's router and experts (w1 gate, w3 up, w2 down)."""
    return router_and_experts(a, p + "block_sparse_moe.", ("w1.weight", "w3.weight", "w2.weight"), a.intermediate,
                              linear, rng)


def qwen2_moe_experts(a, p, linear, rng):
    """Layer prefix p's router, routed experts and gated shared expert."""
    mlp = p + "mlp."
    w = router_and_experts(a, mlp, GATE_UP_DOWN, a.moe_intermediate, linear, rng)
    w.update(gated_mlp(mlp + "shared_expert.", GATE_UP_DOWN, a.shared_intermediate, a, linear))
    w[mlp + "shared_expert_gate.weight"] = (rng.standard_normal((1, a.hidden)) / np.sqrt(a.hidden)).astype(np.float32)
    return w


def qwen3_moe_experts(a, p, linear, rng):
    """Layer prefix p's router and routed experts (no shared expert)."""
    return router_and_experts(a, p + "mlp.", GATE_UP_DOWN, a.moe_intermediate, linear, rng)


def sigmoid_router(a, mlp, rng):
    """DeepSeek-V3-style router: gate.weight and a positive e_score_correction_bias
    (sigmoid scores plus bias stay above the 0 HF masks unchosen groups with)."""
    return {mlp + "gate.weight": (rng.standard_normal((a.experts, a.hidden)) * (2.0 / np.sqrt(a.hidden)))
            .astype(np.float32),
            mlp + "gate.e_score_correction_bias": rng.uniform(0.0, 0.2, a.experts).astype(np.float32)}


def glm4_moe_layer_mlp(a, p, i, linear, rng):
    """Layer i's dense MLP (i < first_k_dense_replace) or sigmoid-routed experts plus shared experts."""
    mlp = p + "mlp."
    if i < a.dense_layers:
        return gated_mlp(mlp, GATE_UP_DOWN, a.intermediate, a, linear)
    w = sigmoid_router(a, mlp, rng)
    experts = router_and_experts(a, mlp, GATE_UP_DOWN, a.moe_intermediate, linear, rng)
    del experts[mlp + "gate.weight"]
    w.update(experts)
    w.update(gated_mlp(mlp + "shared_experts.", GATE_UP_DOWN, a.moe_intermediate * a.shared_experts, a, linear))
    return w


def glm4_moe_nextn(a, p, linear, norm):
    """A multi-token-prediction layer's own parts (HF never runs them)."""
    return {p + "eh_proj.weight": linear(a.hidden, 2 * a.hidden), p + "enorm.weight": norm(a.hidden),
            p + "hnorm.weight": norm(a.hidden), p + "shared_head.norm.weight": norm(a.hidden)}


def mla_attention(a, p, linear, norm):
    """DeepSeek-V3's multi-head latent attention projections of layer prefix p."""
    at, qk = p + "self_attn.", a.qk_nope_dim + a.qk_rope_dim
    w = {}
    if a.q_lora_rank:
        w.update({at + "q_a_proj.weight": linear(a.q_lora_rank, a.hidden), at + "q_a_layernorm.weight": norm(a.q_lora_rank),
                  at + "q_b_proj.weight": linear(a.heads * qk, a.q_lora_rank)})
    else:
        w[at + "q_proj.weight"] = linear(a.heads * qk, a.hidden)
    w.update({at + "kv_a_proj_with_mqa.weight": linear(a.kv_lora_rank + a.qk_rope_dim, a.hidden),
              at + "kv_a_layernorm.weight": norm(a.kv_lora_rank),
              at + "kv_b_proj.weight": linear(a.heads * (a.qk_nope_dim + a.v_head_dim), a.kv_lora_rank),
              at + "o_proj.weight": linear(a.hidden, a.heads * a.v_head_dim)})
    return w


def deepseek_mtp(a, p, linear, norm, rng):
    """A DeepSeek multi-token-prediction layer's own parts (HF never runs them)."""
    w = glm4_moe_nextn(a, p, linear, norm)
    w[p + "embed_tokens.weight"] = (rng.standard_normal((a.vocab, a.hidden)) * 0.5).astype(np.float32)
    w[p + "shared_head.head.weight"] = linear(a.vocab, a.hidden)
    return w


def build_weights(a):
    """HF tensor name -> float32 array of HF's shape ([out, in] for Linear)."""
    rng = np.random.default_rng(a.seed)
    kind = MODEL_TYPES[a.architecture]
    q_dim, kv_dim = a.heads * a.head_dim, a.kv_heads * a.head_dim

    def linear(out_dim, in_dim):
        return (rng.standard_normal((out_dim, in_dim)) * (0.5 / np.sqrt(in_dim))).astype(np.float32)

    def norm(n):
        offset = 0.0 if is_gemma(a) else 1.0
        return (offset + rng.uniform(-0.1, 0.1, n)).astype(np.float32)

    def bias(n):
        return (rng.standard_normal(n) * 0.1).astype(np.float32)

    w = {"model.embed_tokens.weight": (rng.standard_normal((a.vocab, a.hidden)) * (0.03 if is_gemma(a) else 0.5))
         .astype(np.float32)}
    extra_layers = a.nextn_layers if kind in ("glm4_moe", "deepseek_v3") else 0
    for i in range(a.layers + extra_layers):
        p = f"model.layers.{i}."
        if kind == "phi3":
            w[p + "self_attn.qkv_proj.weight"] = linear(q_dim + 2 * kv_dim, a.hidden)
        elif kind == "deepseek_v3":
            w.update(mla_attention(a, p, linear, norm))
        else:
            w[p + "self_attn.q_proj.weight"] = linear(q_dim, a.hidden)
            w[p + "self_attn.k_proj.weight"] = linear(kv_dim, a.hidden)
            w[p + "self_attn.v_proj.weight"] = linear(kv_dim, a.hidden)
        if kind in ("qwen2", "qwen2_moe", "glm4_moe"):
            for name, n in (("q", q_dim), ("k", kv_dim), ("v", kv_dim)):
                w[p + f"self_attn.{name}_proj.bias"] = bias(n)
        if kind in ("qwen3", "gemma3_text", "qwen3_moe") or (kind == "glm4_moe" and a.qk_norm):
            w[p + "self_attn.q_norm.weight"] = norm(a.head_dim)
            w[p + "self_attn.k_norm.weight"] = norm(a.head_dim)
        if kind != "deepseek_v3":
            w[p + "self_attn.o_proj.weight"] = linear(a.hidden, q_dim)
        if kind == "phi3":
            w[p + "mlp.gate_up_proj.weight"] = linear(2 * a.intermediate, a.hidden)
        elif kind == "mixtral":
            w.update(mixtral_experts(a, p, linear, rng))
        elif kind == "qwen2_moe":
            w.update(qwen2_moe_experts(a, p, linear, rng))
        elif kind == "qwen3_moe":
            w.update(qwen3_moe_experts(a, p, linear, rng))
        elif kind in ("glm4_moe", "deepseek_v3"):
            w.update(glm4_moe_layer_mlp(a, p, i, linear, rng))
            if i >= a.layers:
                w.update(glm4_moe_nextn(a, p, linear, norm) if kind == "glm4_moe" else
                         deepseek_mtp(a, p, linear, norm, rng))
        else:
            w[p + "mlp.gate_proj.weight"] = linear(a.intermediate, a.hidden)
            w[p + "mlp.up_proj.weight"] = linear(a.intermediate, a.hidden)
        if kind not in ("mixtral", "qwen2_moe", "qwen3_moe", "glm4_moe", "deepseek_v3"):
            w[p + "mlp.down_proj.weight"] = linear(a.hidden, a.intermediate)
        w[p + "input_layernorm.weight"] = norm(a.hidden)
        w[p + "post_attention_layernorm.weight"] = norm(a.hidden)
        if is_gemma(a):
            w[p + "pre_feedforward_layernorm.weight"] = norm(a.hidden)
            w[p + "post_feedforward_layernorm.weight"] = norm(a.hidden)
    w["model.norm.weight"] = norm(a.hidden)
    if not a.tied and not is_gemma(a):
        w["lm_head.weight"] = (rng.standard_normal((a.vocab, a.hidden)) * (0.8 / np.sqrt(a.hidden))).astype(np.float32)
    return w


def main(argv=None):
    a = parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "config.json"), "w") as f:
        json.dump(build_config(a), f, indent=2)
        f.write("\n")
    safetensors_io.write_checkpoint(a.outdir, build_weights(a), dtype="F32")


if __name__ == "__main__":
    main()
