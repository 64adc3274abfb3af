// Helpers for codec tests: payloads of every kind and tensor files written
// with chosen options in a per-test scratch folder.
#pragma once

#include "scratch_folder.hpp"
#include "store/tensor_file_io.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat::test {

// Gaussian weights as dtype bytes (F32, F16, BF16), with per-row scales.
std::vector<uint8_t> gaussian_payload(gmat_dtype dtype, uint64_t n_elements, uint32_t seed);
// Uniformly random bytes: incompressible.
std::vector<uint8_t> random_bytes(uint64_t n, uint32_t seed);

// dir_ is a fresh scratch folder per test (tests/support/scratch_folder.hpp).
class CodecTest : public ScratchFolderTest {
protected:
    // Writes payload as a tensor of dtype [n_elements] in pieces of `piece` bytes.
    std::filesystem::path write(const std::string &file, gmat_dtype dtype, const std::vector<uint8_t> &payload,
                                TensorWriteOptions options, uint64_t piece = 1000);
    // Every logical byte through read(), in one call.
    static std::vector<uint8_t> read_all(const TensorFileReader &reader);
    static void flip_byte(const std::filesystem::path &file, uint64_t offset, uint8_t mask = 0x10);
};

// Options for a zstd file with small chunks, so tests see many of them.
TensorWriteOptions zstd_options(uint32_t chunk_bytes = 4096);

} // namespace gmat::test
