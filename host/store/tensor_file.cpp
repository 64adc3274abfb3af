#include "store/tensor_file.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"

#include <xxhash.h>

#include <cstdio>
#include <cstring>

namespace gmat {

namespace {
constexpr char kMagic[8] = {'G', 'M', 'A', 'T', 'T', 'E', 'N', 'S'};
constexpr uint64_t kFixedBytes = 56;
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

std::vector<uint8_t> encode_tensor_header(const TensorFileHeader &h) {
    if (h.shape.size() > GMAT_MAX_DIMS) throw GmatError("tensor '" + h.name + "': too many dimensions");
    if (h.name.size() > kMaxTensorNameBytes) throw GmatError("tensor name longer than 4096 bytes: " + h.name.substr(0, 64) + "...");
    const uint64_t used = kFixedBytes + 8 * h.shape.size() + h.name.size();
    const uint64_t size = (used + kTensorFileAlignment - 1) / kTensorFileAlignment * kTensorFileAlignment;
    std::vector<uint8_t> out(size, 0);
    std::memcpy(out.data(), kMagic, 8);
    put<uint32_t>(out, 8, kTensorFileVersion);
    put<uint32_t>(out, 12, static_cast<uint32_t>(size));
    put<uint32_t>(out, 16, static_cast<uint32_t>(h.dtype));
    put<uint32_t>(out, 20, static_cast<uint32_t>(h.encoding));
    put<uint32_t>(out, 24, static_cast<uint32_t>(h.shape.size()));
    put<uint32_t>(out, 28, static_cast<uint32_t>(h.name.size()));
    put<uint64_t>(out, 32, h.payload_bytes);
    put<uint64_t>(out, 40, h.payload_checksum);
    for (size_t i = 0; i < h.shape.size(); ++i) put<uint64_t>(out, kFixedBytes + 8 * i, h.shape[i]);
    std::memcpy(out.data() + kFixedBytes + 8 * h.shape.size(), h.name.data(), h.name.size());
    put<uint64_t>(out, kHeaderChecksumOffset, header_checksum(out.data(), size));
    return out;
}

uint64_t decode_tensor_header(const uint8_t *data, uint64_t size, const std::string &file, TensorFileHeader &out) {
    auto fail = [&](const std::string &rule) { throw GmatError(file + ": corrupt GMAT tensor file: " + rule); };
    if (size < kFixedBytes) fail("shorter than its fixed header (" + std::to_string(size) + " bytes)");
    if (std::memcmp(data, kMagic, 8) != 0) fail("bad magic (not a .gmat tensor file)");
    const uint32_t version = get<uint32_t>(data, 8);
    if (version != kTensorFileVersion)
        fail("format version " + std::to_string(version) + ", this gmat reads version " + std::to_string(kTensorFileVersion));
    const uint64_t header_bytes = get<uint32_t>(data, 12);
    const uint32_t dtype = get<uint32_t>(data, 16);
    const uint32_t encoding = get<uint32_t>(data, 20);
    const uint32_t n_dims = get<uint32_t>(data, 24);
    const uint32_t name_bytes = get<uint32_t>(data, 28);
    if (header_bytes % kTensorFileAlignment != 0 || header_bytes > size) fail("header size " + std::to_string(header_bytes) + " out of range");
    if (n_dims > GMAT_MAX_DIMS) fail(std::to_string(n_dims) + " dimensions (at most 8)");
    if (name_bytes > kMaxTensorNameBytes) fail("name of " + std::to_string(name_bytes) + " bytes");
    if (kFixedBytes + 8ull * n_dims + name_bytes > header_bytes) fail("header fields overrun the header size");
    if (get<uint64_t>(data, kHeaderChecksumOffset) != header_checksum(data, header_bytes)) fail("header checksum mismatch");
    if (dtype >= GMAT_DTYPE_COUNT) fail("unknown dtype id " + std::to_string(dtype));
    if (encoding != static_cast<uint32_t>(TensorEncoding::raw)) fail("unknown encoding id " + std::to_string(encoding));
    out.dtype = static_cast<gmat_dtype>(dtype);
    out.encoding = static_cast<TensorEncoding>(encoding);
    out.shape.resize(n_dims);
    for (uint32_t i = 0; i < n_dims; ++i) out.shape[i] = get<uint64_t>(data, kFixedBytes + 8ull * i);
    out.name.assign(reinterpret_cast<const char *>(data) + kFixedBytes + 8ull * n_dims, name_bytes);
    out.payload_bytes = get<uint64_t>(data, 32);
    out.payload_checksum = get<uint64_t>(data, 40);
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
