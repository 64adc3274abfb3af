// Weights shaped like a checkpoint's linear layers, as dtype bytes: Gaussian
// rows whose scale varies from row to row (log-normal), plus a few outliers.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gmat::bench {

struct WeightKind {
    std::string label;
    gmat_dtype dtype;
    bool bf16_trained = false; // F32 holding BF16 values (low 16 bits zero), as many HF F32 checkpoints do
};

std::vector<uint8_t> synthetic_weights(const WeightKind &kind, uint64_t n_elements, uint64_t row_length, uint32_t seed);

} // namespace gmat::bench
