// Importance matrices of MoE models hold one row of values per expert
// (in_sum2 [columns, experts], counts [experts], as llama-imatrix writes
// them). Each expert's slice of a stacked tensor is quantized with its own
// row; an expert no token reached (count 0) gets importance 1 for every
// column, as llama-quantize loads it. Checked byte for byte against the quant
// plugin run on each slice, and by weighted error against ggml's
// imatrix-aware quantizer (the path llama-quantize takes).
#include "arch_model.hpp"

#include "common/error.hpp"
#include "pipeline/export_pipeline.hpp"

#include <gtest/gtest.h>
#include <oracle/ggml_types.hpp>
#include <oracle/gguf_file.hpp>

#include <cmath>
#include <cstring>
#include <random>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

constexpr int kExperts = 4, kHidden = 256, kMoeFf = 256;
constexpr float kZeroCountSum = 7.0f; // sums of an expert with count 0: llama.cpp ignores them
const std::vector<float> kCounts = {10, 3, 0, 25};
const std::vector<std::string> kStacks = {"blk.0.ffn_gate_exps.weight", "blk.0.ffn_up_exps.weight",
                                          "blk.0.ffn_down_exps.weight"};

const ArchModel &model() {
    static const ArchModel m = make_arch_model(
        "Qwen3MoeForCausalLM",
        {"--layers", "1", "--experts", std::to_string(kExperts), "--experts-used", "2", "--moe-intermediate",
         std::to_string(kMoeFf), "--norm-topk-prob", "--seed", "5"},
        "importance");
    return m;
}

// Strongly uneven column importance, different for every expert.
std::vector<float> importance_of(int expert, uint64_t n_cols) {
    std::mt19937 rng(static_cast<uint32_t>(1000 + expert * 31 + n_cols));
    std::normal_distribution<float> normal(0.0f, 1.5f);
    std::vector<float> v(n_cols);
    for (float &x : v) x = std::exp(normal(rng));
    return v;
}

// What llama-quantize uses for expert e: the file's sums / count (in float,
// as it divides), or 1 where count is 0.
std::vector<float> effective_importance(int expert, uint64_t n_cols) {
    if (kCounts[expert] == 0) return std::vector<float>(n_cols, 1.0f);
    std::vector<float> v = importance_of(expert, n_cols);
    for (float &x : v) x = (x * kCounts[expert]) / kCounts[expert];
    return v;
}

// An imatrix GGUF with one entry per expert stack; `matrices` rows each.
fs::path write_imatrix(const std::string &name, int matrices) {
    const fs::path file = model().dir / name;
    OutputWriter gguf = build_plugins().create_writer("gguf", file, 1);
    gguf.set("imatrix.datasets", std::vector<std::string>{"calibration.txt"});
    gguf.set("imatrix.chunk_count", uint32_t{10});
    gguf.set("imatrix.chunk_size", uint32_t{512});
    const uint64_t cols = kHidden; // gate/up rows are hidden wide, down rows moe_intermediate (also 256)
    for (const auto &stack : kStacks) {
        gguf.add_tensor(stack + ".in_sum2", 0, {cols, static_cast<uint64_t>(matrices)}, cols * matrices * 4, 0);
        gguf.add_tensor(stack + ".counts", 0, {1, static_cast<uint64_t>(matrices)}, matrices * 4, 0);
    }
    for (size_t s = 0; s < kStacks.size(); ++s) {
        std::vector<float> sums;
        for (int e = 0; e < matrices; ++e)
            for (float v : importance_of(e, cols)) sums.push_back(kCounts[e] > 0 ? v * kCounts[e] : kZeroCountSum);
        gguf.write_tensor_data(sums.data(), sums.size() * 4);
        gguf.write_tensor_data(kCounts.data(), static_cast<size_t>(matrices) * 4);
    }
    gguf.commit();
    return file;
}

fs::path export_with(const std::string &type, const std::string &strategy, const fs::path &imatrix,
                     const std::string &out) {
    std::string json = R"({"quantization": {"default_type": ")" + type + R"(", "scale_optimization": ")" + strategy +
                       R"("})";
    if (!imatrix.empty()) json += R"(, "imatrix": ")" + imatrix.string() + "\"";
    export_in_process(model().store, json + "}", model().dir / out);
    return model().dir / out;
}

