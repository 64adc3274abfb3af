// The Python reference scripts through their C++ entry points: every dtype and
// shard layout yields finite logits of the right shape, and bad input fails
// with the script's own message.
#include "reference/reference_scripts.hpp"
#include "support/scoped_temp_dir.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using oracle::testing::ScopedTempDir;

class ReferenceScriptsByDtype : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceScriptsByDtype, CheckpointRunsToFiniteLogits) {
    ScopedTempDir dir;
    reference::CheckpointOptions options;
    options.dtype = GetParam();
    options.shards = GetParam() == "bf16" ? 3 : 1;
    reference::make_llama_checkpoint(dir.path(), options);
    EXPECT_TRUE(std::filesystem::exists(dir / "config.json"));
    EXPECT_TRUE(std::filesystem::exists(dir / "generation_config.json"));
    EXPECT_TRUE(
        std::filesystem::exists(dir / (options.shards == 1 ? "model.safetensors" : "model.safetensors.index.json")));
    const std::vector<int32_t> tokens = {1, 17, 255, 0, 42};
    const auto logits = reference::llama_reference_logits(dir.path(), tokens);
    ASSERT_EQ(logits.size(), tokens.size() * 256);
    for (float v : logits)
        ASSERT_TRUE(std::isfinite(v));
    EXPECT_EQ(reference::llama_reference_logits(dir.path(), tokens), logits);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ReferenceScriptsByDtype, ::testing::Values("f32", "f16", "bf16"),
                         [](const auto &info) { return info.param; });

TEST(ReferenceScripts, BadInputFailsWithTheScriptsMessage) {
    ScopedTempDir dir;
    reference::make_llama_checkpoint(dir.path());
    try {
        reference::llama_reference_logits(dir.path(), {1, 256});
        FAIL() << "a token outside the vocabulary must fail";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("outside the vocabulary"), std::string::npos) << e.what();
    }
    EXPECT_THROW(reference::llama_reference_logits(dir / "absent", {1}), std::runtime_error);
    reference::CheckpointOptions bad;
    bad.heads = 3; // not a multiple of kv_heads = 2
    EXPECT_THROW(reference::make_llama_checkpoint(dir / "bad", bad), std::runtime_error);
}

} // namespace
