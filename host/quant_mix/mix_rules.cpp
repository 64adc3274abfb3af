#include "quant_mix/mix_rules.hpp"

#include "common/error.hpp"

#include <charconv>

namespace gmat::quant_mix {
namespace {

using BT = BlockType;

// llama.cpp's use_more_bits: the first and last eighth of the layers and every third one between.
bool use_more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

// The mixes llama.cpp handles in one branch of their own (attn_v, attn_k, ffn_down, attn_output).
bool is_low_iq(Mix mix) {
    return mix == Mix::iq2_xxs || mix == Mix::iq2_xs || mix == Mix::iq1_s || mix == Mix::iq2_s ||
           mix == Mix::iq2_m || mix == Mix::iq1_m;
}
constexpr std::string_view kMoreBitsWhy = "more bits in the first/last 1/8 of layers and every 3rd between";

RuleChoice picked(const RuleInput &in, const std::string &what, std::string_view why, BlockType type) {
    return {type, what + " in " + std::string(mix_name(in.mix)) + ": " + std::string(why) + " -> " +
                      std::string(block_type_name(type))};
}

RuleChoice base_choice(const RuleInput &in, const std::string &what) {
    return picked(in, what, "base type", mix_base_type(in.mix));
}

// output.weight, and token_embd when it doubles as the output (tied embeddings).
RuleChoice output_rule(const RuleInput &in) {
    const std::string what = in.role == TensorRole::output ? "output" : std::string(in.name) + " tied to output";
    const BlockType base = mix_base_type(in.mix);
    if (in.model.is_falcon) return picked(in, what, "falcon output", BT::q8_0);
    if (!row_fits(base, in.row_length)) {
        const std::string why = "row length " + std::to_string(in.row_length) + " not a multiple of " +
                                std::to_string(block_elements(base));
        RuleChoice choice = picked(in, what, why, BT::q8_0);
        choice.row_forced = true;
        return choice;
    }
    if (is_low_iq(in.mix) || in.mix == Mix::iq3_xxs) return picked(in, what, "low-bit i-quant output", BT::q5_k);
    if (base == BT::q8_0) return base_choice(in, what);
    return picked(in, what, "output gets more bits", BT::q6_k);
}

// token_embd when the model has an output.weight of its own.
RuleChoice token_embd_rule(const RuleInput &in) {
    const std::string what = "token_embd";
    switch (in.mix) {
    case Mix::iq2_xxs:
    case Mix::iq2_xs:
    case Mix::iq1_s:
    case Mix::iq1_m: return picked(in, what, "low-bit i-quant embeddings", BT::q2_k);
    case Mix::iq2_s:
    case Mix::iq2_m:
    case Mix::iq3_xxs: return picked(in, what, "low-bit i-quant embeddings", BT::iq3_s);
    default: return base_choice(in, what);
    }
}

bool iq2_s_or_m(Mix mix) { return mix == Mix::iq2_s || mix == Mix::iq2_m; }

// llama.cpp's own branch for the 1- and 2-bit i-quant mixes; its counters are plain tensor counts.
RuleChoice low_iq_rule(const RuleInput &in, MixCounters &counters) {
    const std::string what(tensor_role_name(in.role));
    const bool wide = in.model.gqa >= 4 || in.model.n_expert >= 4;
    switch (in.role) {
    case TensorRole::attn_v: {
        const std::string which = "attn_v #" + std::to_string(counters.i_attention_wv++);
        if (wide) return picked(in, which, "GQA >= 4 or 4+ experts", BT::q4_k);
        return picked(in, which, "one step up", iq2_s_or_m(in.mix) ? BT::iq3_s : BT::q2_k);
    }
    case TensorRole::attn_k:
        if (in.model.n_expert == 8) return picked(in, what, "8-expert model", BT::q4_k);
        break;
    case TensorRole::ffn_down: {
        const int i = counters.i_ffn_down++;
        const std::string which = "ffn_down #" + std::to_string(i) + " of " + std::to_string(in.model.n_layer);
        if (i < in.model.n_layer / 8)
            return picked(in, which, "first 1/8 of ffn_down tensors", iq2_s_or_m(in.mix) ? BT::iq3_s : BT::q2_k);
        return base_choice(in, which);
    }
    case TensorRole::attn_output:
        if (in.model.n_expert == 8) return picked(in, what, "8-expert model", BT::q5_k);
        if (in.mix == Mix::iq1_s || in.mix == Mix::iq1_m) return picked(in, what, "one step up", BT::iq2_xxs);
        if (iq2_s_or_m(in.mix)) return picked(in, what, "one step up", BT::iq3_s);
        break;
    default: break;
    }
    return base_choice(in, what);
}

// i counts attn_v-like tensors in llama.cpp's order, n is their total.
RuleChoice attn_v_by_mix(const RuleInput &in, int i, int n, const std::string &what) {
    const bool wide_gqa = in.model.gqa >= 4;
    switch (in.mix) {
    case Mix::q2_k: return picked(in, what, wide_gqa ? "GQA >= 4" : "one step up", wide_gqa ? BT::q4_k : BT::q3_k);
    case Mix::q2_k_s:
        if (wide_gqa) return picked(in, what, "GQA >= 4", BT::q4_k);
        break;
    case Mix::iq3_xxs:
        if (wide_gqa) return picked(in, what, "GQA >= 4", BT::q4_k);
        if (!in.model.has_imatrix) return picked(in, what, "no imatrix", BT::iq3_s);
        return picked(in, what, "with imatrix", BT::iq3_xxs);
    case Mix::iq3_xs:
    case Mix::iq3_s:
        if (wide_gqa) return picked(in, what, "GQA >= 4", BT::q4_k);
        break;
    case Mix::iq3_m: return picked(in, what, "one step up", BT::q4_k);
    case Mix::q3_k_m:
        return i < 2 ? picked(in, what, "first 2 attn_v", BT::q5_k) : picked(in, what, "one step up", BT::q4_k);
    case Mix::q3_k_l: return picked(in, what, "two steps up", BT::q5_k);
    case Mix::iq4_nl:
    case Mix::iq4_xs:
        if (wide_gqa) return picked(in, what, "GQA >= 4", BT::q5_k);
        break;
    case Mix::q4_k_m:
    case Mix::q5_k_m:
        if (use_more_bits(i, n)) return picked(in, what, kMoreBitsWhy, BT::q6_k);
        break;
    case Mix::q4_k_s:
        if (i < 4) return picked(in, what, "first 4 attn_v", BT::q5_k);
        break;
    default: break;
    }
    return base_choice(in, what);
}

RuleChoice attn_v_rule(const RuleInput &in, MixCounters &counters) {
    const int i = counters.i_attention_wv++;
    const std::string what = "attn_v #" + std::to_string(i) + " of " + std::to_string(counters.n_attention_wv);
    RuleChoice choice = attn_v_by_mix(in, i, counters.n_attention_wv, what);
    // 8 query heads share each V head in 70B models, so V is small and cheap to keep precise.
    if (in.model.is_70b_class && (choice.type == BT::q3_k || choice.type == BT::q4_k))
        choice = picked(in, what, "70B-class model", BT::q5_k);
    if (in.model.n_expert == 8) choice = picked(in, what, "8-expert model", BT::q8_0);
    return choice;
}

struct LayerPosition {
    int layer;
    int n_layer;
};

// llama.cpp's layer_info: experts are not stored layer by layer, so with experts the
// layer comes from the name; otherwise the count of this role seen so far is the layer.
LayerPosition ffn_layer(const RuleInput &in, int counter) {
    if (in.model.n_expert <= 1) return {counter, in.model.n_layer};
    const std::string_view prefix = "blk.";
    int layer = -1;
    const char *digits = in.name.data() + prefix.size();
    if (!in.name.starts_with(prefix) ||
        std::from_chars(digits, in.name.data() + in.name.size(), layer).ec != std::errc())
        throw GmatError("tensor " + std::string(in.name) + ": expected a name starting with blk.<layer>. " +
                        "in an expert model (llama.cpp reads the layer from it)");
    if (layer < 0 || layer >= in.model.n_layer)
        throw GmatError("tensor " + std::string(in.name) + ": layer " + std::to_string(layer) + " is outside [0, " +
                        std::to_string(in.model.n_layer) + ") (block_count)");
    return {layer, in.model.n_layer};
}

RuleChoice ffn_down_by_mix(const RuleInput &in, LayerPosition pos, const std::string &what) {
    const int i = pos.layer, n = pos.n_layer;
    const bool falcon = in.model.is_falcon;
    switch (in.mix) {
    case Mix::q2_k: return picked(in, what, "one step up", BT::q3_k);
    case Mix::q2_k_s:
        if (i < n / 8) return picked(in, what, "first 1/8 of layers", BT::q4_k);
        break;
    case Mix::iq3_xxs:
        if (in.model.has_imatrix) break;
        return i < n / 8 ? picked(in, what, "first 1/8 of layers without imatrix", BT::q4_k)
                         : picked(in, what, "no imatrix", BT::q3_k);
    case Mix::q3_k_m:
        if (i < n / 16) return picked(in, what, "first 1/16 of layers", BT::q5_k);
        if (!falcon) return picked(in, what, "one step up", BT::q4_k);
        if (use_more_bits(i, n)) return picked(in, what, kMoreBitsWhy, BT::q4_k);
        break;
    case Mix::iq3_m:
        if (i < n / 8) return picked(in, what, "first 1/8 of layers", BT::q4_k);
        if (in.model.n_expert == 8 && use_more_bits(i, n))
            return picked(in, what, "8-expert model, " + std::string(kMoreBitsWhy), BT::q4_k);
        break;
    case Mix::q3_k_l:
        return picked(in, what, falcon ? "falcon: one step up" : "two steps up", falcon ? BT::q4_k : BT::q5_k);
    case Mix::q4_k_m:
        if (falcon && i < n / 16) return picked(in, what, "falcon: first 1/16 of layers", BT::q6_k);
        if (use_more_bits(i, n)) return picked(in, what, kMoreBitsWhy, falcon ? BT::q5_k : BT::q6_k);
        break;
    case Mix::iq4_nl:
    case Mix::iq4_xs: // with an importance matrix llama.cpp trusts iq4 for these layers
        if (i < n / 8 && !in.model.has_imatrix) return picked(in, what, "first 1/8 of layers without imatrix", BT::q5_k);
        break;
    case Mix::q4_0: // llama.cpp guards the first layers with the offset type, only when an imatrix is given
        if (i < n / 8 && in.model.has_imatrix) return picked(in, what, "first 1/8 of layers with imatrix", BT::q4_1);
        break;
    case Mix::q5_0:
        if (i < n / 8 && in.model.has_imatrix) return picked(in, what, "first 1/8 of layers with imatrix", BT::q5_1);
        break;
    case Mix::q5_k_m:
        if (use_more_bits(i, n)) return picked(in, what, kMoreBitsWhy, BT::q6_k);
        break;
    case Mix::q4_k_s:
        if (!falcon && i < n / 8) return picked(in, what, "first 1/8 of layers", BT::q5_k);
        break;
    default: break;
    }
    return base_choice(in, what);
}

RuleChoice attn_output_rule(const RuleInput &in, const std::string &what) {
    const Mix mix = in.mix;
    if (in.model.is_falcon) {
        if (mix == Mix::q3_k_l) return picked(in, what, "falcon: one step up", BT::q4_k);
    } else if (in.model.n_expert == 8) {
        const bool bumped = mix == Mix::q2_k || mix == Mix::iq3_xs || mix == Mix::iq3_xxs || mix == Mix::q3_k_s ||
                            mix == Mix::q3_k_m || mix == Mix::iq4_nl || mix == Mix::q4_k_s || mix == Mix::q4_k_m ||
                            mix == Mix::iq3_s || mix == Mix::iq3_m || mix == Mix::iq4_xs;
        if (bumped) return picked(in, what, "8-expert model", BT::q5_k);
    } else if (mix == Mix::q2_k) {
        return picked(in, what, "one step up", BT::q3_k);
    } else if (mix == Mix::iq3_xxs) {
        return picked(in, what, "one step up", BT::iq3_s);
    } else if (mix == Mix::iq3_m) {
        return picked(in, what, "one step up", BT::q4_k);
    } else if (mix == Mix::q3_k_m) {
        return picked(in, what, "one step up", BT::q4_k);
    } else if (mix == Mix::q3_k_l) {
        return picked(in, what, "two steps up", BT::q5_k);
    }
    return base_choice(in, what);
}

std::string layer_label(std::string_view role, LayerPosition pos) {
    return std::string(role) + " of layer " + std::to_string(pos.layer) + "/" + std::to_string(pos.n_layer);
}

// iq3_xs keeps the outer eighths of ffn_gate/ffn_up at iq3_s and drops the middle layers to iq3_xxs.
RuleChoice gate_up_rule(const RuleInput &in, int counter, const std::string &what) {
    const LayerPosition pos = ffn_layer(in, counter);
    const std::string label = layer_label(what, pos);
    if (in.mix == Mix::iq3_xs && pos.layer >= pos.n_layer / 8 && pos.layer < 7 * pos.n_layer / 8)
        return picked(in, label, "middle layers", BT::iq3_xxs);
    return base_choice(in, label);
}

// attn_q, and attn_k outside 8-expert models: the iq3 mixes step down.
RuleChoice attn_qk_rule(const RuleInput &in, const std::string &what) {
    if (in.mix == Mix::iq3_xs) return picked(in, what, "one step down", BT::iq3_xxs);
    if (in.mix == Mix::iq3_xxs) return picked(in, what, "one step down", BT::iq2_s);
    return base_choice(in, what);
}

} // namespace

RuleChoice choose_by_mix_rules(const RuleInput &in, MixCounters &counters) {
    const std::string what = std::string(tensor_role_name(in.role));
    if (in.role == TensorRole::output) return output_rule(in);
    if (in.role == TensorRole::token_embd) return in.tied_embeddings ? output_rule(in) : token_embd_rule(in);
    if (is_low_iq(in.mix)) return low_iq_rule(in, counters);
    switch (in.role) {
    case TensorRole::attn_v: return attn_v_rule(in, counters);
    case TensorRole::attn_k:
        if (in.model.n_expert == 8) return picked(in, what, "8-expert model", BT::q8_0);
        return attn_qk_rule(in, what);
    case TensorRole::attn_q: return attn_qk_rule(in, what);
    case TensorRole::ffn_down: {
        const LayerPosition pos = ffn_layer(in, counters.i_ffn_down++);
        return ffn_down_by_mix(in, pos, layer_label(what, pos));
    }
    case TensorRole::attn_output: return attn_output_rule(in, what);
    // llama.cpp checks their layer in expert models whatever the mix.
    case TensorRole::ffn_gate: return gate_up_rule(in, counters.i_ffn_gate++, what);
    case TensorRole::ffn_up: return gate_up_rule(in, counters.i_ffn_up++, what);
    case TensorRole::output:
    case TensorRole::token_embd:
    case TensorRole::other: return base_choice(in, what);
    }
    return base_choice(in, what);
}

} // namespace gmat::quant_mix
