// Header-only C++ side of the plugin boundary for plugin authors.
//
// A plugin is ordinary C++: throw gmat::sdk::Error (or anything derived from
// std::exception) where something is wrong. The adapters below wrap every
// entry point in a noexcept trampoline that turns the exception into a
// gmat_status and a message in the host's diagnostics buffer, so nothing but
// C types ever crosses the boundary (see abi.h).
#pragma once

#include <gmat/abi.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gmat::sdk {

// The exception a plugin throws; its status crosses the boundary with its message.
class Error : public std::exception {
public:
    Error(gmat_status status, std::string message) : status_(status), message_(std::move(message)) {}
    gmat_status status() const noexcept { return status_; }
    const char *what() const noexcept override { return message_.c_str(); }

private:
    gmat_status status_;
    std::string message_;
};

inline void write_diagnostics(gmat_diagnostics *diag, const char *message) noexcept {
    if (diag == nullptr || diag->message == nullptr || diag->capacity == 0) return;
    std::snprintf(diag->message, diag->capacity, "%s", message);
}

// Runs body, mapping any exception to a status and a diagnostic message.
template <class Body>
int32_t guarded(gmat_diagnostics *diag, Body &&body) noexcept {
    try {
        body();
        return GMAT_OK;
    } catch (const Error &e) {
        write_diagnostics(diag, e.what());
        return e.status();
    } catch (const std::bad_alloc &) {
        write_diagnostics(diag, "out of memory");
        return GMAT_ERROR_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        write_diagnostics(diag, e.what());
        return GMAT_ERROR_INTERNAL;
    } catch (...) {
        write_diagnostics(diag, "unknown exception inside plugin");
        return GMAT_ERROR_INTERNAL;
    }
}

// Reads a field appended in a later ABI minor: present only if the struct is large enough.
template <class Struct, class Field>
Field field_or(const Struct *s, Field Struct::*member, Field fallback) noexcept {
    if (s == nullptr) return fallback;
    const size_t end = reinterpret_cast<size_t>(&(static_cast<const Struct *>(nullptr)->*member)) + sizeof(Field);
    return s->struct_size >= end ? s->*member : fallback;
}

// ---- quantization types -----------------------------------------------------

// Quantization parameters as a plugin sees them, with defaults filled in.
struct QuantParams {
    gmat_scale_strategy strategy = GMAT_SCALE_STANDARD;
    float trellis_lambda = 0.3f;
    const float *importance = nullptr; // n_cols weights or nullptr

    static QuantParams from(const gmat_quant_params *p) noexcept {
        QuantParams q;
        if (p == nullptr) return q;
        q.strategy = static_cast<gmat_scale_strategy>(field_or(p, &gmat_quant_params::strategy, 0u));
        q.trellis_lambda = field_or(p, &gmat_quant_params::trellis_lambda, 0.3f);
        q.importance = field_or(p, &gmat_quant_params::importance, static_cast<const float *>(nullptr));
        return q;
    }
};

// One quantization type as a plugin author writes it: a description and two kernels
// working on whole rows (n_cols is a multiple of desc.block_elements).
struct QuantKernel {
    gmat_quant_type_desc desc;
    void (*quantize)(const float *src, uint64_t n_rows, uint64_t n_cols, const QuantParams &params,
                     void *dst);
    void (*dequantize)(const void *src, uint64_t n_rows, uint64_t n_cols, float *dst);
};

// True when every value is finite. An integer test of the exponent bits, so
// the compiler vectorises it: checking costs a fraction of quantizing.
inline bool all_finite(const float *values, uint64_t n) {
    // A value is finite iff its magnitude bits are below the infinity pattern.
    uint64_t i = 0;
    bool finite = true;
#if defined(__SSE2__)
    const __m128i magnitude_mask = _mm_set1_epi32(0x7fffffff), largest_finite = _mm_set1_epi32(0x7f7fffff);
    __m128i over = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k += 4) {
            const __m128i bits = _mm_and_si128(_mm_castps_si128(_mm_loadu_ps(values + i + k)), magnitude_mask);
            over = _mm_or_si128(over, _mm_cmpgt_epi32(bits, largest_finite));
        }
    finite = _mm_movemask_epi8(over) == 0;
