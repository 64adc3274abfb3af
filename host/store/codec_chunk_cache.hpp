// A per-thread cache of a few decoded chunks of encoded tensor files, so
// reads smaller than a chunk (rows of a row-permuted tensor, a base's bytes
// for a delta whose chunks differ in size) decode each chunk once, not once
// per read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace gmat {

// A number no other reader gets in this process (0 is never handed out).
uint64_t new_chunk_owner_id();

// Copies n bytes at `within` of chunk (owner, chunk) to dst; on a miss,
// decode(buffer) fills a buffer of chunk_bytes first. Thread-safe: each
// thread has its own entries. A decode that throws leaves nothing cached.
void copy_from_decoded_chunk(uint64_t owner, uint64_t chunk, size_t chunk_bytes, size_t within, size_t n, uint8_t *dst,
                             const std::function<void(uint8_t *)> &decode);

} // namespace gmat
