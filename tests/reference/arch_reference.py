#!/usr/bin/env python3
"""Reference logits of HuggingFace Qwen2, Qwen3, Phi3, Gemma2, Gemma3 (text),
Mixtral, Qwen2-MoE, Qwen3-MoE, GLM-4.5 (Glm4Moe) and DeepSeek-V3 causal LMs.

  arch_reference.py --model DIR --tokens 1,2,3 --out FILE.f32

Runs the forward pass as transformers' modeling_<arch>.py defines it, in
float64, and writes n_tokens x vocab_size float32 little-endian logits (row i
predicts the token after tokens[i]). Exit status 2 with a message on bad input.

What differs from Llama (llama_reference.py), per class:
  * Qwen2: q/k/v projections carry biases.
  * Qwen3: RMSNorm over each query/key head (weight w) before RoPE.
  * Phi3: fused qkv_proj (q rows, then k, then v) and gate_up_proj (gate rows
    first); sliding_window masks keys with i - j >= window.
  * Gemma2/3: RMSNorm multiplies by (1 + w); embeddings times sqrt(hidden);
    norms before and after attention and MLP; gelu (tanh) MLP; scores scaled
    by query_pre_attn_scalar^-1/2; sliding layers (layer_types, or Gemma2's
    even layers) keep keys with i - j < sliding_window; output tied to the
    embedding. Gemma2 soft-caps attention scores and logits (cap*tanh(x/cap));
    Gemma3 normalises q/k heads (1 + w), uses rope_local_base_freq on sliding
    layers and rope_scaling (linear) on global ones only.
  * Mixtral: the MLP is a mixture of experts: softmax over the router
    (block_sparse_moe.gate) logits, the num_experts_per_tok largest weights
    renormalised to sum 1, each chosen expert a SiLU-gated MLP (w1 gate,
    w3 up, w2 down) scaled by its weight.
  * Qwen2-MoE: Qwen2's attention; the MLP of each sparse layer (every layer
    not in mlp_only_layers whose index + 1 is a multiple of
    decoder_sparse_step; the others keep a dense mlp.gate/up/down_proj) is
    Mixtral's routing over mlp.experts.E.{gate,up,down}_proj, with the top-k
    softmax weights renormalised only when norm_topk_prob is set, plus a
    shared SiLU-gated MLP (mlp.shared_expert) scaled by
    sigmoid(mlp.shared_expert_gate(x)).
  * Qwen3-MoE: Qwen3's attention (q/k head norms); the MLP of each sparse
    layer (Qwen2-MoE's rule) is the same routing without a shared expert.
    Experts may be stored per expert or fused, as transformers 5 saves them:
    mlp.experts.gate_up_proj [E, 2*ff, hidden] (gate rows, then up rows) and
    mlp.experts.down_proj [E, hidden, ff].
  * GLM-4.5: q/k/v biases, optional q/k head norms (use_qk_norm), rotate_half
    RoPE over the first partial_rotary_factor of each head only; layers below
    first_k_dense_replace keep a dense MLP; the others route with sigmoid
    scores: scores + mlp.gate.e_score_correction_bias choose (within the
    topk_group of n_group groups whose two best biased scores sum highest,
    other groups' scores set to 0), the unbiased scores of the chosen experts
    (renormalised if norm_topk_prob) times routed_scaling_factor weight them;
    mlp.shared_experts is added. Layers past num_hidden_layers (the NextN /
    multi-token-prediction layer) are never run.
  * DeepSeek-V3: multi-head latent attention. q = q_b(rms(q_a(x))) (or
    q_proj(x) without q_lora_rank), split per head into qk_nope and qk_rope
    parts; kv_a_proj_with_mqa(x) gives a kv_lora_rank latent (normed by
    kv_a_layernorm, then kv_b_proj -> per head qk_nope keys and v_head_dim
    values) and one qk_rope key shared by all heads. RoPE rotates adjacent
    pairs (rope_interleave); rope_scaling yarn sets the frequencies (beta_fast,
    beta_slow ramp over original_max_position_embeddings), scales cos/sin by
    mscale(factor, mscale) / mscale(factor, mscale_all_dim) and the softmax
    scale by mscale(factor, mscale_all_dim)^2, mscale(s, m) = 0.1 m ln s + 1.
    Layers and routing as GLM-4.5's (dense first layers, sigmoid + bias,
    groups, shared experts); layers past num_hidden_layers are never run.
"""

