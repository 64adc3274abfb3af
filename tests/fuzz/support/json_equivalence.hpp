// Equality of two JSON values up to the last bits of doubles: RapidJSON's
// default parse (no kParseFullPrecisionFlag) can be a few ULP off for
// extreme exponents (-9.9e-300 reads back as -9.899999999999999e-300), so
// a write-then-read round trip is checked for structure, strings, integers
// and doubles within a relative 1e-14.
#pragma once

#include <rapidjson/document.h>

namespace gmat::fuzz {

bool json_equivalent(const rapidjson::Value &a, const rapidjson::Value &b);

} // namespace gmat::fuzz
