// gmat export --plan-only: the same plan (and plan id) on every run and
// machine; a different id for another profile or a changed store; and every
// type, size and offset it announces is where llama.cpp's own GGUF reader
// finds it in the one-process export.
#include "distributed_fixture.hpp"
#include "support/oracle_gguf.hpp"

#include "common/json.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace fs = std::filesystem;

namespace gmat::distributed {
namespace {

rapidjson::Document plan_of(const fs::path &profile, const fs::path &store_dir, const std::vector<std::string> &extra = {}) {
    std::vector<std::string> args{"export", "-m", store_dir.string(), "-c", profile.string(), "--plan-only"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ChildResult r = run_gmat(args);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    return json::parse_text(r.out, "plan");
}

using PlanTest = DistributedTest;

TEST_F(PlanTest, SamePlanEveryRunAndToAFile) {
    const fs::path profile = write_profile(dir_ / "q4.json", "q4_k_m", 400000);
    const auto a = plan_of(profile, store());
    const ChildResult r = run_gmat({"export", "-m", store().string(), "-c", profile.string(), "--plan-only", "-o",
                                    (dir_ / "plan.json").string(), "-t", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const auto b = json::parse_file(dir_ / "plan.json");
    EXPECT_EQ(json::to_pretty_string(a), json::to_pretty_string(b));
    EXPECT_EQ(std::string(a["plan_id"].GetString()).size(), 32u);
    EXPECT_GT(a["files"].Size(), 1u);
    EXPECT_EQ(a["max_useful_parts"].GetUint64(), a["files"].Size());
}

TEST_F(PlanTest, AnotherProfileOrAChangedStoreIsAnotherPlan) {
    const auto base = plan_of(write_profile(dir_ / "q4.json", "q4_k_m", 0), store());
    const auto other = plan_of(write_profile(dir_ / "q8.json", "q8_0", 0), store());
    EXPECT_NE(std::string(base["plan_id"].GetString()), other["plan_id"].GetString());
    EXPECT_NE(std::string(base["profile_id"].GetString()), other["profile_id"].GetString());
    EXPECT_EQ(std::string(base["store_id"].GetString()), other["store_id"].GetString());

    // The same store with one changed model file (generation_config.json).
    fs::copy(store(), dir_ / "copy.gmat", fs::copy_options::recursive);
    std::ofstream(dir_ / "copy.gmat" / "generation_config.json") << "{\"bos_token_id\": 1}\n";
    const auto changed = plan_of(dir_ / "q4.json", dir_ / "copy.gmat");
    EXPECT_NE(std::string(base["store_id"].GetString()), changed["store_id"].GetString());
    EXPECT_NE(std::string(base["plan_id"].GetString()), changed["plan_id"].GetString());
}

TEST_F(PlanTest, PartTableCoversEveryFileOnce) {
    const auto plan = plan_of(write_profile(dir_ / "q4.json", "q4_k_m", 200000), store(), {"--parts", "3"});
    const auto &parts = plan["parts"];
    ASSERT_EQ(parts.Size(), 3u);
    std::vector<uint32_t> files;
    uint64_t bytes = 0, next_tensor = 0;
    for (const auto &p : parts.GetArray()) {
        for (const auto &f : p["files"].GetArray()) files.push_back(f.GetUint());
        bytes += p["bytes"].GetUint64();
        EXPECT_EQ(p["tensors"][0].GetUint64(), next_tensor);
        next_tensor = p["tensors"][1].GetUint64();
        EXPECT_FALSE(p["files"].Empty()) << "3 parts, more files: each part gets one";
    }
    EXPECT_EQ(next_tensor, plan["tensor_count"].GetUint64());
    EXPECT_EQ(bytes, plan["total_bytes"].GetUint64());
    ASSERT_EQ(files.size(), plan["files"].Size());
    for (size_t i = 0; i < files.size(); ++i) EXPECT_EQ(files[i], i);
}

TEST_F(PlanTest, LlamaCppFindsEveryTensorWhereThePlanSays) {
    const fs::path profile = write_profile(dir_ / "q4.json", "q4_k_m", 400000);
    const auto plan = plan_of(profile, store());
    const ChildResult r = run_gmat({"export", "-m", store().string(), "-c", profile.string(), "-o",
                                    (dir_ / "m.gguf").string()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::vector<std::unique_ptr<test::OracleGguf>> files;
    for (const auto &f : plan["files"].GetArray())
        files.push_back(std::make_unique<test::OracleGguf>(dir_ / (std::string("m") + f["suffix"].GetString())));
    ASSERT_GT(files.size(), 1u);
    size_t count = 0;
    for (const auto &t : plan["tensors"].GetArray()) {
        const std::string name = t["name"].GetString();
        const auto &gguf = *files.at(t["file"].GetUint());
        const int64_t id = gguf.tensor(name);
        EXPECT_EQ(gguf_get_tensor_offset(gguf.ctx(), id), t["offset"].GetUint64()) << name;
        EXPECT_EQ(static_cast<uint32_t>(gguf_get_tensor_type(gguf.ctx(), id)), t["ggml_type"].GetUint()) << name;
        EXPECT_EQ(gguf_get_tensor_size(gguf.ctx(), id), t["bytes"].GetUint64()) << name;
        ++count;
    }
    size_t in_files = 0;
    for (const auto &f : files) in_files += static_cast<size_t>(gguf_get_n_tensors(f->ctx()));
    EXPECT_EQ(count, in_files);
    for (size_t i = 0; i < files.size(); ++i) {
        const auto &f = plan["files"][static_cast<rapidjson::SizeType>(i)];
        const uint64_t data_start = gguf_get_data_offset(files[i]->ctx());
        EXPECT_EQ(files[i]->file_size(), data_start + f["data_bytes"].GetUint64()) << "file " << i;
    }
}

} // namespace
} // namespace gmat::distributed