import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_cli import BadInput, float64_weights, run  # noqa: E402

KINDS = {"Qwen2ForCausalLM": "qwen2", "Qwen3ForCausalLM": "qwen3", "Phi3ForCausalLM": "phi3",
         "Gemma2ForCausalLM": "gemma2", "Gemma3ForCausalLM": "gemma3", "MixtralForCausalLM": "mixtral",
         "Qwen2MoeForCausalLM": "qwen2_moe", "Qwen3MoeForCausalLM": "qwen3_moe",
         "Glm4MoeForCausalLM": "glm4_moe", "DeepseekV3ForCausalLM": "deepseek_v3"}


class Config:
    def __init__(self, raw, path):
        classes = [c for c in raw.get("architectures") or [] if c in KINDS]
        if not classes:
            raise BadInput(f"{path}: architectures {raw.get('architectures')} has none of {list(KINDS)}")
        self.kind = KINDS[classes[0]]
        self.gemma = self.kind.startswith("gemma")
        try:
            self.hidden = int(raw["hidden_size"])
            self.layers = int(raw["num_hidden_layers"])
            self.heads = int(raw["num_attention_heads"])
            self.vocab = int(raw["vocab_size"])
        except (KeyError, TypeError, ValueError) as e:
            raise BadInput(f"{path}: missing or bad field {e}") from None
        self.kv_heads = int(raw.get("num_key_value_heads") or self.heads)
        if self.kind in ("mixtral", "qwen2_moe", "qwen3_moe", "glm4_moe", "deepseek_v3"):
            try:
                self.experts_used = int(raw["num_experts_per_tok"])
            except (KeyError, TypeError, ValueError) as e:
                raise BadInput(f"{path}: missing or bad field {e}") from None
        # Mixtral always renormalises the chosen experts' weights; Qwen2-MoE as configured.
        self.norm_topk = self.kind == "mixtral" or bool(raw.get("norm_topk_prob", self.kind == "glm4_moe"))
        if self.kind == "deepseek_v3":
            self.mla = {k: int(raw[k] or 0) for k in ("q_lora_rank", "kv_lora_rank", "qk_nope_head_dim",
                                                       "qk_rope_head_dim", "v_head_dim")}
        self.groups = int(raw.get("n_group") or 1)
        self.groups_used = int(raw.get("topk_group") or self.groups)
        self.routed_scale = float(raw.get("routed_scaling_factor") or 1.0)
        self.dense_layers = int(raw.get("first_k_dense_replace") or 0)
        self.sparse = [self.layer_is_sparse(raw, i) for i in range(self.layers)]
        self.head_dim = int(raw.get("head_dim") or self.hidden // self.heads)
        self.eps = float(raw.get("rms_norm_eps", 1e-6))
        self.rope_theta = float(raw.get("rope_theta", 10000.0))
        self.local_rope_theta = float(raw.get("rope_local_base_freq", 10000.0))
        self.rope_scaling = raw.get("rope_scaling")
        self.tied = bool(raw.get("tie_word_embeddings", self.gemma))
        self.window = raw.get("sliding_window")
        self.scale = float(raw.get("query_pre_attn_scalar", self.head_dim)) ** -0.5 if self.gemma else \
            1.0 / math.sqrt(self.head_dim)
        self.attn_cap = raw.get("attn_logit_softcapping") if self.kind == "gemma2" else None
        self.final_cap = raw.get("final_logit_softcapping")
        self.rotary_dim = self.head_dim
        if self.kind == "glm4_moe":
            self.rotary_dim = int(self.head_dim * float(raw.get("partial_rotary_factor", 0.5)))
        elif float(raw.get("partial_rotary_factor", 1.0)) != 1.0:
            raise BadInput(f"{path}: partial_rotary_factor is not supported by this reference")
        if raw.get("use_sliding_window"):
            raise BadInput(f"{path}: use_sliding_window is not supported by this reference")
        self.sliding = [self.layer_is_sliding(raw, i) for i in range(self.layers)]

    def layer_is_sparse(self, raw, i):
        """Whether layer i's MLP is a mixture of experts (Qwen2MoeDecoderLayer's rule)."""
        if self.kind == "mixtral":
            return True
        if self.kind in ("glm4_moe", "deepseek_v3"):
            return i >= int(raw.get("first_k_dense_replace") or 0)
        if self.kind not in ("qwen2_moe", "qwen3_moe"):
            return False
        step = int(raw.get("decoder_sparse_step", 1))
        return i not in (raw.get("mlp_only_layers") or []) and int(raw.get("num_experts", 0)) > 0 and \
            (i + 1) % step == 0

    def layer_is_sliding(self, raw, i):
        if self.window is None:
            return False
        if self.kind == "phi3":
            return True
        if not self.gemma:
            return False
        if raw.get("layer_types"):
            return raw["layer_types"][i] == "sliding_attention"
        if self.kind == "gemma2":
            return i % 2 == 0
        return (i + 1) % int(raw.get("sliding_window_pattern", 6)) != 0


def load_config(model_dir):
    path = os.path.join(model_dir, "config.json")
    try:
        with open(path) as f:
            return Config(json.load(f), path)
    except OSError as e:
        raise BadInput(f"{path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise BadInput(f"{path}: not JSON: {e}") from None


def rms_norm(x, w, c):
    scale = (1.0 + w) if c.gemma else w
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + c.eps) * scale


def rope(x, positions, theta, head_dim, linear_factor=1.0):
    """NEOX/rotate_half RoPE over the last axis of x: (heads, T, head_dim)."""
    inv_freq = 1.0 / (theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)) / linear_factor
    angles = positions[:, None] * inv_freq[None, :]
    cos, sin = np.cos(np.concatenate([angles, angles], -1)), np.sin(np.concatenate([angles, angles], -1))
    half = head_dim // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated * sin


