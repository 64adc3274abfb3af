// The mixes whose types the iq-lattice plugin completes (iq1_s, iq1_m, iq2_xxs,
// iq2_xs, iq2_s, iq2_m, iq3_xxs, iq3_xs, iq3_s, iq3_m) end to end, with an
// importance matrix where llama.cpp needs one: a small Llama checkpoint
// exported by gmat loads in llama.cpp, computes finite logits, and holds
// exactly the tensor types and tensor bytes the plan (what `--dry-run`
// prints) predicted.
#include "in_process_export.hpp"

#include "config/export_config.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"

#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>
#include <reference/reference_scripts.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat {
namespace {

class LatticeMixes : public ::testing::TestWithParam<const char *> {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("gmat-lattice-mixes-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.layers = 2;
        o.seed = 21;
        reference::make_llama_checkpoint(dir_ / "hf", o);
        ImportOptions import;
        import.model = dir_ / "hf";
        import.output_dir = dir_;
        import.progress = false;
        std::ostringstream log;
        store_ = run_import(test::build_plugins(), import, log).store;
        write_flat_imatrix(dir_ / "imatrix.gguf");
    }

    // An entry of ones for every 2-D weight.
    static void write_flat_imatrix(const fs::path &file) {
        ExportConfig config;
        config.default_type = "f32";
        const ExportPlan plan = plan_export(Store::open(store_), config, "t", test::build_plugins(), {});
        OutputWriter gguf = test::build_plugins().create_writer("gguf", file, 1);
        std::vector<const PlannedTensor *> weights;
        for (const auto &t : plan.tensors)
            if (t.shape.size() == 2) weights.push_back(&t);
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
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    static fs::path dir_, store_;
};

fs::path LatticeMixes::dir_;
fs::path LatticeMixes::store_;

TEST_P(LatticeMixes, LoadsInLlamaCppWithThePlannedTypesAndSize) {
    const std::string mix = GetParam();
    const std::string json = test::default_type_config(mix);
    test::InProcessExport options;
    if (mix != "iq3_s" && mix != "iq3_m") options.plan.imatrix = dir_ / "imatrix.gguf";
    const ExportPlan plan = plan_export(Store::open(store_), parse_export_config_text(json, "test config"),
                                        "test config", test::build_plugins(), options.plan);
    const fs::path out = dir_ / (mix + ".gguf");
    test::export_in_process(store_, json, out, options);

    oracle::GgufFile gguf(out);
    uint64_t tensor_bytes = 0;
    int lattice_tensors = 0;
    for (const PlannedTensor &t : plan.tensors) {
        const oracle::GgufTensorInfo info = gguf.tensor(t.gguf_name);
        EXPECT_EQ(info.type, t.type->gguf_type()) << t.gguf_name << " (" << t.reason << ")";
        tensor_bytes += info.size;
        // GGML_TYPE_IQ2_XXS 16, IQ2_XS 17, IQ3_XXS 18, IQ1_S 19, IQ3_S 21, IQ2_S 22, IQ1_M 29
        lattice_tensors +=
            (info.type >= 16 && info.type <= 19) || info.type == 21 || info.type == 22 || info.type == 29;
    }
    EXPECT_EQ(tensor_bytes, plan.total_bytes) << "the plan (--dry-run) predicted another size";
    EXPECT_GT(lattice_tensors, 0);

    oracle::Llama llama(out);
    const std::vector<float> logits = llama.logits({1, 17, 42, 99, 7, 3});
    ASSERT_FALSE(logits.empty());
    for (float v : logits) ASSERT_TRUE(std::isfinite(v));
}

INSTANTIATE_TEST_SUITE_P(Mixes, LatticeMixes,
                         ::testing::Values("iq1_s", "iq1_m", "iq2_xxs", "iq2_xs", "iq2_s", "iq2_m", "iq3_xxs", "iq3_xs",
                                           "iq3_s", "iq3_m"));

} // namespace
} // namespace gmat
