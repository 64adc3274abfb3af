// Importance matrices in llama.cpp's two file forms steer quantization: the
// importance-weighted error drops against an export without one, and is no
// worse than ggml's own imatrix-aware quantizer on the same data.
#include "in_process_export.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "config/export_config.hpp"
#include "imatrix/importance_matrix.hpp"
#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"
#include "store/tensor_file_io.hpp"

#include <oracle/ggml_types.hpp>
#include <oracle/gguf_file.hpp>
#include <reference/reference_scripts.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat {
namespace {

using test::build_plugins;

// Tensors whose rows are stored unpermuted, so store values compare directly.
const std::vector<std::string> kChecked = {"blk.0.ffn_up.weight", "blk.1.ffn_down.weight", "blk.0.attn_v.weight",
                                           "blk.1.attn_output.weight"};

class ImportanceMatrixTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("gmat-imatrix-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.heads = 4;
        o.kv_heads = 2;
        o.seed = 11;
        reference::make_llama_checkpoint(dir_ / "hf", o);
        ImportOptions import;
        import.model = dir_ / "hf";
        import.output_dir = dir_;
        import.progress = false;
        std::ostringstream log;
        store_ = run_import(build_plugins(), import, log).store;
        write_imatrix_files();
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    // Strongly uneven column importance, the same for every matrix of a row length.
    static std::vector<float> importance_for(uint64_t n_cols) {
        std::mt19937 rng(static_cast<uint32_t>(n_cols));
        std::normal_distribution<float> normal(0.0f, 1.5f);
        std::vector<float> v(n_cols);
        for (float &x : v) x = std::exp(normal(rng));
        return v;
    }

    static std::vector<std::pair<std::string, uint64_t>> weight_rows() {
        const Store store = Store::open(store_);
        ExportConfig config;
        config.default_type = "f32";
        const ExportPlan plan = plan_export(store, config, "t", build_plugins(), {});
        std::vector<std::pair<std::string, uint64_t>> out;
        for (const auto &t : plan.tensors)
            if (t.shape.size() == 2) out.emplace_back(t.gguf_name, t.n_cols);
        return out;
    }

    static void write_imatrix_files() {
        constexpr float kCalls = 10.0f;
        OutputWriter gguf = build_plugins().create_writer("gguf", dir_ / "imatrix.gguf", 1);
        gguf.set("imatrix.datasets", std::vector<std::string>{"calibration.txt"});
        gguf.set("imatrix.chunk_count", uint32_t{10});
        gguf.set("imatrix.chunk_size", uint32_t{512});
        const auto rows = weight_rows();
        for (const auto &[name, n_cols] : rows) {
            gguf.add_tensor(name + ".in_sum2", 0, {n_cols, 1}, n_cols * 4, 0);
            gguf.add_tensor(name + ".counts", 0, {1, 1}, 4, 0);
        }
        for (const auto &[name, n_cols] : rows) {
            std::vector<float> sums = importance_for(n_cols);
            for (float &s : sums) s *= kCalls; // files hold sums over calls
            gguf.write_tensor_data(sums.data(), sums.size() * 4);
            gguf.write_tensor_data(&kCalls, 4);
        }
        write_dat(dir_ / "imatrix.dat", rows);
        gguf.commit();
    }

    // A legacy .dat imatrix with an entry per (name, row length).
    static void write_dat(const fs::path &file, const std::vector<std::pair<std::string, uint64_t>> &rows) {
        constexpr float kCalls = 10.0f;
        std::ofstream dat(file, std::ios::binary);
        auto put_i32 = [&](int32_t v) { dat.write(reinterpret_cast<const char *>(&v), 4); };
        put_i32(static_cast<int32_t>(rows.size()));
        for (const auto &[name, n_cols] : rows) {
            std::vector<float> sums = importance_for(n_cols);
            for (float &s : sums) s *= kCalls; // files hold sums over calls
            put_i32(static_cast<int32_t>(name.size()));
            dat.write(name.data(), static_cast<std::streamsize>(name.size()));
            put_i32(10);
            put_i32(static_cast<int32_t>(n_cols));
            dat.write(reinterpret_cast<const char *>(sums.data()), static_cast<std::streamsize>(sums.size() * 4));
        }
        put_i32(10);
        put_i32(15);
        dat.write("calibration.txt", 15);
    }

    static fs::path export_with(const std::string &type, const std::string &imatrix, const std::string &name,
                                const std::string &strategy = "standard") {
        std::string json = R"({"quantization": {"default_type": ")" + type + R"(", "scale_optimization": ")" + strategy + R"("})";
        if (!imatrix.empty()) json += R"(, "imatrix": ")" + imatrix + "\"";
        json += "}";
        test::export_in_process(store_, json, dir_ / name);
        return dir_ / name;
    }

