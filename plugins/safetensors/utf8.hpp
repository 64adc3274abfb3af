// UTF-8 validation. The format requires a UTF-8 header, and RapidJSON only
// checks the encoding inside strings, so the whole text is checked first.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gmat::safetensors {

// The offset where the first invalid sequence starts (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt when text is valid.
std::optional<size_t> first_invalid_utf8(std::string_view text);

} // namespace gmat::safetensors
