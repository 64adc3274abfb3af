// Mixtral: each expert is its own store tensor; the export stacks them per
// layer into ffn_{gate,up,down}_exps, which llama.cpp's "llama" MoE graph runs
// with the routing HF's Mixtral defines.
#include "arch_model.hpp"
#include "llama_cpp_checks.hpp"

#include "common/error.hpp"
#include "config/export_config.hpp"
#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <cstring>
#include <fstream>
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
    const oracle::GgufFile gguf(expect_f32_matches_hf(mixtral()));
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "llama");
    EXPECT_EQ(gguf.kv("llama.expert_count").as_int(), kExperts);
    EXPECT_EQ(gguf.kv("llama.expert_used_count").as_int(), kExpertsUsed);
    const auto down = gguf.tensor("blk.1.ffn_down_exps.weight");
    EXPECT_EQ(down.ne, (std::array<int64_t, 4>{512, 256, kExperts, 1}));
    EXPECT_EQ(gguf.tensor("blk.0.ffn_gate_inp.weight").ne, (std::array<int64_t, 4>{256, kExperts, 1, 1}));
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

TEST(Mixtral, Q4KMChoosesLlamaCppsTypesAndRuns) { expect_q4_k_m_like_llama_cpp(mixtral()); }

TEST(Mixtral, AMissingExpertIsAPlanError) {
    const Store store = Store::open(mixtral().store);
    ExportPlanOptions options;
    options.skip_tensors = {"model.layers.1.block_sparse_moe.experts.1.w2.weight"};
    try {
        plan_export(store, config_of("f32"), "test config", build_plugins(), options);
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
    try {
        export_in_process(copy, default_type_config("q8_0"), copy.parent_path() / "corrupt.gguf");
        FAIL() << "exporting a corrupt expert succeeded";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find(t->uuid), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
    }
}

// `gmat export --generate-config` on an MoE store: the routers keep the type
// llama.cpp's converter gives them (F32; llama.cpp never quantizes them) and
// the generated config exports.
TEST(Mixtral, GeneratedConfigKeepsRoutersF32AndExports) {
    const ArchModel &m = mixtral();
    const Store store = Store::open(m.store);
    std::vector<std::pair<std::string, std::string>> comments;
    const ExportConfig config = default_export_config(store, build_plugins(), &comments);
    const StoredTensor *router = store.find_name("model.layers.0.block_sparse_moe.gate.weight");
    ASSERT_NE(router, nullptr);
    std::string router_type, router_why;
    for (const auto &[uuid, type] : config.per_tensor)
        if (uuid == router->uuid) router_type = type;
    for (const auto &[uuid, why] : comments)
        if (uuid == router->uuid) router_why = why;
    EXPECT_EQ(router_type, "f32");
    EXPECT_NE(router_why.find("MoE router"), std::string::npos) << router_why;

    const ExportPlan plan = plan_export(store, config, "generated config", build_plugins(), {});
    ExportRunOptions options;
    options.output = m.dir / "generated-config.gguf";
    options.progress = false;
    std::ostringstream log;
    run_export(store, plan, config, build_plugins(), options, log);
    const auto types = gguf_tensor_types(options.output);
    EXPECT_EQ(types.at("blk.0.ffn_gate_inp.weight"), 0u); // F32
    EXPECT_EQ(types.at("blk.1.ffn_gate_inp.weight"), 0u);
}

} // namespace
} // namespace gmat::test
