#include "data_layout.hpp"

#include "errors.hpp"

#include <algorithm>

namespace gmat::safetensors {

namespace {

std::string range(const TensorEntry &t) {
    const uint64_t offsets[2] = {t.begin, t.end};
    return bracketed(offsets, 2);
}

void check_within_data(const std::string &file, const TensorEntry &t, uint64_t data_size) {
    if (t.end > data_size)
        tensor_format_error(file, t.name,
                            "data_offsets " + range(t) + " reach beyond the end of the data section, which holds " +
                                std::to_string(data_size) + " bytes");
}

// t follows prev (nullptr for the first tensor), whose bytes end at covered.
void check_adjacent(const std::string &file, const TensorEntry *prev, const TensorEntry &t, uint64_t covered) {
    if (t.begin < covered)
        tensor_format_error(file, t.name,
                            "data_offsets " + range(t) + " overlap tensor '" + prev->name + "' at " + range(*prev));
    if (t.begin > covered) {
        const std::string where = prev ? "between tensor '" + prev->name + "' and this one" : "before this tensor";
        tensor_format_error(file, t.name,
                            "gap of " + std::to_string(t.begin - covered) + " bytes: bytes [" +
                                std::to_string(covered) + ", " + std::to_string(t.begin) +
                                ") of the data section belong to no tensor (" + where +
                                "); tensors must be packed without gaps");
    }
}

} // namespace

void order_and_check_layout(const std::string &file, std::vector<TensorEntry> &tensors, uint64_t data_size) {
    for (const TensorEntry &t : tensors) check_within_data(file, t, data_size);
    std::stable_sort(tensors.begin(), tensors.end(), [](const TensorEntry &a, const TensorEntry &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t covered = 0;
    const TensorEntry *prev = nullptr;
    for (const TensorEntry &t : tensors) {
        check_adjacent(file, prev, t, covered);
        covered = t.end;
        prev = &t;
    }
    if (covered == data_size) return;
    if (prev == nullptr)
        format_error(file, "the data section holds " + std::to_string(data_size) +
                               " bytes but the header lists no tensors (unused bytes)");
    format_error(file, "the data section has " + std::to_string(data_size - covered) +
                           " unused bytes after the last tensor '" + prev->name + "', which ends at " +
                           std::to_string(covered) + " of " + std::to_string(data_size));
}

} // namespace gmat::safetensors
