// Which blobs of a repository are in use: those a model's metadata.json names
// directly, plus, transitively, the base blob of every delta blob in use (a
// base stays needed after the model it came from is removed).
#pragma once

#include "repository/repository_layout.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gmat {

struct BlobReferences {
    std::map<std::string, std::set<std::string>> models_of_blob; // direct references: blob -> model names
    std::set<std::string> live;                                  // direct references and their bases
};

// Reads every model's metadata.json and the header of every blob in use.
// Throws when a model or a blob in use cannot be read: deleting anything
// while a reference may be unknown could lose data.
BlobReferences collect_blob_references(const RepositoryLayout &repo);

struct BlobFile {
    std::string name;
    std::filesystem::path path;
    uint64_t bytes = 0;
};
// Every blob file under REPO/blobs (temporaries excluded), sorted by name.
std::vector<BlobFile> blobs_on_disk(const RepositoryLayout &repo);
// Temporaries under REPO/blobs and staged stores under REPO/models/<name>/.
std::vector<std::filesystem::path> temporaries_on_disk(const RepositoryLayout &repo);

} // namespace gmat
