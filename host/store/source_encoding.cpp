#include "store/source_encoding.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "store/tensor_file_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace gmat {

namespace {
constexpr uint32_t kMxfp4BlockValues = 32;

bool is_fp8(gmat_dtype d) { return d == GMAT_DTYPE_F8_E4M3 || d == GMAT_DTYPE_F8_E5M2; }
bool is_fp8_scale(gmat_dtype d) { return d == GMAT_DTYPE_F32 || d == GMAT_DTYPE_BF16 || d == GMAT_DTYPE_F16; }
// GPT-OSS ships its E8M0 scale bytes as U8; some re-saved checkpoints declare them F8_E8M0.
bool is_e8m0_scale(gmat_dtype d) { return d == GMAT_DTYPE_U8 || d == GMAT_DTYPE_F8_E8M0; }

// Scale values as float: F32 / BF16 / F16 exactly, U8 / F8_E8M0 as an E8M0 power of two.
void scales_to_f32(gmat_dtype dtype, const uint8_t *src, uint64_t n, float *dst) {
    if (!is_e8m0_scale(dtype)) return convert_to_f32(dtype, src, n, dst);
    for (uint64_t i = 0; i < n; ++i) dst[i] = e8m0_to_float(src[i]);
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

uint64_t companion_bytes(const CompanionLayout &c) {
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(element_count(c.shape), dtype_size(c.dtype), &bytes))
        throw GmatError("companion [" + shape_string(c.shape, ',') + "] larger than 2^64 bytes");
    return bytes;
}

// rows x cols of the 2-D view (every dimension but the last, and the last).
std::pair<uint64_t, uint64_t> matrix_of(const std::vector<uint64_t> &shape) {
    if (shape.empty()) return {1, 1};
    const uint64_t cols = shape.back();
    return {cols ? element_count(shape) / cols : 0, cols};
}

template <class T> void put(std::vector<uint8_t> &out, T value) {
    const auto *p = reinterpret_cast<const uint8_t *>(&value);
    out.insert(out.end(), p, p + sizeof(T));
}
template <class T> T take(const uint8_t *data, uint64_t size, uint64_t &at) {
    if (size - at < sizeof(T) || at > size) throw GmatError("source encoding fields overrun their bytes");
    T value;
    std::memcpy(&value, data + at, sizeof(T));
    at += sizeof(T);
    return value;
}
} // namespace

const char *source_scheme_name(SourceScheme scheme) {
    switch (scheme) {
    case SourceScheme::none: return "none";
    case SourceScheme::fp8_block: return "fp8-block";
    case SourceScheme::mxfp4: return "mxfp4";
    }
    return "unknown";
}

