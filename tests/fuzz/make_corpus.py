#!/usr/bin/env python3
"""Write the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/.

  make_corpus.py [CORPUS_DIR]

Seeds are small valid inputs (so the fuzzer starts deep inside each parser)
plus a few near misses. The same script always writes the same bytes; run it
after changing a format, and commit the result.
"""

import base64
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from gguf_imatrix import gguf_imatrix, gguf_string  # noqa: E402


def write(corpus, target, name, data):
    folder = os.path.join(corpus, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- safetensors -----------------------------------------------------------

DTYPE_SIZES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I8": 1, "U8": 1, "I32": 4, "I64": 8, "BOOL": 1,
               "F8_E4M3": 1, "F8_E8M0": 1}


def safetensors(tensors, metadata=None, pad=True):
    """tensors: [(name, dtype, shape)]; data is a byte ramp."""
    header, offset = {}, 0
    for name, dtype, shape in tensors:
        n = DTYPE_SIZES[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + bytes(i % 251 for i in range(offset))


def safetensors_seeds(corpus):
    t = "safetensors_header"
    write(corpus, t, "one_f32", safetensors([("w", "F32", [2, 3])]))
    write(corpus, t, "llama_like", safetensors([
        ("model.embed_tokens.weight", "BF16", [8, 4]),
        ("model.layers.0.self_attn.q_proj.weight", "BF16", [4, 4]),
        ("model.layers.0.input_layernorm.weight", "F32", [4]),
        ("model.norm.weight", "F16", [4]),
    ], metadata={"format": "pt"}))
    write(corpus, t, "scalar_and_empty", safetensors([("s", "F64", []), ("e", "I8", [0, 5]), ("b", "BOOL", [3])]))
    write(corpus, t, "unpadded_header", safetensors([("x", "I64", [1]), ("y", "U8", [7])], pad=False))
    write(corpus, t, "only_metadata", safetensors([], metadata={"a": "b"}))
    write(corpus, t, "low_precision", safetensors([
        ("model.layers.0.mlp.up_proj.weight", "F8_E4M3", [4, 8]),
        ("model.layers.0.mlp.up_proj.weight_scale_inv", "F32", [1, 1]),
        ("model.layers.0.mlp.experts.down_proj_blocks", "U8", [2, 1, 16]),
        ("model.layers.0.mlp.experts.down_proj_scales", "F8_E8M0", [2, 1]),
    ]))
    # Near misses: a gap, an overlap, a shape that disagrees with its bytes.
    good = safetensors([("a", "F32", [2]), ("b", "F32", [2])])
    write(corpus, t, "gap", good.replace(b'"data_offsets":[8,16]', b'"data_offsets":[9,16]'))
    write(corpus, t, "overlap", good.replace(b'"data_offsets":[8,16]', b'"data_offsets":[4,12]'))
    write(corpus, t, "short_file", good[:20])


# --- .gmat tensor files ----------------------------------------------------

GMAT_DTYPES = {"F32": (0, 4), "F16": (1, 2), "BF16": (2, 2), "I8": (4, 1), "U8": (5, 1), "I64": (10, 8),
               "F8_E4M3": (13, 1), "F8_E8M0": (15, 1)}


def gmat_tensor(name, dtype, shape, payload=None):
    """A tensor file with zero checksums: the fuzz target repairs them (mode byte 3)."""
    dtype_id, size = GMAT_DTYPES[dtype]
    n = size
    for d in shape:
        n *= d
    payload = bytes(i * 7 % 256 for i in range(n)) if payload is None else payload
    name_bytes = name.encode()
    used = 56 + 8 * len(shape) + len(name_bytes)
    header_bytes = (used + 63) // 64 * 64
    head = b"GMATTENS" + struct.pack("<IIIIII", 1, header_bytes, dtype_id, 0, len(shape), len(name_bytes))
    head += struct.pack("<QQQ", len(payload), 0, 0)
    head += b"".join(struct.pack("<Q", d) for d in shape) + name_bytes
    return head + b"\0" * (header_bytes - len(head)) + payload


def gmat_source_tensor(name, dtype, shape, layout, payload):
    """A version 3 raw tensor file (a source encoding: data + companions) with zero checksums."""
    dtype_id, _ = GMAT_DTYPES[dtype]
    name_bytes = name.encode()
    used = 96 + 8 * len(shape) + len(name_bytes) + len(layout)
    header_bytes = (used + 63) // 64 * 64
    head = b"GMATTENS" + struct.pack("<IIIIII", 3, header_bytes, dtype_id, 0, len(shape), len(name_bytes))
    head += struct.pack("<QQQ", len(payload), 0, 0)
    head += struct.pack("<QIIQQII", len(payload), 0, 0, 0, 0, len(layout), 0)
    head += b"".join(struct.pack("<Q", d) for d in shape) + name_bytes + layout
    return head + b"\0" * (header_bytes - len(head)) + payload


def zstd_rle_frame(planes):
    """A zstd frame by hand: one RLE block per (byte, count) plane (counts up to 128 KiB)."""
    size = sum(n for _, n in planes)
    frame = struct.pack("<I", 0xFD2FB528) + bytes([0xA0]) + struct.pack("<I", size)  # single segment, 4-byte size
    for i, (byte, n) in enumerate(planes):
        last = 1 if i == len(planes) - 1 else 0
        header = last | (1 << 1) | (n << 3)  # block type 1: RLE
        frame += struct.pack("<I", header)[:3] + bytes([byte])
    return frame


def gmat_encoded_tensor(name, dtype, shape, chunk_bytes, chunks, encoding=1, base_ref=b"", base_checksum=0):
    """A version 2 (encoded) tensor file with zero checksums; chunks are
    (coding, stored bytes). The fuzz target repairs the checksums (mode byte 7)."""
    dtype_id, size = GMAT_DTYPES[dtype]
    n = size
    for d in shape:
        n *= d
    name_bytes = name.encode()
    used = 88 + 8 * len(shape) + len(name_bytes) + len(base_ref)
    header_bytes = (used + 63) // 64 * 64
    body, index, offset = b"", b"", 0
    for coding, stored in chunks:
        index += struct.pack("<QIIQQ", offset, len(stored), coding, 0, 0)
        body += stored
        offset += len(stored)
    stored_bytes = len(body) + len(index)
    head = b"GMATTENS" + struct.pack("<IIIIII", 2, header_bytes, dtype_id, encoding, len(shape), len(name_bytes))
    head += struct.pack("<QQQ", n, 0, 0)
    head += struct.pack("<QIIQQ", stored_bytes, chunk_bytes, len(base_ref), 0, base_checksum)
    head += b"".join(struct.pack("<Q", d) for d in shape) + name_bytes + base_ref
    return head + b"\0" * (header_bytes - len(head)) + body + index


def encoded_tensor_file_seeds(corpus, t):
    repair = b"\x07"  # every checksum, chunks included
    one = zstd_rle_frame([(0x80, 128), (0x3F, 128)])  # 128 BF16 ones, as byte planes
    write(corpus, t, "zstd_bf16_two_chunks", repair + gmat_encoded_tensor(
        "model.layers.0.mlp.up_proj.weight", "BF16", [4, 64], 256, [(1, one), (1, one)]))
    stored = bytes(i * 13 % 256 for i in range(512))
    write(corpus, t, "zstd_f32_mixed_codings", repair + gmat_encoded_tensor(
        "model.norm.weight", "F32", [3, 100], 512,
        [(0, stored), (1, zstd_rle_frame([(0, 128), (0, 128), (0x80, 128), (0x3F, 128)])), (0, stored[:176])]))
    write(corpus, t, "zstd_empty", repair + gmat_encoded_tensor("z", "I64", [0], 1024, []))
    write(corpus, t, "zstd_delta", repair + gmat_encoded_tensor(
        "d", "BF16", [256], 512, [(2, zstd_rle_frame([(0, 512)]))], encoding=2, base_ref=b"blobs/0123abcd",
        base_checksum=0x1234))
    write(corpus, t, "zstd_index_checksum_wrong", b"\x01" + gmat_encoded_tensor(
        "w", "BF16", [4, 64], 256, [(1, one), (1, one)]))


def tensor_file_seeds(corpus):
    t = "tensor_file"
    repair = b"\x03"  # recompute both checksums
    write(corpus, t, "bf16_matrix", repair + gmat_tensor("model.layers.0.mlp.up_proj.weight", "BF16", [6, 10]))
    write(corpus, t, "f32_vector", repair + gmat_tensor("model.norm.weight", "F32", [16]))
    write(corpus, t, "scalar", repair + gmat_tensor("s", "F16", []))
    write(corpus, t, "eight_dims", repair + gmat_tensor("d", "I8", [1, 2, 1, 2, 1, 2, 1, 2]))
    write(corpus, t, "empty_payload", repair + gmat_tensor("z", "I64", [3, 0]))
    write(corpus, t, "long_name", repair + gmat_tensor("n" * 300, "F32", [2]))
    write(corpus, t, "payload_checksum_wrong", b"\x01" + gmat_tensor("w", "F32", [4]))
    write(corpus, t, "no_repair", b"\x00" + gmat_tensor("w", "F32", [4]))
    write(corpus, t, "fp8_block_scales", repair + gmat_source_tensor(
        "w", "F8_E4M3", [3, 5], source_layout(1, [2, 4], [("F32", [2, 2])]), bytes(range(15)) + b"\0\0\x80\x3f" * 4))
    write(corpus, t, "mxfp4_blocks", repair + gmat_source_tensor(
        "e", "U8", [2, 32], source_layout(2, [1, 32], [("U8", [2, 1])]), bytes(range(32)) + b"\x7f\x80"))
    encoded_tensor_file_seeds(corpus, t)


def source_layout(scheme, block, companions):
    """Source-encoding bytes of a version 3 tensor file header."""
    out = struct.pack("<4I", scheme, block[0], block[1], len(companions))
    for dtype, shape in companions:
        out += struct.pack("<2I", GMAT_DTYPES[dtype][0], len(shape)) + struct.pack(f"<{len(shape)}Q", *shape)
    return out


def source_encoding_seeds(corpus):
    t = "source_encoding"
    tail = lambda rows, cols, dtype: struct.pack("<HHB", rows, cols, dtype)  # noqa: E731  dtype 0 = F8_E4M3, 2 = U8
    write(corpus, t, "fp8_block_partial_edges", b"\x00" + source_layout(1, [96, 96], [("F32", [3, 3])]) + tail(200, 200, 0))
    write(corpus, t, "fp8_block_bf16_scales", b"\x00" + source_layout(1, [128, 128], [("BF16", [2, 1])]) + tail(256, 64, 1))
    write(corpus, t, "fp8_per_channel_input_scale", b"\x00" + source_layout(
        1, [1, 40], [("F32", [30, 1]), ("F32", [1])]) + tail(30, 40, 0))
    write(corpus, t, "fp8_per_tensor", b"\x00" + source_layout(1, [7, 9], [("F16", [])]) + tail(7, 9, 0))
    write(corpus, t, "mxfp4_experts", b"\x00" + source_layout(2, [1, 32], [("U8", [2, 5, 2])]) + tail(5, 64, 2))
    write(corpus, t, "mxfp4_f8_e8m0_scales", b"\x00" + source_layout(2, [1, 32], [("F8_E8M0", [2, 3, 4])]) +
          tail(3, 128, 2))
    write(corpus, t, "json_layout", b"\x01" + json.dumps(
        {"scheme": "fp8-block", "block": [128, 128], "companions": [{"dtype": "F32", "shape": [2, 3]}]}).encode())
    write(corpus, t, "json_request", b"\x01" + json.dumps(
        {"scheme": "fp8-block", "block": [1, 4096], "scales": "a.weight_scale", "input_scale": "a.input_scale"}).encode())
    write(corpus, t, "json_mxfp4_request", b"\x01" + json.dumps(
        {"scheme": "mxfp4", "block": [1, 32], "scales": "e.down_proj_scales"}).encode())
    write(corpus, t, "json_mxfp4_f8_e8m0_layout", b"\x01" + json.dumps(
        {"scheme": "mxfp4", "block": [1, 32], "companions": [{"dtype": "F8_E8M0", "shape": [2, 3, 4]}]}).encode())


# --- configs and store metadata ----------------------------------------------

UUIDS = ["3f2a1c4e-5b6d-8e7f-9a0b-1c2d3e4f5a6b", "00000000-0000-8000-8000-000000000001",
         "ABCDEF01-2345-8678-9ABC-DEF012345678"]


def import_config_seeds(corpus):
    t = "import_config"
    full = {
        "source_format": "safetensors",
        "block_format": "raw",
        "tensor_map": [
            {"source": "model.embed_tokens.weight", "target": UUIDS[0]},
            {"source": "model.norm.weight", "target": UUIDS[1], "include": False},
        ],
        "metadata": {"architecture": "llama", "vocab_size": 32000, "rope": {"theta": 1e4, "scaling": None},
                     "names": ["a", "b\u00e9"], "flag": True},
    }
    write(corpus, t, "full", json.dumps(full, indent=2))
    write(corpus, t, "minimal", '{"tensor_map": []}')
    write(corpus, t, "lossy_format", '{"block_format": "B8x4", "tensor_map": []}')
    write(corpus, t, "bad_uuid", '{"tensor_map": [{"source": "a", "target": "not-a-uuid"}]}')
    write(corpus, t, "escapes", '{"tensor_map": [{"source": "t\\u00e9\\n\\"x\\"", "target": "%s"}], '
                                '"metadata": {"k": -1.5e-300, "big": 18446744073709551615}}' % UUIDS[2])
    write(corpus, t, "source_encodings", json.dumps({"tensor_map": [
        {"source": "w.weight", "target": UUIDS[0], "source_encoding": {
            "scheme": "fp8-block", "block": [128, 128], "scales": "w.weight_scale_inv"}},
        {"source": "c.weight", "target": UUIDS[1], "source_encoding": {
            "scheme": "fp8-block", "block": [1, 4096], "scales": "c.weight_scale", "input_scale": "c.input_scale"}},
        {"source": "e.down_proj_blocks", "target": UUIDS[2], "source_encoding": {
            "scheme": "mxfp4", "block": [1, 32], "scales": "e.down_proj_scales"}}]}, indent=2))


def export_config_seeds(corpus):
    t = "export_config"
    full = {
        "target_format": "gguf",
        "quantization": {
            "default_type": "q4_k_m",
            "scale_optimization": "trellis",
            "trellis_lambda": 0.3,
            "per_tensor": {UUIDS[0]: "q8_0", "output.weight": "q6_k", "blk\\.[0-9]+\\.ffn_down.*": "q5_k"},
        },
        "tensor_map": [{"source": UUIDS[0], "target": "token_embd.weight"}],
        "shard_size": 2000000000,
        "special_token_keys": {"bos": 1, "eos": 2, "pad": -1},
        "_comment": {"x": "why"},
    }
    write(corpus, t, "full", json.dumps(full, indent=2))
    write(corpus, t, "empty", "{}")
    write(corpus, t, "standard", '{"quantization": {"default_type": "q8_0", "scale_optimization": "standard"}}')
    write(corpus, t, "null_shard", '{"shard_size": null, "quantization": {"trellis_lambda": 10}}')
    write(corpus, t, "bad_lambda", '{"quantization": {"trellis_lambda": 11}}')
    write(corpus, t, "float_shard", '{"shard_size": 1e9}')
    write(corpus, t, "auto_types", '{"quantization": {"default_type": "auto", "target_size": "7.5GiB", '
                                   '"auto_types": ["q3_k", "iq3_s", "q8_0"]}}')


def store_metadata_seeds(corpus):
    t = "store_metadata"
    config = {"source_format": "safetensors", "block_format": "raw",
              "tensor_map": [{"source": "model.norm.weight", "target": UUIDS[0], "include": True},
                             {"source": "lm_head.weight", "target": UUIDS[1], "include": False}],
              "metadata": {"architecture": "llama"}}
    store = {
        "format": "gmat-store", "format_version": 1, "gmat_version": "0.1.0", "config": config,
        "tensor_name_map": {"model.norm.weight": UUIDS[0]},
        "total_tensors": 1,
        "tensors": {UUIDS[0]: {"name": "model.norm.weight", "dtype": "F32", "shape": [64], "bytes": 256,
                               "checksum": "xxh3:0123456789abcdef"}},
        "model_files": ["config.json", "tokenizer.json"],
    }
    write(corpus, t, "one_tensor", json.dumps(store, indent=2))
    empty = dict(store, tensors={}, tensor_name_map={}, total_tensors=0)
    empty["config"] = dict(config, tensor_map=[])
    write(corpus, t, "empty", json.dumps(empty))
    missing = dict(store, tensors={})
    write(corpus, t, "missing_entry", json.dumps(missing))
    write(corpus, t, "future_version", json.dumps(dict(store, format_version=2)))


# --- tokenizers --------------------------------------------------------------

def bytes_to_unicode():
    """GPT-2's printable stand-in for each byte."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + \
        list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def byte_level_tokenizer():
    chars = bytes_to_unicode()
    vocab = {chars[b]: b for b in range(256)}
    merges = [("H", "e"), ("l", "l"), ("He", "ll"), ("Hell", "o"), ("\u0120", "w"), ("o", "r")]
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    added = [{"id": len(vocab), "content": "<|endoftext|>", "special": True, "single_word": False,
              "lstrip": False, "rstrip": False, "normalized": False}]
    return {
        "version": "1.0",
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


def byte_fallback_tokenizer():
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for piece in ["\u2581", "l", "o", "w", "r", "e", "H", "ll", "\u2581w", "or", "\u2581wor"]:
        vocab.setdefault(piece, len(vocab))
    added = [{"id": i, "content": c, "special": True} for i, c in enumerate(["<unk>", "<s>", "</s>"])]
    return {
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"}, {"type": "Replace", "pattern": {"String": " "},
                                                       "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                                                    {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": True, "fuse_unk": True,
                  "vocab": vocab, "merges": [["l", "l"], ["\u2581", "w"], ["o", "r"], ["\u2581w", "or"]]},
    }


def tokenizer_json_seeds(corpus):
    t = "tokenizer_json"
    nul = b"\0"
    dumps = lambda v: json.dumps(v, ensure_ascii=False).encode()
    config = {"bos_token": "<|endoftext|>", "eos_token": {"content": "<|endoftext|>"}, "add_bos_token": False,
              "chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
              "added_tokens_decoder": {"300": {"content": "<tool>", "special": True}}}
    write(corpus, t, "byte_level", dumps(byte_level_tokenizer()))
    write(corpus, t, "byte_level_with_configs", dumps(byte_level_tokenizer()) + nul + dumps(config) + nul +
          dumps({"eos_token": "<|endoftext|>"}) + nul + dumps({"<extra>": 301}) + nul +
          dumps({"vocab_size": 1024, "bos_token_id": 0, "eos_token_id": [1, 2]}))
    write(corpus, t, "byte_fallback", dumps(byte_fallback_tokenizer()))
    write(corpus, t, "byte_fallback_with_config", dumps(byte_fallback_tokenizer()) + nul +
          dumps({"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "unk_token": "<unk>",
                 "add_prefix_space": False}))
    write(corpus, t, "not_bpe", '{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}')


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, wire_type, payload):
    tag = varint(number << 3 | wire_type)
    if wire_type == 2:
        return tag + varint(len(payload)) + payload
    return tag + payload


def piece(text, score, kind):
    return field(1, 2, field(1, 2, text.encode()) + field(2, 5, struct.pack("<f", score)) + field(3, 0, varint(kind)))


def sentencepiece_model(pieces, trainer=b"", normalizer=b""):
    body = b"".join(piece(*p) for p in pieces)
    if trainer:
        body += field(2, 2, trainer)
    if normalizer:
        body += field(3, 2, normalizer)
    return body


def tokenizer_model_seeds(corpus):
    t = "tokenizer_model"
    base = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3)]
    words = [("\u2581the", -1.0, 1), ("\u2581a", -2.0, 1), ("s", -3.0, 1), ("<tool>", 0.0, 4)]
    bytes_ = [("<0x%02X>" % b, 0.0, 6) for b in range(256)]
    trainer = field(3, 0, varint(2)) + field(35, 0, varint(1)) + field(40, 0, varint(0)) + \
        field(41, 0, varint(1)) + field(42, 0, varint(2)) + field(43, 0, varint((1 << 64) - 1))  # pad_id -1
    normalizer = field(1, 2, b"identity") + field(3, 0, varint(0)) + field(4, 0, varint(1))
    write(corpus, t, "bpe_byte_fallback", sentencepiece_model(base + bytes_ + words, trainer, normalizer))
    write(corpus, t, "unigram_defaults", sentencepiece_model(base + words))
    write(corpus, t, "unused_piece", sentencepiece_model(base + [("x", 0.0, 5)] + words, field(3, 0, varint(1))))
    write(corpus, t, "unknown_fields", sentencepiece_model(base) + field(99, 0, varint(7)) + field(98, 1, b"\0" * 8) +
          field(97, 5, b"\0" * 4))
    write(corpus, t, "bad_bos", sentencepiece_model(base, field(41, 0, varint(9))))


def tiktoken_model_seeds(corpus):
    t = "tiktoken_model"
    nul = b"\0"
    order = list(range(ord("!"), ord("~") + 1)) + [b for b in range(256) if not ord("!") <= b <= ord("~")]
    merged = [b"th", b"he", b"the", b" t", b" the", b"in", b"ing", b" th", b"\xe4\xb8", b"\xe4\xb8\x80"]
    ranks = [bytes([b]) for b in order] + merged
    tiktoken = "".join(f"{base64.b64encode(tok).decode()} {rank}\n" for rank, tok in enumerate(ranks)).encode()
    config = {"added_tokens_decoder": {str(len(ranks)): {"content": "[BOS]", "special": True},
                                       str(len(ranks) + 1): {"content": "[EOS]", "special": True},
                                       "3": {"content": "<outside>", "special": True}},
              "bos_token": "[BOS]", "eos_token": "[EOS]", "chat_template": "{{ messages[0].content }}"}
    write(corpus, t, "kimi_style", tiktoken + nul + json.dumps(config).encode() + nul +
          json.dumps({"vocab_size": 1024, "bos_token_id": len(ranks), "eos_token_id": len(ranks) + 1}).encode())
    write(corpus, t, "bytes_only", tiktoken.split(b"\n" + base64.b64encode(merged[0]))[0] + b"\n")
    write(corpus, t, "shuffled_ranks", b"Yg== 1\r\n\nYQ== 0\nYWI= 2\n")
    write(corpus, t, "duplicate_rank", b"YQ== 0\nYg== 0\n")
    write(corpus, t, "bad_base64", b"YQ== 0\nY#== 1\n")


# --- importance matrices ---------------------------------------------------------

def legacy_imatrix(entries, chunks=10, dataset="wiki"):
    """entries: [(name, ncall, values)] in llama.cpp's old .dat layout."""
    out = struct.pack("<i", len(entries))
    for name, ncall, values in entries:
        out += struct.pack("<i", len(name)) + name.encode() + struct.pack("<ii", ncall, len(values))
        out += struct.pack("<%df" % len(values), *values)
    return out + struct.pack("<ii", chunks, len(dataset)) + dataset.encode()


def imatrix_seeds(corpus):
    t = "imatrix"
    write(corpus, t, "gguf_two_entries", gguf_imatrix([
        ("blk.0.ffn_down.weight", [4.0, 8.0, 12.0, 16.0], [4.0]),
        ("output.weight", [1.0] * 8, [2.0, 0.0]),
    ]))
    write(corpus, t, "gguf_v2_unaligned_names", gguf_imatrix([("a", [1.0], [1.0])], version=2, alignment=32))
    write(corpus, t, "gguf_sums_without_counts", gguf_imatrix([("x", [1.0, 2.0], [])]))
    write(corpus, t, "legacy_dat", legacy_imatrix([("blk.0.ffn_down.weight", 10, [1.0, 2.0, 3.0, 4.0]),
                                                  ("output.weight", 0, [0.5] * 64)]))
    write(corpus, t, "legacy_truncated", legacy_imatrix([("output.weight", 3, [1.0] * 4)])[:20])


# --- part files (gmat export --part / --assemble) ----------------------------

def part_file(header, payload=b"", version=1, length=None):
    text = json.dumps(header, separators=(",", ":")).encode()
    return b"GMATPART" + struct.pack("<II", version, len(text) if length is None else length) + text + payload


def part_file_seeds(corpus):
    t = "part_file"
    ids = {"plan_id": "0123456789abcdef0123456789abcdef", "store_id": "fedcba9876543210fedcba9876543210",
           "profile_id": "00112233445566778899aabbccddeeff"}
    data = dict(ids, part=1, parts=4, tensors=[3, 7], payload_bytes=8, payload_xxh3="0011223344556677", files=[])
    write(corpus, t, "single_file_part", part_file(data, bytes(range(8))))
    sharded = dict(ids, part=0, parts=2, tensors=[0, 5], payload_bytes=0, payload_xxh3="0000000000000000",
                   files=[{"name": "m-00001-of-00003.gguf", "bytes": 4096, "xxh3": "89abcdef01234567"},
                          {"name": "m-00002-of-00003.gguf", "bytes": 2048, "xxh3": "0123456789abcdef"}])
    write(corpus, t, "sharded_part", part_file(sharded))
    write(corpus, t, "empty_part", part_file(dict(ids, part=3, parts=4, tensors=[9, 9], payload_bytes=0,
                                                  payload_xxh3="0000000000000000", files=[])))
    write(corpus, t, "index_out_of_range", part_file(dict(data, part=4)))
    write(corpus, t, "zero_parts", part_file(dict(data, parts=0)))
    write(corpus, t, "path_in_name", part_file(dict(sharded, files=[{"name": "../x.gguf", "bytes": 1,
                                                                      "xxh3": "0000000000000000"}])))
    write(corpus, t, "truncated_header", part_file(data)[:40])
    write(corpus, t, "version_2", part_file(data, version=2))
    write(corpus, t, "huge_length", part_file(data, length=0xFFFFFFF0))

# --- GGUF files (gmat inspect) -----------------------------------------------------

def gguf_model(kvs, tensors, version=3, alignment=32, extra_alignment_key=False):
    """kvs: [(key, type, packed value)]; tensors: [(name, ne, ggml_type, data bytes)]."""
    kv = b""
    if extra_alignment_key:
        kvs = kvs + [("general.alignment", 4, struct.pack("<I", alignment))]
    for key, vtype, value in kvs:
        kv += gguf_string(key) + struct.pack("<I", vtype) + value
    info, data = b"", b""
    for name, ne, ggml_type, payload in tensors:
        data += b"\0" * (-len(data) % alignment)
        info += gguf_string(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", n) for n in ne)
        info += struct.pack("<IQ", ggml_type, len(data))
        data += payload
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs)) + kv + info
    return head + b"\0" * (-len(head) % alignment) + data


