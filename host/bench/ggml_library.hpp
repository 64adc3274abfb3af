// ggml's reference quantizers, loaded at run time from a prebuilt
// libggml-base.so (e.g. node-llama-cpp's) with dlopen: gmat never links ggml.
// `gmat bench` compares against it and `gmat check-plugin` checks against it.
// The few C functions used are declared here, for the ggml of llama.cpp as
// node-llama-cpp 3.22.1 ships it (type ids below 43); a type ggml does not
// know, or knows under another name or block size, is reported, not guessed.
#pragma once

#include "plugins/quant_type.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace gmat::bench {

class GgmlLibrary {
public:
    // Loads path; throws GmatError naming it and what went wrong (dlerror, missing symbol).
    explicit GgmlLibrary(const std::filesystem::path &path);
    GgmlLibrary(const GgmlLibrary &) = delete;
    GgmlLibrary &operator=(const GgmlLibrary &) = delete;

    // The library named by `option` (--ggml-lib), else by GMAT_GGML_LIB; nullptr
    // with `why` set when neither is given. Throws when the one given fails to load.
    static std::unique_ptr<GgmlLibrary> from_option_or_environment(const std::string &option, std::string &why);

    const std::filesystem::path &path() const { return path_; }
    std::string version() const; // ggml_version(), or "unknown"

    // True when ggml_quantize_chunk handles this GGUF type id.
    static bool has_quantizer(uint32_t ggml_type);
    // "" when ggml quantizes `type`'s GGUF id as the same type (name and block
    // sizes); otherwise why it cannot serve as the reference.
    std::string mismatch(const QuantType &type) const;
    bool requires_importance(uint32_t ggml_type) const;

    // ggml_quantize_chunk over rows x cols floats; importance: cols weights or nullptr.
    void quantize(uint32_t ggml_type, const float *src, uint64_t rows, uint64_t cols, const float *importance,
                  void *dst) const;
    // The type's to_float; false (nothing written) when ggml has none for it.
    bool dequantize(uint32_t ggml_type, const void *src, uint64_t n_values, float *dst) const;

private:
    struct Api;
    std::filesystem::path path_;
    std::shared_ptr<const Api> api_; // function pointers; the library is never unloaded
};

} // namespace gmat::bench