float e2m1_value(uint8_t nibble) {
    static constexpr float kValues[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                                          -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
    return kValues[nibble & 0xf];
}

std::pair<uint64_t, uint64_t> scale_grid(const SourceLayout &layout, const std::vector<uint64_t> &shape) {
    const auto [rows, cols] = matrix_of(shape);
    if (layout.block_rows == 0 || layout.block_cols == 0) return {0, 0};
    return {ceil_div(rows, layout.block_rows), ceil_div(cols, layout.block_cols)};
}

uint64_t source_data_bytes(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape) {
    const uint64_t n = element_count(shape);
    if (layout.scheme == SourceScheme::mxfp4) return n / 2;
    return n * dtype_size(dtype);
}

uint64_t source_payload_bytes(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape) {
    uint64_t bytes = source_data_bytes(layout, dtype, shape);
    for (const auto &c : layout.companions) {
        const uint64_t more = companion_bytes(c);
        if (bytes > UINT64_MAX - more) throw GmatError("source payload larger than 2^64 bytes");
        bytes += more;
    }
    return bytes;
}

std::string source_layout_problem(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape) {
    if (!layout.encoded()) return layout.companions.empty() ? "" : "companions on a tensor without a source encoding";
    if (layout.companions.empty() || layout.companions.size() > kMaxCompanions)
        return "needs 1 or " + std::to_string(kMaxCompanions) + " companions, has " + std::to_string(layout.companions.size());
    if (layout.block_rows == 0 || layout.block_cols == 0) return "block size 0";
    if (shape.empty()) return "a scalar cannot carry block scales";
    const auto [rows, cols] = matrix_of(shape);
    const CompanionLayout &scale = layout.companions[0];
    const auto [scale_rows, scale_cols] = scale_grid(layout, shape);
    if (layout.scheme == SourceScheme::fp8_block) {
        if (!is_fp8(dtype)) return std::string("fp8-block data must be F8_E4M3 or F8_E5M2, is ") + dtype_name(dtype);
        if (shape.size() != 2) return "fp8-block weights must be 2-D, shape is [" + shape_string(shape, ',') + "]";
        if (!is_fp8_scale(scale.dtype)) return std::string("scales must be F32, BF16 or F16, are ") + dtype_name(scale.dtype);
        const uint64_t n_scales = element_count(scale.shape);
        const bool block_shape = scale.shape == std::vector<uint64_t>{scale_rows, scale_cols};
        const bool flat_shape = scale.shape.size() <= 2 && n_scales == scale_rows * scale_cols &&
                                (scale_cols == 1 || scale_rows == 1); // per channel [rows] or [rows, 1]; per tensor [] or [1]
        if (!block_shape && !flat_shape)
            return "scales [" + shape_string(scale.shape, ',') + "] do not match " + std::to_string(layout.block_rows) +
                   "x" + std::to_string(layout.block_cols) + " blocks of [" + shape_string(shape, ',') + "] (need [" +
                   std::to_string(scale_rows) + ", " + std::to_string(scale_cols) + "])";
        if (layout.companions.size() == 2 && element_count(layout.companions[1].shape) != 1)
            return "input_scale must hold one value, has [" + shape_string(layout.companions[1].shape, ',') + "]";
        if (layout.companions.size() == 2 && !is_fp8_scale(layout.companions[1].dtype))
            return std::string("input_scale must be F32, BF16 or F16, is ") + dtype_name(layout.companions[1].dtype);
        return "";
    }
    if (layout.scheme == SourceScheme::mxfp4) {
        if (dtype != GMAT_DTYPE_U8) return std::string("mxfp4 blocks must be U8, are ") + dtype_name(dtype);
        if (layout.block_rows != 1 || layout.block_cols != kMxfp4BlockValues) return "mxfp4 blocks are 1x32";
        if (cols % kMxfp4BlockValues != 0) return "mxfp4 rows must be whole 32-value blocks";
        if (layout.companions.size() != 1) return "mxfp4 has one companion (the scales)";
        if (!is_e8m0_scale(scale.dtype)) return std::string("mxfp4 scales must be U8 or F8_E8M0 (E8M0 bytes), are ") + dtype_name(scale.dtype);
        std::vector<uint64_t> want(shape.begin(), shape.end() - 1);
        want.push_back(cols / kMxfp4BlockValues);
        if (scale.shape != want)
            return "scales [" + shape_string(scale.shape, ',') + "] do not match blocks [" + shape_string(want, ',') + "]";
        (void)rows;
        return "";
    }
    return "unknown source encoding " + std::to_string(static_cast<uint32_t>(layout.scheme));
}

std::string describe_source_layout(const SourceLayout &layout) {
    if (!layout.encoded()) return "none";
    std::string s = std::string(source_scheme_name(layout.scheme)) + " " + std::to_string(layout.block_rows) + "x" +
                    std::to_string(layout.block_cols);
    for (size_t i = 0; i < layout.companions.size(); ++i)
        s += std::string(i == 0 ? ", scales " : ", input_scale ") + dtype_name(layout.companions[i].dtype) + " [" +
             shape_string(layout.companions[i].shape, ',') + "]";
    return s;
}

// u32 scheme, u32 block rows, u32 block cols, u32 companions; per companion
// u32 dtype, u32 n_dims, u64 dims[n_dims].
std::vector<uint8_t> encode_source_layout(const SourceLayout &layout) {
    std::vector<uint8_t> out;
    put<uint32_t>(out, static_cast<uint32_t>(layout.scheme));
    put<uint32_t>(out, layout.block_rows);
    put<uint32_t>(out, layout.block_cols);
    put<uint32_t>(out, static_cast<uint32_t>(layout.companions.size()));
    for (const auto &c : layout.companions) {
        put<uint32_t>(out, static_cast<uint32_t>(c.dtype));
        put<uint32_t>(out, static_cast<uint32_t>(c.shape.size()));
        for (uint64_t d : c.shape) put<uint64_t>(out, d);
    }
    return out;
}

SourceLayout decode_source_layout(const uint8_t *data, uint64_t size) {
    uint64_t at = 0;
    SourceLayout layout;
    const uint32_t scheme = take<uint32_t>(data, size, at);
    if (scheme != 1 && scheme != 2) throw GmatError("unknown source encoding id " + std::to_string(scheme));
    layout.scheme = static_cast<SourceScheme>(scheme);
    layout.block_rows = take<uint32_t>(data, size, at);
    layout.block_cols = take<uint32_t>(data, size, at);
    const uint32_t n = take<uint32_t>(data, size, at);
    if (n == 0 || n > kMaxCompanions) throw GmatError(std::to_string(n) + " companions (1 or 2 are valid)");
    for (uint32_t i = 0; i < n; ++i) {
        CompanionLayout c;
        const uint32_t dtype = take<uint32_t>(data, size, at);
        if (dtype >= GMAT_DTYPE_COUNT) throw GmatError("companion dtype id " + std::to_string(dtype));
        c.dtype = static_cast<gmat_dtype>(dtype);
        const uint32_t dims = take<uint32_t>(data, size, at);
        if (dims > GMAT_MAX_DIMS) throw GmatError("companion with " + std::to_string(dims) + " dimensions");
        for (uint32_t k = 0; k < dims; ++k) c.shape.push_back(take<uint64_t>(data, size, at));
        layout.companions.push_back(std::move(c));
    }
    if (at != size) throw GmatError("source encoding has " + std::to_string(size - at) + " bytes too many");
    return layout;
}

rapidjson::Value source_layout_to_json(const SourceLayout &layout, rapidjson::Document::AllocatorType &a) {
    rapidjson::Value v(rapidjson::kObjectType), companions(rapidjson::kArrayType);
    v.AddMember("scheme", rapidjson::Value(source_scheme_name(layout.scheme), a), a);
    rapidjson::Value block(rapidjson::kArrayType);
    block.PushBack(layout.block_rows, a).PushBack(layout.block_cols, a);
    v.AddMember("block", block, a);
    for (const auto &c : layout.companions) {
        rapidjson::Value entry(rapidjson::kObjectType), shape(rapidjson::kArrayType);
        for (uint64_t d : c.shape) shape.PushBack(d, a);
        entry.AddMember("dtype", rapidjson::Value(dtype_name(c.dtype), a), a);
        entry.AddMember("shape", shape, a);
        companions.PushBack(entry, a);
    }
    v.AddMember("companions", companions, a);
    return v;
}

SourceLayout source_layout_from_json(const rapidjson::Value &v, const std::string &context) {
    json::require_object(v, context);
    json::require_only_keys(v, {"scheme", "block", "companions"}, context, "a source encoding");
    SourceLayout layout;
    const std::string scheme = json::require_string(json::require_member(v, "scheme", context), context + ".scheme");
    if (scheme == "fp8-block") layout.scheme = SourceScheme::fp8_block;
    else if (scheme == "mxfp4") layout.scheme = SourceScheme::mxfp4;
    else throw GmatError(context + ".scheme: unknown source encoding '" + scheme + "' (known: fp8-block, mxfp4)");
    const auto &block = json::require_array(json::require_member(v, "block", context), context + ".block");
    if (block.Size() != 2) throw GmatError(context + ".block: expected [rows, cols]");
    const uint64_t br = json::require_uint(block[0], context + ".block[0]"), bc = json::require_uint(block[1], context + ".block[1]");
    if (br == 0 || bc == 0 || br > UINT32_MAX || bc > UINT32_MAX) throw GmatError(context + ".block: sizes must be 1 to 2^32-1");
    layout.block_rows = static_cast<uint32_t>(br);
    layout.block_cols = static_cast<uint32_t>(bc);
    const auto &companions = json::require_array(json::require_member(v, "companions", context), context + ".companions");
    if (companions.Size() == 0 || companions.Size() > kMaxCompanions)
        throw GmatError(context + ".companions: expected 1 or 2 entries");
    for (rapidjson::SizeType i = 0; i < companions.Size(); ++i) {
        const std::string where = context + ".companions[" + std::to_string(i) + "]";
        json::require_object(companions[i], where);
        json::require_only_keys(companions[i], {"dtype", "shape"}, where, "a companion");
        CompanionLayout c;
        const std::string dtype = json::require_string(json::require_member(companions[i], "dtype", where), where + ".dtype");
        const auto parsed = dtype_from_name(dtype);
        if (!parsed) throw GmatError(where + ".dtype: unknown dtype '" + dtype + "'");
        c.dtype = *parsed;
        const auto &shape = json::require_array(json::require_member(companions[i], "shape", where), where + ".shape");
        if (shape.Size() > GMAT_MAX_DIMS) throw GmatError(where + ".shape: more than 8 dimensions");
        for (const auto &d : shape.GetArray()) c.shape.push_back(json::require_uint(d, where + ".shape"));
        element_count(c.shape); // throws on overflow
        layout.companions.push_back(std::move(c));
    }
    return layout;
}

uint64_t first_bad_scale(gmat_dtype dtype, const uint8_t *bytes, uint64_t n) {
    if (is_e8m0_scale(dtype)) { // every byte but 0xFF (NaN) is a finite, non-zero power of two
        for (uint64_t i = 0; i < n; ++i)
            if (bytes[i] == 0xff) return i;
        return n;
    }
    const size_t size = dtype_size(dtype);
    for (uint64_t i = 0; i < n; ++i) {
        float v;
        convert_to_f32(dtype, bytes + i * size, 1, &v);
        if (!std::isfinite(v) || v == 0.0f) return i;
    }
    return n;
}

void decode_source_rows(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape,
                        const TensorFileReader &reader, uint64_t row_begin, uint64_t row_end, float *dst) {
    if (row_end <= row_begin) return;
    const auto [rows, cols] = matrix_of(shape);
    const auto [scale_rows, scale_cols] = scale_grid(layout, shape);
    const CompanionLayout &scale = layout.companions.at(0);
    const uint64_t data_bytes = source_data_bytes(layout, dtype, shape);
    const size_t scale_size = dtype_size(scale.dtype);
    // The scale rows these data rows use, widened to float.
    const uint64_t first_scale_row = row_begin / layout.block_rows;
    const uint64_t last_scale_row = (row_end - 1) / layout.block_rows;
    thread_local std::vector<uint8_t> raw;
    thread_local std::vector<float> scales;
    const uint64_t n_scales = (last_scale_row - first_scale_row + 1) * scale_cols;
    raw.resize(n_scales * scale_size);
    reader.read(data_bytes + first_scale_row * scale_cols * scale_size, raw.size(), raw.data());
    scales.resize(n_scales);
    scales_to_f32(scale.dtype, raw.data(), n_scales, scales.data());
    (void)rows;
    (void)scale_rows;
    if (layout.scheme == SourceScheme::fp8_block) {
        raw.resize((row_end - row_begin) * cols);
        reader.read(row_begin * cols, raw.size(), raw.data());
        convert_to_f32(dtype, raw.data(), raw.size(), dst);
        for (uint64_t r = row_begin; r < row_end; ++r) {
            const float *row_scales = scales.data() + (r / layout.block_rows - first_scale_row) * scale_cols;
            float *out = dst + (r - row_begin) * cols;
            for (uint64_t c = 0; c < cols; ++c) out[c] *= row_scales[c / layout.block_cols];
        }
        return;
    }
    // mxfp4: byte j of a row holds values 2j (low nibble) and 2j + 1 (high nibble).
    const uint64_t row_bytes = cols / 2;
    raw.resize((row_end - row_begin) * row_bytes);
    reader.read(row_begin * row_bytes, raw.size(), raw.data());
    for (uint64_t r = row_begin; r < row_end; ++r) {
        const float *row_scales = scales.data() + (r - first_scale_row) * scale_cols;
        const uint8_t *in = raw.data() + (r - row_begin) * row_bytes;
        float *out = dst + (r - row_begin) * cols;
        for (uint64_t j = 0; j < row_bytes; ++j) {
            const float s = row_scales[(2 * j) / kMxfp4BlockValues];
            out[2 * j] = e2m1_value(in[j] & 0xf) * s;
            out[2 * j + 1] = e2m1_value(in[j] >> 4) * s;
        }
    }
}

} // namespace gmat
