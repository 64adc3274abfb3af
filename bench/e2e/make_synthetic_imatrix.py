#!/usr/bin/env python3
"""A heavy-tailed importance matrix for a synthetic checkpoint, in llama-imatrix's
GGUF layout: one entry per 2-D weight that llama-imatrix records (every matrix
but token_embd.weight, which the model only looks up), each column's importance
log-normal (sigma 1.5, so a few columns weigh tens of times the median).

  make_synthetic_imatrix.py DRY_RUN.txt OUT.gguf [--seed N]

DRY_RUN.txt is `gmat export --dry-run`'s table of the store (its TENSOR and
SHAPE columns: ROWSxCOLS, the importance has COLS values). The same inputs
always give the same bytes.
"""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
from gguf_imatrix import gguf_imatrix  # noqa: E402


def weight_columns(dry_run_text):
    """(GGUF name, columns) of every 2-D tensor of a --dry-run table."""
    found = []
    for line in dry_run_text.splitlines():
        fields = line.split()
        if len(fields) < 2 or fields[0] == "TENSOR":
            continue
        dims = fields[1].split("x")
        if len(dims) == 2 and all(d.isdigit() for d in dims):
            found.append((fields[0], int(dims[1])))
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dry_run")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    with open(args.dry_run) as f:
        weights = [w for w in weight_columns(f.read()) if w[0] != "token_embd.weight"]
    if not weights:
        sys.exit("make_synthetic_imatrix.py: %s has no 2-D tensor in a --dry-run table" % args.dry_run)
    rng = random.Random(args.seed)
    entries = [(name, [rng.lognormvariate(0.0, 1.5) for _ in range(cols)], [1.0]) for name, cols in weights]
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gguf_imatrix(entries, datasets=("synthetic log-normal, seed %d" % args.seed,), chunks=1))
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
