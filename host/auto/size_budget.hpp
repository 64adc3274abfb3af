// Size targets of an `auto` export profile: bits per weight of the tensor
// data, or a total file size in bytes written as a number or with a unit
// ("8GB" = 8 * 10^9 bytes, "7.5GiB" = 7.5 * 2^30 bytes).
#pragma once

#include <cstdint>
#include <string>

namespace gmat {

// Bytes of a size text: digits with an optional fraction and an optional unit
// (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; case-insensitive). Throws GmatError
// naming `where` for an empty, zero, negative or malformed size or an unknown unit.
uint64_t parse_size_text(const std::string &text, const std::string &where);

// target_bpw must be a finite number above 0 and at most 32.
double checked_target_bpw(double bpw, const std::string &where);

} // namespace gmat
