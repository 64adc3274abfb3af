// The quantization mixes (llama.cpp's llama_ftype values) gmat accepts as an
// export's default type, each with its llama_ftype id and base block type.
#pragma once

#include "quant_mix/block_type.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace gmat::quant_mix {

enum class Mix {
    f32,
    f16,
    bf16,
    q4_0,
    q4_1,
    q5_0,
    q5_1,
    q8_0,
    q2_k,
    q2_k_s,
    q3_k_s,
    q3_k_m,
    q3_k_l,
    q4_k_s,
    q4_k_m,
    q5_k_s,
    q5_k_m,
    q6_k,
    iq4_nl,
    iq4_xs,
    iq1_s,
    iq1_m,
    iq2_xxs,
    iq2_xs,
    iq2_s,
    iq2_m,
    iq3_xxs,
    iq3_xs,
    iq3_s,
    iq3_m,
    mxfp4_moe, // expert tensors (3-D) MXFP4, everything else Q8_0
};

// Case-insensitive; nullopt when the name is not a mix.
std::optional<Mix> parse_mix(std::string_view name);
std::string_view mix_name(Mix mix);
// Every mix name, in the order of the enum.
std::vector<std::string_view> all_mix_names();
// llama.cpp's llama_ftype number, which GGUF stores as general.file_type.
uint32_t mix_llama_ftype(Mix mix);
// llama.cpp's llama_ftype_get_default_type: the type most tensors get.
BlockType mix_base_type(Mix mix);

} // namespace gmat::quant_mix
