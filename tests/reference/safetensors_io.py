"""Read and write safetensors files (numpy + stdlib only).

Format (https://github.com/huggingface/safetensors): 8-byte little-endian
header length N, N bytes of JSON header, then the tensor bytes. The header maps
each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
relative to the byte after the header) plus an optional "__metadata__" map of
strings. We pad the header with spaces to a multiple of 8 bytes, as the spec
recommends, and lay tensors out in the order given with no gaps.

Sharded checkpoints are model-0000K-of-0000N.safetensors files next to a
model.safetensors.index.json holding {"metadata": {"total_size": bytes of tensor
data}, "weight_map": {tensor name: shard file name}}.

Supported dtypes: F32, F16, BF16 (written from float32 with round-to-nearest-
even). Reading upcasts F16/BF16 exactly to float32.
"""

import json
import os
import struct

import numpy as np

DTYPE_SIZES = {"F32": 4, "F16": 2, "BF16": 2}
INDEX_FILE = "model.safetensors.index.json"
SINGLE_FILE = "model.safetensors"


class SafetensorsError(ValueError):
    """A file that is not valid safetensors, or a request we cannot honour."""


def f32_to_bf16_bits(values):
    """uint16 bfloat16 bit patterns of float32 values, rounded to nearest even.

    NaN stays a (quiet) NaN with its sign; overflow rounds to infinity, as IEEE
    round-to-nearest-even does.
    """
    values = np.ascontiguousarray(values, dtype=np.float32)
    bits = values.view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    quiet_nan = ((bits >> 16) | 0x0040).astype(np.uint16)
    return np.where(np.isnan(values), quiet_nan, rounded)


def bf16_bits_to_f32(bits):
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def encode(array, dtype):
    """Little-endian bytes of a float array stored as dtype."""
    values = np.asarray(array, dtype=np.float32)
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        with np.errstate(over="ignore"):  # overflow to inf is what round-to-nearest-even gives
            return values.astype("<f2").tobytes()
    if dtype == "BF16":
        return f32_to_bf16_bits(values).astype("<u2").tobytes()
    raise SafetensorsError(f"unsupported dtype {dtype!r} (expected one of {sorted(DTYPE_SIZES)})")


def decode(raw, dtype, shape):
    """float32 array of the given shape from stored bytes."""
    if dtype == "F32":
        flat = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif dtype == "F16":
        flat = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    elif dtype == "BF16":
        flat = bf16_bits_to_f32(np.frombuffer(raw, dtype="<u2"))
    else:
        raise SafetensorsError(f"unsupported dtype {dtype!r}")
    return flat.reshape(shape)


