#!/usr/bin/env python3
"""Reference logits of a HuggingFace GptOssForCausalLM (gpt-oss-20b/120b).

  gpt_oss_reference.py --model DIR --tokens 1,2,3 --out FILE.f32

Runs the forward pass as transformers' modeling_gpt_oss.py defines it, in
float64, and writes n_tokens x vocab_size float32 little-endian logits (row i
predicts the token after tokens[i]). Exit status 2 with a message on bad input.
DIR holds F32 tensors in HF's dequantized layout (make_gpt_oss_checkpoint.py,
or its --mxfp4 dequantized copy).

  * Attention: q/k/v/o projections with biases, GQA; rotate_half (NEOX) RoPE
    whose frequencies come from rope_scaling yarn (beta_fast / beta_slow
    correction range over original_max_position_embeddings, floored / ceiled
    unless truncate is false; factor = max_position_embeddings / original
    when the original is given) and whose cos / sin are multiplied by the
    attention factor (attention_factor, else 0.1 ln(factor) + 1); scores scaled
    by head_dim^-1/2; layers whose layer_types entry is sliding_attention keep
    keys with i - j < sliding_window; each head's sink (self_attn.sinks) joins
    the softmax as one more logit whose probability is then dropped.
  * MoE: router logits = x W^T + b; the num_experts_per_tok largest are
    softmaxed into the weights; expert e computes gate_up = x @ gate_up_proj[e]
    + gate_up_proj_bias[e], gate = gate_up[::2] clamped above at swiglu_limit,
    up = gate_up[1::2] clamped to +-swiglu_limit, ((up + 1) * gate *
    sigmoid(1.702 gate)) @ down_proj[e] + down_proj_bias[e].
  * RMSNorm before attention (input_layernorm) and before the MoE
    (post_attention_layernorm), residuals around both, final norm, lm_head.
"""

import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_cli import BadInput, float64_weights, run  # noqa: E402

ALPHA = 1.702


def load_config(model_dir):
    path = os.path.join(model_dir, "config.json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise BadInput(f"{path}: not JSON: {e}") from None


def yarn(c):
    """(inv_freq, attention scaling) as transformers' _compute_yarn_parameters."""
    s = c.get("rope_scaling") or {}
    base, dim = float(c["rope_theta"]), int(c["head_dim"])
    if s.get("rope_type", s.get("type")) in (None, "default"):
        return 1.0 / base ** (np.arange(0, dim, 2, dtype=np.float64) / dim), 1.0
    if s.get("rope_type", s.get("type")) != "yarn":
        raise BadInput(f"rope_scaling {s} is not supported (yarn is)")
    factor = float(s["factor"])
    original = s.get("original_max_position_embeddings")
    if original:
        factor = c["max_position_embeddings"] / original
    else:
        original = c["max_position_embeddings"]
    attention = s.get("attention_factor")
    if attention is None:
        attention = 0.1 * math.log(factor) + 1.0 if factor > 1 else 1.0
    beta_fast, beta_slow = s.get("beta_fast") or 32, s.get("beta_slow") or 1

    def correction_dim(rotations):
        return (dim * math.log(original / (rotations * 2 * math.pi))) / (2 * math.log(base))

    low, high = correction_dim(beta_fast), correction_dim(beta_slow)
    if s.get("truncate", True):
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
    extrapolation_factor = 1 - ramp
    pos_freqs = base ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
    inv_freq = (1.0 / (factor * pos_freqs)) * (1 - extrapolation_factor) + (1.0 / pos_freqs) * extrapolation_factor
    return inv_freq, attention


def rms_norm(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rotate(x, cos, sin):
    """_apply_rotary_emb: x (heads, T, head_dim), cos/sin (T, head_dim/2)."""
    half = x.shape[-1] // 2
    first, second = x[..., :half], x[..., half:]
    return np.concatenate([first * cos - second * sin, second * cos + first * sin], axis=-1)


def attention(h, w, p, c, sliding, cos, sin):
    T = h.shape[0]
    heads, kv_heads, hd = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]

    def proj(name):
        return h @ w[p + f"self_attn.{name}_proj.weight"].T + w[p + f"self_attn.{name}_proj.bias"]

    q = proj("q").reshape(T, heads, hd).transpose(1, 0, 2)
    k = proj("k").reshape(T, kv_heads, hd).transpose(1, 0, 2)
    v = proj("v").reshape(T, kv_heads, hd).transpose(1, 0, 2)
    q, k = rotate(q, cos, sin), rotate(k, cos, sin)
    group = heads // kv_heads
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
    i, j = np.arange(T)[:, None], np.arange(T)[None, :]
    allowed = j <= i
    if sliding:
        allowed &= (i - j) < c["sliding_window"]
    scores = np.where(allowed[None], scores, -np.inf)
    sinks = np.broadcast_to(w[p + "self_attn.sinks"][:, None, None], (heads, T, 1))
    combined = np.concatenate([scores, sinks], axis=-1)
    combined = combined - combined.max(axis=-1, keepdims=True)
    probs = np.exp(combined)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs[..., :-1] @ v).transpose(1, 0, 2).reshape(T, heads * hd)
    return out @ w[p + "self_attn.o_proj.weight"].T + w[p + "self_attn.o_proj.bias"]


def moe(h, w, p, c):
    limit = float(c.get("swiglu_limit", 7.0))
    top_k = c["num_experts_per_tok"]
    logits = h @ w[p + "mlp.router.weight"].T + w[p + "mlp.router.bias"]
    out = np.zeros_like(h)
    gate_up, gate_up_bias = w[p + "mlp.experts.gate_up_proj"], w[p + "mlp.experts.gate_up_proj_bias"]
    down, down_bias = w[p + "mlp.experts.down_proj"], w[p + "mlp.experts.down_proj_bias"]
    for t in range(h.shape[0]):
        chosen = np.argsort(-logits[t], kind="stable")[:top_k]
        weights = np.exp(logits[t, chosen] - logits[t, chosen].max())
        weights /= weights.sum()
        for e, weight in zip(chosen, weights):
            gu = h[t] @ gate_up[e] + gate_up_bias[e]
            gate, up = np.minimum(gu[::2], limit), np.clip(gu[1::2], -limit, limit)
            glu = gate / (1.0 + np.exp(-gate * ALPHA))
            out[t] += weight * (((up + 1) * glu) @ down[e] + down_bias[e])
    return out


def forward(w, c, tokens):
    eps = float(c.get("rms_norm_eps", 1e-5))
    inv_freq, scaling = yarn(c)
    angles = np.arange(len(tokens), dtype=np.float64)[:, None] * inv_freq[None, :]
    cos, sin = np.cos(angles) * scaling, np.sin(angles) * scaling
    layers = c["num_hidden_layers"]
    types = c.get("layer_types") or ["sliding_attention" if i % 2 == 0 else "full_attention" for i in range(layers)]
    x = w["model.embed_tokens.weight"][tokens]
    for i in range(layers):
        p = f"model.layers.{i}."
        x = x + attention(rms_norm(x, w[p + "input_layernorm.weight"], eps), w, p, c,
                          types[i] == "sliding_attention", cos, sin)
        x = x + moe(rms_norm(x, w[p + "post_attention_layernorm.weight"], eps), w, p, c)
    return rms_norm(x, w["model.norm.weight"], eps) @ w["lm_head.weight"].T


def main(argv=None):
    return run("gpt_oss_reference", __doc__.split("\n\n")[0], load_config, lambda c: c["vocab_size"],
               lambda model, _: float64_weights(model), forward, argv)


if __name__ == "__main__":
    sys.exit(main())
