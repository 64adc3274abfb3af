#!/usr/bin/env python3
"""Reference logits of a HuggingFace LlamaForCausalLM / MistralForCausalLM.

  llama_reference.py --model DIR --tokens 1,2,3 --out FILE.f32

Runs the forward pass as transformers' modeling_llama / modeling_mistral define
it, in float64 from the checkpoint's weights (F32/F16/BF16 upcast exactly), and
writes n_tokens x vocab_size float32 little-endian logits, row i predicting the
token after tokens[i]. Exits with status 2 and a message on bad input.

Semantics followed (HF, not ggml):
  * RMSNorm: x / sqrt(mean(x^2) + eps), then times the weight.
  * Rotary embedding: inv_freq[i] = theta^(-2i/d); a head's dimension j < d/2
    pairs with j + d/2 (rotate_half), NOT with its neighbour j + 1. llama3 and
    linear rope_scaling adjust inv_freq as transformers does.
  * Grouped-query attention: query head h reads key/value head h // (heads/kv_heads).
  * Causal softmax attention scaled by 1/sqrt(head_dim); Mistral's
    sliding_window (when not null) keeps keys with i - j < window.
  * MLP: down(silu(gate(x)) * up(x)); final norm; lm_head, or the embedding when
    tie_word_embeddings is true.
"""

import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from reference_cli import BadInput, run  # noqa: E402

ARCHITECTURES = ("LlamaForCausalLM", "MistralForCausalLM")


# ---- configuration ----

