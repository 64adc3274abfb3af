#!/usr/bin/env python3
"""Write a small random HuggingFace Llama/Mistral checkpoint.

  make_llama_checkpoint.py OUTDIR [--hidden 64 --intermediate 160 --layers 2
      --heads 4 --kv-heads 2 --head-dim N --vocab 256 --max-pos 256
      --dtype f32|f16|bf16 --tied --shards N --seed S --rope-theta 10000
      --rms-eps 1e-5 --architecture LlamaForCausalLM|MistralForCausalLM
      --rope-scaling-llama3 [--rope-scaling-factor 8 --low-freq-factor 1
      --high-freq-factor 4 --original-max-pos N]]

OUTDIR gets config.json and generation_config.json with HF's field names and
model.safetensors (or N shards and model.safetensors.index.json) with HF's
tensor names. The same arguments always give the same bytes.

Weight scales are chosen so the logits are neither flat nor saturated: the
embedding has std 0.5, projections std 0.06, lm_head std 0.1 and the RMSNorm
weights are 1 +- 0.1. --original-max-pos defaults to max-pos/4 so that llama3
rope scaling changes frequencies that matter at test sequence lengths.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

TORCH_DTYPES = {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}
MODEL_TYPES = {"LlamaForCausalLM": "llama", "MistralForCausalLM": "mistral"}
BOS_ID, EOS_ID = 1, 2


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--intermediate", type=int, default=160)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--head-dim", type=int, default=None, help="default hidden/heads (then not written)")
    p.add_argument("--vocab", type=int, default=256)
    p.add_argument("--max-pos", type=int, default=256)
    p.add_argument("--dtype", choices=sorted(TORCH_DTYPES), default="f32")
    p.add_argument("--tied", action="store_true", help="tie lm_head to the embedding (no lm_head.weight)")
    p.add_argument("--shards", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rope-theta", type=float, default=10000.0)
    p.add_argument("--rms-eps", type=float, default=1e-5)
    p.add_argument("--architecture", choices=sorted(MODEL_TYPES), default="LlamaForCausalLM")
    p.add_argument("--rope-scaling-llama3", action="store_true")
    p.add_argument("--rope-scaling-factor", type=float, default=8.0)
    p.add_argument("--low-freq-factor", type=float, default=1.0)
    p.add_argument("--high-freq-factor", type=float, default=4.0)
    p.add_argument("--original-max-pos", type=int, default=None)
    args = p.parse_args(argv)
    check_args(p, args)
    return args


def check_args(parser, a):
    positive = {"hidden": a.hidden, "intermediate": a.intermediate, "layers": a.layers, "heads": a.heads,
                "kv-heads": a.kv_heads, "vocab": a.vocab, "max-pos": a.max_pos, "shards": a.shards}
    for name, value in positive.items():
        if value <= 0:
            parser.error(f"--{name} must be positive, got {value}")
    if a.heads % a.kv_heads != 0:
        parser.error(f"--heads {a.heads} is not a multiple of --kv-heads {a.kv_heads}")
    head_dim = a.head_dim if a.head_dim is not None else a.hidden // a.heads
    if a.head_dim is None and a.hidden % a.heads != 0:
        parser.error(f"--hidden {a.hidden} is not a multiple of --heads {a.heads}; give --head-dim")
    if head_dim <= 0 or head_dim % 2 != 0:
        parser.error(f"head dim {head_dim} must be positive and even for rotary embeddings")
    if a.vocab <= EOS_ID:
        parser.error(f"--vocab {a.vocab} must exceed the eos id {EOS_ID}")


def build_config(a):
    config = {
        "architectures": [a.architecture],
        "model_type": MODEL_TYPES[a.architecture],
        "hidden_size": a.hidden,
        "intermediate_size": a.intermediate,
        "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads,
        "num_key_value_heads": a.kv_heads,
        "vocab_size": a.vocab,
        "max_position_embeddings": a.max_pos,
        "rms_norm_eps": a.rms_eps,
        "rope_theta": a.rope_theta,
        "tie_word_embeddings": a.tied,
        "torch_dtype": TORCH_DTYPES[a.dtype],
        "bos_token_id": BOS_ID,
        "eos_token_id": EOS_ID,
        "hidden_act": "silu",
        "initializer_range": 0.02,
        "attention_dropout": 0.0,
        "use_cache": True,
        "transformers_version": "4.46.0",
    }
    if a.head_dim is not None:
        config["head_dim"] = a.head_dim
    if a.architecture == "LlamaForCausalLM":
        config.update({"attention_bias": False, "mlp_bias": False, "pretraining_tp": 1})
    else:
        config["sliding_window"] = None
    if a.rope_scaling_llama3:
        config["rope_scaling"] = {
            "rope_type": "llama3",
            "factor": a.rope_scaling_factor,
            "low_freq_factor": a.low_freq_factor,
            "high_freq_factor": a.high_freq_factor,
            "original_max_position_embeddings": a.original_max_pos or max(1, a.max_pos // 4),
        }
    else:
        config["rope_scaling"] = None
    return config


def build_weights(a):
    """HF tensor name -> float32 array of HF's shape ([out, in] for Linear)."""
    rng = np.random.default_rng(a.seed)
    head_dim = a.head_dim if a.head_dim is not None else a.hidden // a.heads

    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    def norm_weight():
        return (1.0 + rng.uniform(-0.1, 0.1, a.hidden)).astype(np.float32)

    w = {"model.embed_tokens.weight": normal((a.vocab, a.hidden), 0.5)}
    for i in range(a.layers):
        p = f"model.layers.{i}."
        w[p + "self_attn.q_proj.weight"] = normal((a.heads * head_dim, a.hidden), 0.06)
        w[p + "self_attn.k_proj.weight"] = normal((a.kv_heads * head_dim, a.hidden), 0.06)
        w[p + "self_attn.v_proj.weight"] = normal((a.kv_heads * head_dim, a.hidden), 0.06)
        w[p + "self_attn.o_proj.weight"] = normal((a.hidden, a.heads * head_dim), 0.06)
        w[p + "mlp.gate_proj.weight"] = normal((a.intermediate, a.hidden), 0.06)
        w[p + "mlp.up_proj.weight"] = normal((a.intermediate, a.hidden), 0.06)
        w[p + "mlp.down_proj.weight"] = normal((a.hidden, a.intermediate), 0.06)
        w[p + "input_layernorm.weight"] = norm_weight()
        w[p + "post_attention_layernorm.weight"] = norm_weight()
    w["model.norm.weight"] = norm_weight()
    if not a.tied:
        w["lm_head.weight"] = normal((a.vocab, a.hidden), 0.1)
    return w


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=False)
        f.write("\n")


def main(argv=None):
    a = parse_args(argv)
    weights = build_weights(a)
    if a.shards > len(weights):
        sys.exit(f"make_llama_checkpoint: error: --shards {a.shards} exceeds the {len(weights)} tensors")
    os.makedirs(a.outdir, exist_ok=True)
    write_json(os.path.join(a.outdir, "config.json"), build_config(a))
    write_json(os.path.join(a.outdir, "generation_config.json"),
               {"_from_model_config": True, "bos_token_id": BOS_ID, "eos_token_id": EOS_ID,
                "transformers_version": "4.46.0"})
    safetensors_io.write_checkpoint(a.outdir, weights, dtype=a.dtype.upper(), n_shards=a.shards)


if __name__ == "__main__":
    main()
