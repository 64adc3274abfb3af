// Calls out of contract are refused with a message naming the output path and
// the key or tensor involved, and a refused call leaves no trace in the file.
#include "support/gguf_writer_fixture.hpp"
#include "support/oracle_gguf.hpp"
#include "support/raw_writer.hpp"

#include <algorithm>
#include <initializer_list>

namespace gmat::test {
namespace {

namespace fs = std::filesystem;

// Passes when status is an error and the plugin's own message holds every fragment.
::testing::AssertionResult refused(int32_t status, const RawWriter &writer,
                                   std::initializer_list<std::string> fragments) {
    if (status == GMAT_OK) return ::testing::AssertionFailure() << "the call was accepted";
    for (const std::string &fragment : fragments)
        if (writer.message().find(fragment) == std::string::npos)
            return ::testing::AssertionFailure() << "message lacks '" << fragment << "': " << writer.message();
    return ::testing::AssertionSuccess();
}

class UsageErrorTest : public GgufWriterTest {
protected:
    void SetUp() override {
        GgufWriterTest::SetUp();
        file_ = path("usage.gguf").string();
        writer_ = std::make_unique<RawWriter>(path("usage.gguf"), 2);
    }
    void TearDown() override {
        writer_.reset();
        GgufWriterTest::TearDown();
    }
    void declare(const char *name, uint64_t n_floats, uint32_t shard) {
        const uint64_t ne[] = {n_floats};
        ASSERT_EQ(writer_->add_tensor(name, GGML_TYPE_F32, 1, ne, n_floats * 4, shard), GMAT_OK) << writer_->message();
    }
    std::string file_;
    std::unique_ptr<RawWriter> writer_;
};

TEST_F(UsageErrorTest, DuplicateKeyIsRefusedAndTheFirstValueKept) {
    const uint32_t one = 1, two = 2;
    ASSERT_EQ(writer_->set_value("llama.block_count", GMAT_VALUE_U32, &one), GMAT_OK);
    EXPECT_TRUE(refused(writer_->set_value("llama.block_count", GMAT_VALUE_U32, &two), *writer_,
                        {file_, "'llama.block_count'", "duplicate"}));
    EXPECT_TRUE(refused(writer_->set_array("llama.block_count", GMAT_VALUE_U32, &two, 1), *writer_,
                        {file_, "'llama.block_count'", "duplicate"}));
    ASSERT_EQ(writer_->commit(), GMAT_OK) << writer_->message();
    const OracleGguf gguf(path("usage-00001-of-00002.gguf"));
    EXPECT_EQ(gguf_get_val_u32(gguf.ctx(), gguf.key("llama.block_count", GGUF_TYPE_UINT32)), 1u);
}

TEST_F(UsageErrorTest, BadValueTypesAreRefused) {
    const uint32_t value = 7;
    EXPECT_TRUE(refused(writer_->set_value("k.unknown", static_cast<gmat_value_type>(99), &value), *writer_,
                        {file_, "'k.unknown'", "unknown value type 99"}));
    EXPECT_TRUE(refused(writer_->set_value("k.array", GMAT_VALUE_ARRAY, &value), *writer_,
                        {file_, "'k.array'", "set_array"}));
    EXPECT_TRUE(refused(writer_->set_array("k.nested", GMAT_VALUE_ARRAY, &value, 1), *writer_,
                        {file_, "'k.nested'", "arrays of arrays"}));
    EXPECT_TRUE(refused(writer_->set_array("k.bad", static_cast<gmat_value_type>(13), &value, 1), *writer_,
                        {file_, "'k.bad'", "unknown array element value type 13"}));
    const char *strings[] = {"a", nullptr};
    EXPECT_TRUE(refused(writer_->set_array("k.strings", GMAT_VALUE_STRING, strings, 2), *writer_,
                        {file_, "'k.strings'", "string element 1"}));
}

TEST_F(UsageErrorTest, WriterOwnedAndLayoutKeysAreChecked) {
    const uint16_t count = 5;
    EXPECT_TRUE(refused(writer_->set_value("split.count", GMAT_VALUE_U16, &count), *writer_, {file_, "'split.count'"}));
    const uint32_t not_power = 48, zero = 0;
    EXPECT_TRUE(refused(writer_->set_value("general.alignment", GMAT_VALUE_U32, &not_power), *writer_,
                        {file_, "'general.alignment'", "48 is not a power of two"}));
    EXPECT_TRUE(refused(writer_->set_value("general.alignment", GMAT_VALUE_U32, &zero), *writer_,
                        {"'general.alignment'", "power of two"}));
    const uint64_t wide = 64;
    EXPECT_TRUE(refused(writer_->set_value("general.alignment", GMAT_VALUE_U64, &wide), *writer_,
                        {"'general.alignment'", "u32"}));
}

TEST_F(UsageErrorTest, BadTensorDeclarationsAreRefused) {
    declare("blk.0.weight", 4, 0);
    const uint64_t ne[] = {4, 1, 1, 1, 1};
    EXPECT_TRUE(refused(writer_->add_tensor("blk.0.weight", GGML_TYPE_F32, 1, ne, 16, 1), *writer_,
                        {file_, "'blk.0.weight'", "duplicate tensor name"}));
    EXPECT_TRUE(refused(writer_->add_tensor("far", GGML_TYPE_F32, 1, ne, 16, 2), *writer_,
                        {file_, "'far'", "shard index 2 is out of range"}));
    EXPECT_TRUE(refused(writer_->add_tensor("five.dims", GGML_TYPE_F32, 5, ne, 16, 0), *writer_,
                        {file_, "'five.dims'", "5 dimensions"}));
    const std::string long_name(64, 'n');
    EXPECT_TRUE(refused(writer_->add_tensor(long_name.c_str(), GGML_TYPE_F32, 1, ne, 16, 0), *writer_,
                        {file_, "64 bytes"}));
}

TEST_F(UsageErrorTest, DeclarationsAfterDataStartedAreRefused) {
    declare("a", 4, 0);
    const float data[4] = {1, 2, 3, 4};
    ASSERT_EQ(writer_->write_tensor_data(data, 8), GMAT_OK) << writer_->message();
    const uint32_t value = 1;
    EXPECT_TRUE(refused(writer_->set_value("late.key", GMAT_VALUE_U32, &value), *writer_,
                        {file_, "'late.key'", "after tensor data started"}));
    EXPECT_TRUE(refused(writer_->set_array("late.array", GMAT_VALUE_U32, &value, 1), *writer_,
                        {file_, "'late.array'", "after tensor data started"}));
    const uint64_t ne[] = {4};
    EXPECT_TRUE(refused(writer_->add_tensor("late.tensor", GGML_TYPE_F32, 1, ne, 16, 0), *writer_,
                        {file_, "'late.tensor'", "after tensor data started"}));
    // The refusals changed nothing: the rest of the data still completes the file.
    ASSERT_EQ(writer_->write_tensor_data(data + 2, 8), GMAT_OK) << writer_->message();
    ASSERT_EQ(writer_->commit(), GMAT_OK) << writer_->message();
    const OracleGguf gguf(path("usage-00001-of-00002.gguf"));
    EXPECT_EQ(gguf.tensor_names(), std::vector<std::string>{"a"});
    EXPECT_EQ(gguf_find_key(gguf.ctx(), "late.key"), -1);
}

TEST_F(UsageErrorTest, MoreDataThanDeclaredIsRefused) {
    declare("a", 4, 0);
    declare("b", 2, 1);
    const float data[8] = {};
    EXPECT_TRUE(refused(writer_->write_tensor_data(data, 20), *writer_,
                        {"usage-00001-of-00002.gguf", "'a'", "received 20 bytes but only 16 of its declared 16"}));
    ASSERT_EQ(writer_->write_tensor_data(data, 16), GMAT_OK) << writer_->message();
    ASSERT_EQ(writer_->write_tensor_data(data, 8), GMAT_OK) << writer_->message();
    EXPECT_TRUE(refused(writer_->write_tensor_data(data, 1), *writer_, {file_, "after all 2 declared tensors"}));
}

TEST(GgufWriterPlugin, RegistryOffersTheGgufFormat) {
    const std::vector<std::string> formats = registry().writer_formats();
    EXPECT_NE(std::find(formats.begin(), formats.end(), "gguf"), formats.end());
    for (const RefusedPlugin &refusal : registry().refused())
        EXPECT_NE(refusal.file.filename(), "gguf.so") << refusal.reason;
    EXPECT_STREQ(RawWriter::api().format, "gguf");
    EXPECT_STREQ(RawWriter::api().extension, ".gguf");
}

TEST(GgufWriterCreate, ShardCountOutOfRangeIsRefused) {
    const fs::path target = fs::temp_directory_path() / "gmat-gguf-shard-count.gguf";
    EXPECT_THROW(RawWriter(target, 0), std::runtime_error);
    EXPECT_THROW(RawWriter(target, 70000), std::runtime_error);
    EXPECT_FALSE(fs::exists(target));
}

} // namespace
} // namespace gmat::test
