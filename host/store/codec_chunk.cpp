#include "store/codec_chunk.hpp"

#include "common/error.hpp"
#include "store/codec_byte_planes.hpp"

#include <cstring>
#include <memory>

namespace gmat {

namespace {
template <class T> void put(uint8_t *out, T value) { std::memcpy(out, &value, sizeof(T)); }
template <class T> T get(const uint8_t *data) {
    T value;
    std::memcpy(&value, data, sizeof(T));
    return value;
}

void xor_bytes(const uint8_t *a, const uint8_t *b, size_t n, uint8_t *out) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) put<uint64_t>(out + i, get<uint64_t>(a + i) ^ get<uint64_t>(b + i));
    for (; i < n; ++i) out[i] = a[i] ^ b[i];
}

struct DctxFree {
    void operator()(ZSTD_DCtx *d) const { ZSTD_freeDCtx(d); }
};
} // namespace

std::vector<uint8_t> encode_chunk_index(const std::vector<ChunkIndexEntry> &index) {
    std::vector<uint8_t> out(index.size() * kChunkIndexEntryBytes);
    for (size_t i = 0; i < index.size(); ++i) {
        uint8_t *e = out.data() + i * kChunkIndexEntryBytes;
        put<uint64_t>(e, index[i].offset);
        put<uint32_t>(e + 8, index[i].stored_bytes);
        put<uint32_t>(e + 12, static_cast<uint32_t>(index[i].coding));
        put<uint64_t>(e + 16, index[i].stored_checksum);
        put<uint64_t>(e + 24, index[i].checksum);
    }
    return out;
}

std::vector<ChunkIndexEntry> decode_chunk_index(const uint8_t *data, uint64_t n_entries) {
    std::vector<ChunkIndexEntry> index(n_entries);
    for (uint64_t i = 0; i < n_entries; ++i) {
        const uint8_t *e = data + i * kChunkIndexEntryBytes;
        index[i].offset = get<uint64_t>(e);
        index[i].stored_bytes = get<uint32_t>(e + 8);
        index[i].coding = static_cast<ChunkCoding>(get<uint32_t>(e + 12));
        index[i].stored_checksum = get<uint64_t>(e + 16);
        index[i].checksum = get<uint64_t>(e + 24);
    }
    return index;
}

ChunkEncoder::ChunkEncoder(size_t element_bytes, int level)
    : element_bytes_(element_bytes), level_(level), cctx_(ZSTD_createCCtx()) {
    if (!cctx_) throw GmatError("zstd: cannot create a compression context (out of memory)");
}

ChunkEncoder::~ChunkEncoder() { ZSTD_freeCCtx(cctx_); }

void ChunkEncoder::compress_planes(const uint8_t *bytes, size_t n_bytes, std::vector<uint8_t> &out) {
    planes_.resize(n_bytes);
    split_byte_planes(bytes, n_bytes, element_bytes_, planes_.data());
    out.resize(ZSTD_compressBound(n_bytes));
    const size_t n = ZSTD_compressCCtx(cctx_, out.data(), out.size(), planes_.data(), n_bytes, level_);
    if (ZSTD_isError(n)) throw GmatError(std::string("zstd: compression failed: ") + ZSTD_getErrorName(n));
    out.resize(n);
}

ChunkCoding ChunkEncoder::encode(const uint8_t *chunk, size_t n_bytes, const uint8_t *base, std::vector<uint8_t> &out) {
    ChunkCoding coding = ChunkCoding::planes_zstd;
    compress_planes(chunk, n_bytes, out);
    if (base) {
        xored_.resize(n_bytes);
        xor_bytes(chunk, base, n_bytes, xored_.data());
        compress_planes(xored_.data(), n_bytes, candidate_);
        if (candidate_.size() < out.size()) {
            out.swap(candidate_);
            coding = ChunkCoding::delta_planes_zstd;
        }
    }
    if (out.size() >= n_bytes) { // incompressible: keep the bytes, decoding then costs a copy
        out.assign(chunk, chunk + n_bytes);
        coding = ChunkCoding::stored;
    }
    return coding;
}

std::string decode_chunk(ChunkCoding coding, const uint8_t *stored, size_t stored_bytes, size_t element_bytes,
                         const uint8_t *base, uint8_t *dst, size_t n_bytes) {
    if (coding == ChunkCoding::stored) {
        if (stored_bytes != n_bytes) return "stored chunk of " + std::to_string(stored_bytes) + " bytes, expected " + std::to_string(n_bytes);
        std::memcpy(dst, stored, n_bytes);
        return {};
    }
    if (coding != ChunkCoding::planes_zstd && coding != ChunkCoding::delta_planes_zstd)
        return "unknown chunk coding " + std::to_string(static_cast<uint32_t>(coding));
    if (coding == ChunkCoding::delta_planes_zstd && !base) return "delta chunk without base bytes";
    thread_local std::unique_ptr<ZSTD_DCtx, DctxFree> dctx(ZSTD_createDCtx());
    thread_local std::vector<uint8_t> planes;
    if (!dctx) throw GmatError("zstd: cannot create a decompression context (out of memory)");
    planes.resize(n_bytes);
    const size_t n = ZSTD_decompressDCtx(dctx.get(), planes.data(), n_bytes, stored, stored_bytes);
    if (ZSTD_isError(n)) return std::string("zstd: ") + ZSTD_getErrorName(n);
    if (n != n_bytes) return "zstd frame decodes to " + std::to_string(n) + " bytes, expected " + std::to_string(n_bytes);
    join_byte_planes(planes.data(), n_bytes, element_bytes, dst);
    if (coding == ChunkCoding::delta_planes_zstd) xor_bytes(dst, base, n_bytes, dst);
    return {};
}

} // namespace gmat
