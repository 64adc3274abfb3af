// Where fuzz targets that read files (a store folder, a tokenizer folder)
// write their input: one folder per process on tmpfs when there is one, so
// tens of thousands of runs per minute do not touch the disk, removed at exit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace gmat::fuzz {

// The process' scratch folder (created on first use, removed at exit).
const std::filesystem::path &scratch_dir();
// A subfolder of scratch_dir(), emptied: each run starts from nothing.
std::filesystem::path fresh_folder(std::string_view name);
void write_file(const std::filesystem::path &file, std::span<const uint8_t> bytes);
// The input cut at NUL bytes into at most max_parts pieces (the last piece
// keeps any further NULs). JSON text cannot hold a raw NUL, so one input can
// carry several JSON files.
std::vector<std::span<const uint8_t>> split_at_nul(const uint8_t *data, size_t size, size_t max_parts);

// With GMAT_FUZZ_VERBOSE set, prints why an input was refused: shows whether
// the seeds get past the first checks (replay them with fuzz_replay_<target>).
void note_refusal(const std::exception &error);

// Stops the run as a crash: a broken invariant is a bug even without a
// sanitizer report.
[[noreturn]] void invariant_failed(const char *what);

} // namespace gmat::fuzz

#define GMAT_FUZZ_CHECK(condition)                                                                                     \
    do {                                                                                                               \
        if (!(condition)) ::gmat::fuzz::invariant_failed(#condition);                                                  \
    } while (0)
