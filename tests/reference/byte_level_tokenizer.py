#!/usr/bin/env python3
"""Byte-level BPE tokenizer.json files shaped like real checkpoints' (their
pre-tokenizers and special tokens), small enough for test checkpoints.

  byte_level_tokenizer.py OUTDIR --vocab N --style glm4|deepseek-v3

writes OUTDIR/tokenizer.json and OUTDIR/tokenizer_config.json: the 256 byte
characters, merges of frequent letter pairs, and the style's special tokens at
the top of the vocabulary. make_gpt_oss_checkpoint.py builds its o200k
tokenizer from the same pieces.
"""

import argparse
import json
import os

# Llama 3's split regex, which GLM-4.5's tokenizer.json also carries.
LLAMA3_REGEX = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
                "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
# DeepSeek-V3's three splits; the third holds CR and LF as the characters themselves.
DEEPSEEK_V3_REGEXES = [
    "\\p{N}{1,3}",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|"
    "\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
]

STYLES = {
    # GLM-4.5: the tokens llama.cpp's converter picks by text (_set_vocab_glm).
    "glm4": {"regexes": [LLAMA3_REGEX],
             "specials": ["<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>", "<|user|>",
                          "<|assistant|>", "<|observation|>"],
             "config": {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}},
    "deepseek-v3": {"regexes": DEEPSEEK_V3_REGEXES,
                    "specials": ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>"],
                    "config": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>",
                               "add_bos_token": True, "add_eos_token": False}},
}


def byte_level_alphabet():
    """GPT-2's byte -> printable character table."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def tokenizer_json(vocab_size, specials, regexes):
    """Byte tokens, merges of frequent pairs of letters, then `specials` at the top of the vocabulary."""
    vocab = {c: i for i, c in enumerate(byte_level_alphabet())}
    merges = []
    letters = "etaoinsrhl"
    for x in letters:
        for y in letters:
            if len(vocab) >= vocab_size - len(specials):
                break
            vocab[x + y] = len(vocab)
            merges.append(f"{x} {y}")
    added = []
    for k, s in enumerate(specials):
        ident = vocab_size - len(specials) + k
        vocab[s] = ident
        added.append({"id": ident, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
    splits = [{"type": "Split", "pattern": {"Regex": r}, "behavior": "Isolated", "invert": False} for r in regexes]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": splits + [
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }


def write_tokenizer_json(outdir, tokenizer):
    with open(os.path.join(outdir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--vocab", type=int, required=True)
    p.add_argument("--style", choices=sorted(STYLES), required=True)
    a = p.parse_args()
    style = STYLES[a.style]
    os.makedirs(a.outdir, exist_ok=True)
    write_tokenizer_json(a.outdir, tokenizer_json(a.vocab, style["specials"], style["regexes"]))
    with open(os.path.join(a.outdir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(dict(style["config"], tokenizer_class="PreTrainedTokenizerFast"), f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
