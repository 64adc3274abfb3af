/*
 * gmat plugin ABI: the C boundary between the gmat host and its plugins.
 *
 * Everything that crosses a shared-library boundary is declared here, in C,
 * so that a plugin built by another compiler (or another C++ standard
 * library) still loads: no exceptions, no STL types, no RTTI cross it.
 * Plugin authors normally write C++ against <gmat/sdk.hpp>, whose header-only
 * adapters build these tables from noexcept trampolines.
 *
 * Versioning rule (checked by the host when it loads a plugin):
 *   - GMAT_ABI_MAJOR must be equal in plugin and host. A major bump means an
 *     incompatible change (a field removed, a meaning changed).
 *   - GMAT_ABI_MINOR may differ either way. Minor versions only append fields
 *     to the end of structs; every struct starts with `struct_size`, and each
 *     side reads only the fields that both the struct_size it was handed and
 *     its own headers know of. A plugin built against a newer minor loads in
 *     an older host (its new fields are ignored); an older plugin loads in a
 *     newer host (the missing fields take their documented defaults).
 *
 * Memory rule: whoever allocates frees. Output buffers are owned by the
 * caller; strings returned by a plugin stay valid as long as the object they
 * describe (a reader handle, or the plugin itself for static descriptors).
 */
#ifndef GMAT_ABI_H
#define GMAT_ABI_H

#include <stddef.h>
#include <stdint.h>

#define GMAT_ABI_MAJOR 1
#define GMAT_ABI_MINOR 2

/* The one symbol every plugin exports. */
#define GMAT_PLUGIN_ENTRY_SYMBOL "gmat_plugin_entry"

#if defined(_WIN32)
#define GMAT_PLUGIN_EXPORT __declspec(dllexport)
#else
#define GMAT_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status and diagnostics ------------------------------------------- */

/* Every fallible function returns one of these (as int32_t). */
enum gmat_status {
    GMAT_OK = 0,
    GMAT_ERROR_INVALID_ARGUMENT = 1, /* caller passed something out of contract */
    GMAT_ERROR_IO = 2,               /* open/read/write/rename failed */
    GMAT_ERROR_FORMAT = 3,           /* input file violates its format */
    GMAT_ERROR_UNSUPPORTED = 4,      /* valid request this plugin cannot serve */
    GMAT_ERROR_OUT_OF_MEMORY = 5,
    GMAT_ERROR_INTERNAL = 6          /* a bug, or an unexpected exception */
};

/*
 * A host-owned buffer the plugin writes a human-readable, NUL-terminated
 * message into when it returns a status other than GMAT_OK. The message
 * should name the file, tensor and field involved. Truncated to capacity.
 */
typedef struct gmat_diagnostics {
    char *message;
    size_t capacity;
} gmat_diagnostics;

/* ---- element types of source tensors ----------------------------------- */

enum gmat_dtype {
    GMAT_DTYPE_F32 = 0,
    GMAT_DTYPE_F16 = 1,
    GMAT_DTYPE_BF16 = 2,
    GMAT_DTYPE_F64 = 3,
    GMAT_DTYPE_I8 = 4,
    GMAT_DTYPE_U8 = 5,
    GMAT_DTYPE_I16 = 6,
    GMAT_DTYPE_U16 = 7,
    GMAT_DTYPE_I32 = 8,
    GMAT_DTYPE_U32 = 9,
    GMAT_DTYPE_I64 = 10,
    GMAT_DTYPE_U64 = 11,
    GMAT_DTYPE_BOOL = 12,
    GMAT_DTYPE_F8_E4M3 = 13,
    GMAT_DTYPE_F8_E5M2 = 14,
    GMAT_DTYPE_F8_E8M0 = 15, /* ABI 1.2: an exponent byte, 2^(b - 127), 0xFF NaN
                                (MXFP4 scales re-saved with this dtype); a host
                                older than 1.2 refuses a tensor of this dtype */
    GMAT_DTYPE_COUNT = 16
};

#define GMAT_MAX_DIMS 8

/* ---- plugin descriptor ------------------------------------------------- */

enum gmat_plugin_kind {
    GMAT_PLUGIN_READER = 1, /* api points to a gmat_reader_api */
    GMAT_PLUGIN_QUANT = 2,  /* api points to a gmat_quant_api */
    GMAT_PLUGIN_WRITER = 3  /* api points to a gmat_writer_api */
};

