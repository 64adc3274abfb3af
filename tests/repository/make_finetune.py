#!/usr/bin/env python3
"""Write a fine-tune of a small HF checkpoint, for repository tests.

  make_finetune.py BASE_DIR OUT_DIR --mode frozen|noisy|added [--seed S]

frozen: embeddings and norms unchanged, every other tensor changed slightly.
noisy:  every tensor changed slightly (w * (1 + N(0, 0.02)) + N(0, 0.01 std(w))).
added:  every tensor unchanged, plus lm_head.weight (the base must be tied;
        config.json then says tie_word_embeddings false).
Tensors keep the base's dtype; config.json and generation_config.json are
copied (model files the import keeps). The same arguments give the same bytes.
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import safetensors_io  # noqa: E402


def changed(rng, w):
    scale = float(np.std(w)) or 1.0
    return (w * (1 + rng.normal(0, 0.02, w.shape)) + rng.normal(0, 0.01 * scale, w.shape)).astype(np.float32)


def is_frozen(name):
    return name == "model.embed_tokens.weight" or name.endswith("norm.weight")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("out")
    p.add_argument("--mode", choices=["frozen", "noisy", "added"], required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    tensors, dtypes = safetensors_io.read_checkpoint(a.base)
    dtype = sorted(set(dtypes.values()))[0]
    rng = np.random.default_rng(a.seed)
    with open(os.path.join(a.base, "config.json")) as f:
        config = json.load(f)
    out = {}
    for name, w in tensors.items():
        keep = a.mode == "added" or (a.mode == "frozen" and is_frozen(name))
        out[name] = w if keep else changed(rng, w)
    if a.mode == "added":
        if "lm_head.weight" in tensors:
            sys.exit("make_finetune: --mode added needs a tied base (no lm_head.weight)")
        embed = tensors["model.embed_tokens.weight"]
        out["lm_head.weight"] = (rng.standard_normal(embed.shape) * 0.1).astype(np.float32)
        config["tie_word_embeddings"] = False
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    shutil.copy(os.path.join(a.base, "generation_config.json"), a.out)
    safetensors_io.write_checkpoint(a.out, out, dtype=dtype)


if __name__ == "__main__":
    main()
