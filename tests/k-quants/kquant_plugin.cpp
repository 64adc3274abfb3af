#include "kquant_plugin.hpp"

#include <dlfcn.h>

namespace gmat::kquants::testing {
namespace {

void check(int32_t status, const char *message) {
    if (status != GMAT_OK) throw PluginCallError(status, message);
}

} // namespace

KQuantsPlugin::KQuantsPlugin() {
    // Never closed: the process keeps the plugin for its whole life, like the host.
    void *handle = dlopen(GMAT_KQUANTS_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error(std::string("cannot load ") + GMAT_KQUANTS_PLUGIN_FILE + ": " + dlerror());
    auto entry = reinterpret_cast<gmat_plugin_entry_fn>(dlsym(handle, GMAT_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr) throw std::runtime_error(std::string(GMAT_KQUANTS_PLUGIN_FILE) + " has no " GMAT_PLUGIN_ENTRY_SYMBOL);
    descriptor_ = entry();
    if (descriptor_ == nullptr || descriptor_->kind != GMAT_PLUGIN_QUANT || descriptor_->api == nullptr)
        throw std::runtime_error(std::string(GMAT_KQUANTS_PLUGIN_FILE) + " is not a quant plugin");
    api_ = static_cast<const gmat_quant_api *>(descriptor_->api);
}

const KQuantsPlugin &KQuantsPlugin::get() {
    static const KQuantsPlugin plugin;
    return plugin;
}

uint32_t KQuantsPlugin::type_index(const std::string &name) const {
    for (uint32_t i = 0; i < api_->type_count; ++i)
        if (name == api_->types[i]->name) return i;
    throw std::runtime_error("k-quants has no type " + name);
}

void KQuantsPlugin::quantize_into(const std::string &type, const float *src, uint64_t rows, uint64_t cols,
                                  gmat_scale_strategy strategy, const float *importance, float lambda, void *dst) const {
    const gmat_quant_params params{sizeof(gmat_quant_params), uint32_t(strategy), lambda, importance};
    char message[512] = {};
    gmat_diagnostics diag{message, sizeof message};
    check(api_->quantize_rows(type_index(type), src, rows, cols, &params, dst, &diag), message);
}

std::vector<uint8_t> KQuantsPlugin::quantize(const std::string &type, const float *src, uint64_t rows, uint64_t cols,
                                             gmat_scale_strategy strategy, const float *importance, float lambda) const {
    const gmat_quant_type_desc &desc = this->type(type);
    std::vector<uint8_t> out(rows * (cols / desc.block_elements) * desc.block_bytes);
    quantize_into(type, src, rows, cols, strategy, importance, lambda, out.data());
    return out;
}

std::vector<float> KQuantsPlugin::dequantize(const std::string &type, const void *src, uint64_t rows, uint64_t cols) const {
    std::vector<float> out(rows * cols);
    char message[512] = {};
    gmat_diagnostics diag{message, sizeof message};
    check(api_->dequantize_rows(type_index(type), src, rows, cols, out.data(), &diag), message);
    return out;
}

} // namespace gmat::kquants::testing