def write_file(path, tensors, dtype="F32", metadata=None):
    """Write {name: float array} to one safetensors file, every tensor as dtype.

    Returns the number of tensor-data bytes written (what an index's
    total_size counts).
    """
    header = {}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        blob = encode(array, dtype)
        header[name] = {"dtype": dtype, "shape": list(np.shape(array)),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    return offset


def read_header(path):
    """(header dict without __metadata__, metadata dict, data start offset)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        prefix = f.read(8)
        if len(prefix) < 8:
            raise SafetensorsError(f"{path}: {size} bytes is too short for a safetensors header")
        (n,) = struct.unpack("<Q", prefix)
        if n > size - 8:
            raise SafetensorsError(f"{path}: header claims {n} bytes but the file has {size - 8} after the length")
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise SafetensorsError(f"{path}: header is not JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    check_layout(path, header, size - 8 - n)
    return header, metadata, 8 + n


def check_layout(path, header, data_size):
    """Every tensor's bytes fit its dtype and shape and the tensors tile the data."""
    spans = []
    for name, info in header.items():
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if dtype not in DTYPE_SIZES:
            raise SafetensorsError(f"{path}: tensor {name!r} has unsupported dtype {dtype!r}")
        if not isinstance(shape, list) or not isinstance(offsets, list) or len(offsets) != 2:
            raise SafetensorsError(f"{path}: tensor {name!r} lacks a shape or [begin, end] data_offsets")
        begin, end = offsets
        expected = DTYPE_SIZES[dtype] * int(np.prod(shape, dtype=np.int64))
        if not 0 <= begin <= end <= data_size or end - begin != expected:
            raise SafetensorsError(f"{path}: tensor {name!r} spans [{begin}, {end}) but needs {expected} bytes"
                                   f" inside {data_size} bytes of data")
        spans.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise SafetensorsError(f"{path}: tensor {name!r} starts at {begin}, expected {position} (gap or overlap)")
        position = end
    if position != data_size:
        raise SafetensorsError(f"{path}: tensors cover {position} of {data_size} data bytes")


def read_file(path):
    """({name: float32 array}, {name: dtype}, metadata) of one safetensors file."""
    header, metadata, start = read_header(path)
    tensors, dtypes = {}, {}
    with open(path, "rb") as f:
        for name, info in header.items():
            begin, end = info["data_offsets"]
            f.seek(start + begin)
            tensors[name] = decode(f.read(end - begin), info["dtype"], info["shape"])
            dtypes[name] = info["dtype"]
    return tensors, dtypes, metadata


def shard_name(k, n):
    return f"model-{k:05d}-of-{n:05d}.safetensors"


def split_into_shards(tensors, n_shards):
    """Consecutive groups of names, about equal in element count, none empty."""
    names = list(tensors)
    if not 1 <= n_shards <= len(names):
        raise SafetensorsError(f"cannot split {len(names)} tensors into {n_shards} shards")
    sizes = [int(np.size(tensors[n])) for n in names]
    total = sum(sizes)
    groups, current, running = [], [], 0
    for i, name in enumerate(names):
        current.append(name)
        running += sizes[i]
        remaining_names = len(names) - i - 1
        remaining_groups = n_shards - len(groups) - 1
        full = running >= total * (len(groups) + 1) / n_shards
        if remaining_groups > 0 and (full or remaining_names == remaining_groups):
            groups.append(current)
            current = []
    groups.append(current)
    return groups


def write_checkpoint(directory, tensors, dtype="F32", n_shards=1, metadata=None):
    """model.safetensors, or n_shards files plus model.safetensors.index.json."""
    os.makedirs(directory, exist_ok=True)
    metadata = {"format": "pt", **(metadata or {})}
    if n_shards == 1:
        write_file(os.path.join(directory, SINGLE_FILE), tensors, dtype, metadata)
        return
    groups = split_into_shards(tensors, n_shards)
    weight_map, total = {}, 0
    for k, names in enumerate(groups, start=1):
        file_name = shard_name(k, len(groups))
        total += write_file(os.path.join(directory, file_name), {n: tensors[n] for n in names}, dtype, metadata)
        weight_map.update({n: file_name for n in names})
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    with open(os.path.join(directory, INDEX_FILE), "w") as f:
        json.dump(index, f, indent=2)


def read_checkpoint(directory):
    """({name: float32 array}, {name: dtype}) of a single-file or sharded checkpoint."""
    index_path = os.path.join(directory, INDEX_FILE)
    if not os.path.exists(index_path):
        single = os.path.join(directory, SINGLE_FILE)
        if not os.path.exists(single):
            raise SafetensorsError(f"{directory}: neither {SINGLE_FILE} nor {INDEX_FILE} found")
        tensors, dtypes, _ = read_file(single)
        return tensors, dtypes
    with open(index_path) as f:
        weight_map = json.load(f).get("weight_map")
    if not isinstance(weight_map, dict) or not weight_map:
        raise SafetensorsError(f"{index_path}: no weight_map")
    tensors, dtypes = {}, {}
    for file_name in sorted(set(weight_map.values())):
        shard_tensors, shard_dtypes, _ = read_file(os.path.join(directory, file_name))
        for name in shard_tensors:
            if weight_map.get(name) != file_name:
                raise SafetensorsError(f"{index_path}: tensor {name!r} is in {file_name} but mapped to"
                                       f" {weight_map.get(name)!r}")
        tensors.update(shard_tensors)
        dtypes.update(shard_dtypes)
    missing = sorted(set(weight_map) - set(tensors))
    if missing:
        raise SafetensorsError(f"{index_path}: mapped tensors missing from their shards: {missing[:5]}")
    return tensors, dtypes