    static std::vector<float> source_values(const std::string &gguf_name) {
        const Store store = Store::open(store_);
        const std::string hf = gguf_name == "blk.0.ffn_up.weight"        ? "model.layers.0.mlp.up_proj.weight"
                               : gguf_name == "blk.1.ffn_down.weight"    ? "model.layers.1.mlp.down_proj.weight"
                               : gguf_name == "blk.0.attn_v.weight"      ? "model.layers.0.self_attn.v_proj.weight"
                                                                         : "model.layers.1.self_attn.o_proj.weight";
        const StoredTensor *t = store.find_name(hf);
        TensorFileReader reader(store.tensor_path(*t), t->uuid);
        std::vector<float> v(element_count(t->shape));
        convert_to_f32(t->dtype, reader.payload(), v.size(), v.data());
        return v;
    }

    static double weighted_error(const std::vector<float> &w, const std::vector<float> &q, uint64_t n_cols) {
        const std::vector<float> imp = importance_for(n_cols);
        double e = 0;
        for (size_t i = 0; i < w.size(); ++i) e += imp[i % n_cols] * double(w[i] - q[i]) * double(w[i] - q[i]);
        return e;
    }

    // Weighted error of each checked tensor in a GGUF, dequantized by ggml.
    static double gguf_error(const fs::path &file) {
        oracle::GgufFile gguf(file);
        double total = 0;
        for (const auto &name : kChecked) {
            const auto info = gguf.tensor(name);
            const auto data = gguf.read_tensor_data(info);
            total += weighted_error(source_values(name), oracle::dequantize(info.type, data.data(), info.n_elements()), info.ne[0]);
        }
        return total;
    }

    static double ggml_error(uint32_t type, bool with_imatrix) {
        oracle::GgufFile shapes(export_with("f32", "", "shapes.gguf"));
        double total = 0;
        for (const auto &name : kChecked) {
            const auto info = shapes.tensor(name);
            const std::vector<float> w = source_values(name);
            const std::vector<float> imp = importance_for(info.ne[0]);
            const auto q = oracle::quantize(type, w.data(), info.ne[1], info.ne[0], with_imatrix ? imp.data() : nullptr);
            total += weighted_error(w, oracle::dequantize(type, q.data(), info.n_elements()), info.ne[0]);
        }
        return total;
    }

    static fs::path dir_;
    static fs::path store_;
};

fs::path ImportanceMatrixTest::dir_;
fs::path ImportanceMatrixTest::store_;

TEST_F(ImportanceMatrixTest, BothFileFormsReadTheSameNormalisedValues) {
    const ImportanceMatrix gguf = ImportanceMatrix::load(dir_ / "imatrix.gguf");
    const ImportanceMatrix dat = ImportanceMatrix::load(dir_ / "imatrix.dat");
    ASSERT_EQ(gguf.size(), dat.size());
    EXPECT_EQ(gguf.datasets(), std::vector<std::string>{"calibration.txt"});
    EXPECT_EQ(dat.datasets(), std::vector<std::string>{"calibration.txt"});
    EXPECT_EQ(gguf.chunk_count(), 10u);
    EXPECT_EQ(dat.chunk_count(), 10u);
    const std::vector<float> expected = importance_for(256);
    for (const auto *m : {&gguf, &dat}) {
        const auto *v = m->for_tensor("blk.0.ffn_up.weight", 256);
        ASSERT_NE(v, nullptr);
        for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR((*v)[i], expected[i], 1e-6f * expected[i]);
    }
    EXPECT_EQ(gguf.for_tensor("blk.9.ffn_up.weight", 256), nullptr);
    EXPECT_THROW(gguf.for_tensor("blk.0.ffn_up.weight", 300), GmatError);
}