#endif
    for (; i < n; ++i) finite &= std::isfinite(values[i]);
    return finite;
}

// Throws an INVALID_ARGUMENT error naming the first NaN or infinity of the
// rows; first_row numbers the rows in messages.
inline void require_finite(const float *src, uint64_t n_rows, uint64_t n_cols, const char *type_name,
                           uint64_t first_row = 0) {
    if (all_finite(src, n_rows * n_cols)) return;
    for (uint64_t r = 0; r < n_rows; ++r) {
        const float *row = src + r * n_cols;
        for (uint64_t c = 0; c < n_cols; ++c) {
            if (!std::isfinite(row[c])) {
                char msg[256];
                std::snprintf(msg, sizeof msg, "%s: input row %llu column %llu is %s; cannot quantize non-finite values",
                              type_name, (unsigned long long)(first_row + r), (unsigned long long)c,
                              std::isnan(row[c]) ? "NaN" : (row[c] > 0 ? "+inf" : "-inf"));
                throw Error(GMAT_ERROR_INVALID_ARGUMENT, msg);
            }
        }
    }
}

// Builds a gmat_quant_api from a static table of QuantKernel. Use through
// GMAT_QUANT_PLUGIN; `Kernels` is a type with `static const QuantKernel table[]`
// and `static constexpr uint32_t count`.
template <class Kernels>
struct QuantApiAdapter {
    static const QuantKernel &kernel(uint32_t type_index) {
        if (type_index >= Kernels::count) throw Error(GMAT_ERROR_INVALID_ARGUMENT, "type index out of range");
        return Kernels::table[type_index];
    }
    static void check_shape(const QuantKernel &k, uint64_t n_cols) {
        if (n_cols == 0 || n_cols % k.desc.block_elements != 0)
            throw Error(GMAT_ERROR_INVALID_ARGUMENT,
                        std::string(k.desc.name) + ": row length " + std::to_string(n_cols) +
                            " is not a multiple of the block size " + std::to_string(k.desc.block_elements));
    }
    static int32_t quantize_rows(uint32_t type_index, const float *src, uint64_t n_rows, uint64_t n_cols,
                                 const gmat_quant_params *params, void *dst, gmat_diagnostics *diag) {
        return guarded(diag, [&] {
            const QuantKernel &k = kernel(type_index);
            check_shape(k, n_cols);
            const QuantParams p = QuantParams::from(params);
            if ((k.desc.flags & GMAT_QUANT_REQUIRES_IMPORTANCE) && p.importance == nullptr)
                throw Error(GMAT_ERROR_INVALID_ARGUMENT, std::string(k.desc.name) + " requires an importance matrix");
            if (k.desc.flags & GMAT_QUANT_FLOAT) return k.quantize(src, n_rows, n_cols, p, dst);
            // Check each chunk of rows just before quantizing it, while it is in cache.
            const uint64_t rows_per_chunk = n_cols >= 65536 ? 1 : 65536 / n_cols;
            const uint64_t row_bytes = n_cols / k.desc.block_elements * k.desc.block_bytes;
            for (uint64_t r = 0; r < n_rows; r += rows_per_chunk) {
                const uint64_t rows = n_rows - r < rows_per_chunk ? n_rows - r : rows_per_chunk;
                require_finite(src + r * n_cols, rows, n_cols, k.desc.name, r);
                k.quantize(src + r * n_cols, rows, n_cols, p, static_cast<uint8_t *>(dst) + r * row_bytes);
            }
        });
    }
    static int32_t dequantize_rows(uint32_t type_index, const void *src, uint64_t n_rows, uint64_t n_cols,
                                   float *dst, gmat_diagnostics *diag) {
        return guarded(diag, [&] {
            const QuantKernel &k = kernel(type_index);
            check_shape(k, n_cols);
            k.dequantize(src, n_rows, n_cols, dst);
        });
    }
    static const gmat_quant_type_desc *const *descriptors() {
        static const gmat_quant_type_desc *ptrs[Kernels::count] = {};
        for (uint32_t i = 0; i < Kernels::count; ++i) ptrs[i] = &Kernels::table[i].desc;
        return ptrs;
    }
    static const gmat_quant_api *api() {
        static const gmat_quant_api table = {sizeof(gmat_quant_api), Kernels::count, descriptors(),
                                             &quantize_rows, &dequantize_rows};
        return &table;
    }
};

