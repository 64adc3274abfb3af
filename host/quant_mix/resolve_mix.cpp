#include "quant_mix/resolve_mix.hpp"

#include "common/error.hpp"
#include "quant_mix/mix.hpp"
#include "quant_mix/mix_names.hpp"
#include "quant_mix/mix_rules.hpp"
#include "quant_mix/model_traits.hpp"
#include "quant_mix/required_imatrix.hpp"
#include "quant_mix/row_fallback.hpp"
#include "quant_mix/tensor_role.hpp"
#include "quant_mix/unquantized_tensors.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <optional>
#include <set>

namespace gmat {
namespace {

using quant_mix::BlockType;
using quant_mix::Mix;

// The layer in "blk.N.<...>", -1 for tensors outside the layers (as llama.cpp's sscanf leaves it).
int layer_in_name(std::string_view name) {
    int layer = -1;
    if (name.starts_with("blk.")) std::from_chars(name.data() + 4, name.data() + name.size(), layer);
    return layer;
}

// llama.cpp quantizes in the order of its weights map: by layer (non-layer tensors first), then by name.
std::vector<size_t> llama_quantize_order(const std::vector<MixTensor> &tensors) {
    std::vector<size_t> order(tensors.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const int layer_a = layer_in_name(tensors[a].name), layer_b = layer_in_name(tensors[b].name);
        if (layer_a != layer_b) return layer_a < layer_b;
        return tensors[a].name < tensors[b].name;
    });
    return order;
}

void check_tensor_list(const MixModel &model, const std::vector<MixTensor> &tensors) {
    std::set<std::string_view> seen;
    for (const MixTensor &t : tensors) {
        if (t.name.empty()) throw GmatError("quantization mix: a tensor has an empty name");
        if (t.ne.empty() || t.ne[0] == 0)
            throw GmatError("quantization mix: tensor " + t.name + " has no shape (ne[0] must be the row length)");
        if (!seen.insert(t.name).second) throw GmatError("quantization mix: tensor " + t.name + " is listed twice");
        if (!quant_mix::parse_block_type(t.source_type))
            throw GmatError("quantization mix: tensor " + t.name + " has unknown source type '" + t.source_type + "'");
    }
    const bool has_output = seen.contains("output.weight");
    if (has_output != model.has_output_tensor)
        throw GmatError(std::string("quantization mix: has_output_tensor is ") +
                        (model.has_output_tensor ? "true" : "false") + " but output.weight is " +
                        (has_output ? "present" : "absent") + " in the tensor list");
}

// llama.cpp refuses to write some types without an importance matrix (q2_k in a q2_k_s file, the
// lowest-bit i-quants), except for token_embd and output.
void check_imatrix_given(Mix mix, const MixTensor &tensor, BlockType type, bool has_imatrix) {
    const std::string_view type_name = quant_mix::block_type_name(type);
    if (has_imatrix || !quant_mix::requires_imatrix(tensor.name, type_name, mix)) return;
    throw GmatError("mix " + std::string(quant_mix::mix_name(mix)) + ": tensor " + tensor.name + " would be " +
                    std::string(type_name) +
                    ", which llama.cpp only writes with an importance matrix: pass --imatrix FILE (or \"imatrix\" "
                    "in the export config)");
}

struct MixContext {
    Mix mix;
    quant_mix::ModelTraits model;
    bool tied_embeddings;
    quant_mix::MixCounters counters;
};

MixChoice kept_as_source(const MixTensor &tensor, const std::string &why) {
    const std::string type(quant_mix::block_type_name(*quant_mix::parse_block_type(tensor.source_type)));
    return {type, "not quantized by llama.cpp (" + why + "): keeps source type " + type};
}

// llama.cpp's MXFP4_MOE: the output head (and a tied embedding) Q8_0, stacked
// expert tensors (ne[2] > 1) MXFP4, every other quantized tensor Q8_0.
MixChoice mxfp4_moe_choice(const MixContext &context, const MixTensor &tensor, quant_mix::TensorRole role) {
    using quant_mix::TensorRole;
    const bool head = role == TensorRole::output || (context.tied_embeddings && role == TensorRole::token_embd);
    const bool experts = tensor.ne.size() > 2 && tensor.ne[2] > 1;
    const BlockType type = !head && experts ? BlockType::mxfp4 : BlockType::q8_0;
    const quant_mix::RowFit fit = quant_mix::fit_row(type, tensor.ne[0]);
    MixChoice choice{std::string(quant_mix::block_type_name(fit.type)),
                     std::string("mxfp4_moe: ") + (head ? "output head -> q8_0" : experts ? "expert tensor -> mxfp4"
                                                                                           : "not an expert tensor -> q8_0"),
                     fit.fell_back};
    if (fit.fell_back) choice.reason += "; " + fit.reason;
    return choice;
}

MixChoice resolve_one(MixContext &context, const MixTensor &tensor) {
    if (auto why = quant_mix::why_kept_unquantized(tensor.name, tensor.ne)) return kept_as_source(tensor, *why);
    const BlockType base = quant_mix::mix_base_type(context.mix);
    const std::string base_name(quant_mix::block_type_name(base));
    if (!quant_mix::is_quantized(base))
        return {base_name,
                "float mix " + std::string(quant_mix::mix_name(context.mix)) + ": every 2-D weight -> " + base_name};

    const quant_mix::TensorRole role = quant_mix::tensor_role(tensor.name);
    if (context.mix == Mix::mxfp4_moe) return mxfp4_moe_choice(context, tensor, role);
    const quant_mix::RuleInput input{context.mix,  context.model, tensor.name,
                                     tensor.ne[0], role,          context.tied_embeddings};
    const quant_mix::RuleChoice rule = quant_mix::choose_by_mix_rules(input, context.counters);
    const quant_mix::RowFit fit = quant_mix::fit_row(rule.type, tensor.ne[0]);
    check_imatrix_given(context.mix, tensor, fit.type, context.model.has_imatrix);

    MixChoice choice{std::string(quant_mix::block_type_name(fit.type)), rule.reason, rule.row_forced || fit.fell_back};
    if (fit.fell_back) choice.reason += "; " + fit.reason;
    return choice;
}

} // namespace

std::vector<MixChoice> resolve_mix(std::string_view mix_name, const MixModel &model,
                                   const std::vector<MixTensor> &tensors) {
    const std::optional<Mix> mix = quant_mix::parse_mix(mix_name);
    if (!mix)
        throw GmatError("'" + std::string(mix_name) + "' is not a quantization mix; expected one of " + mix_names_list());
    check_tensor_list(model, tensors);

    MixContext context{*mix, quant_mix::model_traits(model), !model.has_output_tensor, {}};
    for (const MixTensor &t : tensors)
        if (quant_mix::tensor_role(t.name) == quant_mix::TensorRole::attn_v) ++context.counters.n_attention_wv;

    std::vector<MixChoice> choices(tensors.size());
    for (size_t index : llama_quantize_order(tensors))
        choices[index] = resolve_one(context, tensors[index]);
    return choices;
}

} // namespace gmat
