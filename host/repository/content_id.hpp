// The content id of a tensor: XXH3-128 over its dtype, shape, source
// encoding (FP8 / MXFP4 only, so plain tensors keep their ids) and logical
// (decoded) bytes, as 32 lower-case hex digits. Two tensors with the same id
// are stored once in a repository; the bytes are still compared before a blob
// is reused, so a hash collision can never alias two tensors.
#pragma once

#include "store/source_encoding.hpp"

#include <gmat/abi.h>

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gmat {

class ContentHasher {
public:
    ContentHasher(gmat_dtype dtype, const std::vector<uint64_t> &shape, const SourceLayout &source = {});
    ContentHasher(const ContentHasher &) = delete;
    ContentHasher &operator=(const ContentHasher &) = delete;
    ~ContentHasher();
    void update(const void *data, uint64_t n_bytes); // the logical bytes, in order
    std::string finish() const;

private:
    XXH3_state_t *state_;
};

// True for 32 hex digits, optionally followed by "-<n>" (the n-th distinct
// tensor whose hash collided with that id).
bool is_blob_name(const std::string &name);

} // namespace gmat
