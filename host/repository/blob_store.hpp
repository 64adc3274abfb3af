// Blobs: complete tensor files named by content id under REPO/blobs. A blob
// is written under a temporary name, synced, then renamed into place without
// replacing anything; it is never rewritten afterwards. A delta blob names its
// base blob in its header (base_ref), and opening it opens the base too.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace gmat {

class TensorFileReader;

// Opens blob `name` for tensor `uuid` ('tensor_name' in messages) and
// attaches its chain of bases. Errors name the blob file.
std::unique_ptr<TensorFileReader> open_blob(const std::filesystem::path &blobs_dir, const std::string &name,
                                            const std::string &uuid, const std::string &tensor_name);

// The base blob a delta blob's header names, or empty for a plain blob.
std::string blob_base_ref(const TensorFileReader &blob);

struct PublishedBlob {
    std::string name;
    bool created = false; // false: an existing blob with the same content was reused
};

// Moves the finished temporary tensor file into the blob for content_id and
// returns the blob. When that blob already exists, same_content(blob)
// decides whether it holds the same tensor: if so the temporary is removed and
// the existing blob reused; if not (a hash collision, or a damaged blob) the
// next name "<id>-1", "<id>-2"... is tried. A blob that cannot be opened
// counts as different; same_content must return false when reading it fails.
PublishedBlob publish_blob(const std::filesystem::path &temporary, const std::filesystem::path &blobs_dir,
                           const std::string &content_id,
                           const std::function<bool(const TensorFileReader &existing)> &same_content);

} // namespace gmat
