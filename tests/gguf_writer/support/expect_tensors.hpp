// Checks, through llama.cpp's reader, that a file holds exactly the given
// tensors: infos, offsets, alignment, data bytes and zero padding.
#pragma once

#include "support/gguf_writer_fixture.hpp"
#include "support/oracle_gguf.hpp"

#include <cstdint>
#include <vector>

namespace gmat::test {

void expect_tensors_read_back(const OracleGguf &gguf, const std::vector<TensorSpec> &tensors, uint64_t alignment);

} // namespace gmat::test
