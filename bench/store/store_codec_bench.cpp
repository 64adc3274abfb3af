// Ratio and speed of the store codec (zstd over byte planes) on synthetic
// weights: BF16, F32 trained in BF16, F16, and full F32 for comparison. For
// each zstd level and chunk size: stored / logical bytes, encode MB/s
// through TensorFileWriter, decode MB/s through TensorFileReader::read, per
// core of CPU time (an import runs one such writer per core; an export one
// reader per pipeline thread). A "no planes" row
// compresses the same bytes without byte planes, to show what planes gain.
//
//   store_codec_bench [--mib N] [--dir FOLDER]   (default 32 MiB per kind, /dev/shm)
#include "synthetic_weights.hpp"

#include "common/dtype.hpp"
#include "store/tensor_file_io.hpp"

#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using gmat::bench::WeightKind;

namespace {

// CPU seconds of this process: on a shared machine wall time measures the
// neighbours; CPU time is what one core spends (the codec runs one thread here).
double cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Measurement {
    double ratio, encode_mbs, decode_mbs;
};

Measurement measure(const fs::path &file, gmat_dtype dtype, const std::vector<uint8_t> &payload, int level,
                    uint32_t chunk_bytes) {
    gmat::TensorFileHeader h;
    h.dtype = dtype;
    h.shape = {payload.size() / gmat::dtype_size(dtype)};
    h.name = "bench";
    h.payload_bytes = payload.size();
    gmat::TensorWriteOptions options;
    options.encoding = gmat::TensorEncoding::zstd_planes;
    options.zstd_level = level;
    options.chunk_bytes = chunk_bytes;
    fs::remove(file);
    double start = cpu_seconds();
    {
        gmat::TensorFileWriter w(file, h, options);
        for (uint64_t at = 0; at < payload.size(); at += 8u << 20) // import copies 8 MiB at a time
            w.append(payload.data() + at, std::min<uint64_t>(8u << 20, payload.size() - at));
        w.finish();
    }
    const double encode = cpu_seconds() - start;
    gmat::TensorFileReader r(file, "bench");
    std::vector<uint8_t> buffer(4u << 20); // export reads about 4 MiB of rows at a time
    start = cpu_seconds();
    for (uint64_t at = 0; at < payload.size(); at += buffer.size()) {
        const uint64_t n = std::min<uint64_t>(buffer.size(), payload.size() - at);
        r.read(at, n, buffer.data());
        if (std::memcmp(buffer.data(), payload.data() + at, n) != 0) std::fprintf(stderr, "MISMATCH\n"), std::exit(1);
    }
    const double decode = cpu_seconds() - start;
    const double mb = payload.size() / 1e6;
    return {static_cast<double>(r.stored_payload_bytes()) / payload.size(), mb / encode, mb / decode};
}

// zstd on the bytes as they are, 1 MiB frames, for comparison.
double ratio_without_planes(const std::vector<uint8_t> &payload, int level) {
    std::vector<uint8_t> out(ZSTD_compressBound(1u << 20));
    uint64_t stored = 0;
    for (uint64_t at = 0; at < payload.size(); at += 1u << 20) {
        const size_t n = std::min<uint64_t>(1u << 20, payload.size() - at);
        stored += ZSTD_compress(out.data(), out.size(), payload.data() + at, n, level);
    }
    return static_cast<double>(stored) / payload.size();
}

} // namespace

int main(int argc, char **argv) {
    uint64_t mib = 32;
    fs::path dir = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "--mib") mib = std::stoull(argv[i + 1]);
        if (std::string(argv[i]) == "--dir") dir = argv[i + 1];
    }
    const fs::path file = dir / ("gmat-codec-bench-" + std::to_string(::getpid()) + ".gmat");
    const WeightKind kinds[] = {{"BF16", GMAT_DTYPE_BF16}, {"F32 (trained in BF16)", GMAT_DTYPE_F32, true},
                                {"F16", GMAT_DTYPE_F16}, {"F32 (full precision)", GMAT_DTYPE_F32}};
    std::printf("%-22s %-10s %5s %8s %10s %10s\n", "weights", "chunk", "level", "ratio", "enc MB/s", "dec MB/s");
    for (const WeightKind &kind : kinds) {
        const uint64_t n = (mib << 20) / gmat::dtype_size(kind.dtype);
        const std::vector<uint8_t> payload = gmat::bench::synthetic_weights(kind, n, 4096, 1);
        for (uint32_t chunk : {256u << 10, 1u << 20, 4u << 20})
            for (int level : {-3, 1, 3, 6}) {
                if (chunk != (1u << 20) && level != 1) continue; // chunk size at the default level only
                const Measurement m = measure(file, kind.dtype, payload, level, chunk);
                std::printf("%-22s %-10s %5d %8.4f %10.0f %10.0f\n", kind.label.c_str(),
                            (std::to_string(chunk >> 10) + " KiB").c_str(), level, m.ratio, m.encode_mbs, m.decode_mbs);
            }
        std::printf("%-22s %-10s %5d %8.4f\n", (kind.label + ", no planes").c_str(), "1024 KiB", 1,
                    ratio_without_planes(payload, 1));
    }
    fs::remove(file);
}