def layer_rope(c, layer):
    """(theta, linear factor) of a layer."""
    if c.kind == "gemma3" and c.sliding[layer]:
        return c.local_rope_theta, 1.0
    s = c.rope_scaling
    if s and s.get("rope_type", s.get("type")) not in (None, "default"):
        if s.get("rope_type", s.get("type")) != "linear":
            raise BadInput(f"rope_scaling {s} is not supported (linear is)")
        return c.rope_theta, float(s["factor"])
    return c.rope_theta, 1.0


def projections(h, w, p, c):
    q_dim, kv_dim = c.heads * c.head_dim, c.kv_heads * c.head_dim
    if c.kind == "phi3":
        qkv = h @ w[p + "self_attn.qkv_proj.weight"].T
        return qkv[:, :q_dim], qkv[:, q_dim:q_dim + kv_dim], qkv[:, q_dim + kv_dim:]
    out = []
    for name in ("q", "k", "v"):
        y = h @ w[p + f"self_attn.{name}_proj.weight"].T
        if p + f"self_attn.{name}_proj.bias" in w:
            y = y + w[p + f"self_attn.{name}_proj.bias"]
        out.append(y)
    return out


def yarn_get_mscale(scale, m):
    return 0.1 * m * math.log(scale) + 1.0 if scale > 1 else 1.0


