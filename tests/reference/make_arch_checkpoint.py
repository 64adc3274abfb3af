#!/usr/bin/env python3
"""Write a small random HuggingFace checkpoint of a non-Llama decoder class.

  make_arch_checkpoint.py OUTDIR --architecture Qwen2ForCausalLM|Qwen3ForCausalLM|
      Phi3ForCausalLM|Gemma2ForCausalLM|Gemma3ForCausalLM|MixtralForCausalLM|
      Qwen2MoeForCausalLM [--hidden 256 --intermediate 512 --layers 4 --heads 4
      --kv-heads 2 --head-dim N --vocab 512 --max-pos 512 --seed S --tied
      --sliding-window N --sliding-window-pattern N --rope-scaling-linear F
      --experts 4 --experts-used 2 --moe-intermediate 256 --shared-intermediate 512
      --norm-topk-prob]

OUTDIR gets config.json (the class's own field names, as transformers writes
them) and model.safetensors (F32, the class's tensor names). The same arguments
always give the same bytes.

Scales keep the logits neither flat nor saturated at any width: projections
have std 0.5/sqrt(fan_in), the embedding std 0.5 (0.03 for Gemma, whose
embedding is multiplied by sqrt(hidden) and doubles as the output head),
lm_head std 0.8/sqrt(hidden), biases std 0.1, Mixtral's and Qwen2-MoE's router
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
               "Qwen2MoeForCausalLM": "qwen2_moe"}
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
    p.add_argument("--norm-topk-prob", action="store_true", help="Qwen2-MoE: renormalise the top-k weights")
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
    """moe + gate.weight, the router, and moe + experts.E.<names> for each expert."""
    w = {moe + "gate.weight": (rng.standard_normal((a.experts, a.hidden)) * (2.0 / np.sqrt(a.hidden)))
         .astype(np.float32)}
    for e in range(a.experts):
        w.update(gated_mlp(moe + f"experts.{e}.", names, ff, a, linear))
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
    for i in range(a.layers):
        p = f"model.layers.{i}."
        if kind == "phi3":
            w[p + "self_attn.qkv_proj.weight"] = linear(q_dim + 2 * kv_dim, a.hidden)
        else:
            w[p + "self_attn.q_proj.weight"] = linear(q_dim, a.hidden)
            w[p + "self_attn.k_proj.weight"] = linear(kv_dim, a.hidden)
            w[p + "self_attn.v_proj.weight"] = linear(kv_dim, a.hidden)
        if kind in ("qwen2", "qwen2_moe"):
            for name, n in (("q", q_dim), ("k", kv_dim), ("v", kv_dim)):
                w[p + f"self_attn.{name}_proj.bias"] = bias(n)
        if kind in ("qwen3", "gemma3_text"):
            w[p + "self_attn.q_norm.weight"] = norm(a.head_dim)
            w[p + "self_attn.k_norm.weight"] = norm(a.head_dim)
        w[p + "self_attn.o_proj.weight"] = linear(a.hidden, q_dim)
        if kind == "phi3":
            w[p + "mlp.gate_up_proj.weight"] = linear(2 * a.intermediate, a.hidden)
        elif kind == "mixtral":
            w.update(mixtral_experts(a, p, linear, rng))
        elif kind == "qwen2_moe":
            w.update(qwen2_moe_experts(a, p, linear, rng))
        else:
            w[p + "mlp.gate_proj.weight"] = linear(a.intermediate, a.hidden)
            w[p + "mlp.up_proj.weight"] = linear(a.intermediate, a.hidden)
        if kind not in ("mixtral", "qwen2_moe"):
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
