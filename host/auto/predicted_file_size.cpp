#include "auto/predicted_file_size.hpp"

#include <numeric>
#include <type_traits>

namespace gmat {

namespace {

uint64_t padded(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

uint64_t string_bytes(const std::string &s) { return 8 + s.size(); }

// Bytes of one encoded value after its type tag.
uint64_t value_bytes(const MetadataValue &value) {
    return std::visit(
        [](const auto &v) -> uint64_t {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return string_bytes(v);
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                uint64_t n = 4 + 8;
                for (const auto &s : v) n += string_bytes(s);
                return n;
            } else if constexpr (std::is_same_v<T, bool>) {
                return 1;
            } else if constexpr (std::is_arithmetic_v<T>) {
                return sizeof(T);
            } else {
                return 4 + 8 + v.size() * sizeof(typename T::value_type);
            }
        },
        value);
}

uint64_t kv_bytes(const std::string &key, uint64_t value) { return string_bytes(key) + 4 + value; }

} // namespace

uint64_t gguf_alignment(const Metadata &metadata) {
    if (const uint32_t *a = metadata.get<uint32_t>("general.alignment"); a && *a > 0) return *a;
    return 32;
}

std::vector<uint64_t> predicted_file_sizes(const ExportPlan &plan) {
    const uint64_t alignment = gguf_alignment(plan.metadata);
    const bool sharded = plan.shard_count > 1;
    std::vector<uint64_t> header(plan.shard_count, 4 + 4 + 8 + 8), data(plan.shard_count, 0);
    for (const auto &[key, value] : plan.metadata.entries()) header[0] += kv_bytes(key, value_bytes(value));
    if (sharded)
        for (uint32_t s = 0; s < plan.shard_count; ++s) {
            header[s] += kv_bytes("split.no", 2) + kv_bytes("split.count", 2) + kv_bytes("split.tensors.count", 4);
            if (s > 0 && plan.metadata.find("general.alignment")) header[s] += kv_bytes("general.alignment", 4);
        }
    for (const auto &t : plan.tensors) {
        header[t.shard] += string_bytes(t.gguf_name) + 4 + 8 * t.shape.size() + 4 + 8;
        data[t.shard] += padded(t.bytes, alignment);
    }
    std::vector<uint64_t> sizes(plan.shard_count);
    for (uint32_t s = 0; s < plan.shard_count; ++s) sizes[s] = padded(header[s], alignment) + data[s];
    return sizes;
}

uint64_t predicted_output_bytes(const ExportPlan &plan) {
    const auto sizes = predicted_file_sizes(plan);
    return std::accumulate(sizes.begin(), sizes.end(), uint64_t{0});
}

} // namespace gmat
