// Mixtral: each expert is its own store tensor; the export stacks them per
// layer into ffn_{gate,up,down}_exps, which llama.cpp's "llama" MoE graph runs
// with the routing HF's Mixtral defines.
#include "arch_model.hpp"

#include "common/error.hpp"
#include "config/export_config.hpp"
#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>
#include <oracle/logit_metrics.hpp>
#include <oracle/quantize_model.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

constexpr int kExperts = 4, kExpertsUsed = 2;

// 4 experts of 2 used, hidden 256, intermediate 512: whole K super-blocks everywhere.
const ArchModel &mixtral() {
    static const ArchModel model = make_arch_model(
        "MixtralForCausalLM", {"--layers", "2", "--experts", std::to_string(kExperts), "--experts-used",
                               std::to_string(kExpertsUsed)});
    return model;
}

ExportConfig config_of(const std::string &default_type) {
    return parse_export_config_text(R"({"quantization": {"default_type": ")" + default_type + R"("}})", "test config");
}

TEST(Mixtral, F32ExportMatchesTheHfForwardPass) {
    const ArchModel &m = mixtral();
    const fs::path f32 = export_model(m, "f32");
    const oracle::GgufFile gguf(f32);
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "llama");
    EXPECT_EQ(gguf.kv("llama.expert_count").as_int(), kExperts);
    EXPECT_EQ(gguf.kv("llama.expert_used_count").as_int(), kExpertsUsed);
    const auto down = gguf.tensor("blk.1.ffn_down_exps.weight");
    EXPECT_EQ(down.ne, (std::array<int64_t, 4>{512, 256, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_inp.weight").ne, (std::array<int64_t, 4>{256, kExperts, 1, 1}));

    oracle::Llama llama(f32);
    const std::vector<float> ours = llama.logits(m.tokens);
    const std::vector<float> reference = reference_logits(m);
    ASSERT_EQ(ours.size(), reference.size());
    const double err = oracle::max_abs_diff(ours, reference);
    std::printf("MixtralForCausalLM: max abs logit error vs HF %.3g\n", err);
    RecordProperty("max_abs_error", std::to_string(err));
    EXPECT_LE(err, 1e-3);
}

// Expert e of a stacked F32 tensor is the bytes of the store's experts.e tensor.
TEST(Mixtral, StackedTensorIsTheExpertsInOrder) {
    const ArchModel &m = mixtral();
    const oracle::GgufFile gguf(export_model(m, "f32"));
    const std::vector<uint8_t> stacked = gguf.read_tensor_data(gguf.tensor("blk.0.ffn_up_exps.weight"));
    const Store store = Store::open(m.store);
    ASSERT_EQ(stacked.size() % kExperts, 0u);
    const size_t slice = stacked.size() / kExperts;
    for (int e = 0; e < kExperts; ++e) {
        const StoredTensor *t = store.find_name("model.layers.0.block_sparse_moe.experts." + std::to_string(e) + ".w3.weight");
        ASSERT_NE(t, nullptr);
        ASSERT_EQ(t->bytes, slice);
        TensorFileReader reader(store.tensor_path(*t), t->uuid);
        EXPECT_EQ(std::memcmp(stacked.data() + e * slice, reader.payload(), slice), 0) << "expert " << e;
    }
}

std::map<std::string, uint32_t> tensor_types(const fs::path &file) {
    std::map<std::string, uint32_t> types;
    for (const auto &t : oracle::GgufFile(file).tensors()) types[t.name] = t.type;
    return types;
}

TEST(Mixtral, Q4KMChoosesLlamaCppsTypesAndRuns) {
    const ArchModel &m = mixtral();
    const fs::path f32 = export_model(m, "f32");
    const fs::path ours = export_model(m, "q4_k_m");
    const fs::path theirs = m.dir / "llama-q4_k_m.gguf";
    oracle::quantize_model(f32, theirs, 15 /* LLAMA_FTYPE_MOSTLY_Q4_K_M */, 2);
    const auto our_types = tensor_types(ours), their_types = tensor_types(theirs);
    EXPECT_EQ(our_types.size(), their_types.size());
    for (const auto &[name, type] : their_types) {
        auto it = our_types.find(name);
        ASSERT_NE(it, our_types.end()) << name << " is missing from our Q4_K_M file";
        EXPECT_EQ(it->second, type) << name << ": ggml type ours vs llama_model_quantize's";
    }
    const std::vector<float> exact = oracle::Llama(f32).logits(m.tokens);
    oracle::Llama quantized(ours);
    const std::vector<float> logits = quantized.logits(m.tokens);
    for (float v : logits) ASSERT_TRUE(std::isfinite(v));
    const double kl_ours = oracle::kl_divergence(exact, logits, quantized.n_vocab());
    const double kl_theirs = oracle::kl_divergence(exact, oracle::Llama(theirs).logits(m.tokens), quantized.n_vocab());
    std::printf("MixtralForCausalLM q4_k_m: KL ours %.3g, llama.cpp %.3g\n", kl_ours, kl_theirs);
    EXPECT_GT(kl_ours, 0.0) << "Q4_K_M gave exactly the F32 logits";
    EXPECT_LE(kl_ours, kl_theirs * 1.5 + 1e-6);
}

TEST(Mixtral, AMissingExpertIsAPlanError) {
    const Store store = Store::open(mixtral().store);
    ExportPlanOptions options;
    options.skip_tensors = {"model.layers.1.block_sparse_moe.experts.1.w2.weight"};
    try {
        plan_export(store, config_of("f32"), "test config", architecture_plugins(), options);
        FAIL() << "planning without expert 1 succeeded";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("blk.1.ffn_down_exps.weight"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("slot 1 has none"), std::string::npos) << e.what();
    }
}

// Every part's checksum is verified, not just the first expert's.
TEST(Mixtral, ACorruptExpertStopsTheExportNamingIt) {
    const ArchModel &m = mixtral();
    const fs::path copy = m.dir / "corrupt" / "model.gmat";
    fs::remove_all(copy.parent_path());
    fs::create_directories(copy.parent_path());
    fs::copy(m.store, copy, fs::copy_options::recursive);
    const Store store = Store::open(copy);
    const StoredTensor *t = store.find_name("model.layers.0.block_sparse_moe.experts.2.w1.weight");
    ASSERT_NE(t, nullptr);
    const fs::path file = store.tensor_path(*t);
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        const auto at = static_cast<std::streamoff>(fs::file_size(file) - 100);
        f.seekg(at);
        const char byte = static_cast<char>(f.get());
        f.seekp(at);
        f.put(static_cast<char>(byte ^ 0x5a));
    }
    const ExportConfig config = config_of("q8_0");
    const ExportPlan plan = plan_export(store, config, "test config", architecture_plugins(), {});
    ExportRunOptions options;
    options.output = copy.parent_path() / "corrupt.gguf";
    options.threads = 2;
    options.progress = false;
    std::ostringstream log;
    try {
        run_export(store, plan, config, architecture_plugins(), options, log);
        FAIL() << "exporting a corrupt expert succeeded";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find(t->uuid), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace gmat::test
