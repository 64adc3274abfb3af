#include "support/expect_tensors.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace gmat::test {

namespace {

uint64_t padded(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

void expect_info(const OracleGguf &gguf, int64_t id, const TensorSpec &spec, uint64_t expected_offset) {
    const gguf_context *c = gguf.ctx();
    EXPECT_EQ(gguf_get_tensor_name(c, id), spec.name);
    EXPECT_EQ(gguf_get_tensor_type(c, id), spec.type) << spec.name;
    EXPECT_EQ(gguf_get_tensor_size(c, id), spec.n_bytes()) << spec.name;
    EXPECT_EQ(gguf_get_tensor_offset(c, id), expected_offset) << spec.name;
    const int64_t *ne = gguf_get_tensor_ne(c, id);
    for (size_t d = 0; d < GGML_MAX_DIMS; ++d)
        EXPECT_EQ(ne[d], d < spec.ne.size() ? static_cast<int64_t>(spec.ne[d]) : 1) << spec.name << " ne[" << d << "]";
}

} // namespace

void expect_tensors_read_back(const OracleGguf &gguf, const std::vector<TensorSpec> &tensors, uint64_t alignment) {
    const gguf_context *c = gguf.ctx();
    ASSERT_EQ(gguf_get_alignment(c), alignment);
    ASSERT_EQ(gguf_get_n_tensors(c), static_cast<int64_t>(tensors.size()));
    // llama.cpp pads its data offset only when there are tensors; the writer
    // always pads the header, so an empty file still ends on the alignment.
    const uint64_t data_offset = padded(gguf_get_data_offset(c), alignment);
    uint64_t offset = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const TensorSpec &spec = tensors[i];
        expect_info(gguf, static_cast<int64_t>(i), spec, offset);
        EXPECT_TRUE(gguf.tensor_data(spec.name) == spec.data()) << spec.name << ": data bytes differ";
        const uint64_t pad = padded(spec.n_bytes(), alignment) - spec.n_bytes();
        const std::vector<uint8_t> padding = gguf.read_bytes(data_offset + offset + spec.n_bytes(), pad);
        EXPECT_TRUE(std::all_of(padding.begin(), padding.end(), [](uint8_t b) { return b == 0; }))
            << spec.name << ": padding after the tensor is not zero";
        offset += padded(spec.n_bytes(), alignment);
    }
    EXPECT_EQ(gguf.file_size(), data_offset + offset) << "file size is not header plus padded tensors";
}

} // namespace gmat::test
