// The .gmat tensor-file reader (host/store/tensor_file*.cpp). The first input
// byte selects repairs, the rest is the file: without repairs almost every
// input stops at the header checksum, so bit 0 recomputes the header checksum
// and bit 1 the payload checksum, letting the fuzzer reach the field checks
// behind them. A file that opens must hold exactly header + payload bytes,
// and verify() and PayloadVerifier must agree.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "store/tensor_file.hpp"
#include "store/tensor_file_io.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

namespace {

constexpr uint64_t kFixedBytes = 56, kPayloadChecksumAt = 40, kHeaderChecksumAt = 48;

uint32_t u32_at(const std::vector<uint8_t> &f, size_t at) {
    uint32_t v;
    std::memcpy(&v, f.data() + at, 4);
    return v;
}

// Rewrites the header checksum as the writer would compute it.
void repair_header_checksum(std::vector<uint8_t> &f) {
    const uint64_t header_bytes = u32_at(f, 12);
    if (header_bytes < kFixedBytes || header_bytes > f.size()) return;
    std::memset(f.data() + kHeaderChecksumAt, 0, 8);
    const uint64_t sum = XXH3_64bits(f.data(), header_bytes);
    std::memcpy(f.data() + kHeaderChecksumAt, &sum, 8);
}

void repair_payload_checksum(std::vector<uint8_t> &f) {
    const uint64_t header_bytes = u32_at(f, 12);
    if (header_bytes > f.size()) return;
    const uint64_t sum = XXH3_64bits(f.data() + header_bytes, f.size() - header_bytes);
    std::memcpy(f.data() + kPayloadChecksumAt, &sum, 8);
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

// The same bytes through the file reader, as export and inspect --verify read them.
void read_file(const std::vector<uint8_t> &f, std::optional<uint64_t> decoded_offset, const gmat::TensorFileHeader &h) {
    const auto file = gmat::fuzz::scratch_dir() / "tensor.gmat";
    gmat::fuzz::write_file(file, f);
    bool verified = false;
    try {
        gmat::TensorFileReader reader(file, "00000000-0000-8000-8000-000000000000");
        GMAT_FUZZ_CHECK(decoded_offset.has_value()); // the reader accepts nothing decode refused
        GMAT_FUZZ_CHECK(*decoded_offset + reader.header().payload_bytes == f.size());
        GMAT_FUZZ_CHECK(reader.header().shape == h.shape && reader.header().name == h.name);
        gmat::PayloadVerifier chunks(reader);
        const uint64_t n = reader.header().payload_bytes, step = std::max<uint64_t>(1, n / 3);
        for (uint64_t at = 0; at < n; at += std::min(step, n - at)) chunks.update(at, std::min(step, n - at));
        bool chunks_ok = true;
        try {
            chunks.finish();
        } catch (const gmat::GmatError &) {
            chunks_ok = false;
        }
        try {
            reader.verify();
            verified = true;
        } catch (const gmat::GmatError &) {
        }
        GMAT_FUZZ_CHECK(chunks_ok == verified);
        reader.release_pages(0, n);
    } catch (const gmat::GmatError &) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    std::vector<uint8_t> f(data + 1, data + size);
    if (f.size() >= kFixedBytes) {
        if (data[0] & 2) repair_payload_checksum(f);
        if (data[0] & 1) repair_header_checksum(f); // last: the header checksum covers the payload checksum
    }
    gmat::TensorFileHeader h;
    const auto offset = decode(f, h);
    read_file(f, offset, h);
    return 0;
}
