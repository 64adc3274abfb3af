#!/usr/bin/env python3
"""Encodes text with a byte-level BPE tokenizer.json the way its definition
says: GPT-2 byte-to-unicode mapping, words split before spaces, merges applied
lowest rank first. Prints the ids, comma-separated, after the BOS id when
tokenizer_config.json asks for one. The reference for the export's tokenizer
round-trip test (plain ASCII words and spaces only)."""
import json
import os
import re
import sys


def byte_chars():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars, n = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + n)
            n += 1
    return chars


def encode_word(word, ranks):
    parts = list(word)
    while len(parts) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
        rank, i = min(pairs)
        if rank == 1 << 30:
            break
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
    return parts


def main(folder, text):
    tok = json.load(open(os.path.join(folder, "tokenizer.json")))
    vocab = tok["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in tok["model"]["merges"]]
    ranks = {pair: i for i, pair in enumerate(merges)}
    chars = byte_chars()
    ids = []
    config = json.load(open(os.path.join(folder, "tokenizer_config.json")))
    if config.get("add_bos_token"):
        bos = config["bos_token"]
        ids.append(next(t["id"] for t in tok["added_tokens"] if t["content"] == bos))
    for word in re.findall(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+", text):
        mapped = "".join(chars[b] for b in word.encode())
        ids += [vocab[p] for p in encode_word(mapped, ranks)]
    print(",".join(map(str, ids)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
