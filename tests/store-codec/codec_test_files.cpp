#include "codec_test_files.hpp"

#include "common/dtype.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace gmat::test {

namespace {
uint16_t to_bf16(float x) {
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    return static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}
uint16_t to_f16(float x) { // normal range only: the values here are small Gaussians
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    const uint32_t sign = (bits >> 16) & 0x8000;
    const int exp = static_cast<int>((bits >> 23) & 0xff) - 127 + 15;
    if (exp <= 0) return static_cast<uint16_t>(sign);
    return static_cast<uint16_t>(sign | (exp << 10) | ((bits >> 13) & 0x3ff));
}
} // namespace

std::vector<uint8_t> gaussian_payload(gmat_dtype dtype, uint64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<uint8_t> out(n * dtype_size(dtype));
    float scale = 0.02f;
    for (uint64_t i = 0; i < n; ++i) {
        if (i % 256 == 0) scale = 0.02f * std::exp(0.3f * normal(rng));
        const float v = normal(rng) * scale;
        if (dtype == GMAT_DTYPE_F32) std::memcpy(out.data() + 4 * i, &v, 4);
        else {
            const uint16_t h = dtype == GMAT_DTYPE_BF16 ? to_bf16(v) : to_f16(v);
            std::memcpy(out.data() + 2 * i, &h, 2);
        }
    }
    return out;
}

std::vector<uint8_t> random_bytes(uint64_t n, uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint8_t> out(n);
    for (auto &b : out) b = static_cast<uint8_t>(rng());
    return out;
}

fs::path CodecTest::write(const std::string &file, gmat_dtype dtype, const std::vector<uint8_t> &payload,
                          TensorWriteOptions options, uint64_t piece) {
    TensorFileHeader h;
    h.dtype = dtype;
    h.shape = {payload.size() / dtype_size(dtype)};
    h.name = "model.layers.0.mlp.up_proj.weight";
    h.payload_bytes = payload.size();
    const fs::path path = dir_ / file;
    TensorFileWriter w(path, h, options);
    for (uint64_t at = 0; at < payload.size(); at += piece)
        w.append(payload.data() + at, std::min<uint64_t>(piece, payload.size() - at));
    w.finish();
    return path;
}

std::vector<uint8_t> CodecTest::read_all(const TensorFileReader &reader) {
    std::vector<uint8_t> out(reader.header().payload_bytes);
    reader.read(0, out.size(), out.data());
    return out;
}

void CodecTest::flip_byte(const fs::path &file, uint64_t offset, uint8_t mask) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c;
    f.read(&c, 1);
    c = static_cast<char>(c ^ mask);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
}

TensorWriteOptions zstd_options(uint32_t chunk_bytes) {
    TensorWriteOptions o;
    o.encoding = TensorEncoding::zstd_planes;
    o.chunk_bytes = chunk_bytes;
    return o;
}

} // namespace gmat::test
