// The .gmat tensor-file reader (host/store/tensor_file*.cpp, codec_*.cpp).
// The first input byte selects repairs, the rest is the file: without
// repairs almost every input stops at a checksum, so bit 0 recomputes the
// header checksum, bit 1 the payload checksum and bit 2 (encoded, version 2
// files) each chunk's stored and decoded checksums and the index checksum,
// letting the fuzzer reach the checks and the zstd decoding behind them.
// A file that opens must hold exactly header + stored bytes; verify() and
// PayloadVerifier must agree, and read() must succeed with bytes matching the
// payload checksum exactly when verify() does.
#include "fuzz_scratch.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "store/codec_chunk.hpp"
#include "store/tensor_file.hpp"
#include "store/tensor_file_io.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

namespace {

constexpr uint64_t kFixedBytes = 56, kFixedBytesV2 = 88, kPayloadChecksumAt = 40, kHeaderChecksumAt = 48;
constexpr uint64_t kIndexChecksumAt = 72;
constexpr uint64_t kMaxDecodedBytes = 8u << 20; // a tiny input can claim gigabytes of RLE chunks

template <class T> T value_at(const std::vector<uint8_t> &f, size_t at) {
    T v;
    std::memcpy(&v, f.data() + at, sizeof v);
    return v;
}
template <class T> void put_at(std::vector<uint8_t> &f, size_t at, T v) { std::memcpy(f.data() + at, &v, sizeof v); }

// Rewrites the header checksum as the writer would compute it.
void repair_header_checksum(std::vector<uint8_t> &f) {
    const uint64_t header_bytes = value_at<uint32_t>(f, 12);
    if (header_bytes < kFixedBytes || header_bytes > f.size()) return;
    std::memset(f.data() + kHeaderChecksumAt, 0, 8);
    const uint64_t sum = XXH3_64bits(f.data(), header_bytes);
    std::memcpy(f.data() + kHeaderChecksumAt, &sum, 8);
}

void repair_raw_payload_checksum(std::vector<uint8_t> &f) {
    const uint64_t header_bytes = value_at<uint32_t>(f, 12);
    if (header_bytes > f.size()) return;
    put_at<uint64_t>(f, kPayloadChecksumAt, XXH3_64bits(f.data() + header_bytes, f.size() - header_bytes));
}

// Version 2: recomputes what the writer records per chunk (decoding plain
// chunks with the codec itself), the index checksum and, with bit 1, the
// payload checksum of the decoded bytes.
void repair_encoded(std::vector<uint8_t> &f, bool payload_too) {
    if (f.size() < kFixedBytesV2 || value_at<uint32_t>(f, 8) != 2) return;
    const uint64_t header_bytes = value_at<uint32_t>(f, 12), dtype = value_at<uint32_t>(f, 16);
    const uint64_t payload = value_at<uint64_t>(f, 32), stored = value_at<uint64_t>(f, 56);
    const uint64_t chunk = value_at<uint32_t>(f, 64);
    if (dtype >= GMAT_DTYPE_COUNT || chunk == 0 || header_bytes > f.size() || stored != f.size() - header_bytes) return;
    const uint64_t n_chunks = payload / chunk + (payload % chunk != 0);
    if (payload > kMaxDecodedBytes || n_chunks > stored / gmat::kChunkIndexEntryBytes) return;
    const uint64_t index_at = f.size() - n_chunks * gmat::kChunkIndexEntryBytes;
    XXH3_state_t *logical = XXH3_createState();
    XXH3_64bits_reset(logical);
    bool all_decoded = true;
    std::vector<uint8_t> decoded;
    for (uint64_t k = 0; k < n_chunks; ++k) {
        const uint64_t e = index_at + k * gmat::kChunkIndexEntryBytes;
        const uint64_t offset = value_at<uint64_t>(f, e), size = value_at<uint32_t>(f, e + 8);
        const auto coding = static_cast<gmat::ChunkCoding>(value_at<uint32_t>(f, e + 12));
        if (offset > index_at - header_bytes || size > index_at - header_bytes - offset) {
            all_decoded = false;
            continue;
        }
        const uint8_t *bytes = f.data() + header_bytes + offset;
        put_at<uint64_t>(f, e + 16, XXH3_64bits(bytes, size));
        decoded.resize(std::min(chunk, payload - k * chunk));
        if (!gmat::decode_chunk(coding, bytes, size, gmat::dtype_size(static_cast<gmat_dtype>(dtype)), nullptr,
                                decoded.data(), decoded.size())
                 .empty()) {
            all_decoded = false;
            continue;
        }
        put_at<uint64_t>(f, e + 24, XXH3_64bits(decoded.data(), decoded.size()));
        XXH3_64bits_update(logical, decoded.data(), decoded.size());
    }
    put_at<uint64_t>(f, kIndexChecksumAt, XXH3_64bits(f.data() + index_at, f.size() - index_at));
    if (payload_too && all_decoded) put_at<uint64_t>(f, kPayloadChecksumAt, XXH3_64bits_digest(logical));
    XXH3_freeState(logical);
}

// decode_tensor_header alone, on the bytes in memory.
std::optional<uint64_t> decode(const std::vector<uint8_t> &f, gmat::TensorFileHeader &h) {
    try {
        const uint64_t offset = gmat::decode_tensor_header(f.data(), f.size(), "fuzz.gmat", h);
        GMAT_FUZZ_CHECK(offset % gmat::kTensorFileAlignment == 0 && offset <= f.size());
        GMAT_FUZZ_CHECK(h.name.size() <= gmat::kMaxTensorNameBytes);
        // What decodes must encode again, into no more room than it took.
        GMAT_FUZZ_CHECK(gmat::encode_tensor_header(h).size() <= offset);
        return offset;
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return std::nullopt;
    }
}

// Whether the whole payload reads, and its bytes match the payload checksum.
bool reads_back_intact(const gmat::TensorFileReader &reader) {
    std::vector<uint8_t> bytes(reader.header().payload_bytes);
    try {
        reader.read(0, bytes.size(), bytes.data());
    } catch (const gmat::GmatError &) {
        return false;
    }
    return XXH3_64bits(bytes.data(), bytes.size()) == reader.header().payload_checksum;
}

// The same bytes through the file reader, as export and inspect --verify read them.
void read_file(const std::vector<uint8_t> &f, std::optional<uint64_t> decoded_offset, const gmat::TensorFileHeader &h) {
    const auto file = gmat::fuzz::scratch_dir() / "tensor.gmat";
    gmat::fuzz::write_file(file, f);
    try {
        gmat::TensorFileReader reader(file, "00000000-0000-8000-8000-000000000000");
        GMAT_FUZZ_CHECK(decoded_offset.has_value()); // the reader accepts nothing decode refused
        GMAT_FUZZ_CHECK(*decoded_offset + reader.stored_payload_bytes() == f.size());
        GMAT_FUZZ_CHECK(reader.header().shape == h.shape && reader.header().name == h.name);
        const uint64_t n = reader.header().payload_bytes, step = std::max<uint64_t>(1, n / 3);
        if (n > kMaxDecodedBytes) return;
        gmat::PayloadVerifier chunks(reader);
        bool chunks_ok = true;
        try {
            for (uint64_t at = 0; at < n; at += std::min(step, n - at)) chunks.update(at, std::min(step, n - at));
            chunks.finish();
        } catch (const gmat::GmatError &) {
            chunks_ok = false;
        }
        bool verified = false;
        try {
            reader.verify();
            verified = true;
        } catch (const gmat::GmatError &) {
        }
        GMAT_FUZZ_CHECK(chunks_ok == verified);
        GMAT_FUZZ_CHECK(reads_back_intact(reader) == verified);
        reader.release_pages(0, n);
    } catch (const gmat::GmatError &) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    std::vector<uint8_t> f(data + 1, data + size);
    if (f.size() >= kFixedBytes) {
        const bool encoded = value_at<uint32_t>(f, 8) == 2;
        if (data[0] & 4) repair_encoded(f, data[0] & 2);
        if ((data[0] & 2) && !encoded) repair_raw_payload_checksum(f);
        if (data[0] & 1) repair_header_checksum(f); // last: the header checksum covers the other checksums
    }
    gmat::TensorFileHeader h;
    const auto offset = decode(f, h);
    read_file(f, offset, h);
    return 0;
}
