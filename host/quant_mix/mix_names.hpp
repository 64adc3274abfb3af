// What a type name given by the user means: a mix (q4_k_m: per-tensor rules
// as llama-quantize applies them) or a single block type (q4_k).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gmat {

// True for f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q2_k, q2_k_s, q3_k_s,
// q3_k_m, q3_k_l, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k, iq4_nl, iq4_xs, iq1_s,
// iq1_m, iq2_xxs, iq2_xs, iq2_s, iq2_m, iq3_xxs, iq3_xs, iq3_s, iq3_m (any case).
bool is_mix_name(std::string_view name);

// Every mix name, comma separated, for error messages.
std::string mix_names_list();

// The block type a name stands for when applied to one tensor, lowercase:
// a block type gives itself (q5_k -> q5_k, iq2_s -> iq2_s even though llama.cpp's
// iq2_s mix is mostly iq2_xs), any other mix its base type (q4_k_m -> q4_k,
// iq3_m -> iq3_s). Throws GmatError for anything else.
std::string base_type_of(std::string_view mix_or_type);

// The llama_ftype number of a mix, for GGUF's general.file_type. Throws GmatError for non-mixes.
uint32_t llama_ftype_of(std::string_view mix);

} // namespace gmat
