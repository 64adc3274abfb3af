// Types llama.cpp refuses to write without an importance matrix (its
// tensor_requires_imatrix: q2_k in a q2_k_s file, the lowest-bit i-quants)
// are refused by gmat too, while planning: the error names the tensor, its
// type and the flag, `gmat export --dry-run` prints it before reading any
// tensor, and an importance matrix without an entry for such a tensor is
// refused as llama.cpp refuses it. With a complete one the export runs.
#include "in_process_export.hpp"

#include "child_process.hpp"
#include "common/error.hpp"
#include "config/export_config.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"

#include <oracle/gguf_file.hpp>
#include <reference/reference_scripts.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat {
namespace {

using test::build_plugins;

class RequiredImatrix : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("gmat-required-imatrix-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.seed = 5;
        reference::make_llama_checkpoint(dir_ / "hf", o);
        ImportOptions import;
        import.model = dir_ / "hf";
        import.output_dir = dir_;
        import.progress = false;
        std::ostringstream log;
        store_ = run_import(build_plugins(), import, log).store;
        write_imatrix(dir_ / "full.gguf", "");
        write_imatrix(dir_ / "partial.gguf", "blk.1.ffn_up.weight");
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    // An importance matrix with an entry (all ones) for every 2-D weight but `left_out`.
    static void write_imatrix(const fs::path &file, const std::string &left_out) {
        const Store store = Store::open(store_);
        ExportConfig config;
        config.default_type = "f32";
        const ExportPlan plan = plan_export(store, config, "t", build_plugins(), {});
        OutputWriter gguf = build_plugins().create_writer("gguf", file, 1);
        std::vector<const PlannedTensor *> weights;
        for (const auto &t : plan.tensors)
            if (t.shape.size() == 2 && t.gguf_name != left_out) weights.push_back(&t);
        for (const PlannedTensor *t : weights) {
            gguf.add_tensor(t->gguf_name + ".in_sum2", 0, {t->n_cols, 1}, t->n_cols * 4, 0);
            gguf.add_tensor(t->gguf_name + ".counts", 0, {1, 1}, 4, 0);
        }
        const float one = 1.0f;
        for (const PlannedTensor *t : weights) {
            const std::vector<float> sums(t->n_cols, 1.0f);
            gguf.write_tensor_data(sums.data(), sums.size() * 4);
            gguf.write_tensor_data(&one, 4);
        }
        gguf.commit();
    }

    static std::string plan_error(const std::string &config_json, const std::optional<fs::path> &imatrix) {
        const Store store = Store::open(store_);
        const fs::path config_file = dir_ / "config.json";
        std::ofstream(config_file) << config_json;
        ExportPlanOptions options;
        options.imatrix = imatrix;
        try {
            plan_export(store, parse_export_config(config_file), config_file.string(), build_plugins(), options);
        } catch (const GmatError &e) {
            return e.what();
        }
        return "";
    }

    static fs::path dir_;
    static fs::path store_;
};

fs::path RequiredImatrix::dir_;
fs::path RequiredImatrix::store_;

void expect_mentions(const std::string &error, const std::vector<std::string> &fragments) {
    ASSERT_FALSE(error.empty()) << "the plan was accepted";
    for (const auto &f : fragments) EXPECT_NE(error.find(f), std::string::npos) << error << "\nmissing: " << f;
}

TEST_F(RequiredImatrix, Q2KSWithoutOneNamesTheTensorAndTheFlag) {
    expect_mentions(plan_error(test::default_type_config("q2_k_s"), std::nullopt),
                    {"blk.0.attn_k.weight", "q2_k", "--imatrix"});
}

TEST_F(RequiredImatrix, AnOverrideToQ2KInAQ2KSFileNeedsOneToo) {
    // q8_0 everywhere but one tensor: llama.cpp decides by the final type and the file type.
    const std::string json = R"({"quantization": {"default_type": "q2_k_s", "per_tensor": {".*": "q8_0",
        "blk.1.ffn_gate.weight": "q2_k"}}})";
    expect_mentions(plan_error(json, std::nullopt), {"blk.", "--imatrix"});
    const std::string only_one = R"({"quantization": {"default_type": "q8_0", "per_tensor": {
        "blk.1.ffn_gate.weight": "q2_k"}}})";
    EXPECT_EQ(plan_error(only_one, std::nullopt), "") << "q2_k outside a q2_k_s file needs no importance matrix";
}

TEST_F(RequiredImatrix, AnImatrixWithoutTheTensorsEntryIsRefused) {
    expect_mentions(plan_error(test::default_type_config("q2_k_s"), dir_ / "partial.gguf"),
                    {"partial.gguf", "no entry for tensor blk.1.ffn_up.weight", "q2_k"});
    EXPECT_EQ(plan_error(test::default_type_config("q2_k_s"), dir_ / "full.gguf"), "");
}

TEST_F(RequiredImatrix, DryRunSaysSoBeforeAnyWork) {
    const fs::path out = dir_ / "dry.gguf";
    std::ofstream(dir_ / "dry-config.json") << test::default_type_config("q2_k_s");
    const test::ChildResult r = test::run_child(
        GMAT_CLI_PATH, {"export", "--model", store_.string(), "--config",
                          (dir_ / "dry-config.json").string(), "-o", out.string(), "--dry-run"});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("--imatrix"), std::string::npos) << r.describe();
    EXPECT_NE(r.err.find("q2_k"), std::string::npos) << r.describe();
    EXPECT_FALSE(fs::exists(out));
    const test::ChildResult ok = test::run_child(
        GMAT_CLI_PATH, {"export", "--model", store_.string(), "--config",
                          (dir_ / "dry-config.json").string(), "-o", out.string(), "--dry-run", "--imatrix",
                          (dir_ / "full.gguf").string()});
    EXPECT_EQ(ok.exit_code, 0) << ok.describe();
    EXPECT_NE(ok.out.find("q2_k"), std::string::npos) << ok.out;
}

TEST_F(RequiredImatrix, WithOneAQ2KSFileIsWrittenWithLlamaCppsTypes) {
    const fs::path out = dir_ / "q2_k_s.gguf";
    test::InProcessExport options;
    options.plan.imatrix = dir_ / "full.gguf";
    test::export_in_process(store_, test::default_type_config("q2_k_s"), out, options);
    oracle::GgufFile gguf(out);
    EXPECT_EQ(gguf.tensor("blk.1.ffn_up.weight").type, 10u);   // GGML_TYPE_Q2_K
    EXPECT_EQ(gguf.tensor("blk.0.attn_v.weight").type, 10u);   // GQA 2: no bump in q2_k_s
    EXPECT_EQ(gguf.tensor("output.weight").type, 14u);         // GGML_TYPE_Q6_K
}

} // namespace
} // namespace gmat
