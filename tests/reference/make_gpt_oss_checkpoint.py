#!/usr/bin/env python3
"""Write a small random GptOssForCausalLM checkpoint (gpt-oss-20b's layout).

  make_gpt_oss_checkpoint.py OUTDIR [--hidden 256 --intermediate 256 --layers 2
      --heads 4 --kv-heads 2 --head-dim 64 --experts 4 --experts-used 2
      --vocab 512 --sliding-window 8 --max-pos 512 --yarn-factor 32
      --truncate true|false --seed S] [--mxfp4 DEQUANTIZED_DIR]

OUTDIR gets config.json (gpt-oss-20b's fields: attention_bias, sinks,
layer_types alternating sliding_attention / full_attention, rope_scaling yarn
with beta_fast 32 and beta_slow 1, swiglu_limit 7), model.safetensors (F32)
and a tokenizer: tokenizer.json (byte-level BPE behind o200k's Split regex,
as the release's), tokenizer_config.json and chat_template.jinja.

Tensors as HF's modeling_gpt_oss names and shapes them:
  self_attn.{q,k,v,o}_proj.{weight,bias}, self_attn.sinks [heads],
  mlp.router.{weight,bias}, mlp.experts.gate_up_proj [E, hidden, 2*ff] (x @ W;
  gate = even columns, up = odd columns), gate_up_proj_bias [E, 2*ff],
  down_proj [E, ff, hidden], down_proj_bias [E, hidden].

--mxfp4 DIR writes the experts as the release ships them instead:
gate_up_proj_blocks / _scales and down_proj_blocks / _scales of the
transposed matrices ([E, 2*ff, hidden/32, 16], [E, hidden, ff/32, 16]),
quantization_config mxfp4 with gpt-oss's modules_to_not_convert; DIR gets
the same model with the experts' dequantized values in HF's layout, for the
reference forward pass.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from byte_level_tokenizer import tokenizer_json, write_tokenizer_json  # noqa: E402
from make_low_precision_checkpoint import mxfp4, write_raw  # noqa: E402

# o200k's word-splitting regex, as gpt-oss's tokenizer.json stores it.
O200K_REGEX = ("[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
               "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
               "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|"
               "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
SPECIALS = ["<|startoftext|>", "<|endoftext|>", "<|return|>", "<|constrain|>", "<|channel|>", "<|start|>", "<|end|>",
            "<|message|>", "<|call|>"]
# A short harmony-format template (the release's is longer; the GGUF carries whatever the file holds).
CHAT_TEMPLATE = ("{%- for message in messages -%}<|start|>{{ message.role }}<|message|>{{ message.content }}<|end|>"
                 "{%- endfor -%}{%- if add_generation_prompt -%}<|start|>assistant{%- endif -%}\n")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--intermediate", type=int, default=256)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--head-dim", type=int, default=64)
    p.add_argument("--experts", type=int, default=4)
    p.add_argument("--experts-used", type=int, default=2)
    p.add_argument("--vocab", type=int, default=512)
    p.add_argument("--sliding-window", type=int, default=8)
    p.add_argument("--max-pos", type=int, default=512)
    p.add_argument("--yarn-factor", type=float, default=32.0)
    p.add_argument("--truncate", choices=["true", "false"], default=None,
                   help="rope_scaling.truncate (absent: HF's default, true)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mxfp4", metavar="DEQUANTIZED_DIR", default=None)
    return p.parse_args(argv)


def build_config(a):
    rope = {"rope_type": "yarn", "factor": a.yarn_factor, "beta_fast": 32.0, "beta_slow": 1.0,
            "original_max_position_embeddings": int(a.max_pos / a.yarn_factor)}
    if a.truncate is not None:
        rope["truncate"] = a.truncate == "true"
    return {
        "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss", "attention_bias": True,
        "attention_dropout": 0.0, "eos_token_id": 2, "pad_token_id": 1, "experts_per_token": a.experts_used,
        "head_dim": a.head_dim, "hidden_act": "silu", "hidden_size": a.hidden, "initial_context_length": 4096,
        "initializer_range": 0.02, "intermediate_size": a.intermediate,
        "layer_types": ["sliding_attention" if i % 2 == 0 else "full_attention" for i in range(a.layers)],
        "max_position_embeddings": a.max_pos, "num_attention_heads": a.heads, "num_experts_per_tok": a.experts_used,
        "num_hidden_layers": a.layers, "num_key_value_heads": a.kv_heads, "num_local_experts": a.experts,
        "output_router_logits": False, "rms_norm_eps": 1e-05, "rope_scaling": rope, "rope_theta": 150000.0,
        "router_aux_loss_coef": 0.9, "sliding_window": a.sliding_window, "swiglu_limit": 7.0,
        "tie_word_embeddings": False, "torch_dtype": "float32", "transformers_version": "4.55.0", "use_cache": True,
        "vocab_size": a.vocab,
    }


def build_weights(a):
    """HF name -> float32 array. Scales keep the clamp of the SwiGLU active on
    some values (gate_up std ~3) and the router far from ties."""
    rng = np.random.default_rng(a.seed)
    q_dim, kv_dim, e, ff, h = a.heads * a.head_dim, a.kv_heads * a.head_dim, a.experts, a.intermediate, a.hidden

    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    w = {"model.embed_tokens.weight": normal((a.vocab, h), 0.5)}
    for i in range(a.layers):
        p = f"model.layers.{i}."
        for name, rows, cols in (("q", q_dim, h), ("k", kv_dim, h), ("v", kv_dim, h), ("o", h, q_dim)):
            w[p + f"self_attn.{name}_proj.weight"] = normal((rows, cols), 0.5 / np.sqrt(cols))
            w[p + f"self_attn.{name}_proj.bias"] = normal(rows, 0.1)
        w[p + "self_attn.sinks"] = normal(a.heads, 1.0)
        w[p + "mlp.router.weight"] = normal((e, h), 2.0 / np.sqrt(h))
        w[p + "mlp.router.bias"] = normal(e, 0.1)
        w[p + "mlp.experts.gate_up_proj"] = normal((e, h, 2 * ff), 3.0 / np.sqrt(h))
        w[p + "mlp.experts.gate_up_proj_bias"] = normal((e, 2 * ff), 0.1)
        w[p + "mlp.experts.down_proj"] = normal((e, ff, h), 0.1 / np.sqrt(ff))
        w[p + "mlp.experts.down_proj_bias"] = normal((e, h), 0.1)
        w[p + "input_layernorm.weight"] = (1.0 + rng.uniform(-0.1, 0.1, h)).astype(np.float32)
        w[p + "post_attention_layernorm.weight"] = (1.0 + rng.uniform(-0.1, 0.1, h)).astype(np.float32)
    w["model.norm.weight"] = (1.0 + rng.uniform(-0.1, 0.1, h)).astype(np.float32)
    w["lm_head.weight"] = normal((a.vocab, h), 0.8 / np.sqrt(h))
    return w


def write_tokenizer(a, outdir):
    """Byte tokens, merges of frequent pairs of letters, then the harmony special tokens at the top of the vocab."""
    write_tokenizer_json(outdir, tokenizer_json(a.vocab, SPECIALS, [O200K_REGEX]))
    with open(os.path.join(outdir, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<|startoftext|>", "eos_token": "<|return|>", "pad_token": "<|endoftext|>",
                   "model_max_length": a.max_pos, "tokenizer_class": "PreTrainedTokenizerFast"}, f, indent=2)
    with open(os.path.join(outdir, "chat_template.jinja"), "w") as f:
        f.write(CHAT_TEMPLATE)


EXPERT_MATRICES = ("mlp.experts.gate_up_proj", "mlp.experts.down_proj")


def write_mxfp4(a, outdir, config, weights):
    """Experts as blocks/scales of the transposed matrices; everything else F32."""
    entries, dequantized = [], {}
    for name, w in weights.items():
        if not name.endswith(EXPERT_MATRICES):
            entries.append((name, "F32", w.shape, safetensors_io.encode(w, "F32")))
            dequantized[name] = w
            continue
        packed, scales, deq, _ = mxfp4(np.ascontiguousarray(np.swapaxes(w, 1, 2)))
        entries.append((name + "_blocks", "U8", packed.shape, packed.tobytes()))
        entries.append((name + "_scales", "U8", scales.shape, scales.tobytes()))
        dequantized[name] = np.ascontiguousarray(np.swapaxes(deq, 1, 2))
    write_raw(os.path.join(outdir, safetensors_io.SINGLE_FILE), entries)
    quantized = dict(config, quantization_config={
        "quant_method": "mxfp4",
        "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens",
                                   "lm_head"]})
    with open(os.path.join(outdir, "config.json"), "w") as f:
        json.dump(quantized, f, indent=2)
        f.write("\n")
    return dequantized


def write_folder(outdir, config, weights, a):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    safetensors_io.write_checkpoint(outdir, weights, dtype="F32")
    write_tokenizer(a, outdir)


def main(argv=None):
    a = parse_args(argv)
    config, weights = build_config(a), build_weights(a)
    if a.mxfp4 is None:
        write_folder(a.outdir, config, weights, a)
        return
    os.makedirs(a.outdir, exist_ok=True)
    write_tokenizer(a, a.outdir)
    dequantized = write_mxfp4(a, a.outdir, config, weights)
    write_folder(a.mxfp4, config, dequantized, a)


if __name__ == "__main__":
    main()
