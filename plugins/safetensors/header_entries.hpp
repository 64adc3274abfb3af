// The entries of a header's JSON object, each validated on its own: names,
// fields, dtype, shape, data_offsets and their agreement; __metadata__.
// How the entries fit together in the data section is data_layout's job.
#pragma once

#include "header.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace gmat::safetensors {

// The tensor entries of header (a JSON object), in the header's order.
std::vector<TensorEntry> read_tensor_entries(const std::string &file, const rapidjson::Value &header);

} // namespace gmat::safetensors
