// Shared setup of the gguf writer tests: the plugin loaded through the host's
// registry, a scratch folder per test, and tensors with known contents.
#pragma once

#include "plugins/plugin_registry.hpp"

#include <ggml.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat::test {

// The registry over the folder the build puts gguf.so in, loaded once.
const PluginRegistry &registry();

// Bytes that differ per seed and per position, so a shifted or swapped
// tensor never reads back equal.
std::vector<uint8_t> pattern_bytes(uint64_t n_bytes, uint32_t seed);

struct TensorSpec {
    std::string name;
    ggml_type type;
    std::vector<uint64_t> ne; // ggml order
    uint32_t shard = 0;

    uint64_t n_bytes() const; // as ggml computes it for type and ne
    std::vector<uint8_t> data() const;
};

// Declares every tensor, then streams their data in declaration order, each
// tensor in pieces of at most chunk_bytes.
void write_tensors(OutputWriter &writer, const std::vector<TensorSpec> &tensors, uint64_t chunk_bytes = 1 << 20);

class GgufWriterTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    std::filesystem::path path(const std::string &name) const { return folder_ / name; }
    OutputWriter create(const std::string &name, uint32_t shard_count = 1) const;
    // Names of everything in the scratch folder, sorted.
    std::vector<std::string> folder_entries() const;

    std::filesystem::path folder_;
};

} // namespace gmat::test
