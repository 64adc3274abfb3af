// Every per_tensor key must match a tensor: a misspelt GGUF name, a UUID the
// store does not hold, an expression matching nothing and an invalid
// expression fail the export and `gmat export --dry-run`, naming the key (and
// the closest names or UUIDs, or the position), and nothing is written;
// "allow_unmatched": true keeps keys meant for other models.
#include "export_fixture.hpp"

#include "common/error.hpp"
#include "store/tensor_uuid.hpp"

#include <child_process.hpp>

#include <fstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string profile(const std::string &per_tensor, const std::string &extra = "") {
    return R"({"quantization": {"default_type": "q8_0", )" + extra + R"("per_tensor": {)" + per_tensor + "}}}";
}

// Both ways in: an export (in process) and `gmat export --dry-run` (the CLI).
// Each fails with every fragment in its message and leaves nothing behind.
void expect_refused(const std::string &name, const std::string &config, const std::vector<std::string> &fragments) {
    const ExportedModel &m = llama_model("f32");
    const fs::path dir = scratch_path("per-tensor-keys/" + name);
    fs::create_directories(dir);
    const fs::path out = dir / "out.gguf";
    try {
        export_store(m.store, config, out);
        ADD_FAILURE() << "export succeeded with " << config;
    } catch (const GmatError &e) {
        for (const auto &f : fragments) EXPECT_TRUE(contains(e.what(), f)) << e.what() << "\nmissing: " << f;
    }
    EXPECT_FALSE(fs::exists(out));

    const fs::path config_file = dir / "profile.json";
    std::ofstream(config_file) << config;
    const ChildResult dry = run_child(GMAT_CLI_PATH, {"-q", "export", "-m", m.store.string(), "-c", config_file.string(),
                                                      "-o", out.string(), "--dry-run"});
    EXPECT_EQ(dry.exit_code, 1) << dry.describe();
    for (const auto &f : fragments) EXPECT_TRUE(contains(dry.err, f)) << dry.err << "\nmissing: " << f;
    EXPECT_TRUE(dry.out.empty()) << "--dry-run printed a plan: " << dry.out;
    for (const auto &entry : fs::directory_iterator(dir))
        if (entry.path() != config_file) ADD_FAILURE() << "left behind: " << entry.path();
}

TEST(PerTensorKeys, AMisspeltGgufNameFailsNamingTheKeyAndTheClosestNames) {
    expect_refused("misspelt", profile(R"("blk.1.ffn_dwn.weight": "q4_0")"),
                   {"quantization.per_tensor['blk.1.ffn_dwn.weight']", "no GGUF tensor named 'blk.1.ffn_dwn.weight'",
                    "closest: blk.1.ffn_down.weight", "allow_unmatched"});
}

TEST(PerTensorKeys, AUuidNotInTheStoreFailsNamingTheClosestUuids) {
    const std::string real = tensor_uuid_for("model.layers.1.mlp.down_proj.weight");
    std::string wrong = real;
    wrong[0] = wrong[0] == '0' ? '1' : '0'; // one character off: the real one is the closest
    expect_refused("absent-uuid", profile("\"" + wrong + R"(": "q4_0")"),
                   {"per_tensor['" + wrong + "']", "no tensor with UUID " + wrong, "closest: " + real});
}

TEST(PerTensorKeys, AnInvalidRegularExpressionFailsNamingTheKeyAndThePosition) {
    // The issue's example: "[0-9+" never closes its bracket, which starts at position 5.
    expect_refused("bad-regex", profile(R"("blk\\.[0-9+\\.ffn_down.*": "q6_k")"),
                   {R"(per_tensor['blk\.[0-9+\.ffn_down.*'])", "invalid regular expression at position 5 ('[')"});
    expect_refused("bad-regex-paren", profile(R"("blk\\.(0|1\\.attn_q\\.weight": "q6_k")"),
                   {"invalid regular expression at position 5 ('(')"});
}

TEST(PerTensorKeys, ARegularExpressionMatchingNothingFails) {
    expect_refused("regex-matches-nothing", profile(R"("blk\\.[0-9]+\\.ffn_down_exps\\.weight": "q6_k")"),
                   {R"(per_tensor['blk\.[0-9]+\.ffn_down_exps\.weight'])", "matches none of the",
                    "the whole name must match"});
}

TEST(PerTensorKeys, AllowUnmatchedKeepsKeysForOtherModelsAsNotes) {
    const ExportedModel &m = llama_model("f32");
    const fs::path out = scratch_path("per-tensor-keys/allowed/out.gguf");
    fs::create_directories(out.parent_path());
    std::string log;
    InProcessExport options;
    options.log = &log;
    export_in_process(m.store, profile(R"("blk.1.ffn_dwn.weight": "q4_0", "blk\\.[0-9]+\\.ffn_down_exps\\.weight": "q6_k",
                                           "blk.0.ffn_up.weight": "f16")",
                                       R"("allow_unmatched": true, )"),
                      out, options);
    EXPECT_TRUE(fs::exists(out));
    EXPECT_TRUE(contains(log, "per_tensor['blk.1.ffn_dwn.weight']")) << log;
    EXPECT_TRUE(contains(log, "kept: allow_unmatched")) << log;
    // An invalid expression stays an error: it can match nothing in any model.
    expect_refused("allowed-bad-regex", profile(R"("blk\\.[0-9+": "q6_k")", R"("allow_unmatched": true, )"),
                   {"invalid regular expression at position 5 ('[')"});
}

TEST(PerTensorKeys, KeysOfSkippedTensorsAndStackedSlicesStillMatch) {
    const ExportedModel &m = llama_model("f32");
    const fs::path out = scratch_path("per-tensor-keys/skipped/out.gguf");
    fs::create_directories(out.parent_path());
    InProcessExport options;
    options.plan.skip_tensors = {"model.layers.1.mlp.down_proj.weight"};
    const std::string uuid = tensor_uuid_for("model.layers.1.mlp.down_proj.weight");
    EXPECT_NO_THROW(export_in_process(m.store, profile(R"("blk.1.ffn_down.weight": "q4_0", ")" + uuid + R"(": "f16")"),
                                      out, options));
}

} // namespace
} // namespace gmat::test
