#include "bench/ggml_library.hpp"

#include "common/error.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace gmat::bench {

namespace {

// struct ggml_type_traits from ggml.h, field for field.
struct GgmlTypeTraits {
    const char *type_name;
    int64_t blck_size;
    int64_t blck_size_interleave;
    size_t type_size;
    bool is_quantized;
    void (*to_float)(const void *x, float *y, int64_t k);
    void (*from_float_ref)(const float *x, void *y, int64_t k);
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

} // namespace

struct GgmlLibrary::Api {
    const GgmlTypeTraits *(*get_type_traits)(int type);
    size_t (*quantize_chunk)(int type, const float *src, void *dst, int64_t start, int64_t nrows, int64_t n_per_row,
                             const float *imatrix);
    bool (*quantize_requires_imatrix)(int type);
    const char *(*version)(); // optional: older releases lack it
};

GgmlLibrary::GgmlLibrary(const std::filesystem::path &path) : path_(path) {
    // RTLD_LOCAL: ggml's symbols stay out of the way of everything else loaded.
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw GmatError("cannot load ggml library " + path.string() + ": " + dlerror());
    auto symbol = [&](const char *name, bool required) {
        void *address = dlsym(handle, name);
        if (address == nullptr && required)
            throw GmatError(path.string() + " does not export " + name + "; is it libggml-base.so?");
        return address;
    };
    auto api = std::make_shared<Api>();
    api->get_type_traits = reinterpret_cast<decltype(api->get_type_traits)>(symbol("ggml_get_type_traits", true));
    api->quantize_chunk = reinterpret_cast<decltype(api->quantize_chunk)>(symbol("ggml_quantize_chunk", true));
    api->quantize_requires_imatrix =
        reinterpret_cast<decltype(api->quantize_requires_imatrix)>(symbol("ggml_quantize_requires_imatrix", true));
    api->version = reinterpret_cast<decltype(api->version)>(symbol("ggml_version", false));
    api_ = std::move(api);
}

std::unique_ptr<GgmlLibrary> GgmlLibrary::from_option_or_environment(const std::string &option, std::string &why) {
    std::string path = option;
    if (path.empty())
        if (const char *env = std::getenv("GMAT_GGML_LIB")) path = env;
    if (path.empty()) {
        why = "no --ggml-lib given and GMAT_GGML_LIB is not set (point either at a libggml-base.so, e.g. "
              "node-llama-cpp's)";
        return nullptr;
    }
    return std::make_unique<GgmlLibrary>(path);
}

std::string GgmlLibrary::version() const {
    const char *v = api_->version ? api_->version() : nullptr;
    return v ? v : "unknown";
}

// The ids ggml_quantize_chunk handles (any other id aborts inside ggml), for
// the ggml release node-llama-cpp 3.22.1 ships: ggml_type values below 43.
bool GgmlLibrary::has_quantizer(uint32_t ggml_type) {
    static const uint32_t ids[] = {0,  1,  2,  3,  6,  7,  8,  10, 11, 12, 13, 14, 16, 17,
                                   18, 19, 20, 21, 22, 23, 29, 30, 34, 35, 39, 40, 41, 42};
    return std::find(std::begin(ids), std::end(ids), ggml_type) != std::end(ids);
}

std::string GgmlLibrary::mismatch(const QuantType &type) const {
    const uint32_t id = type.gguf_type();
    if (!has_quantizer(id))
        return "ggml has no quantizer for GGUF type id " + std::to_string(id) + " (" + type.name() + ")";
    const GgmlTypeTraits *traits = api_->get_type_traits(int(id));
    const std::string ggml_name = traits && traits->type_name ? lower(traits->type_name) : "(unnamed)";
    if (ggml_name != lower(type.name()))
        return "GGUF type id " + std::to_string(id) + " is " + ggml_name + " in ggml, not " + type.name();
    if (uint64_t(traits->blck_size) != type.block_elements() || traits->type_size != type.block_bytes())
        return type.name() + " has blocks of " + std::to_string(type.block_elements()) + " values / " +
               std::to_string(type.block_bytes()) + " bytes, ggml's of " + std::to_string(traits->blck_size) + " / " +
               std::to_string(traits->type_size);
    return {};
}

bool GgmlLibrary::requires_importance(uint32_t ggml_type) const {
    return api_->quantize_requires_imatrix(int(ggml_type));
}

void GgmlLibrary::quantize(uint32_t ggml_type, const float *src, uint64_t rows, uint64_t cols, const float *importance,
                           void *dst) const {
    api_->quantize_chunk(int(ggml_type), src, dst, 0, int64_t(rows), int64_t(cols), importance);
}

bool GgmlLibrary::dequantize(uint32_t ggml_type, const void *src, uint64_t n_values, float *dst) const {
    const GgmlTypeTraits *traits = api_->get_type_traits(int(ggml_type));
    if (traits == nullptr || traits->to_float == nullptr) return false;
    traits->to_float(src, dst, int64_t(n_values));
    return true;
}

} // namespace gmat::bench
