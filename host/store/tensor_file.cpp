#include "store/tensor_file.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "store/codec_chunk.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace gmat {

namespace {
constexpr char kMagic[8] = {'G', 'M', 'A', 'T', 'T', 'E', 'N', 'S'};
constexpr uint64_t kFixedBytes = 56;   // version 1
constexpr uint64_t kFixedBytesV2 = 88; // version 2
constexpr uint64_t kFixedBytesV3 = 96; // version 3
constexpr uint64_t kHeaderChecksumOffset = 48;

template <class T> void put(std::vector<uint8_t> &out, uint64_t offset, T value) {
    std::memcpy(out.data() + offset, &value, sizeof(T));
}
template <class T> T get(const uint8_t *data, uint64_t offset) {
    T value;
    std::memcpy(&value, data + offset, sizeof(T));
    return value;
}
uint64_t header_checksum(const uint8_t *data, uint64_t size) {
    XXH3_state_t *state = XXH3_createState();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, data, kHeaderChecksumOffset);
    const uint64_t zero = 0;
    XXH3_64bits_update(state, &zero, sizeof zero);
    XXH3_64bits_update(state, data + kFixedBytes, size - kFixedBytes);
    const uint64_t digest = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return digest;
}
} // namespace

const char *tensor_encoding_name(TensorEncoding encoding) {
    switch (encoding) {
    case TensorEncoding::raw: return "raw";
    case TensorEncoding::zstd_planes: return "zstd";
    case TensorEncoding::zstd_planes_delta: return "zstd-delta";
    }
    return "unknown";
}

std::vector<uint8_t> encode_tensor_header(const TensorFileHeader &h, uint64_t min_bytes) {
    if (h.shape.size() > GMAT_MAX_DIMS) throw GmatError("tensor '" + h.name + "': too many dimensions");
    if (h.name.size() > kMaxTensorNameBytes) throw GmatError("tensor name longer than 4096 bytes: " + h.name.substr(0, 64) + "...");
    const bool encoded = h.encoding != TensorEncoding::raw;
    if (h.base_ref.size() > kMaxBaseRefBytes || (!encoded && !h.base_ref.empty()))
        throw GmatError("tensor '" + h.name + "': base reference too long or on a raw tensor");
    const bool sourced = h.source.encoded();
    const std::vector<uint8_t> source = sourced ? encode_source_layout(h.source) : std::vector<uint8_t>();
    const uint32_t version = sourced ? 3 : encoded ? 2 : 1;
    const uint64_t fixed = version == 3 ? kFixedBytesV3 : version == 2 ? kFixedBytesV2 : kFixedBytes;
    const uint64_t used = std::max(fixed + 8 * h.shape.size() + h.name.size() + h.base_ref.size() + source.size(), min_bytes);
    const uint64_t size = (used + kTensorFileAlignment - 1) / kTensorFileAlignment * kTensorFileAlignment;
    std::vector<uint8_t> out(size, 0);
    std::memcpy(out.data(), kMagic, 8);
    put<uint32_t>(out, 8, version);
    put<uint32_t>(out, 12, static_cast<uint32_t>(size));
    put<uint32_t>(out, 16, static_cast<uint32_t>(h.dtype));
    put<uint32_t>(out, 20, static_cast<uint32_t>(h.encoding));
    put<uint32_t>(out, 24, static_cast<uint32_t>(h.shape.size()));
    put<uint32_t>(out, 28, static_cast<uint32_t>(h.name.size()));
    put<uint64_t>(out, 32, h.payload_bytes);
    put<uint64_t>(out, 40, h.payload_checksum);
    if (version >= 2) {
        put<uint64_t>(out, 56, encoded ? h.stored_bytes : h.payload_bytes);
        put<uint32_t>(out, 64, encoded ? h.chunk_bytes : 0);
        put<uint32_t>(out, 68, static_cast<uint32_t>(h.base_ref.size()));
        put<uint64_t>(out, 72, h.index_checksum);
        put<uint64_t>(out, 80, h.base_checksum);
    }
    if (version == 3) put<uint32_t>(out, 88, static_cast<uint32_t>(source.size()));
    for (size_t i = 0; i < h.shape.size(); ++i) put<uint64_t>(out, fixed + 8 * i, h.shape[i]);
    uint8_t *text = out.data() + fixed + 8 * h.shape.size();
    std::memcpy(text, h.name.data(), h.name.size());
    std::memcpy(text + h.name.size(), h.base_ref.data(), h.base_ref.size());
    if (!source.empty()) std::memcpy(text + h.name.size() + h.base_ref.size(), source.data(), source.size());
    put<uint64_t>(out, kHeaderChecksumOffset, header_checksum(out.data(), size));
    return out;
}

namespace {
// Version 2's fields after the shared fixed part; `fail` throws.
template <class Fail> void decode_encoding_fields(const uint8_t *data, TensorFileHeader &out, Fail fail) {
    out.stored_bytes = get<uint64_t>(data, 56);
    out.chunk_bytes = get<uint32_t>(data, 64);
    out.index_checksum = get<uint64_t>(data, 72);
    out.base_checksum = get<uint64_t>(data, 80);
    if (out.encoding == TensorEncoding::raw) { // version 3 only
        if (out.chunk_bytes != 0 || out.stored_bytes != out.payload_bytes || out.index_checksum != 0)
            fail("a raw payload with chunk fields");
    } else if (out.chunk_bytes == 0 || out.chunk_bytes > kMaxChunkBytes || out.chunk_bytes % dtype_size(out.dtype) != 0)
        fail("chunk size " + std::to_string(out.chunk_bytes) + " is not a positive multiple of the element size up to 64 MiB");
    if (out.encoding != TensorEncoding::zstd_planes_delta && (out.base_checksum != 0 || !out.base_ref.empty()))
        fail("a base reference on a tensor that is not a delta");
}
} // namespace

