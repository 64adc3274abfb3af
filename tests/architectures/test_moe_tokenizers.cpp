// The tokenizers of GLM-4.5, DeepSeek-V3 and Kimi K2 as llama.cpp's converter
// writes them (conversion/base.py: it names a tokenizer by hashing what it
// makes of a test text, then GLM's _set_vocab_glm picks special tokens by
// their text; Kimi K2's tiktoken.model goes through deepseek.py's "kimi-k2"
// branch). The checkpoints carry byte-level BPE tokenizer.json files shaped
// like the real ones (tests/reference/byte_level_tokenizer.py), or Kimi's
// tiktoken.model + tokenizer_config.json (tests/reference/kimi_tokenizer.py);
// llama.cpp loads the exported vocabulary and must read the same names and
// ids back.
#include "arch_model.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>
#include <reference/reference_scripts.hpp>

#include <algorithm>
#include <rapidjson/document.h>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

constexpr int kVocab = 512;

// A small checkpoint of hf_class with a tokenizer of `style`, imported.
ArchModel model_with_tokenizer(const std::string &hf_class, const std::string &style,
                               const std::vector<std::string> &extra_args) {
    const fs::path dir = arch_model_dir(hf_class + "-tokenizer");
    std::vector<std::string> args{(dir / "hf").string(), "--architecture", hf_class, "--vocab", std::to_string(kVocab)};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    reference::run_reference_script("make_arch_checkpoint.py", args);
    reference::run_reference_script("byte_level_tokenizer.py",
                                    {(dir / "hf").string(), "--vocab", std::to_string(kVocab), "--style", style});
    return import_arch_checkpoint(hf_class, dir);
}

int64_t token_id(const oracle::GgufFile &gguf, const std::string &text) {
    const oracle::GgufKv tokens = gguf.kv("tokenizer.ggml.tokens");
    for (size_t i = 0; i < tokens.array_size(); ++i)
        if (tokens.string_at(i) == text) return static_cast<int64_t>(i);
    ADD_FAILURE() << text << " is not in the vocabulary";
    return -1;
}

const ArchModel &glm4moe() {
    static const ArchModel model =
        model_with_tokenizer("Glm4MoeForCausalLM", "glm4",
                             {"--layers", "2", "--experts", "4", "--dense-layers", "1", "--nextn-layers", "0"});
    return model;
}

const ArchModel &deepseek_v3() {
    static const ArchModel model =
        model_with_tokenizer("DeepseekV3ForCausalLM", "deepseek-v3",
                             {"--layers", "2", "--experts", "4", "--dense-layers", "1", "--nextn-layers", "0"});
    return model;
}

// A DeepSeek-V3 checkpoint with Kimi K2's tokenizer files instead of tokenizer.json.
const ArchModel &kimi_k2() {
    static const ArchModel model = [] {
        const std::string hf_class = "DeepseekV3ForCausalLM";
        const fs::path dir = arch_model_dir("kimi-k2-tokenizer");
        reference::run_reference_script("make_arch_checkpoint.py",
                                        {(dir / "hf").string(), "--architecture", hf_class, "--vocab",
                                         std::to_string(kVocab), "--layers", "2", "--experts", "4", "--dense-layers",
                                         "1", "--nextn-layers", "0"});
        reference::run_reference_script("kimi_tokenizer.py",
                                        {"write", (dir / "hf").string(), "--vocab", std::to_string(kVocab)});
        return import_arch_checkpoint(hf_class, dir);
    }();
    return model;
}

// GLM-4.5's tokenizer.json splits words with Llama 3's regex, which alone
// reads as "llama-bpe"; the converter writes "glm4" (llama.cpp then splits
// with its CHATGLM4 rules and adds no BOS of its own) and bos [gMASK], eot
// <|user|>, unk <|endoftext|>, eom <|observation|>.
TEST(Glm4MoeTokenizer, IsWrittenAsLlamaCppsConverterWritesGlm45s) {
    const fs::path file = export_model(glm4moe(), "f32");
    const oracle::GgufFile gguf(file);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.model").as_string(), "gpt2");
    EXPECT_EQ(gguf.kv("tokenizer.ggml.pre").as_string(), "glm4");
    EXPECT_EQ(gguf.kv("tokenizer.ggml.bos_token_id").as_int(), token_id(gguf, "[gMASK]"));
    EXPECT_EQ(gguf.kv("tokenizer.ggml.eot_token_id").as_int(), token_id(gguf, "<|user|>"));
    EXPECT_EQ(gguf.kv("tokenizer.ggml.unknown_token_id").as_int(), token_id(gguf, "<|endoftext|>"));
    EXPECT_EQ(gguf.kv("tokenizer.ggml.eom_token_id").as_int(), token_id(gguf, "<|observation|>"));
    EXPECT_EQ(gguf.kv("tokenizer.ggml.eos_token_id").as_int(), token_id(gguf, "<|endoftext|>"));

    oracle::LlamaOptions vocab_only;
    vocab_only.vocab_only = true;
    const oracle::Llama llama(file, vocab_only);
    EXPECT_EQ(llama.meta("tokenizer.ggml.pre").value_or(""), "glm4");
    const std::vector<int32_t> ids = llama.tokenize("[gMASK]<sop>the rain", false, true);
    ASSERT_GE(ids.size(), 3u);
    EXPECT_EQ(ids[0], token_id(gguf, "[gMASK]"));
    EXPECT_EQ(ids[1], token_id(gguf, "<sop>"));
    EXPECT_EQ(llama.detokenize(ids, false, true), "[gMASK]<sop>the rain");
}

