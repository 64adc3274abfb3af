// Import round trips: every tensor of generated checkpoints lands in the store
// bit-exactly, for each dtype and shard layout, with metadata from config.json.
#include "import_test_env.hpp"

#include "config/import_config.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"
#include "store/tensor_uuid.hpp"
#include "common/dtype.hpp"

#include <cstring>

namespace fs = std::filesystem;
using gmat::test::SafetensorsFixture;

namespace gmat::test {
namespace {

const char *kHfConfig = R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32,
  "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 1, "num_attention_heads": 2,
  "num_key_value_heads": 1, "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "tie_word_embeddings": false})";

SafetensorsFixture llama_fixture(const std::string &dtype, bool tied) {
    SafetensorsFixture st;
    uint32_t seed = 1;
    st.add_random("model.embed_tokens.weight", dtype, {32, 16}, seed++);
    st.add_random("model.layers.0.self_attn.q_proj.weight", dtype, {16, 16}, seed++);
    st.add_random("model.layers.0.self_attn.k_proj.weight", dtype, {8, 16}, seed++);
    st.add_random("model.layers.0.mlp.down_proj.weight", dtype, {16, 24}, seed++);
    st.add_random("model.layers.0.input_layernorm.weight", dtype, {16}, seed++);
    st.add_random("model.norm.weight", dtype, {16}, seed++);
    if (!tied) st.add_random("lm_head.weight", dtype, {32, 16}, seed++);
    return st;
}

struct Layout {
    std::string dtype;
    int shards;     // 1 = single file
    bool index;
    bool tied;
};

class ImportRoundTrip : public ImportTest, public ::testing::WithParamInterface<Layout> {};

TEST_P(ImportRoundTrip, EveryTensorIsBitExactInTheStore) {
    const Layout layout = GetParam();
    const SafetensorsFixture st = llama_fixture(layout.dtype, layout.tied);
    const fs::path hf = dir_ / "hf";
    fs::create_directories(hf);
    fs::path model = hf;
    if (layout.shards == 1) {
        model = hf / "model.safetensors";
        st.write_file(model);
    } else {
        st.write_sharded(hf, layout.shards, layout.index);
    }
    write_text(hf / "config.json", kHfConfig);
    write_text(hf / "tokenizer_config.json", R"({"add_bos_token": true})");

    const ImportSummary summary = import(model);
    EXPECT_EQ(summary.tensors, st.tensors().size());
    const Store store = Store::open(summary.store);
    ASSERT_EQ(store.tensors().size(), st.tensors().size());
    for (const auto &expected : st.tensors()) {
        const StoredTensor *t = store.find_name(expected.name);
        ASSERT_NE(t, nullptr) << expected.name;
        EXPECT_EQ(t->uuid, tensor_uuid_for(expected.name));
        EXPECT_EQ(t->shape, expected.shape);
        TensorFileReader reader(store.tensor_path(*t), t->uuid);
        EXPECT_EQ(std::string(dtype_name(reader.header().dtype)), expected.dtype);
        ASSERT_EQ(reader.header().payload_bytes, expected.bytes.size());
        EXPECT_EQ(std::memcmp(reader.payload(), expected.bytes.data(), expected.bytes.size()), 0) << expected.name;
        EXPECT_NO_THROW(reader.verify());
    }
    EXPECT_TRUE(store.verify().empty());
    EXPECT_FALSE(store.model_file("config.json").empty());
    EXPECT_FALSE(store.model_file("tokenizer_config.json").empty());
    EXPECT_EQ(read_bytes(store.model_file("config.json")), read_bytes(hf / "config.json"));
}

std::string layout_name(const ::testing::TestParamInfo<Layout> &info) {
    const Layout &l = info.param;
    return l.dtype + "_" + (l.shards == 1 ? "single" : std::to_string(l.shards) + (l.index ? "shards_index" : "shards_noindex")) +
           (l.tied ? "_tied" : "_untied");
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImportRoundTrip,
                         ::testing::Values(Layout{"F32", 1, false, false}, Layout{"F16", 1, false, true},
                                           Layout{"BF16", 1, false, false}, Layout{"BF16", 3, true, false},
                                           Layout{"F16", 2, true, true}, Layout{"F32", 2, false, false},
                                           Layout{"BF16", 2, false, true}),
                         layout_name);

TEST_F(ImportTest, MetadataIsFilledFromConfigJson) {
    const fs::path hf = dir_ / "hf";
    fs::create_directories(hf);
    llama_fixture("BF16", false).write_file(hf / "model.safetensors");
    write_text(hf / "config.json", kHfConfig);
    const Store store = Store::open(import(hf / "model.safetensors").store);
    const auto &md = store.metadata().config.metadata;
    EXPECT_STREQ(md["architecture"].GetString(), "llama");
    EXPECT_STREQ(md["hf_architecture"].GetString(), "LlamaForCausalLM");
    EXPECT_EQ(md["hidden_size"].GetInt(), 16);
    EXPECT_EQ(md["num_layers"].GetInt(), 1);
    EXPECT_EQ(md["num_attention_heads"].GetInt(), 2);
    EXPECT_EQ(md["num_key_value_heads"].GetInt(), 1);
    EXPECT_EQ(md["intermediate_size"].GetInt(), 24);
    EXPECT_EQ(md["vocab_size"].GetInt(), 32);
    EXPECT_EQ(md["max_position_embeddings"].GetInt(), 64);
}

TEST_F(ImportTest, GeneratedUuidsAreStableAndConfigUuidsAreUsed) {
    const fs::path hf = dir_ / "hf";
    fs::create_directories(hf);
    const auto st = llama_fixture("F32", true);
    st.write_file(hf / "model.safetensors");
    const SourceReader reader = build_plugins().open_reader(hf / "model.safetensors");
    const ImportConfig a = generate_import_config(reader, hf / "config.json");
    const ImportConfig b = generate_import_config(reader, hf / "config.json");
    ASSERT_EQ(a.tensor_map.size(), b.tensor_map.size());
    for (size_t i = 0; i < a.tensor_map.size(); ++i) EXPECT_EQ(a.tensor_map[i].target, b.tensor_map[i].target);

    ImportConfig custom = generate_import_config(reader, hf / "config.json");
    custom.tensor_map[0].target = "3b6d6f4a-9cf5-4d97-9b08-ce07ddc0435d";
    write_import_config(dir_ / "import_config.json", custom);
    const Store first = Store::open(import(hf / "model.safetensors", dir_ / "import_config.json").store);
    EXPECT_NE(first.find_uuid("3b6d6f4a-9cf5-4d97-9b08-ce07ddc0435d"), nullptr);
    EXPECT_TRUE(fs::exists(dir_ / "out/model.gmat/tensors/3b6d6f4a-9cf5-4d97-9b08-ce07ddc0435d.gmat"));
    std::vector<std::string> uuids_first;
    for (const auto &t : first.tensors()) uuids_first.push_back(t.uuid);
    const Store second = Store::open(import(hf / "model.safetensors", dir_ / "import_config.json", /*force=*/true).store);
    std::vector<std::string> uuids_second;
    for (const auto &t : second.tensors()) uuids_second.push_back(t.uuid);
    EXPECT_EQ(uuids_first, uuids_second);
}

TEST_F(ImportTest, ExcludedTensorsAreSkipped) {
    const fs::path hf = dir_ / "hf";
    fs::create_directories(hf);
    llama_fixture("F16", false).write_file(hf / "model.safetensors");
    const SourceReader reader = build_plugins().open_reader(hf / "model.safetensors");
    ImportConfig config = generate_import_config(reader, hf / "config.json");
    for (auto &m : config.tensor_map)
        if (m.source == "lm_head.weight") m.include = false;
    write_import_config(dir_ / "import_config.json", config);
    const Store store = Store::open(import(hf / "model.safetensors", dir_ / "import_config.json").store);
    EXPECT_EQ(store.find_name("lm_head.weight"), nullptr);
    EXPECT_EQ(store.tensors().size(), config.tensor_map.size() - 1);
    EXPECT_FALSE(fs::exists(dir_ / "out/model.gmat/tensors" / (tensor_uuid_for("lm_head.weight") + ".gmat")));
}

TEST_F(ImportTest, NonFloatTensorsAreExcludedByGeneratedConfigs) {
    const fs::path hf = dir_ / "hf";
    fs::create_directories(hf);
    auto st = llama_fixture("BF16", true);
    st.add_random("model.position_ids", "I64", {8}, 3);
    st.write_file(hf / "model.safetensors");
    const Store store = Store::open(import(hf / "model.safetensors").store);
    EXPECT_EQ(store.find_name("model.position_ids"), nullptr);
    EXPECT_NE(store.find_name("model.norm.weight"), nullptr);
}

} // namespace
} // namespace gmat::test