def yarn(c, dim):
    """(inv_freq, cos/sin factor, softmax-scale factor) of rope_scaling yarn over dim rotary dims."""
    s = c.rope_scaling
    base, factor = c.rope_theta, float(s["factor"])
    original = float(s["original_max_position_embeddings"])
    beta_fast, beta_slow = float(s.get("beta_fast") or 32), float(s.get("beta_slow") or 1)
    m, m_all = s.get("mscale"), s.get("mscale_all_dim")
    cos_factor = (yarn_get_mscale(factor, m) / yarn_get_mscale(factor, m_all)) if m and m_all else \
        yarn_get_mscale(factor, 1.0)
    if s.get("attention_factor") is not None:
        cos_factor = float(s["attention_factor"])

    def correction_dim(rotations):
        return dim * math.log(original / (rotations * 2 * math.pi)) / (2 * math.log(base))
    low = max(math.floor(correction_dim(beta_fast)), 0)
    high = min(math.ceil(correction_dim(beta_slow)), dim - 1)
    if low == high:
        high += 0.001
    pos_freqs = base ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
    ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
    extrapolation = 1.0 - ramp
    inv_freq = (1.0 / (factor * pos_freqs)) * (1 - extrapolation) + (1.0 / pos_freqs) * extrapolation
    score_factor = yarn_get_mscale(factor, float(m_all)) ** 2 if m_all else 1.0
    return inv_freq, cos_factor, score_factor


def rope_interleaved(x, positions, inv_freq, cos_factor):
    """RoPE on adjacent pairs (x[2i], x[2i+1]) of the last axis."""
    angles = positions[:, None] * inv_freq[None, :]
    cos, sin = np.cos(angles) * cos_factor, np.sin(angles) * cos_factor
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def mla_attention(h, w, p, c):
    n, at, d = h.shape[0], p + "self_attn.", c.mla
    nope, rope_dim, lora, v_dim = d["qk_nope_head_dim"], d["qk_rope_head_dim"], d["kv_lora_rank"], d["v_head_dim"]
    if d["q_lora_rank"]:
        q = rms_norm(h @ w[at + "q_a_proj.weight"].T, w[at + "q_a_layernorm.weight"], c) @ w[at + "q_b_proj.weight"].T
    else:
        q = h @ w[at + "q_proj.weight"].T
    q = q.reshape(n, c.heads, nope + rope_dim).transpose(1, 0, 2)
    ckv = h @ w[at + "kv_a_proj_with_mqa.weight"].T
    kv = rms_norm(ckv[:, :lora], w[at + "kv_a_layernorm.weight"], c) @ w[at + "kv_b_proj.weight"].T
    kv = kv.reshape(n, c.heads, nope + v_dim).transpose(1, 0, 2)
    k_nope, v = kv[..., :nope], kv[..., nope:]
    positions = np.arange(n, dtype=np.float64)
    s = c.rope_scaling
    if s and s.get("rope_type", s.get("type")) == "yarn":
        inv_freq, cos_factor, score_factor = yarn(c, rope_dim)
    elif s and s.get("rope_type", s.get("type")) not in (None, "default"):
        raise BadInput(f"rope_scaling {s} is not supported for DeepSeek-V3 (yarn is)")
    else:
        inv_freq = 1.0 / (c.rope_theta ** (np.arange(0, rope_dim, 2, dtype=np.float64) / rope_dim))
        cos_factor, score_factor = 1.0, 1.0
    q_rot = rope_interleaved(q[..., nope:], positions, inv_freq, cos_factor)
    k_rot = rope_interleaved(ckv[None, :, lora:], positions, inv_freq, cos_factor)
    q = np.concatenate([q[..., :nope], q_rot], axis=-1)
    k = np.concatenate([k_nope, np.repeat(k_rot, c.heads, axis=0)], axis=-1)
    scores = q @ k.transpose(0, 2, 1) * (score_factor / math.sqrt(nope + rope_dim))
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    scores = np.where(j <= i, scores, -np.inf)
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs @ v).transpose(1, 0, 2).reshape(n, c.heads * v_dim)
    return out @ w[at + "o_proj.weight"].T


