// Export configs: generated recommendations, per-tensor overrides by UUID,
// GGUF name and regular expression, and their precedence.
#include "export_fixture.hpp"

#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"
#include "pipeline/recommendations.hpp"
#include "store/tensor_uuid.hpp"

#include <oracle/gguf_file.hpp>
#include <reference/reference_scripts.hpp>

#include <deque>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

const PlannedTensor &find(const ExportPlan &plan, const std::string &name) {
    for (const auto &t : plan.tensors)
        if (t.gguf_name == name) return t;
    throw std::runtime_error("no tensor " + name);
}

ExportPlan plan_for(const fs::path &store_dir, const std::string &json) {
    static std::deque<Store> keep; // plans point into their store
    keep.push_back(Store::open(store_dir));
    return plan_export(keep.back(), parse_export_config_text(json, "test config"), "test config", build_plugins(), {});
}

TEST(ExportConfig, OverridesByUuidBeatNameBeatRegexAndTheFirstRegexWins) {
    const ExportedModel &m = llama_model("f32");
    const std::string up0 = tensor_uuid_for("model.layers.0.mlp.up_proj.weight");
    const ExportPlan plan = plan_for(m.store, R"({"quantization": {"default_type": "q8_0", "per_tensor": {
        "blk\\.[0-9]+\\.ffn_.*": "f16",
        "blk\\.1\\..*": "bf16",
        "blk.1.ffn_down.weight": "f32",
        ")" + up0 + R"(": "bf16" }}})");
    EXPECT_EQ(find(plan, "blk.0.ffn_up.weight").type->name(), "bf16");   // UUID
    EXPECT_EQ(find(plan, "blk.1.ffn_down.weight").type->name(), "f32");  // name beats regex
    EXPECT_EQ(find(plan, "blk.0.ffn_gate.weight").type->name(), "f16");  // first regex
    EXPECT_EQ(find(plan, "blk.1.ffn_up.weight").type->name(), "f16");    // first regex beats the second
    EXPECT_EQ(find(plan, "blk.1.attn_q.weight").type->name(), "bf16");   // second regex
    EXPECT_EQ(find(plan, "blk.0.attn_q.weight").type->name(), "q8_0");   // default
    EXPECT_EQ(find(plan, "blk.0.attn_norm.weight").type->name(), "f32"); // 1-D stays F32
    EXPECT_NE(find(plan, "blk.1.ffn_down.weight").reason.find("per_tensor['blk.1.ffn_down.weight']"), std::string::npos);
}

TEST(ExportConfig, AMixNameAsAPerTensorValueMeansItsBaseType) {
    const ExportedModel &m = llama_model("f32");
    const ExportPlan plan = plan_for(m.store, R"({"quantization": {"default_type": "f16",
        "per_tensor": {"output.weight": "q8_0", "token_embd.weight": "bf16"}}})");
    EXPECT_EQ(find(plan, "output.weight").type->name(), "q8_0");
    EXPECT_EQ(find(plan, "token_embd.weight").type->name(), "bf16");
}

TEST(ExportConfig, OctaveShiftRatioSeparatesGaussianFromOutlierColumns) {
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    std::vector<float> w(256 * 256);
    for (float &x : w) x = normal(rng);
    const double gaussian = octave_shift_ratio(w.data(), w.size());
    for (size_t i = 0; i < w.size(); i += 64) w[i] *= 8;
    const double outliers = octave_shift_ratio(w.data(), w.size());
    EXPECT_LT(gaussian, 0.02);
    EXPECT_GE(outliers, 0.08);
}

TEST(ExportConfig, GeneratedConfigFollowsTheSeedsRolesReparsesAndExports) {
    const fs::path dir = scratch_path("generated");
    reference::CheckpointOptions o;
    o.hidden = 1024;
    o.intermediate = 1024;
    o.layers = 1;
    o.heads = 8;
    o.kv_heads = 8;
    o.vocab = 1024;
    o.seed = 9;
    const fs::path store_dir = import_checkpoint(dir, o);
    const Store store = Store::open(store_dir);
    std::vector<std::pair<std::string, std::string>> comments;
    const ExportConfig generated = default_export_config(store, build_plugins(), &comments);
    write_export_config(dir / "export_config.json", generated, comments);
    const ExportConfig reparsed = parse_export_config(dir / "export_config.json");
    EXPECT_EQ(reparsed.per_tensor, generated.per_tensor);
    EXPECT_EQ(reparsed.tensor_map, generated.tensor_map);
    EXPECT_EQ(reparsed.default_type, generated.default_type);
    // The fast search: trellis takes more than twice standard's export time,
    // the most a default may spend for its KL gain (README, Fidelity).
    EXPECT_EQ(reparsed.scale_optimization, "standard");
    auto type_of = [&](const std::string &hf) {
        const std::string uuid = tensor_uuid_for(hf);
        for (const auto &[k, v] : reparsed.per_tensor)
            if (k == uuid) return v;
        return std::string("(none)");
    };
    EXPECT_EQ(type_of("model.embed_tokens.weight"), "q6_k");
    EXPECT_EQ(type_of("lm_head.weight"), "q6_k");
    EXPECT_EQ(type_of("model.layers.0.self_attn.o_proj.weight"), "q5_k_m");
    EXPECT_EQ(type_of("model.layers.0.self_attn.v_proj.weight"), "q5_k_m");
    EXPECT_EQ(type_of("model.layers.0.mlp.down_proj.weight"), "q5_k_m");
    EXPECT_EQ(type_of("model.layers.0.self_attn.q_proj.weight"), "q4_k_m");
    EXPECT_EQ(type_of("model.layers.0.mlp.up_proj.weight"), "q4_k_m");
    EXPECT_EQ(type_of("model.layers.0.input_layernorm.weight"), "(none)");
    ASSERT_EQ(comments.size(), reparsed.per_tensor.size());
    for (const auto &[uuid, why] : comments) EXPECT_NE(why.find("octave shift"), std::string::npos) << why;

    if (!build_plugins().find_quant_type("q5_k")) GTEST_SKIP() << "k-quants plugin not built";
    const fs::path out = dir / "generated.gguf";
    std::ostringstream run_log;
    ExportRunOptions options;
    options.output = out;
    options.progress = false;
    run_export(store, plan_export(store, reparsed, "generated", build_plugins(), {}), reparsed, build_plugins(), options, run_log);
    oracle::GgufFile gguf(out);
    EXPECT_EQ(gguf.tensor("blk.0.ffn_down.weight").type, 13u); // Q5_K
    EXPECT_EQ(gguf.tensor("output.weight").type, 14u);         // Q6_K
}

} // namespace
} // namespace gmat::test
