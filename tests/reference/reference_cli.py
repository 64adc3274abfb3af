"""The command line every forward-pass reference script shares:

  SCRIPT --model HF_DIR --tokens 1,2,3 --out logits.f32

writes n_tokens x vocab float32 little-endian logits of the float64 forward
pass; bad input is one line on stderr ("SCRIPT: error: ...") and exit status 2.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


class BadInput(Exception):
    """Bad input: reported as one line, exit status 2."""


def parse_tokens(text, vocab):
    try:
        tokens = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise BadInput(f"--tokens {text!r} is not a comma-separated list of integers") from None
    if not tokens:
        raise BadInput("--tokens is empty")
    bad = [t for t in tokens if not 0 <= t < vocab]
    if bad:
        raise BadInput(f"tokens {bad[:5]} are outside the vocabulary [0, {vocab})")
    return tokens


def float64_weights(model_dir):
    """Every tensor of the checkpoint as float64."""
    try:
        tensors, _ = safetensors_io.read_checkpoint(model_dir)
    except (OSError, safetensors_io.SafetensorsError) as e:
        raise BadInput(str(e)) from None
    return {k: v.astype(np.float64) for k, v in tensors.items()}


def run(name, description, load_config, vocab_of, load_weights, forward, argv=None):
    """load_config(dir) -> config; vocab_of(config) -> int; load_weights(dir, config) -> dict;
    forward(weights, config, tokens) -> (n_tokens, vocab) logits."""
    p = argparse.ArgumentParser(prog=name, description=description)
    p.add_argument("--model", required=True, help="HF checkpoint folder (config.json + safetensors)")
    p.add_argument("--tokens", required=True, help="comma-separated token ids, e.g. 1,2,3")
    p.add_argument("--out", required=True, help="output: n_tokens x vocab float32 little-endian")
    args = p.parse_args(argv)
    try:
        config = load_config(args.model)
        tokens = parse_tokens(args.tokens, vocab_of(config))
        weights = load_weights(args.model, config)
        try:
            logits = forward(weights, config, tokens)
        except KeyError as e:
            raise BadInput(f"{args.model}: tensor or field {e} is missing") from None
        try:
            logits.astype("<f4").tofile(args.out)
        except OSError as e:
            raise BadInput(f"{args.out}: {e.strerror}") from None
    except BadInput as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return 2
    return 0