// The profile's special_token_keys still win over the class's choices.
TEST(Glm4MoeTokenizer, ProfileSpecialTokenKeysWinOverTheClassChoice) {
    const fs::path out = glm4moe().dir / "pinned.gguf";
    export_in_process(glm4moe().store, R"({"quantization": {"default_type": "f32"}, "special_token_keys": {"bos": 5}})",
                      out);
    const oracle::GgufFile gguf(out);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.bos_token_id").as_int(), 5);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.eot_token_id").as_int(), token_id(gguf, "<|user|>"));
}

// DeepSeek-V3's three Splits (digits in threes, CJK runs, words with literal
// CR/LF in the class) are llama.cpp's "deepseek-v3"; before this the export
// refused them as an unknown pre-tokenizer.
TEST(DeepseekV3Tokenizer, IsWrittenAsLlamaCppsConverterWritesDeepseekV3s) {
    const fs::path file = export_model(deepseek_v3(), "f32");
    const oracle::GgufFile gguf(file);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.pre").as_string(), "deepseek-v3");
    EXPECT_EQ(gguf.kv("tokenizer.ggml.bos_token_id").as_int(), token_id(gguf, "<｜begin▁of▁sentence｜>"));
    EXPECT_EQ(gguf.kv("tokenizer.ggml.eos_token_id").as_int(), token_id(gguf, "<｜end▁of▁sentence｜>"));
    EXPECT_TRUE(gguf.kv("tokenizer.ggml.add_bos_token").as_bool());

    oracle::LlamaOptions vocab_only;
    vocab_only.vocab_only = true;
    const oracle::Llama llama(file, vocab_only);
    EXPECT_EQ(llama.meta("tokenizer.ggml.pre").value_or(""), "deepseek-v3");
    const std::vector<int32_t> ids = llama.tokenize("1234 rain\n", true, false);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids[0], token_id(gguf, "<｜begin▁of▁sentence｜>"));
    EXPECT_EQ(llama.detokenize(ids, true), "1234 rain\n");
}

// Kimi K2 ships tiktoken.model (base64 token bytes and ranks) and no
// tokenizer.json. The converter writes model gpt2, pre kimi-k2, the ranks in
// byte-level form, merges rebuilt by BPE over each token with the lower ranks,
// the reserved special ids as CONTROL tokens and config.json's bos/eos ids;
// before this gmat wrote tokenizer.ggml.model "none".
TEST(KimiK2Tokenizer, IsWrittenAsLlamaCppsConverterWritesKimiK2s) {
    const std::vector<std::string> texts{"The rain in Spain stays mainly in the plain.",
                                         "Hello, world! We're told they'll come back in 2024.\n",
                                         "the station master says   nothing"};
    std::vector<std::string> args{"expect", (kimi_k2().dir / "hf").string(), "--vocab", std::to_string(kVocab)};
    for (const auto &text : texts) args.insert(args.end(), {"--text", text});
    rapidjson::Document want;
    want.Parse(reference::run_reference_script("kimi_tokenizer.py", args).c_str());
    ASSERT_FALSE(want.HasParseError());

    const fs::path file = export_model(kimi_k2(), "f32");
    const oracle::GgufFile gguf(file);
    EXPECT_EQ(gguf.kv("tokenizer.ggml.model").as_string(), "gpt2");
    EXPECT_EQ(gguf.kv("tokenizer.ggml.pre").as_string(), "kimi-k2");
    const oracle::GgufKv tokens = gguf.kv("tokenizer.ggml.tokens");
    ASSERT_EQ(tokens.array_size(), want["tokens"].Size());
    for (size_t i = 0; i < tokens.array_size(); ++i)
        ASSERT_EQ(tokens.string_at(i), want["tokens"][static_cast<rapidjson::SizeType>(i)].GetString()) << "id " << i;
    const oracle::GgufKv merges = gguf.kv("tokenizer.ggml.merges");
    ASSERT_EQ(merges.array_size(), want["merges"].Size());
    for (size_t i = 0; i < merges.array_size(); ++i)
        ASSERT_EQ(merges.string_at(i), want["merges"][static_cast<rapidjson::SizeType>(i)].GetString())
            << "merge " << i;
    EXPECT_EQ(gguf.kv("tokenizer.ggml.bos_token_id").as_int(), want["special"]["bos"].GetInt());
    EXPECT_EQ(gguf.kv("tokenizer.ggml.eos_token_id").as_int(), want["special"]["eos"].GetInt());
    EXPECT_EQ(gguf.kv("tokenizer.ggml.bos_token_id").as_int(), token_id(gguf, "[BOS]"));
    EXPECT_EQ(gguf.kv("tokenizer.chat_template").as_string(), want["chat_template"].GetString());

    oracle::LlamaOptions vocab_only;
    vocab_only.vocab_only = true;
    const oracle::Llama llama(file, vocab_only);
    EXPECT_EQ(llama.meta("tokenizer.ggml.pre").value_or(""), "kimi-k2");
    for (const auto &text : texts) {
        std::vector<int32_t> expected;
        for (const auto &id : want["ids"][text.c_str()].GetArray()) expected.push_back(id.GetInt());
        EXPECT_EQ(llama.tokenize(text, false), expected) << text;
        EXPECT_EQ(llama.detokenize(expected), text);
    }
    const std::vector<int32_t> ids = llama.tokenize("[BOS]<|im_user|>the rain", false, true);
    ASSERT_GE(ids.size(), 3u);
    EXPECT_EQ(ids[0], token_id(gguf, "[BOS]"));
    EXPECT_EQ(ids[1], token_id(gguf, "<|im_user|>"));
}

} // namespace
} // namespace gmat::test
