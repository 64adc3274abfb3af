// `gmat import --base BASE_STORE`: which base tensor each new tensor is a
// delta against (same name, dtype and shape), and how the delta names it:
// by blob in a repository (so the delta survives removal of the base model
// and gc keeps the base blob), by uuid in a standalone store (metadata.json
// records the base store's relative path).
#pragma once

#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace gmat {

class DeltaBase {
public:
    // new_store: where the new store will be; blobs_dir: its repository's
    // blob folder, or empty for a standalone store. A repository import
    // needs a base in the same repository.
    DeltaBase(const std::filesystem::path &base_store, const std::filesystem::path &new_store,
              const std::filesystem::path &blobs_dir);

    // The base tensor for `t`, or nullptr when the base has none that matches.
    const StoredTensor *match(const StoredTensor &t) const;
    // What the delta file's header records (TensorWriteOptions::base_ref).
    std::string reference(const StoredTensor &base) const;
    std::unique_ptr<TensorFileReader> open(const StoredTensor &base) const { return store_.open_tensor(base); }
    // The base store relative to the new store's folder, for metadata.json.
    const std::string &relative_path() const { return relative_path_; }

private:
    Store store_;
    bool into_repository_;
    std::string relative_path_;
};

} // namespace gmat