// ---- source readers ----------------------------------------------------------

// A reader as a plugin author writes it. One object per opened path.
class Reader {
public:
    virtual ~Reader() = default;
    virtual uint64_t tensor_count() const = 0;
    virtual void tensor_info(uint64_t index, gmat_tensor_info &out) const = 0;
    virtual void read(uint64_t index, uint64_t offset, uint64_t n_bytes, void *dst) = 0;
    virtual void release(uint64_t /*index*/) {}
};

// ReaderClass: derives from Reader, has a constructor from (const char* path)
// and `static int32_t probe(const char* path) noexcept`.
template <class ReaderClass>
struct ReaderApiAdapter {
    static Reader *self(gmat_reader *r) { return reinterpret_cast<Reader *>(r); }
    static const Reader *self(const gmat_reader *r) { return reinterpret_cast<const Reader *>(r); }
    static int32_t probe(const char *path) {
        try { return ReaderClass::probe(path); } catch (...) { return 0; }
    }
    static int32_t open(const char *path, gmat_reader **out, gmat_diagnostics *diag) {
        return guarded(diag, [&] {
            Reader *reader = new ReaderClass(path);
            *out = reinterpret_cast<gmat_reader *>(reader);
        });
    }
    static void close(gmat_reader *r) { delete self(r); }
    static uint64_t tensor_count(const gmat_reader *r) { return self(r)->tensor_count(); }
    static int32_t tensor_info(const gmat_reader *r, uint64_t index, gmat_tensor_info *out, gmat_diagnostics *diag) {
        return guarded(diag, [&] {
            if (index >= self(r)->tensor_count()) throw Error(GMAT_ERROR_INVALID_ARGUMENT, "tensor index out of range");
            gmat_tensor_info full{};
            full.struct_size = sizeof(full);
            self(r)->tensor_info(index, full);
            const uint32_t size = out->struct_size < sizeof(full) ? out->struct_size : uint32_t(sizeof(full));
            std::memcpy(out, &full, size);
            out->struct_size = size;
        });
    }
    static int32_t read(gmat_reader *r, uint64_t index, uint64_t offset, uint64_t n_bytes, void *dst,
                        gmat_diagnostics *diag) {
        return guarded(diag, [&] { self(r)->read(index, offset, n_bytes, dst); });
    }
    static void release(gmat_reader *r, uint64_t index) {
        try { self(r)->release(index); } catch (...) {}
    }
    static const gmat_reader_api *api(const char *format) {
        static const gmat_reader_api table = {sizeof(gmat_reader_api), format, &probe, &open, &close,
                                              &tensor_count, &tensor_info, &read, &release};
        return &table;
    }
};

// ---- output writers ----------------------------------------------------------

// A writer as a plugin author writes it. Constructed with (path, shard_count).
class Writer {
public:
    virtual ~Writer() = default;
    virtual void set_value(const char *key, gmat_value_type type, const void *value) = 0;
    virtual void set_array(const char *key, gmat_value_type element_type, const void *elements, uint64_t count) = 0;
    virtual void add_tensor(const char *name, uint32_t gguf_type, uint32_t n_dims, const uint64_t *ne,
                            uint64_t n_bytes, uint32_t shard) = 0;
    virtual void write_tensor_data(const void *data, uint64_t n_bytes) = 0;
    virtual void commit() = 0;
    virtual void discard() noexcept = 0;
    // Writes only these shards (see gmat_writer_api::select_shards); a writer
    // that cannot refuses, and the host reports that.
    virtual void select_shards(const uint32_t * /*shards*/, uint32_t /*count*/) {
        throw Error(GMAT_ERROR_UNSUPPORTED, "this writer cannot write a subset of shards");
    }
};