class ImatrixTypes : public ImportanceMatrixTest, public ::testing::WithParamInterface<const char *> {};

TEST_P(ImatrixTypes, WeightedErrorDropsAndMatchesGgml) {
    const std::string type = GetParam();
    const QuantType *q = build_plugins().find_quant_type(type);
    if (!q) GTEST_SKIP() << "no plugin provides " << type;
    ASSERT_TRUE(q->uses_importance()) << type;
    const double without = gguf_error(export_with(type, "", type + "-plain.gguf"));
    const double with_gguf = gguf_error(export_with(type, (dir_ / "imatrix.gguf").string(), type + "-imatrix.gguf"));
    const double with_dat = gguf_error(export_with(type, (dir_ / "imatrix.dat").string(), type + "-dat.gguf"));
    const double with_trellis =
        gguf_error(export_with(type, (dir_ / "imatrix.gguf").string(), type + "-trellis.gguf", "trellis"));
    const double ggml = ggml_error(q->gguf_type(), true);
    EXPECT_LT(with_gguf, without * 0.95) << type << ": the imatrix did not lower the weighted error";
    EXPECT_DOUBLE_EQ(with_gguf, with_dat) << type << ": the two file forms gave different exports";
    // Both strategies (standard is the default) must match or beat ggml's imatrix-aware quantizer.
    EXPECT_LE(with_gguf, ggml * 1.0001) << type << ": standard is worse than ggml's imatrix-aware quantizer";
    EXPECT_LE(with_trellis, ggml * 1.0001) << type << ": trellis is worse than ggml's imatrix-aware quantizer";
    RecordProperty("standard_vs_ggml", std::to_string(with_gguf / ggml));
    RecordProperty("trellis_vs_ggml", std::to_string(with_trellis / ggml));
    std::printf("%s weighted error vs ggml imatrix: standard %.4f, trellis %.4f\n", type.c_str(), with_gguf / ggml,
                with_trellis / ggml);
}

INSTANTIATE_TEST_SUITE_P(Types, ImatrixTypes,
                         ::testing::Values("q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k",
                                           "iq4_nl", "iq4_xs"));

TEST_F(ImportanceMatrixTest, TheGgufRecordsTheImatrixKeys) {
    const fs::path out = export_with("q4_k_m", (dir_ / "imatrix.gguf").string(), "keys.gguf");
    oracle::GgufFile gguf(out);
    EXPECT_EQ(gguf.kv("quantize.imatrix.file").as_string(), (dir_ / "imatrix.gguf").string());
    EXPECT_EQ(gguf.kv("quantize.imatrix.dataset").as_string(), "calibration.txt");
    EXPECT_EQ(gguf.kv("quantize.imatrix.entries_count").as_int(), static_cast<int64_t>(weight_rows().size()));
    EXPECT_EQ(gguf.kv("quantize.imatrix.chunks_count").as_int(), 10);
}