class Config:
    def __init__(self, raw, path):
        def need(key, kind=int):
            if key not in raw or raw[key] is None:
                raise BadInput(f"{path}: missing {key!r}")
            try:
                return kind(raw[key])
            except (TypeError, ValueError):
                raise BadInput(f"{path}: {key!r} = {raw[key]!r} is not a {kind.__name__}") from None

        architectures = raw.get("architectures") or []
        if not any(a in ARCHITECTURES for a in architectures):
            raise BadInput(f"{path}: architectures {architectures} has none of {list(ARCHITECTURES)}")
        for flag in ("attention_bias", "mlp_bias"):
            if raw.get(flag):
                raise BadInput(f"{path}: {flag}=true is not supported by this reference")
        self.hidden = need("hidden_size")
        self.intermediate = need("intermediate_size")
        self.layers = need("num_hidden_layers")
        self.heads = need("num_attention_heads")
        self.kv_heads = int(raw.get("num_key_value_heads") or self.heads)
        self.head_dim = int(raw.get("head_dim") or self.hidden // self.heads)
        self.vocab = need("vocab_size")
        self.rms_eps = need("rms_norm_eps", float)
        self.rope_theta = float(raw.get("rope_theta", 10000.0))
        self.tied = bool(raw.get("tie_word_embeddings", False))
        self.sliding_window = raw.get("sliding_window")
        self.rope_scaling = raw.get("rope_scaling")
        if self.heads % self.kv_heads != 0:
            raise BadInput(f"{path}: {self.heads} attention heads are not a multiple of {self.kv_heads} kv heads")
        if self.head_dim % 2 != 0:
            raise BadInput(f"{path}: head_dim {self.head_dim} is odd")


def load_config(model_dir):
    path = os.path.join(model_dir, "config.json")
    try:
        with open(path) as f:
            raw = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise BadInput(f"{path}: not JSON: {e}") from None
    return Config(raw, path)


# ---- weights ----

def expected_shapes(c):
    q_dim, kv_dim = c.heads * c.head_dim, c.kv_heads * c.head_dim
    shapes = {"model.embed_tokens.weight": (c.vocab, c.hidden), "model.norm.weight": (c.hidden,)}
    for i in range(c.layers):
        p = f"model.layers.{i}."
        shapes.update({
            p + "self_attn.q_proj.weight": (q_dim, c.hidden),
            p + "self_attn.k_proj.weight": (kv_dim, c.hidden),
            p + "self_attn.v_proj.weight": (kv_dim, c.hidden),
            p + "self_attn.o_proj.weight": (c.hidden, q_dim),
            p + "mlp.gate_proj.weight": (c.intermediate, c.hidden),
            p + "mlp.up_proj.weight": (c.intermediate, c.hidden),
            p + "mlp.down_proj.weight": (c.hidden, c.intermediate),
            p + "input_layernorm.weight": (c.hidden,),
            p + "post_attention_layernorm.weight": (c.hidden,),
        })
    if not c.tied:
        shapes["lm_head.weight"] = (c.vocab, c.hidden)
    return shapes


def load_weights(model_dir, c):
    try:
        tensors, _ = safetensors_io.read_checkpoint(model_dir)
    except (OSError, safetensors_io.SafetensorsError) as e:
        raise BadInput(str(e)) from None
    weights = {}
    for name, shape in expected_shapes(c).items():
        if name not in tensors:
            raise BadInput(f"{model_dir}: tensor {name!r} is missing")
        if tuple(tensors[name].shape) != shape:
            raise BadInput(f"{model_dir}: tensor {name!r} has shape {list(tensors[name].shape)},"
                                 f" config.json implies {list(shape)}")
        weights[name] = tensors[name].astype(np.float64)
    return weights


# ---- the model ----

def rms_norm(x, weight, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def rope_inv_freq(c):
    d = c.head_dim
    inv_freq = 1.0 / (c.rope_theta ** (np.arange(0, d, 2, dtype=np.float64) / d))
    scaling = c.rope_scaling
    if not scaling:
        return inv_freq
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind == "default":
        return inv_freq
    if kind == "linear":
        return inv_freq / float(scaling["factor"])
    if kind == "llama3":
        return llama3_inv_freq(inv_freq, scaling)
    raise BadInput(f"rope_scaling type {kind!r} is not supported (default, linear, llama3 are)")


def llama3_inv_freq(inv_freq, s):
    """transformers' _compute_llama3_parameters: long wavelengths slowed by
    `factor`, short ones kept, a smooth blend in between."""
    factor, low, high = float(s["factor"]), float(s["low_freq_factor"]), float(s["high_freq_factor"])
    old_context = float(s["original_max_position_embeddings"])
    low_freq_wavelen, high_freq_wavelen = old_context / low, old_context / high
    wavelen = 2 * math.pi / inv_freq
    scaled = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth = (old_context / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = (wavelen >= high_freq_wavelen) & (wavelen <= low_freq_wavelen)
    return np.where(medium, smoothed, scaled)


def rotary_cos_sin(c, n_positions):
    freqs = np.arange(n_positions, dtype=np.float64)[:, None] * rope_inv_freq(c)[None, :]
    emb = np.concatenate([freqs, freqs], axis=-1)  # (T, head_dim): same angle for j and j + d/2
    return np.cos(emb), np.sin(emb)


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def apply_rope(x, cos, sin):
    """x: (heads, T, head_dim)."""
    return x * cos + rotate_half(x) * sin


def attention_mask(n, sliding_window):
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    allowed = j <= i
    if sliding_window is not None:
        allowed &= (i - j) < int(sliding_window)
    return allowed


def self_attention(h, w, p, c, cos, sin):
    n = h.shape[0]

    def heads(x, count):  # (T, count*d) -> (count, T, d)
        return x.reshape(n, count, c.head_dim).transpose(1, 0, 2)

    q = apply_rope(heads(h @ w[p + "self_attn.q_proj.weight"].T, c.heads), cos, sin)
    k = apply_rope(heads(h @ w[p + "self_attn.k_proj.weight"].T, c.kv_heads), cos, sin)
    v = heads(h @ w[p + "self_attn.v_proj.weight"].T, c.kv_heads)
    group = c.heads // c.kv_heads
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)  # HF repeat_kv order
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(c.head_dim)
    scores = np.where(attention_mask(n, c.sliding_window), scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs @ v).transpose(1, 0, 2).reshape(n, c.heads * c.head_dim)
    return out @ w[p + "self_attn.o_proj.weight"].T


def mlp(h, w, p):
    gate = h @ w[p + "mlp.gate_proj.weight"].T
    up = h @ w[p + "mlp.up_proj.weight"].T
    silu = gate / (1.0 + np.exp(-gate))
    return (silu * up) @ w[p + "mlp.down_proj.weight"].T


def forward(w, c, tokens):
    """(len(tokens), vocab) float64 logits."""
    x = w["model.embed_tokens.weight"][np.asarray(tokens)]
    cos, sin = rotary_cos_sin(c, len(tokens))
    for i in range(c.layers):
        p = f"model.layers.{i}."
        x = x + self_attention(rms_norm(x, w[p + "input_layernorm.weight"], c.rms_eps), w, p, c, cos, sin)
        x = x + mlp(rms_norm(x, w[p + "post_attention_layernorm.weight"], c.rms_eps), w, p)
    x = rms_norm(x, w["model.norm.weight"], c.rms_eps)
    head = w["model.embed_tokens.weight"] if c.tied else w["lm_head.weight"]
    return x @ head.T


# ---- command line ----

def main(argv=None):
    return run("llama_reference", __doc__.split("\n\n")[0], load_config, lambda c: c.vocab, load_weights, forward,
               argv)


if __name__ == "__main__":
    sys.exit(main())
