// The built k-quants.so, loaded the way the host loads it (dlopen of the
// file, gmat_plugin_entry, the C quant table), so the tests exercise the real
// ABI path. Failed calls throw PluginCallError carrying status and message.
#pragma once

#include <gmat/abi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gmat::kquants::testing {

struct PluginCallError : std::runtime_error {
    PluginCallError(int32_t status, const std::string &message) : std::runtime_error(message), status(status) {}
    int32_t status;
};

class KQuantsPlugin {
public:
    // Loads GMAT_KQUANTS_PLUGIN_FILE once per process.
    static const KQuantsPlugin &get();

    const gmat_plugin_descriptor &descriptor() const { return *descriptor_; }
    const gmat_quant_api &api() const { return *api_; }
    // Index of the type called name; throws when the plugin lacks it.
    uint32_t type_index(const std::string &name) const;
    const gmat_quant_type_desc &type(const std::string &name) const { return *api_->types[type_index(name)]; }

    std::vector<uint8_t> quantize(const std::string &type, const float *src, uint64_t rows, uint64_t cols,
                                  gmat_scale_strategy strategy, const float *importance = nullptr,
                                  float lambda = 0.3f) const;
    // Into a caller's buffer (rows * cols / 256 blocks).
    void quantize_into(const std::string &type, const float *src, uint64_t rows, uint64_t cols,
                       gmat_scale_strategy strategy, const float *importance, float lambda, void *dst) const;
    std::vector<float> dequantize(const std::string &type, const void *src, uint64_t rows, uint64_t cols) const;

private:
    KQuantsPlugin();
    const gmat_plugin_descriptor *descriptor_ = nullptr;
    const gmat_quant_api *api_ = nullptr;
};

} // namespace gmat::kquants::testing
