#!/usr/bin/env python3
"""Writes the tiny_llm example's HuggingFace checkpoint into hf-model/.

A one-layer Llama (hidden 192, 3 heads, FFN 1024, vocab 32000: the seed's
tiny_llm) with seeded random weights, its config.json, and a byte-level BPE
tokenizer (tokenizer.json + tokenizer_config.json) whose 256 byte tokens and
two special tokens the exporter pads to the 32000-row embedding.
Needs numpy (Debian: python3-numpy).
"""
import json
import os
import struct
import sys

import numpy as np

HIDDEN, FFN, LAYERS, HEADS, VOCAB, CONTEXT = 192, 1024, 1, 3, 32000, 1024


def bf16_bytes(a):
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16  # round to nearest even
    return rounded.astype(np.uint16).tobytes()


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors:
        data = bf16_bytes(array)
        header[name] = {"dtype": "BF16", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for blob in blobs:
            f.write(blob)


CORPUS = """One source, many deployment profiles: import the checkpoint once, then export
the economy, balanced and premium models. The llama reads the model and the model
writes the tokens; every quantization decision is kept in version control."""


def learn_merges(text, chars, vocab, count):
    """A few BPE merges learned from a small text, so the tokenizer is a real BPE."""
    words = [[chars[b] for b in (" " + w if i else w).encode()] for i, w in enumerate(text.split())]
    merges = []
    for _ in range(count):
        pairs = {}
        for w in words:
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        if pairs[best] < 2:
            break
        merges.append(best)
        vocab[best[0] + best[1]] = len(vocab)
        for w in words:
            i = 0
            while i < len(w) - 1:
                if (w[i], w[i + 1]) == best:
                    w[i:i + 2] = [w[i] + w[i + 1]]
                i += 1
    return merges


def byte_level_tokenizer():
    # GPT-2's printable mapping of the 256 byte values.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars, n = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + n)
            n += 1
    vocab = {chars[b]: b for b in range(256)}
    merges = learn_merges(CORPUS, chars, vocab, 200)
    specials = ["<|begin_of_text|>", "<|end_of_text|>"]
    added = [{"id": len(vocab) + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, s in enumerate(specials)]
    return {
        "version": "1.0",
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                  "merges": [f"{a} {b}" for a, b in merges]},
    }


def main(out_dir):
    rng = np.random.default_rng(20241123)
    head_dim = HIDDEN // HEADS
    tensors = [("model.embed_tokens.weight", rng.normal(0, 0.02, (VOCAB, HIDDEN)))]
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        tensors += [
            (p + "self_attn.q_proj.weight", rng.normal(0, 0.05, (HEADS * head_dim, HIDDEN))),
            (p + "self_attn.k_proj.weight", rng.normal(0, 0.05, (HEADS * head_dim, HIDDEN))),
            (p + "self_attn.v_proj.weight", rng.normal(0, 0.05, (HEADS * head_dim, HIDDEN))),
            (p + "self_attn.o_proj.weight", rng.normal(0, 0.05, (HIDDEN, HEADS * head_dim))),
            (p + "mlp.gate_proj.weight", rng.normal(0, 0.05, (FFN, HIDDEN))),
            (p + "mlp.up_proj.weight", rng.normal(0, 0.05, (FFN, HIDDEN))),
            (p + "mlp.down_proj.weight", rng.standard_t(4, (HIDDEN, FFN)) * 0.03),
            (p + "input_layernorm.weight", 1 + rng.normal(0, 0.1, (HIDDEN,))),
            (p + "post_attention_layernorm.weight", 1 + rng.normal(0, 0.1, (HIDDEN,))),
        ]
    tensors += [("model.norm.weight", 1 + rng.normal(0, 0.1, (HIDDEN,))),
                ("lm_head.weight", rng.normal(0, 0.02, (VOCAB, HIDDEN)))]
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, "tiny_llm.safetensors"), tensors)
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": VOCAB,
              "hidden_size": HIDDEN, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
              "num_key_value_heads": HEADS, "intermediate_size": FFN, "max_position_embeddings": CONTEXT,
              "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False, "torch_dtype": "bfloat16",
               "_name_or_path": "tiny_llm"}
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(byte_level_tokenizer(), f)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>", "add_bos_token": True,
                   "add_eos_token": False}, f, indent=2)
    print(f"wrote {out_dir}: {len(tensors)} tensors, BF16")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "hf-model"))