def gguf_file_seeds(corpus):
    t = "gguf_file"
    kvs = [("general.architecture", 8, gguf_string("llama")),
           ("llama.block_count", 4, struct.pack("<I", 1)),
           ("general.flag", 7, b"\1"),
           ("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 2) + gguf_string("<s>") + gguf_string("a")),
           ("tokenizer.ggml.scores", 9, struct.pack("<IQ", 6, 2) + struct.pack("<2f", 0.0, -1.0)),
           ("gmat.provenance.store_id", 8, gguf_string("0" * 32))]
    q8_block = struct.pack("<e", 0.5) + bytes(range(32))
    tensors = [("token_embd.weight", [32, 2], 8, q8_block * 2),
               ("output_norm.weight", [32], 0, struct.pack("<32f", *([1.0] * 32))),
               ("blk.0.attn_q.weight", [256, 1], 12, bytes(144))]
    write(corpus, t, "small_model", gguf_model(kvs, tensors))
    write(corpus, t, "alignment_64_v2", gguf_model(kvs[:2], tensors[:2], version=2, alignment=64, extra_alignment_key=True))
    write(corpus, t, "split_shard", gguf_model([("split.no", 2, struct.pack("<H", 0)), ("split.count", 2, struct.pack("<H", 2)),
                                               ("split.tensors.count", 5, struct.pack("<i", 3))], tensors[1:2]))
    write(corpus, t, "unknown_type", gguf_model(kvs[:1], [("x.weight", [4, 4], 99, bytes(64))]))
    write(corpus, t, "truncated_data", gguf_model(kvs[:1], tensors)[:-40])


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        # an option is never a folder name (a "--help" folder of seeds was once written and committed)
        print(__doc__.strip(), file=sys.stderr if argv[1] not in ("-h", "--help") else sys.stdout)
        sys.exit(0 if argv[1] in ("-h", "--help") else 2)
    corpus = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for seeds in (safetensors_seeds, tensor_file_seeds, import_config_seeds, export_config_seeds,
                  store_metadata_seeds, tokenizer_json_seeds, tokenizer_model_seeds, tiktoken_model_seeds, imatrix_seeds, part_file_seeds,
                  gguf_file_seeds, source_encoding_seeds):
        seeds(corpus)


if __name__ == "__main__":
    main(sys.argv)
