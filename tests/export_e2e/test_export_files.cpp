// What we write is what ggml reads: files it accepts, values it dequantizes to
// exactly what we intend, the source bytes kept where no conversion is asked.
#include "export_fixture.hpp"

#include "common/dtype.hpp"
#include "store/tensor_file_io.hpp"

#include <oracle/ggml_types.hpp>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>

#include "pipeline/import_pipeline.hpp"

#include <sstream>

#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

std::vector<uint8_t> file_bytes(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ExportFiles, GgufCarriesTheKeysLlamaCppRequires) {
    const ExportedModel &m = llama_model("f32");
    const fs::path out = scratch_path("keys.gguf");
    export_store(m.store, default_type_config("q8_0"), out);
    oracle::GgufFile gguf(out);
    EXPECT_EQ(gguf.version(), 3u);
    EXPECT_EQ(gguf.alignment(), 32u);
    EXPECT_EQ(gguf.kv("general.architecture").as_string(), "llama");
    EXPECT_EQ(gguf.kv("general.file_type").as_int(), 7); // LLAMA_FTYPE_MOSTLY_Q8_0
    EXPECT_EQ(gguf.kv("general.quantization_version").as_int(), 2);
    EXPECT_EQ(gguf.kv("llama.block_count").as_int(), 2);
    EXPECT_EQ(gguf.kv("llama.embedding_length").as_int(), 64);
    EXPECT_EQ(gguf.kv("llama.feed_forward_length").as_int(), 160);
    EXPECT_EQ(gguf.kv("llama.attention.head_count").as_int(), 4);
    EXPECT_EQ(gguf.kv("llama.attention.head_count_kv").as_int(), 2);
    EXPECT_EQ(gguf.kv("llama.rope.dimension_count").as_int(), 16);
    EXPECT_EQ(gguf.kv("llama.context_length").as_int(), 256);
    EXPECT_EQ(gguf.kv("llama.vocab_size").as_int(), 256);
    EXPECT_FLOAT_EQ(static_cast<float>(gguf.kv("llama.rope.freq_base").as_double()), 10000.0f);
    EXPECT_FLOAT_EQ(static_cast<float>(gguf.kv("llama.attention.layer_norm_rms_epsilon").as_double()), 1e-5f);
    EXPECT_EQ(gguf.tensor("blk.0.attn_norm.weight").type, 0u); // norms stay F32
    EXPECT_EQ(gguf.tensor("blk.0.ffn_up.weight").type, 8u);    // Q8_0
    EXPECT_EQ(gguf.tensor("blk.0.ffn_up.weight").ne[0], 64);
    EXPECT_EQ(gguf.tensor("blk.0.ffn_up.weight").ne[1], 160);
}

class DequantizeLikeGgml : public ::testing::TestWithParam<const char *> {};

TEST_P(DequantizeLikeGgml, EveryTensorDequantizesToOurValuesBitForBit) {
    const ExportedModel &m = llama_model("f32");
    const fs::path out = scratch_path(std::string("deq-") + GetParam() + ".gguf");
    export_store(m.store, default_type_config(GetParam()), out);
    oracle::GgufFile gguf(out);
    for (const auto &t : gguf.tensors()) {
        const QuantType *type = build_plugins().find_quant_type_by_gguf(t.type);
        ASSERT_NE(type, nullptr) << t.name;
        const std::vector<uint8_t> data = gguf.read_tensor_data(t);
        EXPECT_TRUE(oracle::validate_row_data(t.type, data.data(), data.size())) << t.name;
        // ggml has no to_float for F32 (its data is the values).
        const std::vector<float> theirs =
            t.type == 0 ? std::vector<float>(reinterpret_cast<const float *>(data.data()),
                                             reinterpret_cast<const float *>(data.data()) + t.n_elements())
                        : oracle::dequantize(t.type, data.data(), t.n_elements());
        std::vector<float> ours(t.n_elements());
        type->dequantize_rows(data.data(), t.n_elements() / t.ne[0], t.ne[0], ours.data());
        ASSERT_EQ(theirs.size(), ours.size());
        EXPECT_EQ(std::memcmp(theirs.data(), ours.data(), ours.size() * 4), 0) << t.name << " in " << GetParam();
    }
}

INSTANTIATE_TEST_SUITE_P(Types, DequantizeLikeGgml, ::testing::Values("f32", "f16", "bf16", "q8_0"));

TEST(ExportFiles, Bf16StoreExportsToBf16BitIdentically) {
    const ExportedModel &m = llama_model("bf16");
    const fs::path out = scratch_path("same-bf16.gguf");
    export_store(m.store, default_type_config("bf16"), out);
    oracle::GgufFile gguf(out);
    const Store store = Store::open(m.store);
    for (const char *name : {"model.embed_tokens.weight", "model.layers.1.mlp.down_proj.weight", "lm_head.weight"}) {
        const StoredTensor *t = store.find_name(name);
        ASSERT_NE(t, nullptr);
        TensorFileReader reader(store.tensor_path(*t), t->uuid);
        std::string gguf_name = std::string(name) == "lm_head.weight" ? "output.weight"
                                : std::string(name) == "model.embed_tokens.weight" ? "token_embd.weight"
                                                                                   : "blk.1.ffn_down.weight";
        const auto data = gguf.read_tensor_data(gguf.tensor(gguf_name));
        ASSERT_EQ(data.size(), t->bytes);
        EXPECT_EQ(std::memcmp(data.data(), reader.payload(), t->bytes), 0) << name;
    }
}

