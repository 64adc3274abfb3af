#!/usr/bin/python3
"""Convert a llama2.c checkpoint and tokenizer into a HuggingFace Llama folder.

Usage: llama2c_to_hf.py MODEL.bin TOKENIZER.bin OUTDIR

MODEL.bin is the format llama2.c's run.c reads: seven little-endian int32
(dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a
negative vocab_size means an untied classifier follows), then float32 arrays
in Meta's layout: token embeddings [vocab, dim], attention norms [L, dim],
wq [L, dim, dim], wk and wv [L, kv_dim, dim], wo [L, dim, dim], ffn norms
[L, dim], w1 [L, hidden, dim], w2 [L, dim, hidden], w3 [L, hidden, dim], the
final norm [dim], two RoPE tables [seq_len, head_size / 2] (skipped) and,
when untied, the classifier [vocab, dim]. Linear weights are [out, in], as in
torch, so they are HF's shapes already.

Meta's attention rotates interleaved pairs (x[2i], x[2i+1]); HF's Llama rotates
halves (x[i], x[i + head_dim / 2]). HF's conversion script therefore permutes
the rows of wq and wk within each head (view(heads, head_dim / 2, 2, in),
transpose(1, 2)); so does this one. gmat's export undoes it for llama.cpp.

TOKENIZER.bin is llama2.c's tokenizer.bin (int32 max_token_length, then per
token: float32 score, int32 length, the bytes). It was written from Llama 2's
SentencePiece model with "▁" replaced by " ", <s>/</s> wrapped in newlines and
byte pieces as raw bytes; this script writes the SentencePiece tokenizer.model
(protobuf) back: ids 0/1/2 are <unk>/<s>/</s>, ids 3..258 the byte pieces
<0x00>..<0xFF>, the rest normal pieces with their scores; BPE, byte fallback,
a dummy prefix and no whitespace folding, as Llama 2's model says.
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
import safetensors_io  # noqa: E402

BYTE_PIECES = range(3, 259)


def read_llama2c(path):
    with open(path, "rb") as f:
        raw = f.read()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack_from("<7i", raw, 0)
    tied = vocab > 0
    vocab = abs(vocab)
    if min(dim, hidden, layers, heads, kv_heads, vocab, seq_len) <= 0 or dim % heads:
        sys.exit(f"llama2c_to_hf: {path}: header {dim, hidden, layers, heads, kv_heads, vocab, seq_len} is not a model")
    head_size = dim // heads
    kv_dim = head_size * kv_heads
    data = np.frombuffer(raw, dtype="<f4", offset=28)
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        if pos + n > data.size:
            sys.exit(f"llama2c_to_hf: {path}: file ends inside the weights (need {pos + n} floats, have {data.size})")
        out = data[pos:pos + n].reshape(shape).astype(np.float32)
        pos += n
        return out

    m = {"dim": dim, "hidden": hidden, "layers": layers, "heads": heads, "kv_heads": kv_heads, "vocab": vocab,
         "seq_len": seq_len, "tied": tied}
    m["embed"] = take(vocab, dim)
    m["attn_norm"] = take(layers, dim)
    m["wq"] = take(layers, dim, dim)
    m["wk"] = take(layers, kv_dim, dim)
    m["wv"] = take(layers, kv_dim, dim)
    m["wo"] = take(layers, dim, dim)
    m["ffn_norm"] = take(layers, dim)
    m["w1"] = take(layers, hidden, dim)
    m["w2"] = take(layers, dim, hidden)
    m["w3"] = take(layers, hidden, dim)
    m["norm"] = take(dim)
    take(seq_len, head_size // 2)  # freq_cis_real
    take(seq_len, head_size // 2)  # freq_cis_imag
    if not tied:
        m["lm_head"] = take(vocab, dim)
    if pos != data.size:
        sys.exit(f"llama2c_to_hf: {path}: {data.size - pos} floats after the weights")
    return m


def permute_for_hf(w, n_heads):
    rows, cols = w.shape
    return w.reshape(n_heads, rows // n_heads // 2, 2, cols).transpose(0, 2, 1, 3).reshape(rows, cols)


def hf_weights(m):
    w = {"model.embed_tokens.weight": m["embed"]}
    for i in range(m["layers"]):
        p = f"model.layers.{i}."
        w[p + "self_attn.q_proj.weight"] = permute_for_hf(m["wq"][i], m["heads"])
        w[p + "self_attn.k_proj.weight"] = permute_for_hf(m["wk"][i], m["kv_heads"])
        w[p + "self_attn.v_proj.weight"] = m["wv"][i]
        w[p + "self_attn.o_proj.weight"] = m["wo"][i]
        w[p + "mlp.gate_proj.weight"] = m["w1"][i]
        w[p + "mlp.down_proj.weight"] = m["w2"][i]
        w[p + "mlp.up_proj.weight"] = m["w3"][i]
        w[p + "input_layernorm.weight"] = m["attn_norm"][i]
        w[p + "post_attention_layernorm.weight"] = m["ffn_norm"][i]
    w["model.norm.weight"] = m["norm"]
    if not m["tied"]:
        w["lm_head.weight"] = m["lm_head"]
    return w


def hf_config(m):
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": m["dim"],
        "intermediate_size": m["hidden"],
        "num_hidden_layers": m["layers"],
        "num_attention_heads": m["heads"],
        "num_key_value_heads": m["kv_heads"],
        "vocab_size": m["vocab"],
        "max_position_embeddings": m["seq_len"],
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "rope_scaling": None,
        "tie_word_embeddings": m["tied"],
        "torch_dtype": "float32",
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "initializer_range": 0.02,
        "attention_bias": False,
        "attention_dropout": 0.0,
        "mlp_bias": False,
        "pretraining_tp": 1,
        "use_cache": True,
        "transformers_version": "4.46.0",
    }


def read_tokenizer_bin(path, vocab):
    with open(path, "rb") as f:
        raw = f.read()
    pos = 4
    pieces = []
    for i in range(vocab):
        if pos + 8 > len(raw):
            sys.exit(f"llama2c_to_hf: {path}: file ends at token {i} of {vocab}")
        score, length = struct.unpack_from("<fi", raw, pos)
        pos += 8
        if length <= 0 or pos + length > len(raw):
            sys.exit(f"llama2c_to_hf: {path}: token {i} has length {length}")
        pieces.append((raw[pos:pos + length], score))
        pos += length
    if pos != len(raw):
        sys.exit(f"llama2c_to_hf: {path}: {len(raw) - pos} bytes after token {vocab - 1}")
    return pieces


# Protobuf wire encoding (varint, fixed32, length-delimited) of the few fields written.
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, value):
    return varint(number << 3 | 2) + varint(len(value)) + value


def field_float(number, value):
    return varint(number << 3 | 5) + struct.pack("<f", value)


def sentencepiece_model(pieces):
    normal, unknown, control, byte = 1, 2, 3, 6
    out = bytearray()
    for i, (text, score) in enumerate(pieces):
        if i == 0:
            piece, kind = b"<unk>", unknown
        elif i in (1, 2):
            piece, kind = (b"<s>", b"</s>")[i - 1], control
        elif i in BYTE_PIECES:
            piece, kind = f"<0x{i - 3:02X}>".encode(), byte
        else:
            try:
                piece = text.decode("utf-8").replace(" ", "\u2581").encode("utf-8")
            except UnicodeDecodeError:
                sys.exit(f"llama2c_to_hf: token {i} is not UTF-8: {text!r}")
            kind = normal
        out += field_bytes(1, field_bytes(1, piece) + field_float(2, score) + field_varint(3, kind))
    trainer = (field_varint(3, 2) + field_varint(4, len(pieces)) + field_varint(35, 1) + field_varint(40, 0) +
               field_varint(41, 1) + field_varint(42, 2) + field_varint(43, (1 << 64) - 1))  # pad_id -1
    normalizer = field_bytes(1, b"identity") + field_varint(3, 1) + field_varint(4, 0)
    out += field_bytes(2, trainer) + field_bytes(3, normalizer)
    return bytes(out)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    model_path, tokenizer_path, outdir = argv[1:]
    m = read_llama2c(model_path)
    pieces = read_tokenizer_bin(tokenizer_path, m["vocab"])
    os.makedirs(outdir, exist_ok=True)
    write_json(os.path.join(outdir, "config.json"), hf_config(m))
    write_json(os.path.join(outdir, "generation_config.json"),
               {"bos_token_id": 1, "eos_token_id": 2, "transformers_version": "4.46.0"})
    write_json(os.path.join(outdir, "tokenizer_config.json"),
               {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
                "unk_token": "<unk>", "tokenizer_class": "LlamaTokenizer", "model_max_length": m["seq_len"]})
    with open(os.path.join(outdir, "tokenizer.model"), "wb") as f:
        f.write(sentencepiece_model(pieces))
    safetensors_io.write_checkpoint(outdir, hf_weights(m), dtype="F32")


if __name__ == "__main__":
    main(sys.argv)