def attention(h, w, p, c, layer):
    if c.kind == "deepseek_v3":
        return mla_attention(h, w, p, c)
    n = h.shape[0]
    q, k, v = projections(h, w, p, c)
    q = q.reshape(n, c.heads, c.head_dim).transpose(1, 0, 2)
    k = k.reshape(n, c.kv_heads, c.head_dim).transpose(1, 0, 2)
    v = v.reshape(n, c.kv_heads, c.head_dim).transpose(1, 0, 2)
    if p + "self_attn.q_norm.weight" in w:
        q = rms_norm(q, w[p + "self_attn.q_norm.weight"], c)
        k = rms_norm(k, w[p + "self_attn.k_norm.weight"], c)
    theta, factor = layer_rope(c, layer)
    positions = np.arange(n, dtype=np.float64)
    r = c.rotary_dim  # GLM rotates only the first r dimensions of each head
    q = np.concatenate([rope(q[..., :r], positions, theta, r, factor), q[..., r:]], axis=-1)
    k = np.concatenate([rope(k[..., :r], positions, theta, r, factor), k[..., r:]], axis=-1)
    group = c.heads // c.kv_heads
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    scores = q @ k.transpose(0, 2, 1) * c.scale
    if c.attn_cap:
        scores = np.tanh(scores / c.attn_cap) * c.attn_cap
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    allowed = j <= i
    if c.sliding[layer]:
        allowed &= (i - j) < int(c.window)
    scores = np.where(allowed, scores, -np.inf)
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs @ v).transpose(1, 0, 2).reshape(n, c.heads * c.head_dim)
    return out @ w[p + "self_attn.o_proj.weight"].T


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def silu(x):
    return x / (1.0 + np.exp(-x))


def routed_experts(h, router, expert, c):
    """Softmax over router logits, the experts_used largest, each expert(e) =
    (gate, up, down) a SiLU-gated MLP scaled by its (renormalised if
    c.norm_topk) weight."""
    logits = h @ router.T
    probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    out = np.zeros_like(h)
    for t in range(h.shape[0]):
        chosen = np.argsort(-probs[t], kind="stable")[:c.experts_used]
        weights = probs[t, chosen] / probs[t, chosen].sum() if c.norm_topk else probs[t, chosen]
        for e, weight in zip(chosen, weights):
            gate, up, down = expert(e)
            out[t] += weight * (down @ (silu(gate @ h[t]) * (up @ h[t])))
    return out


def sigmoid_routed_experts(h, router, bias, expert, c):
    """DeepSeek-V3 / GLM-4.5 routing: sigmoid scores; scores + bias choose
    among the groups_used best groups; unbiased scores weight the experts."""
    scores = 1.0 / (1.0 + np.exp(-(h @ router.T)))
    out = np.zeros_like(h)
    n_experts = scores.shape[1]
    per_group = n_experts // c.groups
    for t in range(h.shape[0]):
        choice = scores[t] + bias
        grouped = choice.reshape(c.groups, per_group)
        group_scores = np.sort(grouped, axis=-1)[:, -2:].sum(axis=-1) if per_group > 1 else grouped[:, 0]
        kept = np.argsort(-group_scores, kind="stable")[:c.groups_used]
        mask = np.zeros(c.groups, dtype=bool)
        mask[kept] = True
        masked = np.where(np.repeat(mask, per_group), choice, 0.0)
        chosen = np.argsort(-masked, kind="stable")[:c.experts_used]
        weights = scores[t, chosen]
        if c.norm_topk:
            weights = weights / (weights.sum() + 1e-20)
        weights = weights * c.routed_scale
        for e, weight in zip(chosen, weights):
            gate, up, down = expert(e)
            out[t] += weight * (down @ (silu(gate @ h[t]) * (up @ h[t])))
    return out


def glm4_moe(h, w, p, c):
    m = p + "mlp."
    s = m + "shared_experts."
    shared = (silu(h @ w[s + "gate_proj.weight"].T) * (h @ w[s + "up_proj.weight"].T)) @ w[s + "down_proj.weight"].T
    return sigmoid_routed_experts(h, w[m + "gate.weight"], w[m + "gate.e_score_correction_bias"],
                                  stored_expert(w, m), c) + shared


