#include "quant_mix/mix.hpp"

#include "quant_mix/lowercase.hpp"

#include <array>

namespace gmat::quant_mix {
namespace {

struct MixInfo {
    Mix mix;
    std::string_view name;
    uint32_t llama_ftype; // values of enum llama_ftype in llama.h
    BlockType base;
};

constexpr std::array<MixInfo, 31> kMixes{{
    {Mix::f32, "f32", 0, BlockType::f32},           {Mix::f16, "f16", 1, BlockType::f16},
    {Mix::bf16, "bf16", 32, BlockType::bf16},       {Mix::q4_0, "q4_0", 2, BlockType::q4_0},
    {Mix::q4_1, "q4_1", 3, BlockType::q4_1},        {Mix::q5_0, "q5_0", 8, BlockType::q5_0},
    {Mix::q5_1, "q5_1", 9, BlockType::q5_1},        {Mix::q8_0, "q8_0", 7, BlockType::q8_0},
    {Mix::q2_k, "q2_k", 10, BlockType::q2_k},       {Mix::q2_k_s, "q2_k_s", 21, BlockType::q2_k},
    {Mix::q3_k_s, "q3_k_s", 11, BlockType::q3_k},   {Mix::q3_k_m, "q3_k_m", 12, BlockType::q3_k},
    {Mix::q3_k_l, "q3_k_l", 13, BlockType::q3_k},   {Mix::q4_k_s, "q4_k_s", 14, BlockType::q4_k},
    {Mix::q4_k_m, "q4_k_m", 15, BlockType::q4_k},   {Mix::q5_k_s, "q5_k_s", 16, BlockType::q5_k},
    {Mix::q5_k_m, "q5_k_m", 17, BlockType::q5_k},   {Mix::q6_k, "q6_k", 18, BlockType::q6_k},
    {Mix::iq4_nl, "iq4_nl", 25, BlockType::iq4_nl}, {Mix::iq4_xs, "iq4_xs", 30, BlockType::iq4_xs},
    {Mix::iq1_s, "iq1_s", 24, BlockType::iq1_s},     {Mix::iq1_m, "iq1_m", 31, BlockType::iq1_m},
    {Mix::iq2_xxs, "iq2_xxs", 19, BlockType::iq2_xxs}, {Mix::iq2_xs, "iq2_xs", 20, BlockType::iq2_xs},
    // llama.cpp's iq2_s file is mostly iq2_xs, its iq2_m file mostly iq2_s; iq3_xs and iq3_m are iq3_s files.
    {Mix::iq2_s, "iq2_s", 28, BlockType::iq2_xs},     {Mix::iq2_m, "iq2_m", 29, BlockType::iq2_s},
    {Mix::iq3_xxs, "iq3_xxs", 23, BlockType::iq3_xxs}, {Mix::iq3_xs, "iq3_xs", 22, BlockType::iq3_s},
    {Mix::iq3_s, "iq3_s", 26, BlockType::iq3_s},     {Mix::iq3_m, "iq3_m", 27, BlockType::iq3_s},
    {Mix::mxfp4_moe, "mxfp4_moe", 38, BlockType::mxfp4},
}};

const MixInfo &info_of(Mix mix) { return kMixes[static_cast<size_t>(mix)]; }

} // namespace

std::optional<Mix> parse_mix(std::string_view name) {
    const std::string wanted = lowercase(name);
    for (const auto &info : kMixes)
        if (info.name == wanted) return info.mix;
    return std::nullopt;
}

std::string_view mix_name(Mix mix) { return info_of(mix).name; }

std::vector<std::string_view> all_mix_names() {
    std::vector<std::string_view> names;
    for (const auto &info : kMixes) names.push_back(info.name);
    return names;
}
uint32_t mix_llama_ftype(Mix mix) { return info_of(mix).llama_ftype; }
BlockType mix_base_type(Mix mix) { return info_of(mix).base; }

} // namespace gmat::quant_mix
