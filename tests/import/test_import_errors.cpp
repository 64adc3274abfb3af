// Bad inputs to `gmat import` get errors that name the file and the rule, and
// never leave a store (or a temporary) behind.
#include "common/atomic_file.hpp"
#include <unistd.h>
#include "import_test_env.hpp"

#include "config/import_config.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

class ImportErrors : public ImportTest {
protected:
    void SetUp() override {
        ImportTest::SetUp();
        hf_ = dir_ / "hf";
        fs::create_directories(hf_);
        SafetensorsFixture st;
        st.add_random("model.embed_tokens.weight", "BF16", {8, 4}, 1);
        st.add_random("model.norm.weight", "BF16", {4}, 2);
        st.add_random("model.step", "I64", {1}, 3);
        st.write_file(hf_ / "model.safetensors");
    }
    void expect_no_output() {
        EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
        if (fs::exists(dir_ / "out"))
            for (const auto &e : fs::directory_iterator(dir_ / "out")) ADD_FAILURE() << "left behind: " << e.path();
    }
    // Imports with a config file holding `text`; expects an error naming the config and `fragment`.
    void expect_config_error(const std::string &text, const std::string &fragment) {
        write_text(dir_ / "import_config.json", text);
        expect_error([&] { import(hf_ / "model.safetensors", dir_ / "import_config.json"); },
                     {(dir_ / "import_config.json").string(), fragment});
        expect_no_output();
    }
    fs::path hf_;
};

const char *kEntry = R"({"source": "model.norm.weight", "target": "64527a08-865f-4ea9-b4f8-46aba8959909", "include": true})";

TEST_F(ImportErrors, InvalidJson) { expect_config_error("{\"tensor_map\": [", "invalid JSON at offset"); }

TEST_F(ImportErrors, NotAnObject) { expect_config_error("[1, 2]", "expected an object"); }

TEST_F(ImportErrors, UnknownTopLevelKey) {
    expect_config_error(std::string("{\"tensor_map\": [") + kEntry + "], \"blockformat\": \"raw\"}",
                        "unknown key 'blockformat' in the import config (valid keys: source_format, block_format, tensor_map, metadata)");
}

TEST_F(ImportErrors, UnknownEntryKey) {
    expect_config_error(R"({"tensor_map": [{"source": "model.norm.weight", "target": "64527a08-865f-4ea9-b4f8-46aba8959909", "dtype": "f16"}]})",
                        "unknown key 'dtype' in a tensor_map entry");
}

TEST_F(ImportErrors, UnknownBlockFormat) {
    expect_config_error(std::string("{\"block_format\": \"zip\", \"tensor_map\": [") + kEntry + "]}",
                        "unknown block_format 'zip' (valid: raw, zstd");
}

// RapidJSON accepts a lone low surrogate escape but stores bytes that are not
// UTF-8 and that no reader accepts once written back (found by fuzzing).
TEST_F(ImportErrors, LoneLowSurrogateEscapeIsRefusedButAPairIsRead) {
    expect_config_error(R"({"tensor_map": [{"source": "a\udc80b", "target": "64527a08-865f-4ea9-b4f8-46aba8959909"}]})",
                        "low surrogate without a high surrogate");
    expect_config_error(R"({"tensor_map": [{"source": "a\ud83d\ude00", "target": "64527a08-865f-4ea9-b4f8-46aba8959909"}]})",
                        "no tensor of that name");
}

// RapidJSON parses some numbers beyond a double's range as infinity instead of
// refusing them, and infinity cannot be written back (found by fuzzing).
TEST_F(ImportErrors, NumberBeyondDoubleRangeIsRefusedNamingItsPath) {
    expect_config_error(std::string("{\"metadata\": {\"k\": -0.99e-301, \"scale\": 98169400006660000000e301}, "
                                    "\"tensor_map\": [") + kEntry + "]}",
                        "number at metadata.scale is beyond the range of a double");
    expect_config_error(std::string("{\"metadata\": {\"list\": [1, 2, -98169400006660000000e301]}, "
                                    "\"tensor_map\": [") + kEntry + "]}",
                        "number at metadata.list[2] is beyond the range of a double");
}

TEST_F(ImportErrors, MissingTensorMap) { expect_config_error("{\"block_format\": \"raw\"}", "missing required key 'tensor_map'"); }

TEST_F(ImportErrors, TargetIsNotAUuid) {
    expect_config_error(R"({"tensor_map": [{"source": "model.norm.weight", "target": "norm"}]})", "is not a UUID");
}

TEST_F(ImportErrors, SourceNotInCheckpoint) {
    expect_config_error(R"({"tensor_map": [{"source": "model.missing.weight", "target": "64527a08-865f-4ea9-b4f8-46aba8959909"}]})",
                        "no tensor of that name");
}

