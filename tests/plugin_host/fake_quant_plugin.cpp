// One source, many plugins: each CASE_* define builds a plugin that is wrong
// (or right) in one way, for the registry's loading tests.
#include <gmat/sdk.hpp>

#include <cstring>
#include <stdexcept>

namespace {

void quantize_copy(const float *src, uint64_t n_rows, uint64_t n_cols, const gmat::sdk::QuantParams &, void *dst) {
#if defined(CASE_THROWING_QUANT)
    (void)src, (void)n_rows, (void)n_cols, (void)dst;
    throw std::runtime_error("fake failure inside the plugin's quantizer");
#else
    std::memcpy(dst, src, n_rows * n_cols * sizeof(float));
#endif
}

void dequantize_copy(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst) {
    std::memcpy(dst, src, n_rows * n_cols * sizeof(float));
}

struct Kernels {
#if defined(CASE_DUPLICATE_TYPE)
    static constexpr uint32_t count = 2;
#else
    static constexpr uint32_t count = 1;
#endif
    static const gmat::sdk::QuantKernel table[count];
};

#if defined(CASE_CONFLICT_QUANT)
#define TYPE_NAME "fake_f32"
#else
#define TYPE_NAME PLUGIN_NAME "_f32"
#endif

const gmat::sdk::QuantKernel Kernels::table[Kernels::count] = {
    {{sizeof(gmat_quant_type_desc), TYPE_NAME, 0, 1, 4, GMAT_QUANT_FLOAT, "plain floats, for tests"}, &quantize_copy,
     &dequantize_copy},
#if defined(CASE_DUPLICATE_TYPE)
    {{sizeof(gmat_quant_type_desc), TYPE_NAME, 0, 1, 4, GMAT_QUANT_FLOAT, "the same name again"}, &quantize_copy,
     &dequantize_copy},
#endif
};

int32_t score() {
#if defined(CASE_ZERO_SCORE)
    return 0;
#else
    return 1;
#endif
}

// A descriptor as a later ABI minor would lay it out: one more field appended.
struct DescriptorWithFutureField {
    gmat_plugin_descriptor base;
    const char *future_field;
};

} // namespace

extern "C" GMAT_PLUGIN_EXPORT const gmat_plugin_descriptor *gmat_plugin_entry(void) {
    static gmat_quant_api api = *gmat::sdk::QuantApiAdapter<Kernels>::api();
#if defined(CASE_NULL_FUNCTION)
    api.dequantize_rows = nullptr;
#endif
    static DescriptorWithFutureField d = {
        {sizeof(gmat_plugin_descriptor), GMAT_ABI_MAJOR, GMAT_ABI_MINOR, PLUGIN_NAME, "0.0.1", "test plugin",
         GMAT_PLUGIN_QUANT, &score, &api},
        "ignored by this host"};
#if defined(CASE_ABI_MAJOR_NEWER)
    d.base.abi_major = GMAT_ABI_MAJOR + 1;
#elif defined(CASE_ABI_MAJOR_OLDER)
    d.base.abi_major = GMAT_ABI_MAJOR - 1;
#elif defined(CASE_ABI_MINOR_OLDER)
    d.base.abi_minor = GMAT_ABI_MINOR - 1; // a plugin built before the last minor bump
#elif defined(CASE_ABI_MINOR_NEWER)
    d.base.abi_minor = GMAT_ABI_MINOR + 1;
    d.base.struct_size = sizeof(DescriptorWithFutureField);
#endif
    return &d.base;
}
