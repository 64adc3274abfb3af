// Shared by the safetensors reader tests: the plugin loaded the way the host
// loads it, scratch folders, and helpers that open inputs expecting errors.
#pragma once

#include "plugins/plugin_registry.hpp"

#include <gmat/abi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat::test {

// The registry loaded from the build's plugin folder, once per process.
const PluginRegistry &registry();

// The plugin's own reader table, for what the host wrapper hides: probe()
// scores and the status codes behind an error.
const gmat_reader_api &raw_reader_api();

// Opens path through the host (registry -> SourceReader).
SourceReader open_source(const std::filesystem::path &path);

struct OpenFailure {
    int32_t status;      // gmat_status returned by the plugin's open()
    std::string message; // the plugin's diagnostics text
};
// Opens path through the raw API expecting a failure; a successful open is
// reported as status GMAT_OK (and the reader closed).
OpenFailure raw_open_failure(const std::filesystem::path &path);

// Reads all of tensor index.
std::vector<uint8_t> read_tensor(const SourceReader &reader, uint64_t index);
// The index of the tensor called name; fails the test when absent.
uint64_t index_of(const SourceReader &reader, const std::string &name);

// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return path_; }
    std::filesystem::path operator/(const std::string &name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace gmat::test
