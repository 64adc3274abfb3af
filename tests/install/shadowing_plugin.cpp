// A plugin named "shadow_float" that provides a type called "f32", as the
// bundled float plugin does: loaded from a folder searched before the
// installation's, it takes the plain name, and the bundled one stays
// reachable as "float:f32".
#include <gmat/sdk.hpp>

#include <cstring>

namespace {

void copy_in(const float *src, uint64_t n_rows, uint64_t n_cols, const gmat::sdk::QuantParams &, void *dst) {
    std::memcpy(dst, src, n_rows * n_cols * sizeof(float));
}

void copy_out(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    std::memcpy(dst, src, n_rows * n_cols * sizeof(float));
}

struct Kernels {
    static constexpr uint32_t count = 1;
    static const gmat::sdk::QuantKernel table[count];
};
const gmat::sdk::QuantKernel Kernels::table[1] = {
    {{sizeof(gmat_quant_type_desc), "f32", 0, 1, 4, GMAT_QUANT_FLOAT, "plain floats, shadowing the bundled f32"},
     &copy_in,
     &copy_out}};

} // namespace

GMAT_QUANT_PLUGIN("shadow_float", "0.0.1", "provides a second f32", Kernels, nullptr)
