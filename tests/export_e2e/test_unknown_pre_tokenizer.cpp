// A byte-level BPE tokenizer.json whose pre_tokenizer llama.cpp does not know
// stops the export, naming the file and the pre-tokenizer, and nothing is
// written (llama.cpp's converter refuses such a model too);
// --allow-unknown-pretokenizer exports it with a warning.
#include "export_fixture.hpp"

#include "common/error.hpp"

#include <oracle/gguf_file.hpp>

#include <fstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

// The test model's store with a small byte-level BPE tokenizer whose
// pre-tokenizer splits on whitespace only (a Split llama.cpp has no type for).
fs::path store_with_unknown_pre_tokenizer() {
    const fs::path copy = scratch_path("unknown-pre/model.gmat");
    if (fs::exists(copy)) return copy;
    fs::create_directories(copy.parent_path());
    fs::copy(llama_model("f32").store, copy, fs::copy_options::recursive);
    std::ofstream(copy / "tokenizer.json") << R"({"added_tokens": [], "normalizer": null,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Isolated", "invert": false},
            {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},
        "post_processor": null, "decoder": {"type": "ByteLevel"},
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}})";
    return copy;
}

TEST(UnknownPreTokenizer, TheExportIsRefusedNamingTheFileAndTheValueAndWritesNothing) {
    const fs::path store = store_with_unknown_pre_tokenizer();
    const fs::path out = scratch_path("unknown-pre/refused/out.gguf");
    fs::create_directories(out.parent_path());
    try {
        export_store(store, default_type_config("q8_0"), out);
        ADD_FAILURE() << "exported a pre-tokenizer llama.cpp does not know";
    } catch (const GmatError &e) {
        const std::string m = e.what();
        EXPECT_NE(m.find((store / "tokenizer.json").string()), std::string::npos) << m;
        EXPECT_NE(m.find(R"(pre_tokenizer [regex:\s+])"), std::string::npos) << m;
        EXPECT_NE(m.find("--allow-unknown-pretokenizer"), std::string::npos) << m;
    }
    EXPECT_TRUE(fs::is_empty(out.parent_path()));
}

TEST(UnknownPreTokenizer, TheOverrideExportsTheDefaultPreTypeWithAWarning) {
    const fs::path store = store_with_unknown_pre_tokenizer();
    const fs::path out = scratch_path("unknown-pre/allowed/out.gguf");
    fs::create_directories(out.parent_path());
    InProcessExport options;
    options.plan.allow_unknown_pre_tokenizer = true;
    export_in_process(store, default_type_config("q8_0"), out, options);
    oracle::GgufFile gguf(out);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.pre").as_string(), "default");
    EXPECT_EQ(gguf.kv("tokenizer.ggml.model").as_string(), "gpt2");
}

} // namespace
} // namespace gmat::test
