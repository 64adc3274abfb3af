#include "pipeline/recommendations.hpp"

#include "common/dtype.hpp"
#include "quant_mix/converter_float_type.hpp"
#include "quant_mix/lowercase.hpp"
#include "quant_mix/unquantized_tensors.hpp"
#include "store/tensor_file_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gmat {

namespace {

constexpr uint64_t kBlock = 32;
constexpr uint64_t kMaxSamples = 1ull << 20; // block maxima kept per tensor: bounded memory

// The role names of the seed's recommendation table.
std::string role_of(const std::string &gguf_name) {
    for (const char *role : {"token_embd", "output", "attn_output", "attn_v", "ffn_down", "attn_q", "attn_k",
                             "ffn_gate", "ffn_up"}) {
        const std::string r(role);
        if (gguf_name == r + ".weight" || gguf_name.ends_with("." + r + ".weight")) return r;
    }
    return "other";
}

struct RoleRule {
    const char *low, *medium, *high;
};

RoleRule rule_for(const std::string &role) {
    if (role == "token_embd" || role == "output") return {"q6_k", "q6_k", "q8_0"};
    if (role == "attn_output" || role == "attn_v" || role == "ffn_down") return {"q5_k_m", "q6_k", "q6_k"};
    if (role == "attn_q" || role == "attn_k" || role == "ffn_gate" || role == "ffn_up") return {"q4_k_m", "q4_k_m", "q5_k_m"};
    return {"q4_k_m", "q5_k_m", "q6_k"};
}

double store_tensor_ratio(const Store &store, const StoredTensor &t) {
    const auto opened = store.open_tensor(t);
    const TensorFileReader &reader = *opened;
    reader.verify();
    const uint64_t n = element_count(t.shape);
    const uint64_t n_blocks = n / kBlock;
    const uint64_t stride = std::max<uint64_t>(1, n_blocks / kMaxSamples);
    const size_t elem = dtype_size(t.dtype);
    std::vector<float> block(kBlock), maxima;
    auto add_block = [&](const float *values) {
        float m = 0;
        for (uint64_t i = 0; i < kBlock; ++i) m = std::max(m, std::fabs(values[i]));
        maxima.push_back(m);
    };
    if (t.source.encoded()) { // FP8 / MXFP4: sampled rows, dequantized whole
        const uint64_t cols = t.shape.empty() ? 1 : t.shape.back(), rows = cols ? n / cols : 0;
        const uint64_t row_stride = std::max<uint64_t>(1, rows * (cols / kBlock) / kMaxSamples);
        std::vector<float> row(cols);
        for (uint64_t r = 0; r < rows; r += row_stride) {
            decode_source_rows(t.source, t.dtype, t.shape, reader, r, r + 1, row.data());
            for (uint64_t c = 0; c + kBlock <= cols; c += kBlock) add_block(row.data() + c);
        }
    } else {
        std::vector<uint8_t> raw(kBlock * elem);
        for (uint64_t b = 0; b < n_blocks; b += stride) {
            reader.read(b * kBlock * elem, raw.size(), raw.data()); // any encoding; sampled blocks decode their chunk once
            convert_to_f32(t.dtype, raw.data(), kBlock, block.data());
            add_block(block.data());
        }
    }
    if (maxima.empty()) return 0;
    std::vector<float> sorted = maxima;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const float median = sorted[sorted.size() / 2];
    const auto above = std::count_if(maxima.begin(), maxima.end(), [&](float m) { return m > 2 * median; });
    return static_cast<double>(above) / maxima.size();
}

} // namespace

double octave_shift_ratio(const float *values, uint64_t n_values) {
    std::vector<float> maxima;
    for (uint64_t b = 0; b + kBlock <= n_values; b += kBlock) {
        float m = 0;
        for (uint64_t i = 0; i < kBlock; ++i) m = std::max(m, std::fabs(values[b + i]));
        maxima.push_back(m);
    }
    if (maxima.empty()) return 0;
    std::vector<float> sorted = maxima;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const float median = sorted[sorted.size() / 2];
    return static_cast<double>(std::count_if(maxima.begin(), maxima.end(), [&](float m) { return m > 2 * median; })) /
           maxima.size();
}

std::vector<TensorRecommendation> recommend_types(const Store &store, const ImportanceThresholds &thresholds) {
    const HfConfig hf = HfConfig::load(store.model_file("config.json"));
    const Architecture &arch = architecture_for(hf);
    std::vector<TensorRecommendation> out;
    for (const auto &t : store.tensors()) {
        if (t.shape.size() < 2 || arch.left_out(t.name, hf)) continue;
        const auto name = arch.gguf_tensor_name(t.name);
        if (!name) continue;
        TensorRecommendation r{&t, *name, role_of(*name), store_tensor_ratio(store, t), "low", "", ""};
        r.level = r.octave_shift_ratio >= thresholds.high ? "high" : r.octave_shift_ratio >= thresholds.medium ? "medium" : "low";
        const uint64_t params = element_count(t.shape);
        const RoleRule rule = rule_for(r.role);
        r.type = r.level == "high" ? rule.high : r.level == "medium" ? rule.medium : rule.low;
        char stat[64];
        std::snprintf(stat, sizeof stat, "octave shift %.4f (%s)", r.octave_shift_ratio, r.level.c_str());
        const std::vector<uint64_t> ne(t.shape.rbegin(), t.shape.rend());
        if (const auto kept = quant_mix::why_kept_unquantized(*name, ne); kept && t.source.encoded()) {
            r.type = "q8_0"; // never an upcast of 8-bit (or 4-bit) source values to 16 or 32 bits
            r.why = *name + ": " + *kept + ", but its source is " + source_scheme_name(t.source.scheme) +
                    ": q8_0 keeps its values without upcasting them to BF16/F16 -> q8_0; " + stat;
        } else if (kept) {
            // llama.cpp never quantizes these (MoE routers, ...): keep the type its converter writes.
            r.type = quant_mix::unquantized_gguf_type(*name, t.shape.size(), quant_mix::lowercase(dtype_name(t.dtype)));
            r.why = *name + ": " + *kept + ", which llama.cpp never quantizes -> " + r.type + "; " + stat;
        } else if (params < 1000000) {
            r.type = "q8_0";
            r.why = *name + ": small tensor (" + std::to_string(params) + " < 1M params) -> q8_0; " + stat;
        } else {
            r.why = *name + ": role " + r.role + ", " + stat + " -> " + r.type;
        }
        if (t.source.encoded())
            r.why += "; source " + std::string(source_scheme_name(t.source.scheme)) +
                     ": q8_0 is the natural floor, F16/BF16 would only upcast its 8-bit values";
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace gmat
