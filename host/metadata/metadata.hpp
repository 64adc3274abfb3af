// Model metadata as an ordered list of typed key/value pairs, the host's
// view of what a writer stores (GGUF KVs). Order is kept so output is
// deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gmat {

using MetadataValue = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                                   std::string, uint64_t, int64_t, double, std::vector<std::string>,
                                   std::vector<int32_t>, std::vector<float>, std::vector<uint32_t>,
                                   std::vector<int64_t>, std::vector<uint8_t>, std::vector<int8_t>,
                                   std::vector<uint16_t>, std::vector<int16_t>, std::vector<uint64_t>,
                                   std::vector<double>>;

class Metadata {
public:
    // Sets key to value, replacing an earlier value of the same key in place.
    void set(const std::string &key, MetadataValue value) {
        for (auto &entry : entries_) {
            if (entry.first == key) {
                entry.second = std::move(value);
                return;
            }
        }
        entries_.emplace_back(key, std::move(value));
    }
    const MetadataValue *find(const std::string &key) const {
        for (const auto &entry : entries_)
            if (entry.first == key) return &entry.second;
        return nullptr;
    }
    template <class T>
    const T *get(const std::string &key) const {
        const MetadataValue *v = find(key);
        return v ? std::get_if<T>(v) : nullptr;
    }
    void erase(const std::string &key) {
        std::erase_if(entries_, [&](const auto &e) { return e.first == key; });
    }
    const std::vector<std::pair<std::string, MetadataValue>> &entries() const { return entries_; }
    size_t size() const { return entries_.size(); }

private:
    std::vector<std::pair<std::string, MetadataValue>> entries_;
};

} // namespace gmat