typedef struct gmat_plugin_descriptor {
    uint32_t struct_size;  /* sizeof(gmat_plugin_descriptor) as the plugin saw it */
    uint16_t abi_major;    /* GMAT_ABI_MAJOR the plugin was built with */
    uint16_t abi_minor;    /* GMAT_ABI_MINOR the plugin was built with */
    const char *name;      /* = library file stem = folder = CMake target, e.g. "legacy" */
    const char *version;   /* the plugin's own version, e.g. "1.0.0" */
    const char *description;
    uint32_t kind;         /* gmat_plugin_kind */
    /*
     * How well this build runs on this machine: 0 = cannot run here (e.g. it
     * needs AVX2 and the CPU lacks it), higher is better. NULL means 1. When
     * two libraries carry the same plugin name the host keeps the best score.
     */
    int32_t (*score)(void);
    const void *api;       /* kind-specific table, see below */
} gmat_plugin_descriptor;

typedef const gmat_plugin_descriptor *(*gmat_plugin_entry_fn)(void);

/* ---- source readers ---------------------------------------------------- */

typedef struct gmat_reader gmat_reader; /* opaque, owned by the plugin */

typedef struct gmat_tensor_info {
    uint32_t struct_size;   /* set by the caller before the call */
    const char *name;       /* owned by the reader, valid until close */
    uint32_t dtype;         /* gmat_dtype */
    uint32_t n_dims;
    uint64_t shape[GMAT_MAX_DIMS]; /* row-major, shape[0] outermost (PyTorch order) */
    uint64_t n_bytes;       /* payload size */
    const char *source_file;/* the file holding it (a shard), owned by the reader */
} gmat_tensor_info;

typedef struct gmat_reader_api {
    uint32_t struct_size;
    const char *format;     /* e.g. "safetensors" */
    /* How well this reader handles path (file or directory): 0 = not at all. Never fails. */
    int32_t (*probe)(const char *path);
    int32_t (*open)(const char *path, gmat_reader **out, gmat_diagnostics *diag);
    void (*close)(gmat_reader *reader);
    uint64_t (*tensor_count)(const gmat_reader *reader);
    int32_t (*tensor_info)(const gmat_reader *reader, uint64_t index, gmat_tensor_info *out,
                           gmat_diagnostics *diag);
    /*
     * Copies bytes [offset, offset + n_bytes) of tensor `index` into dst.
     * Thread-safe: the host reads different tensors from several threads.
     */
    int32_t (*read)(gmat_reader *reader, uint64_t index, uint64_t offset, uint64_t n_bytes,
                    void *dst, gmat_diagnostics *diag);
    /* The host is done with tensor `index`: the reader may drop its cached pages. May be NULL. */
    void (*release)(gmat_reader *reader, uint64_t index);
} gmat_reader_api;

/* ---- quantization types ------------------------------------------------ */

enum gmat_quant_flags {
    GMAT_QUANT_USES_IMPORTANCE = 1u << 0,     /* honours gmat_quant_params.importance */
    GMAT_QUANT_REQUIRES_IMPORTANCE = 1u << 1, /* refuses to run without one */
    GMAT_QUANT_FLOAT = 1u << 2,               /* a plain float encoding (f32, f16, bf16) */
    /*
     * ABI 1.2: quantizing is a search over a codebook (a lattice or grid)
     * that costs tens of times a K-quant's per value. default_type "auto"
     * measures and offers such a type only when the profile lists it in
     * quantization.auto_types. Advisory: a host older than 1.2 ignores it.
     */
    GMAT_QUANT_SLOW_SEARCH = 1u << 3
};

typedef struct gmat_quant_type_desc {
    uint32_t struct_size;
    const char *name;        /* lower case, as users write it: "q4_0" */
    uint32_t gguf_type;      /* the ggml_type id stored in GGUF tensor infos */
    uint32_t block_elements; /* values per block (1 for float types) */
    uint32_t block_bytes;    /* bytes per block; bits/weight = 8 * bytes / elements */
    uint32_t flags;          /* gmat_quant_flags */
    const char *description;
} gmat_quant_type_desc;

/* In C++ the enum has a fixed underlying type, so any uint32_t a host passes
 * (e.g. a value from a newer ABI minor) is a valid enum value that a plugin can
 * check and refuse, instead of undefined behaviour. */
