#!/usr/bin/env python3
"""Kimi K2 style tiktoken tokenizers for test checkpoints, and what llama.cpp's
converter makes of them.

  kimi_tokenizer.py write OUTDIR --vocab N
  kimi_tokenizer.py expect OUTDIR [--vocab N] [--text TEXT ...]

write puts into OUTDIR what Kimi K2 ships instead of tokenizer.json:
tiktoken.model (one "<base64 bytes> <rank>" line per token: the 256 single
bytes in GPT-2's bytes_to_unicode order, then tokens trained by byte-pair
merging on a small English text), tokenizer_config.json (added_tokens_decoder
naming some of the special ids after the ranks, bos_token, eos_token,
chat_template) and, when OUTDIR/config.json exists, sets its bos_token_id and
eos_token_id to the [BOS] and [EOS] ids as Kimi K2's config.json does. The
vocabulary fills N ids: the ranks, then the special ids up to N.

expect prints, as JSON, what llama.cpp's converter (conversion/deepseek.py,
the "kimi-k2" branch of set_vocab, with QwenModel.bpe and
token_bytes_to_string, and gguf-py's SpecialVocab) writes for OUTDIR:
tokens, token types, merges, bos/eos ids; and for each --text the ids
tiktoken gives (rank-based byte-pair merging of the pre-split pieces). The
pre-split here is tokenization_kimi.py's pattern restricted to ASCII, so the
texts must be ASCII.
"""

import argparse
import base64
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from byte_level_tokenizer import byte_level_alphabet  # noqa: E402

NUM_RESERVED_SPECIAL_TOKENS = 256  # tokenization_kimi.py's

# Kimi K2's special ids relative to the first one (163584 = [BOS]).
SPECIAL_OFFSETS = {0: "[BOS]", 1: "[EOS]", 2: "<|im_end|>", 3: "<|im_user|>", 4: "<|im_assistant|>",
                   6: "<|start_header_id|>", 7: "<|end_header_id|>", 9: "[EOT]", 10: "<|im_system|>",
                   15: "<|im_middle|>"}
# K2's [UNK] and [PAD] are the last two reserved ids; here the last two of the vocabulary.

CHAT_TEMPLATE = ("{%- for message in messages -%}<|im_{{ message['role'] }}|>{{ message['role'] }}<|im_middle|>"
                 "{{ message['content'] }}<|im_end|>{%- endfor -%}")

CORPUS = ("The rain in Spain stays mainly in the plain. In the morning the train leaves the station, "
          "and the people in the train read their papers. There is nothing interesting in the papers, "
          "so they look at the rain on the windows. Then the sun comes out, the rain stops, and the "
          "plain shines in the light. The station master says the train is on time in 2024 and 1234 times. "
          "Hello, world! We're told they'll come back when the weather is better; I've heard it's lovely. "
          "Quick brown foxes jump over lazy dogs, while twelve wizards quietly box five jugs of liquor.\n")

# tokenization_kimi.py's pat_str with \p{L} = [A-Za-z], \p{Lu} = [A-Z], \p{Ll} = [a-z],
# \p{N} = [0-9] and no Han: the same pieces for ASCII text.
ASCII_PATTERN = re.compile("|".join([
    r"[^\r\nA-Za-z0-9]?[A-Z]*[a-z]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"[^\r\nA-Za-z0-9]?[A-Z]+[a-z]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"[0-9]{1,3}",
    r" ?[^\sA-Za-z0-9]+[\r\n]*",
    r"\s*[\r\n]+",
    r"\s+(?!\S)",
    r"\s+",
]))


def bytes_to_unicode_order():
    """Bytes in GPT-2's bytes_to_unicode order (printable ones first), and the byte -> character table."""
    alphabet = byte_level_alphabet()
    keep = [b for b in range(256) if ord(alphabet[b]) == b]
    order = keep + [b for b in range(256) if b not in keep]
    return order, dict(enumerate(alphabet))


def token_bytes_to_string(b):
    return "".join(bytes_to_unicode_order()[1][x] for x in b)


def pre_split(text):
    if not text.isascii():
        raise ValueError(f"{text!r} is not ASCII; this reference only splits ASCII text")
    pieces = ASCII_PATTERN.findall(text)
    assert "".join(pieces) == text, pieces
    return pieces


def train_ranks(n_merged):
    """The 256 single bytes, then n_merged tokens, each the most frequent adjacent pair in the corpus's pieces
    (first seen wins ties) whose bytes are not a token yet."""
    order, _ = bytes_to_unicode_order()
    tokens = [bytes([b]) for b in order]
    known = set(tokens)
    words = [[bytes([c]) for c in piece.encode()] for piece in pre_split(CORPUS)]
    while len(tokens) < 256 + n_merged:
        counts = {}
        for w in words:
            for pair in zip(w[:-1], w[1:]):
                if pair[0] + pair[1] not in known:
                    counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            raise ValueError(f"the corpus gives only {len(tokens) - 256} merged tokens, not {n_merged}")
        best = max(counts.items(), key=lambda kv: kv[1])[0]  # max keeps the first of equal counts
        merged = best[0] + best[1]
        tokens.append(merged)
        known.add(merged)
        for w in words:
            i = 0
            while i + 1 < len(w):
                if w[i] == best[0] and w[i + 1] == best[1]:
                    w[i:i + 2] = [merged]
                i += 1
    return tokens