TEST_F(ImportErrors, DuplicateTarget) {
    expect_config_error(R"({"tensor_map": [
        {"source": "model.norm.weight", "target": "64527a08-865f-4ea9-b4f8-46aba8959909"},
        {"source": "model.embed_tokens.weight", "target": "64527A08-865F-4EA9-B4F8-46ABA8959909"}]})",
                        "used twice");
}

TEST_F(ImportErrors, DuplicateSource) {
    expect_config_error(R"({"tensor_map": [
        {"source": "model.norm.weight", "target": "64527a08-865f-4ea9-b4f8-46aba8959909"},
        {"source": "model.norm.weight", "target": "74527a08-865f-4ea9-b4f8-46aba8959909"}]})",
                        "source listed twice");
}

TEST_F(ImportErrors, IncludeMustBeBoolean) {
    expect_config_error(R"({"tensor_map": [{"source": "model.norm.weight", "target": "64527a08-865f-4ea9-b4f8-46aba8959909", "include": "yes"}]})",
                        "expected true or false");
}

TEST_F(ImportErrors, NonFloatWeightSelected) {
    expect_config_error(R"({"tensor_map": [{"source": "model.step", "target": "64527a08-865f-4ea9-b4f8-46aba8959909"}]})",
                        "dtype I64 is not supported for weights");
}

TEST_F(ImportErrors, WrongSourceFormat) {
    expect_config_error(std::string("{\"source_format\": \"pytorch\", \"tensor_map\": [") + kEntry + "]}",
                        "source_format is 'pytorch'");
}

TEST_F(ImportErrors, MissingModelPath) {
    expect_error([&] { import(dir_ / "nope.safetensors"); }, {"nope.safetensors", "no such file"});
    expect_no_output();
}

TEST_F(ImportErrors, CorruptCheckpointLeavesNoStore) {
    write_text(hf_ / "model.safetensors", "\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":");
    expect_error([&] { import(hf_ / "model.safetensors"); }, {"model.safetensors"});
    expect_no_output();
}

TEST_F(ImportErrors, ExistingStoreNeedsForce) {
    import(hf_ / "model.safetensors");
    const auto before = read_bytes(dir_ / "out/model.gmat/metadata.json");
    expect_error([&] { import(hf_ / "model.safetensors"); }, {"model.gmat", "--force"});
    EXPECT_EQ(read_bytes(dir_ / "out/model.gmat/metadata.json"), before);
    EXPECT_NO_THROW(import(hf_ / "model.safetensors", std::nullopt, /*force=*/true));
    EXPECT_TRUE(Store::open(dir_ / "out/model.gmat").verify().empty());
    for (const auto &e : fs::directory_iterator(dir_ / "out"))
        EXPECT_EQ(e.path().filename(), "model.gmat") << "left behind: " << e.path();
}

TEST_F(ImportErrors, StaleTemporariesOfDeadRunsAreRemoved) {
    // a dead run of this machine, and one of a gmat that did not record hosts
    const fs::path ours = dir_ / "out" / (".model.gmat.gmat-tmp-999999999@" + this_host() + "-0");
    const fs::path unnamed = dir_ / "out" / ".model.gmat.gmat-tmp-999999998-0";
    fs::create_directories(ours / "tensors");
    fs::create_directories(unnamed / "tensors");
    import(hf_ / "model.safetensors");
    EXPECT_FALSE(fs::exists(ours));
    EXPECT_FALSE(fs::exists(unnamed));
}

TEST_F(ImportErrors, TemporariesOfAnotherMachineAreLeftAlone) {
    // On a shared file system the pid of another host's import means nothing
    // here: it may be alive there. Only gc (no import running anywhere) removes it.
    const fs::path theirs = dir_ / "out" / (".model.gmat.gmat-tmp-999999999@" + this_host() + "_other-0");
    fs::create_directories(theirs / "tensors");
    import(hf_ / "model.safetensors");
    EXPECT_TRUE(fs::exists(theirs));
}

TEST_F(ImportErrors, TemporaryNamesRecordPidAndHost) {
    const std::string name = temporary_sibling(dir_ / "x.gguf").filename().string();
    long pid = 0;
    std::string host;
    ASSERT_TRUE(temporary_owner(name, ".x.gguf.gmat-tmp-", pid, host)) << name;
    EXPECT_EQ(pid, static_cast<long>(::getpid()));
    EXPECT_EQ(host, this_host());
    EXPECT_TRUE(is_temporary_name(name));
    EXPECT_FALSE(temporary_owner(".x.gguf.gmat-tmp-abc", ".x.gguf.gmat-tmp-", pid, host));
}

} // namespace
} // namespace gmat::test
