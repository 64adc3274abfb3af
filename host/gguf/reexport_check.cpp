#include "gguf/reexport_check.hpp"

#include "auto/predicted_file_size.hpp"

#include <filesystem>

namespace gmat {

namespace {

// What the writer puts in shard s besides the model's metadata.
std::vector<std::pair<std::string, MetadataValue>> expected_kvs(const ExportPlan &plan, uint32_t s) {
    std::vector<std::pair<std::string, MetadataValue>> kvs;
    if (s == 0) kvs = plan.metadata.entries();
    if (plan.shard_count > 1) {
        uint32_t tensors = static_cast<uint32_t>(plan.tensors.size());
        kvs.emplace_back("split.no", static_cast<uint16_t>(s));
        kvs.emplace_back("split.count", static_cast<uint16_t>(plan.shard_count));
        kvs.emplace_back("split.tensors.count", static_cast<int32_t>(tensors));
        if (s > 0)
            if (const MetadataValue *a = plan.metadata.find("general.alignment")) kvs.emplace_back("general.alignment", *a);
    }
    return kvs;
}

std::string shape_text(const std::vector<uint64_t> &ne) {
    std::string s;
    for (uint64_t n : ne) s += (s.empty() ? "" : "x") + std::to_string(n);
    return s;
}

} // namespace

ReexportCheck check_reexport(const InspectedGguf &file, const ExportPlan &plan) {
    ReexportCheck r;
    auto differ = [&](std::string what) { r.differences.push_back(std::move(what)); };
    if (file.files.size() != plan.shard_count) {
        differ("the export would write " + std::to_string(plan.shard_count) + " file(s); there are " +
               std::to_string(file.files.size()));
        return r;
    }
    const std::vector<uint64_t> sizes = predicted_file_sizes(plan);
    for (uint32_t s = 0; s < plan.shard_count; ++s) {
        const std::string where = file.files[s].filename().string();
        const auto expected = expected_kvs(plan, s);
        const auto &actual = file.readers[s]->metadata().entries();
        for (size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
            if (i >= expected.size()) {
                differ(where + ": key " + actual[i].first + " would not be written");
            } else if (i >= actual.size()) {
                differ(where + ": key " + expected[i].first + " = " + metadata_value_text(expected[i].second) + " is missing");
            } else if (expected[i].first != actual[i].first) {
                differ(where + ": key " + std::to_string(i) + " is " + actual[i].first + "; the export writes " +
                       expected[i].first);
            } else if (!(expected[i].second == actual[i].second)) {
                differ(where + ": " + actual[i].first + " is " + metadata_value_text(actual[i].second) +
                       "; the export writes " + metadata_value_text(expected[i].second));
            }
        }
        const uint64_t size = std::filesystem::file_size(file.files[s]);
        if (size != sizes[s])
            differ(where + ": " + std::to_string(size) + " bytes; the export writes " + std::to_string(sizes[s]));
    }
    for (size_t i = 0; i < std::max(plan.tensors.size(), file.tensors.size()); ++i) {
        if (i >= plan.tensors.size()) {
            differ("tensor " + file.tensors[i].name + " would not be written");
            continue;
        }
        const PlannedTensor &t = plan.tensors[i];
        if (i >= file.tensors.size()) {
            differ("tensor " + t.gguf_name + " is missing");
            continue;
        }
        const InspectedTensor &f = file.tensors[i];
        if (f.name != t.gguf_name) {
            differ("tensor " + std::to_string(i) + " is " + f.name + "; the export writes " + t.gguf_name);
            continue;
        }
        if (f.ggml_type != t.type->gguf_type())
            differ(f.name + ": type " + f.type_name + "; the export writes " + t.type->name());
        if (f.ne != t.ggml_ne()) differ(f.name + ": shape " + shape_text(f.ne) + "; the export writes " + shape_text(t.ggml_ne()));
        if (f.file != t.shard)
            differ(f.name + ": in file " + std::to_string(f.file + 1) + "; the export writes it to file " +
                   std::to_string(t.shard + 1));
    }
    return r;
}

} // namespace gmat