def write(outdir, vocab):
    n_specials = min(NUM_RESERVED_SPECIAL_TOKENS, max(len(SPECIAL_OFFSETS) + 2, vocab // 4))
    n_base = vocab - n_specials
    if n_base < 257:
        raise ValueError(f"--vocab {vocab} leaves no room for merged tokens")
    tokens = train_ranks(n_base - 256)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "tiktoken.model"), "w", encoding="ascii") as f:
        for rank, t in enumerate(tokens):
            f.write(f"{base64.b64encode(t).decode()} {rank}\n")
    names = {n_base + k: v for k, v in SPECIAL_OFFSETS.items()}
    names[vocab - 2], names[vocab - 1] = "[UNK]", "[PAD]"
    decoder = {str(i): {"content": c, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False,
                        "special": True} for i, c in sorted(names.items())}
    config = {"added_tokens_decoder": decoder, "additional_special_tokens": ["<|im_end|>", "<|im_user|>"],
              "bos_token": "[BOS]", "eos_token": "[EOS]", "pad_token": "[PAD]", "unk_token": "[UNK]",
              "chat_template": CHAT_TEMPLATE, "clean_up_tokenization_spaces": False,
              "model_max_length": 131072, "tokenizer_class": "TikTokenTokenizer",
              "auto_map": {"AutoTokenizer": ["tokenization_kimi.TikTokenTokenizer", None]}}
    with open(os.path.join(outdir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    config_json = os.path.join(outdir, "config.json")
    if os.path.exists(config_json):
        with open(config_json, encoding="utf-8") as f:
            hf = json.load(f)
        hf["bos_token_id"], hf["eos_token_id"] = n_base, n_base + 1
        with open(config_json, "w", encoding="utf-8") as f:
            json.dump(hf, f, indent=2)


def load_tiktoken_bpe(path):
    with open(path, "rb") as f:
        return {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in f.read().splitlines()
                                                                   if line)}


def bpe(mergeable_ranks, token, max_rank=None):
    """QwenModel.bpe: merge the lowest-ranked adjacent pair (leftmost on ties) while its rank is below max_rank."""
    parts = [bytes([b]) for b in token]
    while True:
        min_idx, min_rank = None, None
        for i, pair in enumerate(zip(parts[:-1], parts[1:])):
            rank = mergeable_ranks.get(pair[0] + pair[1])
            if rank is not None and (min_rank is None or rank < min_rank):
                min_idx, min_rank = i, rank
        if min_rank is None or (max_rank is not None and min_rank >= max_rank):
            break
        parts = parts[:min_idx] + [parts[min_idx] + parts[min_idx + 1]] + parts[min_idx + 2:]
    return parts


def tiktoken_encode(mergeable_ranks, text):
    """tiktoken's encode_ordinary: a piece that is a token is that token, else its bytes merged by rank."""
    ids = []
    for piece in pre_split(text):
        b = piece.encode()
        if b in mergeable_ranks:
            ids.append(mergeable_ranks[b])
        else:
            ids.extend(mergeable_ranks[p] for p in bpe(mergeable_ranks, b))
    return ids


def expect(outdir, vocab_size, texts):
    ranks = load_tiktoken_bpe(os.path.join(outdir, "tiktoken.model"))
    with open(os.path.join(outdir, "tokenizer_config.json"), encoding="utf-8") as f:
        tokenizer_config = json.load(f)
    mapping = {int(i): v["content"] for i, v in tokenizer_config.get("added_tokens_decoder", {}).items()}
    n_base = len(ranks)
    special_tokens = {mapping.get(i, f"<|reserved_token_{i}|>"): i
                      for i in range(n_base, n_base + NUM_RESERVED_SPECIAL_TOKENS)}
    # conversion/deepseek.py, tokpre == "kimi-k2"
    merges, vocab = [], {}
    for token, rank in ranks.items():
        vocab[token_bytes_to_string(token)] = rank
        if len(token) == 1:
            continue
        merged = bpe(ranks, token, max_rank=rank)
        if len(merged) == 2:
            merges.append(" ".join(map(token_bytes_to_string, merged)))
    if vocab_size is None:
        vocab_size = n_base + NUM_RESERVED_SPECIAL_TOKENS
    reverse = {i: t for t, i in {**vocab, **special_tokens}.items()}
    tokens, types = [], []
    for i in range(vocab_size):
        if i not in reverse:
            tokens.append(f"[PAD{i}]")
            types.append(5)  # UNUSED
        else:
            tokens.append(reverse[i])
            types.append(3 if i in special_tokens.values() else 1)  # CONTROL / NORMAL
    # SpecialVocab without tokenizer.json: the ids come from config.json.
    special = {}
    config_json = os.path.join(outdir, "config.json")
    if os.path.exists(config_json):
        with open(config_json, encoding="utf-8") as f:
            hf = json.load(f)
        for role in ("bos", "eos"):
            if isinstance(hf.get(f"{role}_token_id"), int):
                special[role] = hf[f"{role}_token_id"]
    return {"tokens": tokens, "types": types, "merges": merges, "special": special,
            "chat_template": tokenizer_config.get("chat_template"),
            "ids": {t: tiktoken_encode(ranks, t) for t in texts}}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("outdir")
    w.add_argument("--vocab", type=int, required=True)
    e = sub.add_parser("expect")
    e.add_argument("outdir")
    e.add_argument("--vocab", type=int)
    e.add_argument("--text", action="append", default=[])
    a = p.parse_args()
    if a.command == "write":
        write(a.outdir, a.vocab)
    else:
        json.dump(expect(a.outdir, a.vocab, a.text), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