def mixtral_moe(h, w, p, c):
    moe = p + "block_sparse_moe."

    def expert(e):
        x = moe + f"experts.{e}."
        return w[x + "w1.weight"], w[x + "w3.weight"], w[x + "w2.weight"]
    return routed_experts(h, w[moe + "gate.weight"], expert, c)


def stored_expert(w, m):
    """expert(e) -> (gate, up, down) of the experts under prefix m, per-expert or fused."""
    if m + "experts.gate_up_proj" in w:
        gate_up, down = w[m + "experts.gate_up_proj"], w[m + "experts.down_proj"]
        ff = gate_up.shape[1] // 2
        return lambda e: (gate_up[e, :ff], gate_up[e, ff:], down[e])

    def expert(e):
        x = m + f"experts.{e}."
        return w[x + "gate_proj.weight"], w[x + "up_proj.weight"], w[x + "down_proj.weight"]
    return expert


def qwen3_moe(h, w, p, c):
    m = p + "mlp."
    return routed_experts(h, w[m + "gate.weight"], stored_expert(w, m), c)


def qwen2_moe(h, w, p, c):
    m = p + "mlp."
    expert = stored_expert(w, m)
    s = m + "shared_expert."
    shared = (silu(h @ w[s + "gate_proj.weight"].T) * (h @ w[s + "up_proj.weight"].T)) @ w[s + "down_proj.weight"].T
    shared_gate = 1.0 / (1.0 + np.exp(-(h @ w[m + "shared_expert_gate.weight"].T)))  # (T, 1)
    return routed_experts(h, w[m + "gate.weight"], expert, c) + shared_gate * shared


def mlp(h, w, p, c, layer):
    if c.sparse[layer]:
        return {"mixtral": mixtral_moe, "qwen2_moe": qwen2_moe, "qwen3_moe": qwen3_moe,
                "glm4_moe": glm4_moe, "deepseek_v3": glm4_moe}[c.kind](h, w, p, c)
    if c.kind == "phi3":
        gate, up = np.split(h @ w[p + "mlp.gate_up_proj.weight"].T, 2, axis=-1)
    else:
        gate, up = h @ w[p + "mlp.gate_proj.weight"].T, h @ w[p + "mlp.up_proj.weight"].T
    act = gelu_tanh(gate) if c.gemma else silu(gate)
    return (act * up) @ w[p + "mlp.down_proj.weight"].T


def forward(w, c, tokens):
    x = w["model.embed_tokens.weight"][np.asarray(tokens)]
    if c.gemma:
        x = x * math.sqrt(c.hidden)
    for i in range(c.layers):
        p = f"model.layers.{i}."
        a = attention(rms_norm(x, w[p + "input_layernorm.weight"], c), w, p, c, i)
        if c.gemma:
            x = x + rms_norm(a, w[p + "post_attention_layernorm.weight"], c)
            m = mlp(rms_norm(x, w[p + "pre_feedforward_layernorm.weight"], c), w, p, c, i)
            x = x + rms_norm(m, w[p + "post_feedforward_layernorm.weight"], c)
        else:
            x = x + a
            x = x + mlp(rms_norm(x, w[p + "post_attention_layernorm.weight"], c), w, p, c, i)
    x = rms_norm(x, w["model.norm.weight"], c)
    head = w["model.embed_tokens.weight"] if c.tied or "lm_head.weight" not in w else w["lm_head.weight"]
    logits = x @ head.T
    if c.final_cap:
        logits = np.tanh(logits / c.final_cap) * c.final_cap
    return logits


def main(argv=None):
    return run("arch_reference", __doc__.split("\n\n")[0], load_config, lambda c: c.vocab,
               lambda model, _: float64_weights(model), forward, argv)


if __name__ == "__main__":
    sys.exit(main())
