#include "quant_mix/model_traits.hpp"

#include "common/error.hpp"

namespace gmat::quant_mix {
namespace {

// The architectures whose load_hparams can set LLM_TYPE_70B, with their rule.
bool is_70b_class(const MixModel &m) {
    const std::string &arch = m.architecture;
    if (arch == "llama") return m.n_expert != 8 && m.n_layer == 80 && m.n_head != m.n_head_kv;
    if (arch == "qwen2" || arch == "deci" || arch == "olmo") return m.n_layer == 80;
    if (arch == "jais2") return m.n_layer == 68;
    return false;
}

} // namespace

ModelTraits model_traits(const MixModel &model) {
    if (model.n_layer == 0)
        throw GmatError("quantization mix for architecture '" + model.architecture +
                        "': n_layer (block_count) must be at least 1");
    ModelTraits traits;
    traits.is_falcon = model.architecture == "falcon";
    traits.is_70b_class = is_70b_class(model);
    traits.gqa = model.n_head_kv == 0 ? 0 : model.n_head / model.n_head_kv;
    traits.n_expert = model.n_expert;
    traits.n_layer = static_cast<int>(model.n_layer);
    traits.has_imatrix = model.has_imatrix;
    return traits;
}

} // namespace gmat::quant_mix
