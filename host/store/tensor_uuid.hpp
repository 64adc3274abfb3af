// Tensor UUIDs: stable names for store tensors.
#pragma once

#include <string>
#include <string_view>

namespace gmat {

// A UUID derived from the source tensor name (RFC 9562 version 8, from
// XXH3-128), so generating an import config twice gives the same UUIDs.
std::string tensor_uuid_for(std::string_view source_name);
bool is_uuid(std::string_view text); // 8-4-4-4-12 lower/upper hex

} // namespace gmat
