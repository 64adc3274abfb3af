#!/usr/bin/env python3
"""Encode an F32 HuggingFace checkpoint as a low-precision release ships it.

  make_low_precision_checkpoint.py SRC OUT --method fp8|compressed-tensors|mxfp4
      [--block 128] [--scale-dtype F32|BF16] [--per-channel] [--input-scale]
      [--dequantized DIR] [--names SUFFIX ...] [--other-dtype F32|BF16] [--e8m0-dtype U8|F8_E8M0]

SRC is a folder with config.json and model.safetensors (F32, as
make_arch_checkpoint.py writes). Every 2-D tensor whose name ends with one of
--names (default: the attention and MLP projections) is encoded; the rest stay
F32 (or --other-dtype BF16, as releases ship them). OUT gets the encoded checkpoint and a config.json with the
quantization_config the method's releases carry; --dequantized DIR the same
model with the encoded tensors replaced by their reference dequantization
(float32, bit for bit what the model's own dequantizer computes), for the HF
reference forward pass and for exact comparisons.

  fp8                 DeepSeek-V3 / Qwen3-FP8: X.weight F8_E4M3, X.weight_scale_inv
                      [ceil(rows/B), ceil(cols/B)]; value = fp8 * scale_inv (float32).
  compressed-tensors  X.weight F8_E4M3, X.weight_scale per tensor ([1]) or per
                      output channel ([rows, 1]); --input-scale adds X.input_scale [1].
  mxfp4               GPT-OSS: X_blocks U8 [..., rows, cols/32, 16] and X_scales U8
                      [..., rows, cols/32]; value = e2m1(nibble) * 2^(scale - 127),
                      the low nibble first. X is the tensor's name (GPT-OSS names its
                      experts without ".weight": mlp.experts.down_proj).
"""

import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

PROJECTIONS = ("q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight", "gate_proj.weight",
               "up_proj.weight", "down_proj.weight")
E4M3_MAX = 448.0
E2M1 = np.array([0, .5, 1, 1.5, 2, 3, 4, 6, -0., -.5, -1, -1.5, -2, -3, -4, -6], dtype=np.float32)


def e4m3_values():
    """float32 value of each of the 256 E4M3 (fn) codes; NaN for 0x7F and 0xFF."""
    codes = np.arange(256)
    sign = np.where(codes & 0x80, -1.0, 1.0)
    exponent, mantissa = (codes >> 3) & 0xF, codes & 7
    normal = (8 + mantissa) * np.exp2(exponent - 10.0)
    subnormal = mantissa * np.exp2(-9.0)
    values = sign * np.where(exponent == 0, subnormal, normal)
    values[(codes & 0x7F) == 0x7F] = np.nan
    return values.astype(np.float32)


def encode_e4m3(x):
    """Nearest E4M3 code of each value (ties to the even code), saturating at 448."""
    table = e4m3_values()
    positive = table[:0x7F]  # codes 0..0x7E, ascending
    a = np.minimum(np.abs(x).astype(np.float64), E4M3_MAX)
    hi = np.clip(np.searchsorted(positive, a), 1, 0x7E)
    lo = hi - 1
    d_lo, d_hi = a - positive[lo], positive[hi] - a
    code = np.where((d_lo < d_hi) | ((d_lo == d_hi) & (lo % 2 == 0)), lo, hi).astype(np.uint8)
    return code | np.where(np.signbit(x), 0x80, 0).astype(np.uint8)


def scale_bytes(scale, dtype):
    """(bytes, the float32 values those bytes hold)."""
    if dtype == "BF16":
        bits = safetensors_io.f32_to_bf16_bits(scale)
        return bits.astype("<u2").tobytes(), safetensors_io.bf16_bits_to_f32(bits).reshape(scale.shape)
    scale = scale.astype(np.float32)
    return scale.astype("<f4").tobytes(), scale


