#!/usr/bin/env python3
"""A header-only 1T-parameter MoE checkpoint for planner benchmarks: Kimi
K2-shaped (61 layers, 384 routed experts of 2048, hidden 7168, vocab 163840)
written as a MixtralForCausalLM (a class gmat supports), BF16. The safetensors
headers are real; the data regions are holes (sparse files, ~2 TB apparent,
almost nothing on disk).

  make_header_only_moe.py checkpoint OUT          the sparse checkpoint
  make_header_only_moe.py store CKPT IMPORT_CONFIG STORE
      a store (metadata.json + config.json, no tensor files) from the
      checkpoint's headers and `gmat import --generate-config`'s config: what
      export planning reads, without copying 2 TB of zeros
"""

import json
import os
import shutil
import struct
import sys

HIDDEN, EXPERT_INTER, LAYERS, EXPERTS, HEADS, KV_HEADS, VOCAB = 7168, 2048, 61, 384, 64, 8, 163840


def layer_tensors(i):
    p = f"model.layers.{i}."
    hd = HIDDEN // HEADS
    out = [(p + "self_attn.q_proj.weight", [HEADS * hd, HIDDEN]), (p + "self_attn.k_proj.weight", [KV_HEADS * hd, HIDDEN]),
           (p + "self_attn.v_proj.weight", [KV_HEADS * hd, HIDDEN]), (p + "self_attn.o_proj.weight", [HIDDEN, HEADS * hd]),
           (p + "input_layernorm.weight", [HIDDEN]), (p + "post_attention_layernorm.weight", [HIDDEN]),
           (p + "block_sparse_moe.gate.weight", [EXPERTS, HIDDEN])]
    for e in range(EXPERTS):
        q = f"{p}block_sparse_moe.experts.{e}."
        out += [(q + "w1.weight", [EXPERT_INTER, HIDDEN]), (q + "w2.weight", [HIDDEN, EXPERT_INTER]),
                (q + "w3.weight", [EXPERT_INTER, HIDDEN])]
    return out


def checkpoint(out):
    os.makedirs(out, exist_ok=True)
    files = [[("model.embed_tokens.weight", [VOCAB, HIDDEN])] + layer_tensors(0)]
    files += [layer_tensors(i) for i in range(1, LAYERS)]
    files[-1] += [("model.norm.weight", [HIDDEN]), ("lm_head.weight", [VOCAB, HIDDEN])]
    params = 0
    for k, items in enumerate(files):
        header, offset = {}, 0
        for name, shape in items:
            n = 2
            for d in shape:
                n *= d
            header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + n]}
            offset += n
            params += n // 2
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(os.path.join(out, f"model-{k + 1:05d}-of-{len(files):05d}.safetensors"), "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text)
            f.truncate(8 + len(text) + offset)
    config = {"architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": HIDDEN,
              "intermediate_size": EXPERT_INTER, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
              "num_key_value_heads": KV_HEADS, "num_local_experts": EXPERTS, "num_experts_per_tok": 8,
              "vocab_size": VOCAB, "max_position_embeddings": 131072, "rms_norm_eps": 1e-6, "rope_theta": 50000.0,
              "tie_word_embeddings": False, "torch_dtype": "bfloat16", "bos_token_id": 1, "eos_token_id": 2,
              "hidden_act": "silu", "sliding_window": None}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    print(f"{out}: {params / 1e12:.3f}T parameters in {len(files)} sparse files")


def store(ckpt, import_config, out):
    shapes = {}
    for name in sorted(os.listdir(ckpt)):
        if name.endswith(".safetensors"):
            with open(os.path.join(ckpt, name), "rb") as f:
                (n,) = struct.unpack("<Q", f.read(8))
                for k, v in json.loads(f.read(n)).items():
                    shapes[k] = v
    cfg = json.load(open(import_config))
    tensors, names = {}, {}
    for m in cfg["tensor_map"]:
        if not m.get("include", True):
            continue
        h = shapes[m["source"]]
        tensors[m["target"]] = {"name": m["source"], "dtype": h["dtype"], "shape": h["shape"],
                                "bytes": h["data_offsets"][1] - h["data_offsets"][0], "checksum": "xxh3:0000000000000000"}
        names[m["source"]] = m["target"]
    os.makedirs(out, exist_ok=True)
    meta = {"format": "gmat-store", "format_version": 1, "gmat_version": "bench", "config": cfg,
            "tensor_name_map": names, "total_tensors": len(tensors), "tensors": tensors, "model_files": ["config.json"]}
    with open(os.path.join(out, "metadata.json"), "w") as f:
        json.dump(meta, f)
    shutil.copy(os.path.join(ckpt, "config.json"), os.path.join(out, "config.json"))
    print(f"{out}: header-only store of {len(tensors)} tensors")


if __name__ == "__main__":
    if sys.argv[1:2] == ["checkpoint"] and len(sys.argv) == 3:
        checkpoint(sys.argv[2])
    elif sys.argv[1:2] == ["store"] and len(sys.argv) == 5:
        store(*sys.argv[2:])
    else:
        sys.exit(__doc__)
