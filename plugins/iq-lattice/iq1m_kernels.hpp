// iq1_m rows: the search (README.md) and ggml's dequantizer.
#pragma once

#include <gmat/sdk.hpp>

#include <cstdint>

namespace gmat::iqlattice {

// n_cols a multiple of 256. Throws sdk::Error for a bad strategy or importance vector.
// Re-entrant; any split of rows among calls gives the same bytes.
void quantize_iq1m(const float *src, uint64_t n_rows, uint64_t n_cols, const sdk::QuantParams &params, void *dst);
void dequantize_iq1m(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst);

} // namespace gmat::iqlattice
