#include "repository/blob_store.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "repository/content_id.hpp"
#include "repository/repository_layout.hpp"
#include "store/tensor_file_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <vector>

namespace fs = std::filesystem;

namespace gmat {

namespace {
// Far more than any real fine-tune lineage; stops a corrupt cycle of bases.
constexpr int kMaxBaseChain = 64;
constexpr int kMaxCollisions = 16;

std::unique_ptr<TensorFileReader> open_blob_chain(const fs::path &blobs_dir, const std::string &name,
                                                  const std::string &uuid, const std::string &tensor_name, int depth) {
    const fs::path file = RepositoryLayout::blob_path(blobs_dir, name);
    if (!fs::exists(file))
        throw GmatError(file.string() + ": blob " + name + " of tensor '" + tensor_name + "' (uuid " + uuid +
                        ") is missing");
    auto reader = std::make_unique<TensorFileReader>(file, uuid, tensor_name);
    const std::string base = blob_base_ref(*reader);
    if (base.empty()) return reader;
    if (depth >= kMaxBaseChain)
        throw GmatError(file.string() + ": chain of delta bases is longer than " + std::to_string(kMaxBaseChain) +
                        " (a cycle?)");
    if (!is_blob_name(base))
        throw GmatError(file.string() + ": delta base '" + base + "' is not a blob name");
    reader->attach_base(open_blob_chain(blobs_dir, base, uuid, tensor_name, depth + 1));
    return reader;
}

bool rename_no_replace(const fs::path &from, const fs::path &to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno == EEXIST) return false;
    throw GmatError(to.string() + ": cannot move the new blob into place: " + std::strerror(errno));
}
} // namespace

std::unique_ptr<TensorFileReader> open_blob(const fs::path &blobs_dir, const std::string &name, const std::string &uuid,
                                            const std::string &tensor_name) {
    return open_blob_chain(blobs_dir, name, uuid, tensor_name, 0);
}

std::string blob_base_ref(const TensorFileReader &blob) {
    return blob.header().encoding == TensorEncoding::zstd_planes_delta ? blob.header().base_ref : std::string();
}

PublishedBlob publish_blob(const fs::path &temporary, const fs::path &blobs_dir, const std::string &content_id,
                         const std::function<bool(const TensorFileReader &existing)> &same_content) {
    for (int k = 0; k <= kMaxCollisions; ++k) {
        const std::string name = k == 0 ? content_id : content_id + "-" + std::to_string(k);
        const fs::path target = RepositoryLayout::blob_path(blobs_dir, name);
        const fs::path shard = target.parent_path();
        if (!fs::is_directory(shard)) {
            fs::create_directories(shard);
            sync_path(blobs_dir);
        }
        if (rename_no_replace(temporary, target)) {
            sync_path(shard);
            return {name, true};
        }
        std::unique_ptr<TensorFileReader> existing;
        try {
            existing = open_blob(blobs_dir, name, "", "existing blob " + name);
        } catch (const GmatError &) {
            // A damaged blob is never reused: the content goes under the next name.
        }
        if (existing && same_content(*existing)) {
            fs::remove(temporary);
            return {name, false};
        }
    }
    throw GmatError(RepositoryLayout::blob_path(blobs_dir, content_id).string() + ": more than " +
                    std::to_string(kMaxCollisions) + " different tensors share this content id");
}

} // namespace gmat
