#include "fuzz_scratch.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::fuzz {

namespace {
fs::path make_scratch_dir() {
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    const fs::path dir = base / ("gmat-fuzz-" + std::to_string(::getpid()));
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    return dir;
}
} // namespace

const fs::path &scratch_dir() {
    static const fs::path dir = [] {
        fs::path d = make_scratch_dir();
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(scratch_dir(), ec);
        });
        return d;
    }();
    return dir;
}

fs::path fresh_folder(std::string_view name) {
    const fs::path dir = scratch_dir() / std::string(name);
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    return dir;
}

void write_file(const fs::path &file, std::span<const uint8_t> bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) invariant_failed("cannot write the fuzz input to the scratch folder");
}

std::vector<std::span<const uint8_t>> split_at_nul(const uint8_t *data, size_t size, size_t max_parts) {
    std::vector<std::span<const uint8_t>> parts;
    size_t begin = 0;
    for (size_t i = 0; i < size && parts.size() + 1 < max_parts; ++i) {
        if (data[i] != 0) continue;
        parts.emplace_back(data + begin, i - begin);
        begin = i + 1;
    }
    parts.emplace_back(data + begin, size - begin);
    return parts;
}

void note_refusal(const std::exception &error) {
    static const bool verbose = std::getenv("GMAT_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "refused: %s\n", error.what());
}

void invariant_failed(const char *what) {
    std::fprintf(stderr, "gmat fuzz: invariant failed: %s\n", what);
    std::abort();
}

} // namespace gmat::fuzz
