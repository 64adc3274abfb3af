"""llama-imatrix's GGUF layout, written by hand (no gguf-py needed): the fuzz
corpus's seeds (tests/fuzz/make_corpus.py) and the synthetic importance
matrices of the end-to-end benchmark (bench/e2e/make_synthetic_imatrix.py)."""

import struct


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_imatrix(entries, datasets=("wiki.train.raw",), chunks=100, version=3, alignment=32):
    """entries: [(name, sums, counts)]; F32 tensors <name>.in_sum2 and <name>.counts."""
    kv = gguf_string("imatrix.datasets") + struct.pack("<II", 9, 8) + struct.pack("<Q", len(datasets))
    kv += b"".join(gguf_string(d) for d in datasets)
    kv += gguf_string("imatrix.chunk_count") + struct.pack("<II", 4, chunks)
    tensors, data = [], b""
    for name, sums, counts in entries:
        for suffix, values in ((".in_sum2", sums), (".counts", counts)):
            data += b"\0" * (-len(data) % alignment)
            tensors.append((name + suffix, len(values), len(data)))
            data += struct.pack("<%df" % len(values), *values)
    info = b"".join(gguf_string(n) + struct.pack("<I", 1) + struct.pack("<Q", ne) + struct.pack("<IQ", 0, off)
                    for n, ne, off in tensors)
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), 2) + kv + info
    return head + b"\0" * (-len(head) % alignment) + data