std::vector<float> f32_values(const oracle::GgufFile &f32, const std::string &name) {
    const auto info = f32.tensor(name);
    const auto bytes = f32.read_tensor_data(info);
    std::vector<float> v(static_cast<size_t>(info.n_elements()));
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

double weighted_error(const float *w, const float *q, uint64_t rows, uint64_t cols, const std::vector<float> &imp) {
    double e = 0;
    for (uint64_t i = 0; i < rows * cols; ++i) e += imp[i % cols] * double(w[i] - q[i]) * double(w[i] - q[i]);
    return e;
}

TEST(MoeImportance, EachExpertSliceIsQuantizedWithItsOwnRow) {
    const fs::path imatrix = write_imatrix("experts.imatrix.gguf", kExperts);
    const oracle::GgufFile f32(export_model(model(), "f32"));
    const oracle::GgufFile ours(export_with("q4_k", "standard", imatrix, "q4_k-imatrix.gguf"));
    const QuantType *q4_k = build_plugins().find_quant_type("q4_k");
    ASSERT_NE(q4_k, nullptr);
    for (const auto &stack : kStacks) {
        const auto info = ours.tensor(stack);
        ASSERT_EQ(info.ne[2], kExperts) << stack;
        const uint64_t cols = info.ne[0], rows = info.ne[1], slice_bytes = rows * q4_k->row_bytes(cols);
        const auto data = ours.read_tensor_data(info);
        const std::vector<float> w = f32_values(f32, stack);
        for (int e = 0; e < kExperts; ++e) {
            const std::vector<float> imp = effective_importance(e, cols);
            QuantOptions options;
            options.importance = imp.data();
            std::vector<uint8_t> expected(slice_bytes);
            q4_k->quantize_rows(w.data() + e * rows * cols, rows, cols, options, expected.data());
            EXPECT_TRUE(std::equal(expected.begin(), expected.end(), data.begin() + e * slice_bytes))
                << stack << " expert " << e << " (count " << kCounts[e] << ") was not quantized with its own importance";
        }
    }
}

TEST(MoeImportance, WeightedErrorDropsAndMatchesGgmlPerExpert) {
    const fs::path imatrix = write_imatrix("experts.imatrix.gguf", kExperts);
    const oracle::GgufFile f32(export_model(model(), "f32"));
    const oracle::GgufFile plain(export_with("q4_k", "trellis", "", "q4_k-plain.gguf"));
    const oracle::GgufFile with(export_with("q4_k", "trellis", imatrix, "q4_k-trellis-imatrix.gguf"));
    double err_plain = 0, err_with = 0, err_ggml = 0;
    for (const auto &stack : kStacks) {
        const std::vector<float> w = f32_values(f32, stack);
        const auto info = with.tensor(stack);
        const uint64_t cols = info.ne[0], rows = info.ne[1], n = rows * cols;
        const auto ours = oracle::dequantize(info.type, with.read_tensor_data(info).data(), info.n_elements());
        const auto info_plain = plain.tensor(stack);
        const auto unweighted =
            oracle::dequantize(info_plain.type, plain.read_tensor_data(info_plain).data(), info_plain.n_elements());
        for (int e = 0; e < kExperts; ++e) {
            const std::vector<float> imp = effective_importance(e, cols);
            const float *slice = w.data() + e * n;
            const auto q = oracle::quantize(info.type, slice, static_cast<int64_t>(rows), static_cast<int64_t>(cols),
                                            imp.data());
            const auto ggml = oracle::dequantize(info.type, q.data(), static_cast<int64_t>(n));
            err_ggml += weighted_error(slice, ggml.data(), rows, cols, imp);
            err_with += weighted_error(slice, ours.data() + e * n, rows, cols, imp);
            err_plain += weighted_error(slice, unweighted.data() + e * n, rows, cols, imp);
        }
    }
    std::printf("per-expert imatrix q4_k: weighted error with/without %.4f, vs ggml's %.4f\n", err_with / err_plain,
                err_with / err_ggml);
    EXPECT_LT(err_with, err_plain * 0.95) << "the per-expert imatrix did not lower the weighted error";
    EXPECT_LE(err_with, err_ggml * 1.0001) << "worse than ggml's imatrix-aware quantizer given each expert's row";
}

TEST(MoeImportance, AnEntryWithTheWrongNumberOfExpertsIsRefusedNamingTheTensor) {
    const fs::path imatrix = write_imatrix("three-experts.imatrix.gguf", kExperts - 1);
    try {
        export_with("q4_k", "standard", imatrix, "refused.gguf");
        ADD_FAILURE() << "an imatrix of 3 experts was accepted for 4";
    } catch (const GmatError &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("three-experts.imatrix.gguf"), std::string::npos) << what;
        EXPECT_NE(what.find("blk.0.ffn_"), std::string::npos) << what;
        EXPECT_NE(what.find("3 matrices"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(model().dir / "refused.gguf"));
}

} // namespace
} // namespace gmat::test
