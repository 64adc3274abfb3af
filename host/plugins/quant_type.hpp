// A quantization type provided by a loaded plugin, wrapped for host use:
// plugin status codes become GmatError exceptions carrying the plugin's message.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <memory>
#include <string>

namespace gmat {

class LoadedLibrary;

struct QuantOptions {
    gmat_scale_strategy strategy = GMAT_SCALE_STANDARD;
    float trellis_lambda = 0.3f;
    const float *importance = nullptr; // n_cols weights or nullptr
};

class QuantType {
public:
    QuantType(std::shared_ptr<const LoadedLibrary> library, const gmat_quant_api *api, uint32_t index,
              std::string plugin_name);

    const std::string &name() const { return name_; }
    const std::string &plugin_name() const { return plugin_name_; }
    const std::string &description() const { return description_; }
    uint32_t gguf_type() const { return gguf_type_; }
    uint32_t block_elements() const { return block_elements_; }
    uint32_t block_bytes() const { return block_bytes_; }
    uint32_t flags() const { return flags_; }
    bool is_float() const { return (flags_ & GMAT_QUANT_FLOAT) != 0; }
    bool uses_importance() const { return (flags_ & GMAT_QUANT_USES_IMPORTANCE) != 0; }
    // A codebook search far slower than a K-quant: `auto` offers it only when auto_types lists it.
    bool is_slow_search() const { return (flags_ & GMAT_QUANT_SLOW_SEARCH) != 0; }
    // Derived, never declared: 8 * bytes / elements (q4_0: 4.5, q6_K: 6.5625).
    double bits_per_weight() const { return 8.0 * block_bytes_ / block_elements_; }
    bool fits_row(uint64_t n_cols) const { return n_cols > 0 && n_cols % block_elements_ == 0; }
    // Bytes of one quantized row; throws when n_cols is not a multiple of the block.
    uint64_t row_bytes(uint64_t n_cols) const;

    void quantize_rows(const float *src, uint64_t n_rows, uint64_t n_cols, const QuantOptions &options,
                       void *dst) const;
    void dequantize_rows(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) const;

private:
    std::shared_ptr<const LoadedLibrary> library_; // keeps the code loaded while this lives
    const gmat_quant_api *api_;
    uint32_t index_;
    std::string plugin_name_, name_, description_;
    uint32_t gguf_type_, block_elements_, block_bytes_, flags_;
};

} // namespace gmat
