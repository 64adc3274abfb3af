#include "plugins/quant_type.hpp"

#include "plugins/diagnostics_buffer.hpp"

#include <gmat/sdk.hpp>

namespace gmat {

namespace {
template <class Field>
Field desc_field(const gmat_quant_type_desc *d, Field gmat_quant_type_desc::*member, Field fallback) {
    return sdk::field_or(d, member, fallback);
}
} // namespace

QuantType::QuantType(std::shared_ptr<const LoadedLibrary> library, const gmat_quant_api *api, uint32_t index,
                     std::string plugin_name)
    : library_(std::move(library)), api_(api), index_(index), plugin_name_(std::move(plugin_name)) {
    const gmat_quant_type_desc *d = api->types[index];
    name_ = d->name;
    const char *description = desc_field(d, &gmat_quant_type_desc::description, static_cast<const char *>(nullptr));
    description_ = description ? description : "";
    gguf_type_ = d->gguf_type;
    block_elements_ = d->block_elements;
    block_bytes_ = d->block_bytes;
    flags_ = desc_field(d, &gmat_quant_type_desc::flags, 0u);
}

uint64_t QuantType::row_bytes(uint64_t n_cols) const {
    if (!fits_row(n_cols))
        throw GmatError(name_ + ": row length " + std::to_string(n_cols) + " is not a multiple of its block size " +
                        std::to_string(block_elements_));
    return n_cols / block_elements_ * block_bytes_;
}

void QuantType::quantize_rows(const float *src, uint64_t n_rows, uint64_t n_cols, const QuantOptions &options,
                              void *dst) const {
    gmat_quant_params params{sizeof(gmat_quant_params), static_cast<uint32_t>(options.strategy),
                             options.trellis_lambda, options.importance};
    DiagnosticsBuffer diag;
    diag.check(api_->quantize_rows(index_, src, n_rows, n_cols, &params, dst, diag.get()),
               "quantizing to " + name_ + " (plugin " + plugin_name_ + ")");
}

void QuantType::dequantize_rows(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) const {
    DiagnosticsBuffer diag;
    diag.check(api_->dequantize_rows(index_, src, n_rows, n_cols, dst, diag.get()),
               "dequantizing " + name_ + " (plugin " + plugin_name_ + ")");
}

} // namespace gmat
