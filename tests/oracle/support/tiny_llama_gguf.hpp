// A tiny random-weight llama model in GGUF, written with ggml's own writer and
// a small SentencePiece ("llama") vocabulary, so the Llama wrapper can be tested
// without any downloaded model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace oracle::testing {

struct TinyLlamaSpec {
    int64_t n_embd = 64;
    int64_t n_ff = 128;
    int64_t n_layer = 2;
    int64_t n_head = 4;
    int64_t n_head_kv = 2;
    uint32_t n_ctx_train = 256;
    float rope_theta = 10000.0f;
    float rms_eps = 1e-5f;
    bool tied_output = false; // no output.weight: llama.cpp reuses token_embd
    uint32_t seed = 1;
    int n_splits = 1; // > 1: llama.cpp's split layout, metadata in the first shard
};

// The vocabulary: <unk>, <s>, </s>, 256 byte tokens <0x00>..<0xFF>, "▁", a-z and
// the prefixes of "▁hello", "▁world", "▁the".
std::vector<std::string> tiny_llama_vocab();

// Writes an all-F32 model; the same spec gives the same bytes (the split count
// aside, the same weights). With n_splits > 1 the files are named
// <dir>/<stem>-0000K-of-0000N.gguf after `path`. Returns the (first) file.
std::filesystem::path write_tiny_llama_gguf(const std::filesystem::path &path, const TinyLlamaSpec &spec = {});

} // namespace oracle::testing