#ifdef __cplusplus
enum gmat_scale_strategy : uint32_t {
#else
enum gmat_scale_strategy {
#endif
    GMAT_SCALE_STANDARD = 0, /* fast; error at most the reference quantizer's */
    GMAT_SCALE_TRELLIS = 1   /* searches scales and rounding; lower error */
};

typedef struct gmat_quant_params {
    uint32_t struct_size;
    uint32_t strategy;       /* gmat_scale_strategy */
    float trellis_lambda;    /* the trellis search's trade-off weight (default 0.3); its meaning is plugin-defined, see each plugin's README */
    const float *importance; /* n_cols weights (an imatrix column), or NULL */
} gmat_quant_params;

typedef struct gmat_quant_api {
    uint32_t struct_size;
    uint32_t type_count;
    const gmat_quant_type_desc *const *types; /* type_count pointers */
    /*
     * Quantizes n_rows rows of n_cols floats (row-major, contiguous) into
     * n_rows * (n_cols / block_elements) blocks at dst. n_cols is a multiple
     * of block_elements. Must be re-entrant: the host calls it from several
     * threads on disjoint row ranges. Non-finite input is an error.
     */
    int32_t (*quantize_rows)(uint32_t type_index, const float *src, uint64_t n_rows,
                             uint64_t n_cols, const gmat_quant_params *params, void *dst,
                             gmat_diagnostics *diag);
    int32_t (*dequantize_rows)(uint32_t type_index, const void *src, uint64_t n_rows,
                               uint64_t n_cols, float *dst, gmat_diagnostics *diag);
} gmat_quant_api;

/* ---- output writers ---------------------------------------------------- */

typedef struct gmat_writer gmat_writer; /* opaque, owned by the plugin */

/* Metadata value types; numerically equal to GGUF's gguf_type. */
enum gmat_value_type {
    GMAT_VALUE_U8 = 0,
    GMAT_VALUE_I8 = 1,
    GMAT_VALUE_U16 = 2,
    GMAT_VALUE_I16 = 3,
    GMAT_VALUE_U32 = 4,
    GMAT_VALUE_I32 = 5,
    GMAT_VALUE_F32 = 6,
    GMAT_VALUE_BOOL = 7,   /* one byte, 0 or 1 */
    GMAT_VALUE_STRING = 8, /* passed as const char* (NUL-terminated UTF-8) */
    GMAT_VALUE_ARRAY = 9,  /* only via set_array */
    GMAT_VALUE_U64 = 10,
    GMAT_VALUE_I64 = 11,
    GMAT_VALUE_F64 = 12
};

typedef struct gmat_writer_api {
    uint32_t struct_size;
    const char *format;    /* e.g. "gguf" */
    const char *extension; /* e.g. ".gguf" */
    /*
     * Starts an output at path. With shard_count > 1 the writer derives one
     * file name per shard (GGUF: <stem>-00001-of-00003.gguf). Nothing appears
     * under a final name before commit.
     */
    int32_t (*create)(const char *path, uint32_t shard_count, gmat_writer **out,
                      gmat_diagnostics *diag);
    /* A scalar value; value points to the C type (const char* for strings). */
    int32_t (*set_value)(gmat_writer *writer, const char *key, uint32_t value_type,
                         const void *value, gmat_diagnostics *diag);
    /* An array of count elements (a const char* const* for strings). */
    int32_t (*set_array)(gmat_writer *writer, const char *key, uint32_t element_type,
                         const void *elements, uint64_t count, gmat_diagnostics *diag);
    /*
     * Declares the next tensor. ne is in ggml order (ne[0] is the fastest
     * varying dimension, i.e. the reverse of PyTorch's shape). All tensors
     * are declared before the first write_tensor_data.
     */
    int32_t (*add_tensor)(gmat_writer *writer, const char *name, uint32_t gguf_type,
                          uint32_t n_dims, const uint64_t *ne, uint64_t n_bytes, uint32_t shard,
                          gmat_diagnostics *diag);
    /* Appends data of the tensors in declaration order; a tensor may come in several calls. */
    int32_t (*write_tensor_data)(gmat_writer *writer, const void *data, uint64_t n_bytes,
                                 gmat_diagnostics *diag);
    /* Flushes, syncs and moves every file to its final name; frees the writer. */
    int32_t (*commit)(gmat_writer *writer, gmat_diagnostics *diag);
    /* Removes every temporary file; frees the writer. Never fails. */
    void (*discard)(gmat_writer *writer);
    /*
     * Since ABI 1.1; may be absent (struct_size) or NULL: the writer then
     * writes every shard. Restricts the output to count shards (0-based,
     * ascending, each < shard_count), for one machine's part of an export
     * split across machines: only their files are written and published, and
     * write_tensor_data receives only the data of their tensors (the other
     * tensors are still declared, so every header is the full export's).
     * Called at most once, after the last add_tensor, before any data.
     */
    int32_t (*select_shards)(gmat_writer *writer, const uint32_t *shards, uint32_t count,
                             gmat_diagnostics *diag);
} gmat_writer_api;

#ifdef __cplusplus
}
#endif

#endif /* GMAT_ABI_H */
