#include "quant_mix/block_type.hpp"

#include "quant_mix/lowercase.hpp"

#include <array>

namespace gmat::quant_mix {
namespace {

struct BlockTypeInfo {
    BlockType type;
    std::string_view name;
    uint32_t elements;
};

constexpr std::array<BlockTypeInfo, 23> kBlockTypes{{
    {BlockType::f32, "f32", 1},
    {BlockType::f16, "f16", 1},
    {BlockType::bf16, "bf16", 1},
    {BlockType::q4_0, "q4_0", 32},
    {BlockType::q4_1, "q4_1", 32},
    {BlockType::q5_0, "q5_0", 32},
    {BlockType::q5_1, "q5_1", 32},
    {BlockType::q8_0, "q8_0", 32},
    {BlockType::q2_k, "q2_k", 256},
    {BlockType::q3_k, "q3_k", 256},
    {BlockType::q4_k, "q4_k", 256},
    {BlockType::q5_k, "q5_k", 256},
    {BlockType::q6_k, "q6_k", 256},
    {BlockType::iq4_nl, "iq4_nl", 32},
    {BlockType::iq4_xs, "iq4_xs", 256},
    {BlockType::iq1_s, "iq1_s", 256},
    {BlockType::iq1_m, "iq1_m", 256},
    {BlockType::iq2_xxs, "iq2_xxs", 256},
    {BlockType::iq2_xs, "iq2_xs", 256},
    {BlockType::iq2_s, "iq2_s", 256},
    {BlockType::iq3_xxs, "iq3_xxs", 256},
    {BlockType::iq3_s, "iq3_s", 256},
    {BlockType::mxfp4, "mxfp4", 32},
}};

const BlockTypeInfo &info_of(BlockType type) { return kBlockTypes[static_cast<size_t>(type)]; }

} // namespace

std::string_view block_type_name(BlockType type) { return info_of(type).name; }

std::optional<BlockType> parse_block_type(std::string_view name) {
    const std::string wanted = lowercase(name);
    for (const auto &info : kBlockTypes)
        if (info.name == wanted) return info.type;
    return std::nullopt;
}

uint32_t block_elements(BlockType type) { return info_of(type).elements; }

bool is_quantized(BlockType type) {
    return type != BlockType::f32 && type != BlockType::f16 && type != BlockType::bf16;
}

bool row_fits(BlockType type, uint64_t row_length) { return row_length % block_elements(type) == 0; }

} // namespace gmat::quant_mix
