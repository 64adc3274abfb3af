// Low-precision source encodings a store keeps exactly as a checkpoint ships
// them: one logical tensor = its data bytes followed by its companions' bytes
// (scales), all in one tensor file and one checksum.
//
//   fp8_block  data F8_E4M3 / F8_E5M2 [rows, cols]; companion 0 = the scale of
//              each block_rows x block_cols block (row-major, partial edge
//              blocks included), F32 / BF16 / F16; value = float(fp8) * scale
//              in float32. DeepSeek-V3 style (quant_method fp8,
//              weight_block_size, X.weight_scale_inv) and compressed-tensors
//              FP8 (per tensor: one block of rows x cols; per output channel:
//              blocks of 1 x cols). compressed-tensors' input_scale, when
//              present, is companion 1: kept, never applied to weights.
//   mxfp4      data U8 [..., rows, cols / 2] holding the source's
//              *_blocks [..., rows, cols/32, 16] bytes (two E2M1 values a byte,
//              the low nibble first); companion 0 = *_scales U8 or F8_E8M0 (E8M0 bytes)
//              [..., rows, cols/32]; value = e2m1(nibble) * 2^(scale - 127).
//              The logical shape is [..., rows, cols].
#pragma once

#include <gmat/abi.h>

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gmat {

class TensorFileReader;

enum class SourceScheme : uint32_t { none = 0, fp8_block = 1, mxfp4 = 2 };
const char *source_scheme_name(SourceScheme scheme); // "fp8-block", "mxfp4"

struct CompanionLayout {
    gmat_dtype dtype = GMAT_DTYPE_F32;
    std::vector<uint64_t> shape;
    bool operator==(const CompanionLayout &) const = default;
};

struct SourceLayout {
    SourceScheme scheme = SourceScheme::none;
    uint32_t block_rows = 0, block_cols = 0; // the elements one scale covers
    std::vector<CompanionLayout> companions;  // [0]: weight scales; [1]: input_scale (fp8, kept only)
    bool operator==(const SourceLayout &) const = default;
    bool encoded() const { return scheme != SourceScheme::none; }
};

inline constexpr size_t kMaxCompanions = 2;

// Bytes of the data part for a logical shape; the payload adds each companion's.
uint64_t source_data_bytes(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape);
uint64_t source_payload_bytes(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape);
// Scale rows x scale columns the data needs: ceil(rows / block_rows) x ceil(cols / block_cols).
std::pair<uint64_t, uint64_t> scale_grid(const SourceLayout &layout, const std::vector<uint64_t> &shape);
// Empty when the layout is consistent with dtype and logical shape, else what is wrong.
std::string source_layout_problem(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape);
// "fp8-block 128x128, scales F32 [2, 3]": for inspect and messages.
std::string describe_source_layout(const SourceLayout &layout);

// Tensor file header bytes (format version 3) and metadata.json entries.
std::vector<uint8_t> encode_source_layout(const SourceLayout &layout);
// Parses bytes written by encode_source_layout; throws a description of what is wrong.
SourceLayout decode_source_layout(const uint8_t *data, uint64_t size);
rapidjson::Value source_layout_to_json(const SourceLayout &layout, rapidjson::Document::AllocatorType &a);
SourceLayout source_layout_from_json(const rapidjson::Value &v, const std::string &context);

// Scale values must be finite and non-zero (a zero scale zeroes its whole
// block: a broken checkpoint, never a real one). Returns the index of the
// first bad value of n, or n.
uint64_t first_bad_scale(gmat_dtype dtype, const uint8_t *bytes, uint64_t n);

// Dequantizes rows [row_begin, row_end) of the [rows, cols] view of an
// encoded tensor (rows = every dimension but the last) into dst, reading data
// and the scales those rows use through reader (any block format). float32
// arithmetic exactly as the model's reference dequantizer computes it.
void decode_source_rows(const SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape,
                        const TensorFileReader &reader, uint64_t row_begin, uint64_t row_end, float *dst);

// The E2M1 value of a 4-bit code (MXFP4's element type).
float e2m1_value(uint8_t nibble);

} // namespace gmat