TEST(ExportFiles, OutputIsByteIdenticalForAnyThreadCount) {
    const ExportedModel &m = llama_model("bf16");
    const std::string config = R"({"quantization": {"default_type": "q8_0", "scale_optimization": "standard"}})";
    export_store(m.store, config, scratch_path("t1.gguf"), 1);
    export_store(m.store, config, scratch_path("t2.gguf"), 2);
    export_store(m.store, config, scratch_path("t4.gguf"), 4);
    const auto one = file_bytes(scratch_path("t1.gguf"));
    EXPECT_EQ(one, file_bytes(scratch_path("t2.gguf")));
    EXPECT_EQ(one, file_bytes(scratch_path("t4.gguf")));
}

TEST(ExportFiles, EveryShardIsAcceptedAndCarriesTheSplitKeys) {
    const ExportedModel &m = llama_model("f32");
    const ExportSummary s =
        export_store(m.store, R"({"quantization": {"default_type": "q8_0"}, "shard_size": 60000})", scratch_path("split.gguf"));
    ASSERT_GE(s.files.size(), 2u);
    int64_t tensors = 0;
    for (size_t i = 0; i < s.files.size(); ++i) {
        oracle::GgufFile shard(s.files[i]);
        EXPECT_EQ(shard.kv("split.no").as_int(), static_cast<int64_t>(i));
        EXPECT_EQ(shard.kv("split.count").as_int(), static_cast<int64_t>(s.files.size()));
        EXPECT_EQ(shard.kv("split.tensors.count").as_int(), static_cast<int64_t>(s.tensors));
        EXPECT_EQ(shard.has_key("general.architecture"), i == 0);
        tensors += static_cast<int64_t>(shard.tensors().size());
        for (const auto &t : shard.tensors()) EXPECT_LE(t.size, 60000u + 1) << "a tensor bigger than a shard gets its own";
    }
    EXPECT_EQ(tensors, static_cast<int64_t>(s.tensors));
}

TEST(ExportFiles, TheSeedsExportProfilesParse) {
    for (const char *name : {"export-economy.json", "export-balanced.json", "export-premium.json"}) {
        const ExportConfig c = parse_export_config(fs::path(GMAT_SEED_PROFILES_DIR) / name);
        EXPECT_EQ(c.target_format, "gguf") << name;
        EXPECT_FALSE(c.tensor_map.empty()) << name;
        EXPECT_FALSE(c.per_tensor.empty()) << name;
    }
    const ExportConfig balanced = parse_export_config(fs::path(GMAT_SEED_PROFILES_DIR) / "export-balanced.json");
    EXPECT_EQ(balanced.default_type, "q4_k_m");
    EXPECT_EQ(balanced.scale_optimization, "trellis");
    EXPECT_DOUBLE_EQ(balanced.trellis_lambda, 0.3);
    EXPECT_FALSE(balanced.shard_size.has_value());
    EXPECT_EQ(balanced.per_tensor.size(), 12u);
}

} // namespace
} // namespace gmat::test

namespace gmat::test {
namespace {

std::string run_text(const std::string &command) {
    FILE *pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    EXPECT_EQ(::pclose(pipe), 0) << command;
    return out;
}

// The tiny_llm example's byte-level BPE tokenizer, through import and export:
// llama.cpp tokenizes a text to the ids the tokenizer.json defines, and back.
TEST(ExportFiles, TokenizerRoundTripsThroughTheExport) {
    const fs::path dir = scratch_path("tokenizer");
    run_text(std::string(GMAT_PYTHON_NUMPY) + " " + GMAT_EXAMPLES_DIR + "/tiny_llm/make_tiny_llm.py " + (dir / "hf").string());
    ImportOptions import;
    import.model = dir / "hf";
    import.output_dir = dir;
    import.progress = false;
    std::ostringstream log;
    const fs::path store = run_import(build_plugins(), import, log).store;
    const fs::path out = dir / "tiny.gguf";
    export_store(store, default_type_config("f16"), out);
    const std::string text = "the model writes the tokens and the llama reads them";
    std::vector<int32_t> expected;
    std::stringstream ids(run_text(std::string(GMAT_PYTHON_NUMPY) + " " + GMAT_BPE_ENCODE + " " + (dir / "hf").string() +
                                   " '" + text + "'"));
    for (std::string id; std::getline(ids, id, ',');) expected.push_back(std::stoi(id));
    oracle::Llama llama(out, {true});
    const std::vector<int32_t> tokens = llama.tokenize(text, true, false);
    EXPECT_EQ(tokens, expected);
    EXPECT_LT(tokens.size(), text.size() - 5) << "no merge applied: the test text does not exercise the merges";
    EXPECT_EQ(llama.detokenize(tokens, true), text);
    EXPECT_EQ(llama.n_vocab(), 32000);
}

} // namespace
} // namespace gmat::test
