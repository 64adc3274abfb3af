#!/usr/bin/env python3
"""Write a synthetic BF16 Llama checkpoint of any size, streaming (memory stays
at one 16M-value chunk whatever the model), for the scale benchmarks.

  make_synthetic_llama.py OUT --size 0.85b|7b [--shards N] [--seed S]
  make_synthetic_llama.py OUT --hidden H --intermediate I --layers L --heads A --kv-heads K --vocab V

Weights are Gaussian (std 0.02) rounded to BF16; norms are 1. The bytes are
not a trained model's, only its shapes and sizes are.
"""

import argparse
import json
import os
import struct

import numpy as np

SIZES = {
    # hidden, intermediate, layers, heads, kv_heads, vocab: ~0.85B and ~6.7B parameters
    "0.85b": (2048, 5632, 16, 16, 4, 32000),
    "7b": (4096, 11008, 32, 32, 32, 32000),
}
CHUNK = 1 << 24


def tensors(h, inter, layers, heads, kv, vocab):
    head_dim = h // heads
    out = [("model.embed_tokens.weight", (vocab, h))]
    for i in range(layers):
        p = f"model.layers.{i}."
        out += [(p + "self_attn.q_proj.weight", (heads * head_dim, h)),
                (p + "self_attn.k_proj.weight", (kv * head_dim, h)),
                (p + "self_attn.v_proj.weight", (kv * head_dim, h)),
                (p + "self_attn.o_proj.weight", (h, heads * head_dim)),
                (p + "mlp.gate_proj.weight", (inter, h)),
                (p + "mlp.up_proj.weight", (inter, h)),
                (p + "mlp.down_proj.weight", (h, inter)),
                (p + "input_layernorm.weight", (h,)),
                (p + "post_attention_layernorm.weight", (h,))]
    out += [("model.norm.weight", (h,)), ("lm_head.weight", (vocab, h))]
    return out


def write_shard(path, items, rng):
    header, offset = {}, 0
    for name, shape in items:
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for name, shape in items:
            count = int(np.prod(shape))
            if len(shape) == 1:
                f.write(np.full(count, 0x3F80, dtype=np.uint16).tobytes())  # 1.0
                continue
            for start in range(0, count, CHUNK):
                n = min(CHUNK, count - start)
                v = rng.standard_normal(n, dtype=np.float32) * np.float32(0.02)
                f.write((v.view(np.uint32) >> 16).astype(np.uint16).tobytes())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--size", choices=sorted(SIZES))
    for k in ("hidden", "intermediate", "layers", "heads", "kv-heads", "vocab"):
        p.add_argument("--" + k, type=int)
    p.add_argument("--shards", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    dims = SIZES[a.size] if a.size else (a.hidden, a.intermediate, a.layers, a.heads, a.kv_heads, a.vocab)
    h, inter, layers, heads, kv, vocab = dims
    os.makedirs(a.out, exist_ok=True)
    items = tensors(*dims)
    total = sum(int(np.prod(s)) for _, s in items)
    per_shard = total / a.shards
    shards, current, size = [], [], 0
    for item in items:
        current.append(item)
        size += int(np.prod(item[1]))
        if size >= per_shard * (len(shards) + 1) and len(shards) < a.shards - 1:
            shards.append(current)
            current = []
    shards.append(current)
    rng = np.random.default_rng(a.seed)
    for i, items_i in enumerate(shards):
        write_shard(os.path.join(a.out, f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"), items_i, rng)
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": h,
              "intermediate_size": inter, "num_hidden_layers": layers, "num_attention_heads": heads,
              "num_key_value_heads": kv, "vocab_size": vocab, "max_position_embeddings": 4096,
              "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False,
              "torch_dtype": "bfloat16", "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu"}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    print(f"{a.out}: {total / 1e9:.2f}B parameters, {len(shards)} shards")


if __name__ == "__main__":
    main()
