// A plain f32 quant type ("<plugin>_f32") whose descriptor claims another SDK
// version: PROBE_OLDER_MAJOR says ABI major - 1; PROBE_NEWER_MINOR says minor
// + 1 and, as a later minor may, appends a field to the descriptor, the quant
// API table and the type description (struct_size grows accordingly).
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
    {{sizeof(gmat_quant_type_desc), PROBE_NAME "_f32", 0, 1, 4, GMAT_QUANT_FLOAT, "plain floats"},
     &copy_in,
     &copy_out}};

// The structs as a later minor could lay them out: the same prefix, one more field.
struct FutureTypeDesc {
    gmat_quant_type_desc base;
    uint32_t future_hint;
};
struct FutureQuantApi {
    gmat_quant_api base;
    void (*future_function)(void);
};
struct FutureDescriptor {
    gmat_plugin_descriptor base;
    const char *future_note;
};

} // namespace

extern "C" GMAT_PLUGIN_EXPORT const gmat_plugin_descriptor *gmat_plugin_entry(void) {
    static FutureTypeDesc type = {Kernels::table[0].desc, 7};
    static const gmat_quant_type_desc *types[1] = {&type.base};
    static FutureQuantApi api = {*gmat::sdk::QuantApiAdapter<Kernels>::api(), nullptr};
    static FutureDescriptor d = {{sizeof(gmat_plugin_descriptor), GMAT_ABI_MAJOR, GMAT_ABI_MINOR, PROBE_NAME, "0.0.1",
                                  "ABI version probe", GMAT_PLUGIN_QUANT, nullptr, &api.base},
                                 "a field this host does not know"};
#if defined(PROBE_OLDER_MAJOR)
    d.base.abi_major = GMAT_ABI_MAJOR - 1;
#elif defined(PROBE_NEWER_MINOR)
    type.base.struct_size = sizeof(FutureTypeDesc);
    api.base.struct_size = sizeof(FutureQuantApi);
    api.base.types = types;
    d.base.abi_minor = GMAT_ABI_MINOR + 1;
    d.base.struct_size = sizeof(FutureDescriptor);
#endif
    return &d.base;
}