def fp8_block(w, block, scale_dtype):
    rows, cols = w.shape
    sr, sc = -(-rows // block), -(-cols // block)
    amax = np.zeros((sr, sc), dtype=np.float32)
    for i in range(sr):
        for j in range(sc):
            amax[i, j] = np.abs(w[i * block:(i + 1) * block, j * block:(j + 1) * block]).max()
    raw_scale, scale = scale_bytes(np.where(amax > 0, amax / E4M3_MAX, 1.0).astype(np.float32), scale_dtype)
    expanded = np.repeat(np.repeat(scale, block, 0), block, 1)[:rows, :cols]
    codes = encode_e4m3(w / expanded)
    dequantized = e4m3_values()[codes] * expanded  # float32 x float32 -> float32, as the reference computes
    return codes, raw_scale, [sr, sc], dequantized.astype(np.float32)


def fp8_channel(w, per_channel, scale_dtype):
    rows = w.shape[0]
    amax = np.abs(w).max(axis=1, keepdims=True) if per_channel else np.abs(w).max().reshape(1, 1)
    raw_scale, scale = scale_bytes(np.where(amax > 0, amax / E4M3_MAX, 1.0).astype(np.float32), scale_dtype)
    codes = encode_e4m3(w / scale)
    dequantized = (e4m3_values()[codes] * scale).astype(np.float32)
    return codes, raw_scale, [rows, 1] if per_channel else [1], dequantized


def mxfp4(w):
    rows, cols = w.shape[-2], w.shape[-1]
    if cols % 32:
        raise SystemExit(f"mxfp4 needs rows of whole 32-value blocks, got {cols} columns")
    blocks = w.reshape(*w.shape[:-1], cols // 32, 32)
    amax = np.abs(blocks).max(axis=-1)
    exponent = np.where(amax > 0, np.floor(np.log2(np.maximum(amax, 1e-30))) - 2, 0).astype(np.int64)
    biased = np.clip(exponent + 127, 0, 254).astype(np.uint8)
    power = np.ldexp(np.float32(1), biased.astype(np.int32) - 127).astype(np.float32)
    scaled = blocks / power[..., None]
    codes = np.abs(np.abs(scaled)[..., None] - E2M1[None, :8]).argmin(axis=-1).astype(np.uint8)
    codes |= np.where(np.signbit(scaled) & (codes != 0), 8, 0).astype(np.uint8)
    packed = (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)  # [..., cols/32, 16]
    dequantized = (E2M1[codes] * power[..., None]).astype(np.float32).reshape(w.shape)
    return packed, biased, dequantized, rows


def write_raw(path, entries):
    """entries: [(name, dtype, shape, bytes)] -> one safetensors file."""
    header, offset = {}, 0
    for name, dtype, shape, blob in entries:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for entry in entries:
            f.write(entry[3])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--method", choices=["fp8", "compressed-tensors", "mxfp4"], required=True)
    p.add_argument("--block", type=int, default=128)
    p.add_argument("--scale-dtype", choices=["F32", "BF16"], default="F32")
    p.add_argument("--per-channel", action="store_true")
    p.add_argument("--input-scale", action="store_true")
    p.add_argument("--dequantized")
    p.add_argument("--names", nargs="+", default=list(PROJECTIONS))
    p.add_argument("--other-dtype", choices=["F32", "BF16"], default="F32")
    p.add_argument("--e8m0-dtype", choices=["U8", "F8_E8M0"], default="U8",
                   help="mxfp4: the dtype the scale bytes are declared with (GPT-OSS: U8; some re-saves: F8_E8M0)")
    a = p.parse_args(argv)

    tensors, _ = safetensors_io.read_checkpoint(a.src)
    with open(os.path.join(a.src, "config.json")) as f:
        config = json.load(f)
    entries, dequantized = [], {}
    for name, w in tensors.items():
        w = np.asarray(w, dtype=np.float32)
        if w.ndim < 2 or not name.endswith(tuple(a.names)):
            entries.append((name, a.other_dtype, w.shape, safetensors_io.encode(w, a.other_dtype)))
            dequantized[name] = safetensors_io.decode(safetensors_io.encode(w, a.other_dtype), a.other_dtype, w.shape)
            continue
        if a.method == "fp8":
            codes, raw_scale, scale_shape, deq = fp8_block(w, a.block, a.scale_dtype)
            entries.append((name, "F8_E4M3", w.shape, codes.tobytes()))
            entries.append((name + "_scale_inv", a.scale_dtype, scale_shape, raw_scale))
        elif a.method == "compressed-tensors":
            codes, raw_scale, scale_shape, deq = fp8_channel(w, a.per_channel, a.scale_dtype)
            entries.append((name, "F8_E4M3", w.shape, codes.tobytes()))
            entries.append((name + "_scale", a.scale_dtype, scale_shape, raw_scale))
            if a.input_scale and name.endswith("weight"):
                entries.append((name[:-len("weight")] + "input_scale", "F32", [1],
                                np.array([0.5], dtype="<f4").tobytes()))
        else:
            packed, scales, deq, _ = mxfp4(w)
            entries.append((name + "_blocks", "U8", packed.shape, packed.tobytes()))
            entries.append((name + "_scales", a.e8m0_dtype, scales.shape, scales.tobytes()))
        dequantized[name] = deq

    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.src):
        if not f.endswith(".safetensors") and f != safetensors_io.INDEX_FILE and os.path.isfile(os.path.join(a.src, f)):
            shutil.copy(os.path.join(a.src, f), os.path.join(a.out, f))
    write_raw(os.path.join(a.out, safetensors_io.SINGLE_FILE), entries)
    quantization = {"fp8": {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic",
                            "weight_block_size": [a.block, a.block]},
                    "compressed-tensors": {"quant_method": "compressed-tensors", "format": "float-quantized"},
                    "mxfp4": {"quant_method": "mxfp4"}}[a.method]
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump({**config, "quantization_config": quantization}, f, indent=2)
        f.write("\n")
    if a.dequantized:
        os.makedirs(a.dequantized, exist_ok=True)
        shutil.copy(os.path.join(a.src, "config.json"), os.path.join(a.dequantized, "config.json"))
        safetensors_io.write_checkpoint(a.dequantized, dequantized, dtype="F32")


if __name__ == "__main__":
    main()
