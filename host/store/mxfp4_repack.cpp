#include "store/mxfp4_repack.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "store/tensor_file_io.hpp"

namespace gmat {

void repack_mxfp4_block(const uint8_t *source, uint8_t scale, uint8_t *dst) {
    auto nibble = [&](unsigned i) -> uint8_t { return (i % 2 ? source[i / 2] >> 4 : source[i / 2]) & 0xf; };
    dst[0] = scale;
    for (unsigned j = 0; j < 16; ++j) dst[1 + j] = static_cast<uint8_t>(nibble(j) | (nibble(j + 16) << 4));
}

void repack_mxfp4_rows(const SourceLayout &layout, const std::vector<uint64_t> &shape, const TensorFileReader &reader,
                       uint64_t row_begin, uint64_t row_end, uint8_t *dst) {
    if (layout.scheme != SourceScheme::mxfp4 || shape.empty())
        throw GmatError("internal: MXFP4 repack of a tensor that is not mxfp4-encoded");
    if (row_end <= row_begin) return;
    const uint64_t cols = shape.back(), blocks = cols / 32, n = row_end - row_begin;
    const uint64_t data_bytes = source_data_bytes(layout, GMAT_DTYPE_U8, shape);
    thread_local std::vector<uint8_t> data, scales;
    data.resize(n * blocks * 16);
    scales.resize(n * blocks);
    reader.read(row_begin * blocks * 16, data.size(), data.data());
    reader.read(data_bytes + row_begin * blocks, scales.size(), scales.data());
    for (uint64_t b = 0; b < n * blocks; ++b) repack_mxfp4_block(data.data() + 16 * b, scales[b], dst + kMxfp4BlockBytes * b);
}

} // namespace gmat
