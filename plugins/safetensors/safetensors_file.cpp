#include "safetensors_file.hpp"

#include "errors.hpp"

#include <cstring>

namespace gmat::safetensors {

SafetensorsFile::SafetensorsFile(const std::string &path)
    : file_(path), header_(parse_header(path, file_.data(), file_.size())) {}

void SafetensorsFile::read(const TensorEntry &t, uint64_t offset, uint64_t n_bytes, void *dst) const {
    if (offset > t.n_bytes() || n_bytes > t.n_bytes() - offset)
        fail_tensor(GMAT_ERROR_INVALID_ARGUMENT, path(), t.name,
                    "read of bytes [" + std::to_string(offset) + ", +" + std::to_string(n_bytes) +
                        ") is outside the tensor's " + std::to_string(t.n_bytes()) + " bytes");
    if (n_bytes == 0) return;
    const uint64_t begin = header_.data_start + t.begin + offset;
    file_.require_still_covers(begin + n_bytes);
    std::memcpy(dst, file_.data() + begin, n_bytes);
    // The copied pages are not needed again by this read: give them back now,
    // so resident memory is one chunk per reading thread, not the largest
    // tensor (a 32000 x 4096 embedding is 262 MB of BF16). The page cache
    // keeps them, so a second read of the range costs only minor faults.
    file_.drop_pages(begin, begin + n_bytes);
}

void SafetensorsFile::release(const TensorEntry &t) const noexcept {
    file_.drop_pages(header_.data_start + t.begin, header_.data_start + t.end);
}

} // namespace gmat::safetensors
