// A quant plugin written against the raw C ABI that breaks the rules
// `gmat check-plugin` enforces while keeping a sane descriptor and an exact
// round trip: its output depends on how often it was called (so neither
// repeated calls nor thread splits give the same bytes), it quantizes NaN and
// infinity without complaint, and it never checks the row length.
#include <gmat/abi.h>

#include <atomic>
#include <cstring>

namespace {

std::atomic<uint32_t> calls{0};

// Blocks of two raw floats; the last bit of the first one records the call parity.
int32_t quantize_rows(uint32_t, const float *src, uint64_t n_rows, uint64_t n_cols, const gmat_quant_params *,
                      void *dst, gmat_diagnostics *) {
    const uint64_t values = n_rows * n_cols / 2 * 2;
    std::memcpy(dst, src, values * sizeof(float));
    uint32_t first;
    std::memcpy(&first, dst, sizeof first);
    first = (first & ~1u) | (calls.fetch_add(1) & 1u);
    std::memcpy(dst, &first, sizeof first);
    return GMAT_OK;
}

int32_t dequantize_rows(uint32_t, const void *src, uint64_t n_rows, uint64_t n_cols, float *dst, gmat_diagnostics *) {
    std::memcpy(dst, src, n_rows * n_cols / 2 * 2 * sizeof(float));
    return GMAT_OK;
}

const gmat_quant_type_desc sloppy_type = {sizeof(gmat_quant_type_desc),        "sloppy_pair", 1000, 2, 8, 0,
                                          "two raw floats per block, sloppily"};
const gmat_quant_type_desc *const types[] = {&sloppy_type};
const gmat_quant_api api = {sizeof(gmat_quant_api), 1, types, &quantize_rows, &dequantize_rows};

} // namespace

extern "C" GMAT_PLUGIN_EXPORT const gmat_plugin_descriptor *gmat_plugin_entry(void) {
    static const gmat_plugin_descriptor descriptor = {sizeof(gmat_plugin_descriptor),
                                                      GMAT_ABI_MAJOR,
                                                      GMAT_ABI_MINOR,
                                                      "sloppy_quant",
                                                      "0.0.1",
                                                      "breaks check-plugin's rules on purpose",
                                                      GMAT_PLUGIN_QUANT,
                                                      nullptr,
                                                      &api};
    return &descriptor;
}
