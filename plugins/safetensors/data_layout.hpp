// The data section rule: tensors tile it exactly, with no overlap, no gap
// and no unused byte at the end.
#pragma once

#include "header.hpp"

#include <string>
#include <vector>

namespace gmat::safetensors {

// Sorts tensors by data offset (stable: ties keep the header's order) and
// checks that they cover [0, data_size) exactly once. Throws a FORMAT error
// naming the file, the tensor and the rule otherwise.
void order_and_check_layout(const std::string &file, std::vector<TensorEntry> &tensors, uint64_t data_size);

} // namespace gmat::safetensors
