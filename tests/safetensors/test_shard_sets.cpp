// Sharded checkpoints: index.json problems, missing shards, tensors in the
// wrong shard or in two shards, folders without any input.
#include "corrupt_input.hpp"
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace gmat::test {
namespace {

class ShardSets : public ::testing::Test {
protected:
    void SetUp() override {
        st_.add_random("a", "F32", {2, 3}, 1).add_random("b", "F16", {4}, 2).add_random("c", "BF16", {3}, 3);
    }
    void write_index(const std::string &json) const { std::ofstream(index_) << json; }
    // Rewrites the index with the given tensor -> shard pairs.
    void write_weight_map(const std::vector<std::pair<std::string, std::string>> &map) const {
        write_index(SafetensorsFixture::index_json(map));
    }
    TempDir dir_;
    SafetensorsFixture st_;
    const std::filesystem::path index_ = dir_ / "model.safetensors.index.json";
    const std::string shard1_ = "model-00001-of-00002.safetensors", shard2_ = "model-00002-of-00002.safetensors";
};

TEST_F(ShardSets, MissingShardFileIsAnErrorNamingIt) {
    st_.write_sharded(dir_.path(), 2, true);
    std::filesystem::remove(dir_ / shard2_);
    expect_refused(dir_.path(), index_, "shard '" + (dir_ / shard2_).string() + "' (holding tensor 'b'", "",
                   GMAT_ERROR_IO);
}

TEST_F(ShardSets, MappedTensorMissingFromItsShard) {
    st_.write_sharded(dir_.path(), 2, true);
    write_weight_map({{"a", shard1_}, {"b", shard2_}, {"c", shard2_}, {"ghost", shard2_}});
    expect_refused(dir_.path(), index_,
                   "weight_map maps tensor 'ghost' to '" + shard2_ + "', but that shard has no such tensor");
}

TEST_F(ShardSets, ShardTensorMissingFromTheWeightMap) {
    st_.write_sharded(dir_.path(), 2, true);
    write_weight_map({{"a", shard1_}, {"c", shard2_}});
    expect_refused(dir_.path(), dir_ / shard2_, "not listed in the weight_map of " + index_.string(), "b");
}

TEST_F(ShardSets, ShardTensorMappedToAnotherShard) {
    st_.write_sharded(dir_.path(), 2, true); // a in shard 1; b, c in shard 2
    write_weight_map({{"a", shard2_}, {"b", shard1_}, {"c", shard2_}});
    expect_refused(dir_.path(), dir_ / shard1_,
                   "is in this shard, but " + index_.string() + " maps it to '" + shard2_ + "'", "a");
}

TEST_F(ShardSets, SameTensorInTwoShardsWithoutIndexNamesBothFiles) {
    const auto shards = st_.write_sharded(dir_.path(), 2, false);
    SafetensorsFixture().add_random("b", "F16", {4}, 5).write_file(dir_ / "model-00003-of-00003.safetensors");
    expect_refused(dir_.path(), dir_ / "model-00003-of-00003.safetensors", "also present in " + shards[1].string(),
                   "b");
}

TEST_F(ShardSets, ShardWithACorruptHeaderIsNamed) {
    st_.write_sharded(dir_.path(), 2, true);
    SafetensorsFixture::write_raw(dir_ / shard2_, "{\"b\": 1}", {});
    expect_refused(dir_.path(), dir_ / shard2_, "entry must be a JSON object", "b");
}

TEST_F(ShardSets, IndexIsNotJson) {
    st_.write_sharded(dir_.path(), 2, true);
    write_index("{\"weight_map\": {\"a\": ");
    expect_refused(dir_.path(), index_, "index is not valid JSON");
}

TEST_F(ShardSets, IndexWithoutWeightMap) {
    st_.write_sharded(dir_.path(), 2, true);
    write_index(R"({"metadata": {"total_size": 0}})");
    expect_refused(dir_.path(), index_, "index has no \"weight_map\" object");
}

TEST_F(ShardSets, WeightMapIsNotAnObject) {
    st_.write_sharded(dir_.path(), 2, true);
    write_index(R"({"weight_map": ["model-00001-of-00002.safetensors"]})");
    expect_refused(dir_.path(), index_, "\"weight_map\" must be an object of tensor name -> shard file, found array");
}

TEST_F(ShardSets, WeightMapValueIsNotAString) {
    st_.write_sharded(dir_.path(), 2, true);
    write_index(R"({"weight_map": {"a": 1}})");
    expect_refused(dir_.path(), index_, "weight_map value of tensor 'a' must be a shard file name, found number");
}

TEST_F(ShardSets, WeightMapListsATensorTwice) {
    st_.write_sharded(dir_.path(), 2, true);
    write_weight_map({{"a", shard1_}, {"b", shard2_}, {"c", shard2_}, {"a", shard1_}});
    expect_refused(dir_.path(), index_, "weight_map lists tensor 'a' twice");
}

TEST_F(ShardSets, ShardPathLeavingTheFolderIsRefused) {
    st_.write_sharded(dir_.path(), 2, true);
    write_weight_map({{"a", "../elsewhere.safetensors"}});
    expect_refused(dir_.path(), index_, "shard names must be non-empty relative paths inside the index's folder");
}

TEST_F(ShardSets, EmptyWeightMap) {
    st_.write_sharded(dir_.path(), 2, true);
    write_index(R"({"weight_map": {}})");
    expect_refused(dir_.path(), index_, "weight_map lists no tensors");
}

// probe() already scores such a folder 0, so only a direct open() gets this far.
TEST_F(ShardSets, FolderWithoutAnyInput) {
    std::ofstream(dir_ / "config.json") << "{}";
    const OpenFailure failure = raw_open_failure(dir_.path());
    EXPECT_EQ(failure.status, GMAT_ERROR_FORMAT);
    EXPECT_EQ(failure.message,
              dir_.path().string() + ": folder holds neither model.safetensors.index.json nor any *.safetensors file");
}

TEST_F(ShardSets, PathThatDoesNotExist) {
    const auto missing = dir_ / "nothing.safetensors";
    const OpenFailure failure = raw_open_failure(missing);
    EXPECT_EQ(failure.status, GMAT_ERROR_IO);
    EXPECT_EQ(failure.message, missing.string() + ": does not exist");
}

} // namespace
} // namespace gmat::test
