// Where things live in a repository of stores:
//
//   REPO/repository.json                     marks the folder (format, version)
//   REPO/.lock                               flock: imports shared, gc exclusive
//   REPO/blobs/<2 hex>/<content id>.gmat     one complete tensor file per content
//   REPO/blobs/.import.gmat-tmp-<pid>@<host>-<n>  a blob being written
//   REPO/models/<name>/model.gmat/           a store whose tensors name blobs
//
// Removing a model is `rm -r REPO/models/<name>` then `gmat gc REPO`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gmat {

class RepositoryLayout {
public:
    explicit RepositoryLayout(std::filesystem::path root) : root_(std::move(root)) {}

    const std::filesystem::path &root() const { return root_; }
    std::filesystem::path marker_file() const { return root_ / "repository.json"; }
    std::filesystem::path lock_file() const { return root_ / ".lock"; }
    std::filesystem::path blobs_dir() const { return root_ / "blobs"; }
    std::filesystem::path models_dir() const { return root_ / "models"; }
    std::filesystem::path model_store(const std::string &name) const { return models_dir() / name / "model.gmat"; }
    std::filesystem::path blob_path(const std::string &blob) const { return blob_path(blobs_dir(), blob); }
    // What temporary_sibling() is given for blob temporaries.
    std::filesystem::path blob_temporary_target() const { return blobs_dir() / "import"; }

    static std::filesystem::path blob_path(const std::filesystem::path &blobs_dir, const std::string &blob);

private:
    std::filesystem::path root_;
};

bool is_repository(const std::filesystem::path &dir);
// Creates the folders and marker of a new repository, or checks an existing one.
RepositoryLayout open_or_create_repository(const std::filesystem::path &dir);
// Throws when dir is not a repository (the error names it).
RepositoryLayout open_repository(const std::filesystem::path &dir);

// A model name is one path component: no '/', not "." or "..", not hidden.
void check_model_name(const std::string &name);

struct RepositoryModel {
    std::string name;
    std::filesystem::path store; // REPO/models/<name>/model.gmat
};
// Models with a metadata.json, sorted by name.
std::vector<RepositoryModel> repository_models(const RepositoryLayout &repo);

} // namespace gmat
