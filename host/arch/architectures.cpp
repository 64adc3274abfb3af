// The architectures gmat converts. One line per architecture file.
#include "arch/architecture.hpp"
#include "arch/llama_family.hpp"
#include "arch/supported_architectures.hpp"

#include "common/error.hpp"

namespace gmat {

namespace {
const std::vector<const Architecture *> &all_architectures() {
    static const std::vector<const Architecture *> all{
        &llama_architecture(),
        &qwen2_architecture(),
        &qwen3_architecture(),
        &phi3_architecture(),
        &gemma2_architecture(),
        &gemma3_architecture(),
        &mixtral_architecture(),
        &qwen2moe_architecture(),
        &qwen3moe_architecture(),
        &glm4moe_architecture(),
        &deepseek2_architecture(),
        &gpt_oss_architecture(),
    };
    return all;
}
} // namespace

uint32_t Architecture::block_count(const HfConfig &config) const {
    return static_cast<uint32_t>(config.require_uint("num_hidden_layers"));
}

std::vector<std::string> supported_hf_classes() {
    std::vector<std::string> out;
    for (const Architecture *a : all_architectures())
        for (const auto &c : a->hf_classes()) out.push_back(c);
    return out;
}

const Architecture &architecture_for(const HfConfig &config) {
    const std::string cls = config.architecture_class();
    for (const Architecture *a : all_architectures())
        for (const auto &c : a->hf_classes())
            if (c == cls) return *a;
    std::string list;
    for (const auto &c : supported_hf_classes()) list += (list.empty() ? "" : ", ") + c;
    throw GmatError(config.source() + ": model class '" + cls + "' is not supported (supported: " + list + ")");
}

} // namespace gmat