template <class WriterClass>
struct WriterApiAdapter {
    static Writer *self(gmat_writer *w) { return reinterpret_cast<Writer *>(w); }
    static int32_t create(const char *path, uint32_t shard_count, gmat_writer **out, gmat_diagnostics *diag) {
        return guarded(diag, [&] { *out = reinterpret_cast<gmat_writer *>(static_cast<Writer *>(new WriterClass(path, shard_count))); });
    }
    static int32_t set_value(gmat_writer *w, const char *key, uint32_t type, const void *value, gmat_diagnostics *diag) {
        return guarded(diag, [&] { self(w)->set_value(key, static_cast<gmat_value_type>(type), value); });
    }
    static int32_t set_array(gmat_writer *w, const char *key, uint32_t type, const void *elements, uint64_t count,
                             gmat_diagnostics *diag) {
        return guarded(diag, [&] { self(w)->set_array(key, static_cast<gmat_value_type>(type), elements, count); });
    }
    static int32_t add_tensor(gmat_writer *w, const char *name, uint32_t gguf_type, uint32_t n_dims, const uint64_t *ne,
                              uint64_t n_bytes, uint32_t shard, gmat_diagnostics *diag) {
        return guarded(diag, [&] { self(w)->add_tensor(name, gguf_type, n_dims, ne, n_bytes, shard); });
    }
    static int32_t write_tensor_data(gmat_writer *w, const void *data, uint64_t n_bytes, gmat_diagnostics *diag) {
        return guarded(diag, [&] { self(w)->write_tensor_data(data, n_bytes); });
    }
    static int32_t commit(gmat_writer *w, gmat_diagnostics *diag) {
        Writer *writer = self(w);
        const int32_t status = guarded(diag, [&] { writer->commit(); });
        if (status != GMAT_OK) writer->discard();
        delete writer;
        return status;
    }
    static void discard(gmat_writer *w) {
        Writer *writer = self(w);
        writer->discard();
        delete writer;
    }
    static int32_t select_shards(gmat_writer *w, const uint32_t *shards, uint32_t count, gmat_diagnostics *diag) {
        return guarded(diag, [&] { self(w)->select_shards(shards, count); });
    }
    static const gmat_writer_api *api(const char *format, const char *extension) {
        static const gmat_writer_api table = {sizeof(gmat_writer_api), format, extension, &create, &set_value,
                                              &set_array, &add_tensor, &write_tensor_data, &commit, &discard,
                                              &select_shards};
        return &table;
    }
};

} // namespace gmat::sdk

// Declares the plugin's one exported entry point. `kind` is a gmat_plugin_kind,
// `api_expr` an expression giving the kind's table, `score_fn` a function or nullptr.
#define GMAT_PLUGIN(name_str, version_str, description_str, kind, score_fn, api_expr)             \
    extern "C" GMAT_PLUGIN_EXPORT const gmat_plugin_descriptor *gmat_plugin_entry(void) {          \
        static const gmat_plugin_descriptor descriptor = {                                         \
            sizeof(gmat_plugin_descriptor), GMAT_ABI_MAJOR, GMAT_ABI_MINOR, name_str, version_str, \
            description_str, kind, score_fn, api_expr};                                            \
        return &descriptor;                                                                        \
    }

// Quant plugin in one line: Kernels as for gmat::sdk::QuantApiAdapter.
#define GMAT_QUANT_PLUGIN(name_str, version_str, description_str, Kernels, score_fn) \
    GMAT_PLUGIN(name_str, version_str, description_str, GMAT_PLUGIN_QUANT, score_fn,   \
                (::gmat::sdk::QuantApiAdapter<Kernels>::api()))
