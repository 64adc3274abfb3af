// `gmat du`: logical and stored sizes of the models of a repository or of one
// store. Per model: logical bytes (sum of the tensors' payload bytes), stored
// bytes (file sizes of the blobs or tensor files it names, each counted once),
// shared bytes (the part of stored also named by another model) and delta
// bytes (the part of stored that is delta files). A delta's base blob counts
// for the models that name it, not for the delta's model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat {

struct ModelUsage {
    std::string name;
    std::filesystem::path store;
    size_t tensors = 0;
    uint64_t logical = 0, stored = 0, shared = 0, delta = 0;
};

struct DiskUsage {
    bool repository = false;
    std::vector<ModelUsage> models;
    uint64_t logical = 0; // all models
    uint64_t stored = 0;  // repository: every blob file once (what the blobs use on disk); store: its files
    size_t blobs = 0;
    uint64_t unreferenced = 0; // blob bytes `gmat gc` would free
};

// path: a repository, a store inside one (that model only, sharing counted
// against the repository's other models) or a standalone store.
DiskUsage measure_disk_usage(const std::filesystem::path &path);

} // namespace gmat
