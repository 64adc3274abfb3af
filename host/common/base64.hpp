// Standard base64 (RFC 4648 section 4: A-Z a-z 0-9 + /, '=' padding) as
// tiktoken files store token bytes.
#pragma once

#include <string>
#include <string_view>

namespace gmat {

// The bytes text encodes. Strict: the length must be a multiple of 4, '='
// may only pad the last group (one or two of them), and no other character
// (spaces included) is accepted. Throws std::invalid_argument saying what is
// wrong (the caller adds the file and line).
std::string decode_base64(std::string_view text);

} // namespace gmat
