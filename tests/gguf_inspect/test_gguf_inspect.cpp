// The GGUF reader behind `gmat inspect` against ggml's own reader, provenance
// keys, split sets, malformed files, and the re-export check.
#include "model.hpp"

#include "common/error.hpp"
#include "config/export_config.hpp"
#include "gguf/gguf_inspection.hpp"
#include "gguf/reexport_check.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/provenance.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>

#include <fstream>
#include <functional>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

const char *kProfile = R"({"quantization": {"default_type": "q4_k_m", "per_tensor": {"output.weight": "q8_0"}}})";

fs::path exported(const std::string &name, const std::string &profile, std::optional<uint64_t> shard = std::nullopt) {
    const fs::path dir = inspect_root() / name;
    fs::create_directories(dir);
    InProcessExport options;
    options.plan.shard_size_bytes = shard;
    export_in_process(inspect_store(), profile, dir / "model.gguf", options);
    return shard ? dir : dir / "model.gguf";
}

ExportPlan plan_of(const std::string &profile, std::optional<uint64_t> shard = std::nullopt) {
    const Store store = Store::open(inspect_store());
    ExportPlanOptions options;
    options.shard_size_bytes = shard;
    return plan_export(store, parse_export_config_text(profile, "test config"), "test config", build_plugins(), options);
}

std::string error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const GmatError &e) {
        return e.what();
    }
    return "";
}

TEST(GgufInspect, TensorsAndKeysAreWhatGgmlReads) {
    const fs::path file = exported("plain", kProfile);
    const InspectedGguf g = inspect_gguf(gguf_files_at(file), &build_plugins());
    const oracle::GgufFile oracle(file);
    ASSERT_EQ(g.tensors.size(), oracle.tensors().size());
    for (size_t i = 0; i < g.tensors.size(); ++i) {
        const auto o = oracle.tensors()[i];
        EXPECT_EQ(g.tensors[i].name, o.name);
        EXPECT_EQ(g.tensors[i].ggml_type, o.type);
        ASSERT_TRUE(g.tensors[i].bytes);
        EXPECT_EQ(*g.tensors[i].bytes, o.size) << o.name;
        EXPECT_EQ(static_cast<int64_t>(g.tensors[i].elements), o.n_elements());
    }
    EXPECT_EQ(static_cast<int64_t>(g.metadata().size()), oracle.kv_count());
    EXPECT_EQ(g.metadata().entries().front().first, oracle.keys().front());
    EXPECT_EQ(g.readers.front()->data_offset(), oracle.data_offset());
}

TEST(GgufInspect, EveryExportRecordsItsProvenance) {
    const fs::path file = exported("provenance", kProfile);
    const oracle::GgufFile oracle(file); // ggml reads the keys; llama.cpp ignores the gmat.* namespace
    const Store store = Store::open(inspect_store());
    EXPECT_EQ(oracle.kv(kProvenanceStoreId).as_string(), store_content_id(store));
    EXPECT_EQ(oracle.kv(kProvenanceStoreId).as_string().size(), 32u);
    EXPECT_EQ(oracle.kv(kProvenanceSourceConfigHash).as_string(), file_hash(store.model_file("config.json")));
    EXPECT_EQ(oracle.kv(kProvenanceProfileHash).as_string().size(), 16u);
    EXPECT_NE(oracle.kv(kProvenancePlugins).as_string().find("k-quants"), std::string::npos);
    EXPECT_NE(oracle.kv(kProvenancePlugins).as_string().find("gguf"), std::string::npos);
    const ExportConfig profile = parse_export_config_text(oracle.kv(kProvenanceProfile).as_string(), "recorded profile");
    EXPECT_EQ(profile.default_type, "q4_k_m");
    ASSERT_EQ(profile.per_tensor.size(), 1u);
    EXPECT_EQ(profile.per_tensor[0].second, "q8_0");
    EXPECT_FALSE(oracle.has_key(kProvenanceImatrixHash));
}

TEST(GgufInspect, ReexportCheckSaysSameForTheSameInputsAndListsDifferences) {
    const fs::path file = exported("check", kProfile);
    const InspectedGguf g = inspect_gguf(gguf_files_at(file), &build_plugins());
    EXPECT_TRUE(check_reexport(g, plan_of(kProfile)).same());
    const ReexportCheck other = check_reexport(g, plan_of(R"({"quantization": {"default_type": "q4_k_m"}})"));
    ASSERT_FALSE(other.same());
    bool names_output = false, names_hash = false;
    for (const auto &d : other.differences) {
        names_output |= d.find("output.weight: type q8_0; the export writes q6_k") != std::string::npos;
        names_hash |= d.find(kProvenanceProfileHash) != std::string::npos;
    }
    EXPECT_TRUE(names_output);
    EXPECT_TRUE(names_hash);
    EXPECT_FALSE(check_reexport(g, plan_of(kProfile, 200000)).same()); // sharded differently
}

TEST(GgufInspect, SplitSetsAreReadWholeFromAFolderOrAnyShard) {
    const fs::path dir = exported("split", kProfile, 300000);
    const auto files = gguf_files_at(dir);
    ASSERT_GT(files.size(), 1u);
    EXPECT_EQ(gguf_files_at(files.back()), files);
    const InspectedGguf g = inspect_gguf(files, &build_plugins());
    EXPECT_EQ(g.tensors.size(), plan_of(kProfile).tensors.size());
    EXPECT_TRUE(check_reexport(g, plan_of(kProfile, 300000)).same());
    fs::remove(files[1]);
    EXPECT_NE(error_of([&] { gguf_files_at(files[0]); }).find("shard 2 of " + std::to_string(files.size()) + " is missing"),
              std::string::npos);
}

TEST(GgufInspect, MalformedFilesAreErrorsNamingTheFile) {
    const fs::path good = exported("malformed", kProfile);
    const auto bytes = [&] {
        std::ifstream in(good, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    auto write = [&](const std::string &name, const std::string &content) {
        const fs::path p = inspect_root() / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    };
    const fs::path cut = write("cut.gguf", bytes.substr(0, bytes.size() - 1000));
    EXPECT_NE(error_of([&] { inspect_gguf({cut}, &build_plugins()); }).find("cut.gguf: tensor 'output.weight'"),
              std::string::npos);
    const fs::path header = write("header.gguf", bytes.substr(0, 100));
    EXPECT_NE(error_of([&] { inspect_gguf({header}, &build_plugins()); }).find("header.gguf: not a valid GGUF file: truncated"),
              std::string::npos);
    const fs::path empty = write("empty.gguf", "");
    EXPECT_NE(error_of([&] { inspect_gguf({empty}, nullptr); }).find("empty.gguf: not a valid GGUF file"), std::string::npos);
}

} // namespace
} // namespace gmat::test