uint64_t decode_tensor_header(const uint8_t *data, uint64_t size, const std::string &file, TensorFileHeader &out) {
    auto fail = [&](const std::string &rule) { throw GmatError(file + ": corrupt GMAT tensor file: " + rule); };
    if (size < kFixedBytes) fail("shorter than its fixed header (" + std::to_string(size) + " bytes)");
    if (std::memcmp(data, kMagic, 8) != 0) fail("bad magic (not a .gmat tensor file)");
    const uint32_t version = get<uint32_t>(data, 8);
    if (version < 1 || version > kTensorFileVersion)
        fail("format version " + std::to_string(version) + ", this gmat reads versions 1 to " + std::to_string(kTensorFileVersion));
    const uint64_t fixed = version == 3 ? kFixedBytesV3 : version == 2 ? kFixedBytesV2 : kFixedBytes;
    if (size < fixed) fail("shorter than its fixed header (" + std::to_string(size) + " bytes)");
    const uint64_t header_bytes = get<uint32_t>(data, 12);
    const uint32_t dtype = get<uint32_t>(data, 16);
    const uint32_t encoding = get<uint32_t>(data, 20);
    const uint32_t n_dims = get<uint32_t>(data, 24);
    const uint32_t name_bytes = get<uint32_t>(data, 28);
    const uint32_t ref_bytes = version >= 2 ? get<uint32_t>(data, 68) : 0;
    const uint32_t source_bytes = version == 3 ? get<uint32_t>(data, 88) : 0;
    if (version == 3 && (get<uint32_t>(data, 92) != 0 || source_bytes > 4096)) fail("source encoding field out of range");
    if (header_bytes % kTensorFileAlignment != 0 || header_bytes > size) fail("header size " + std::to_string(header_bytes) + " out of range");
    if (n_dims > GMAT_MAX_DIMS) fail(std::to_string(n_dims) + " dimensions (at most 8)");
    if (name_bytes > kMaxTensorNameBytes) fail("name of " + std::to_string(name_bytes) + " bytes");
    if (ref_bytes > kMaxBaseRefBytes) fail("base reference of " + std::to_string(ref_bytes) + " bytes");
    if (fixed + 8ull * n_dims + name_bytes + ref_bytes + source_bytes > header_bytes) fail("header fields overrun the header size");
    if (get<uint64_t>(data, kHeaderChecksumOffset) != header_checksum(data, header_bytes)) fail("header checksum mismatch");
    if (dtype >= GMAT_DTYPE_COUNT) fail("unknown dtype id " + std::to_string(dtype));
    const bool known_encoding = version == 1 ? encoding == 0 : version == 2 ? (encoding == 1 || encoding == 2) : encoding <= 2;
    if (!known_encoding) fail("unknown encoding id " + std::to_string(encoding) + " for format version " + std::to_string(version));
    out.dtype = static_cast<gmat_dtype>(dtype);
    out.encoding = static_cast<TensorEncoding>(encoding);
    out.shape.resize(n_dims);
    for (uint32_t i = 0; i < n_dims; ++i) out.shape[i] = get<uint64_t>(data, fixed + 8ull * i);
    const char *text = reinterpret_cast<const char *>(data) + fixed + 8ull * n_dims;
    out.name.assign(text, name_bytes);
    out.base_ref.assign(text + name_bytes, ref_bytes);
    out.source = {};
    if (version == 3) {
        try {
            out.source = decode_source_layout(reinterpret_cast<const uint8_t *>(text) + name_bytes + ref_bytes, source_bytes);
        } catch (const GmatError &e) {
            fail(e.what());
        }
    }
    out.payload_bytes = get<uint64_t>(data, 32);
    out.payload_checksum = get<uint64_t>(data, 40);
    out.stored_bytes = out.payload_bytes;
    out.chunk_bytes = 0;
    out.index_checksum = out.base_checksum = 0;
    if (version >= 2) decode_encoding_fields(data, out, fail);
    if (out.source.encoded()) {
        const std::string problem = source_layout_problem(out.source, out.dtype, out.shape);
        if (!problem.empty()) fail("source encoding: " + problem);
        if (source_payload_bytes(out.source, out.dtype, out.shape) != out.payload_bytes)
            fail("payload of " + std::to_string(out.payload_bytes) + " bytes does not match " + describe_source_layout(out.source) +
                 " of " + dtype_name(out.dtype) + " [" + shape_string(out.shape) + "]");
        return header_bytes;
    }
    const uint64_t elements = element_count(out.shape);
    if (elements > UINT64_MAX / dtype_size(out.dtype) || elements * dtype_size(out.dtype) != out.payload_bytes)
        fail("payload of " + std::to_string(out.payload_bytes) + " bytes does not match " + dtype_name(out.dtype) + " [" +
             shape_string(out.shape) + "]");
    return header_bytes;
}

std::string checksum_string(uint64_t checksum) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "xxh3:%016llx", static_cast<unsigned long long>(checksum));
    return buf;
}

} // namespace gmat