TEST_F(ImportanceMatrixTest, TheKeysCountTheTensorsThatUsedIt) {
    // An imatrix with entries for the first three weight matrices only.
    auto rows = weight_rows();
    rows.resize(3);
    write_dat(dir_ / "partial.dat", rows);
    std::string log;
    test::InProcessExport options;
    options.log = &log;
    test::export_in_process(store_, R"({"quantization": {"default_type": "q4_0", "scale_optimization": "standard"},
                                        "imatrix": ")" + (dir_ / "partial.dat").string() + "\"}",
                            dir_ / "partial.gguf", options);
    oracle::GgufFile gguf(dir_ / "partial.gguf");
    EXPECT_EQ(gguf.kv("quantize.imatrix.entries_count").as_int(), 3);
    EXPECT_EQ(gguf.kv("quantize.imatrix.tensors_used").as_int(), 3); // q4_0 takes importance: every entry is used
    // One summary line names what it missed (the embedding aside: llama-imatrix never records it).
    EXPECT_NE(log.find("tensors whose type takes importance use it"), std::string::npos) << log;
    EXPECT_NE(log.find("warning: importance matrix " + (dir_ / "partial.dat").string() + " has no entry for"),
              std::string::npos) << log;
    EXPECT_NE(log.find("blk.0.ffn_down.weight"), std::string::npos) << log;

    // --dry-run's table says it per tensor.
    const Store store = Store::open(store_);
    ExportConfig config = parse_export_config_text(R"({"quantization": {"default_type": "q4_0"}})", "t");
    config.imatrix = (dir_ / "partial.dat").string();
    const ExportPlan plan = plan_export(store, config, "t", build_plugins(), {});
    size_t without = 0;
    for (const auto &t : plan.tensors) {
        if (t.shape.size() < 2) continue;
        const bool listed = std::any_of(rows.begin(), rows.end(), [&](const auto &r) { return r.first == t.gguf_name; });
        EXPECT_EQ(t.importance != nullptr, listed) << t.gguf_name;
        if (!listed) {
            EXPECT_NE(t.reason.find("no imatrix entry"), std::string::npos) << t.gguf_name << ": " << t.reason;
        }
        without += !listed;
    }
    EXPECT_GT(without, 5u);
}

TEST_F(ImportanceMatrixTest, AnImatrixCoveringNoneOfTheTensorsFailsTheExport) {
    // A common mistake: an imatrix keyed by another model's (here HF) names.
    std::vector<std::pair<std::string, uint64_t>> rows;
    for (const auto &[name, n_cols] : weight_rows()) rows.emplace_back("model." + name, n_cols);
    write_dat(dir_ / "other-model.dat", rows);
    const fs::path out = dir_ / "refused" / "out.gguf";
    fs::create_directories(out.parent_path());
    try {
        test::export_in_process(store_, R"({"quantization": {"default_type": "q4_k_m"}, "imatrix": ")" +
                                            (dir_ / "other-model.dat").string() + "\"}",
                                out);
        ADD_FAILURE() << "exported with an imatrix for another model";
    } catch (const GmatError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find((dir_ / "other-model.dat").string() + ": the importance matrix covers none of the"), std::string::npos) << m;
        EXPECT_NE(m.find("another model"), std::string::npos) << m;
        EXPECT_NE(m.find("model.blk.0."), std::string::npos) << m; // its entries' names
    }
    EXPECT_TRUE(fs::is_empty(out.parent_path()));
}

TEST_F(ImportanceMatrixTest, AnImatrixNoTypeUsesWritesNoKeys) {
    test::export_in_process(store_, R"({"quantization": {"default_type": "f16"}, "imatrix": ")" +
                                        (dir_ / "imatrix.dat").string() + "\"}",
                            dir_ / "unused.gguf");
    oracle::GgufFile gguf(dir_ / "unused.gguf");
    EXPECT_FALSE(gguf.has_key("quantize.imatrix.file"));
    EXPECT_FALSE(gguf.has_key("quantize.imatrix.tensors_used"));
}

TEST_F(ImportanceMatrixTest, MalformedFilesAreClearErrors) {
    const fs::path bad = dir_ / "bad.dat";
    const auto whole = [&] {
        std::ifstream in(dir_ / "imatrix.dat", std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    std::ofstream(bad, std::ios::binary) << whole.substr(0, 40);
    try {
        ImportanceMatrix::load(bad);
        FAIL();
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("bad.dat"), std::string::npos) << e.what();
    }
    std::ofstream(bad, std::ios::binary) << std::string("\xff\xff\xff\xff", 4);
    EXPECT_THROW(ImportanceMatrix::load(bad), GmatError);
    EXPECT_THROW(ImportanceMatrix::load(dir_ / "missing.gguf"), GmatError);
}

} // namespace
} // namespace gmat
