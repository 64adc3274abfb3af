#include "store/codec_chunk_cache.hpp"

#include <array>
#include <atomic>
#include <cstring>
#include <vector>

namespace gmat {

namespace {
struct CachedChunk {
    uint64_t owner = 0, chunk = 0;
    bool busy = false; // being filled: a delta's decode reads its base through this cache too
    std::vector<uint8_t> bytes;
};

// Four entries: a delta chunk and its base's chunk, with room for a chain.
struct ThreadChunkCache {
    std::array<CachedChunk, 4> entries;
    size_t next_victim = 0;

    CachedChunk *find(uint64_t owner, uint64_t chunk) {
        for (auto &e : entries)
            if (!e.busy && e.owner == owner && e.chunk == chunk) return &e;
        return nullptr;
    }
    CachedChunk *victim() {
        for (size_t tries = 0; tries < entries.size(); ++tries) {
            CachedChunk &e = entries[next_victim];
            next_victim = (next_victim + 1) % entries.size();
            if (!e.busy) return &e;
        }
        return nullptr;
    }
};

struct BusyGuard {
    CachedChunk &entry;
    explicit BusyGuard(CachedChunk &e) : entry(e) { entry.busy = true; }
    ~BusyGuard() { entry.busy = false; }
};
} // namespace

uint64_t new_chunk_owner_id() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
}

void copy_from_decoded_chunk(uint64_t owner, uint64_t chunk, size_t chunk_bytes, size_t within, size_t n, uint8_t *dst,
                             const std::function<void(uint8_t *)> &decode) {
    thread_local ThreadChunkCache cache;
    if (CachedChunk *hit = cache.find(owner, chunk)) {
        std::memcpy(dst, hit->bytes.data() + within, n);
        return;
    }
    CachedChunk *entry = cache.victim();
    if (!entry) { // every entry is mid-decode further up this thread's stack
        std::vector<uint8_t> bytes(chunk_bytes);
        decode(bytes.data());
        std::memcpy(dst, bytes.data() + within, n);
        return;
    }
    entry->owner = 0;
    {
        BusyGuard guard(*entry);
        entry->bytes.resize(chunk_bytes);
        decode(entry->bytes.data());
    }
    entry->owner = owner;
    entry->chunk = chunk;
    std::memcpy(dst, entry->bytes.data() + within, n);
}

} // namespace gmat
