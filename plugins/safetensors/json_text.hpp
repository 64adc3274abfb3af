// Parsing the JSON texts of the format (a file's header, an index.json)
// with errors that name the file and where the text goes wrong.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace gmat::safetensors {

// Parses text as one JSON object. Throws a FORMAT error naming file and
// `what` ("header", "index") when the text is not UTF-8, not JSON, or its
// root is not an object. Nesting depth never touches the stack (the parser
// runs iteratively), so a hostile header cannot overflow it.
void parse_json_object(const std::string &file, std::string_view what, std::string_view text, rapidjson::Document &out);

// "object", "array", "string", "number", "true", "false", "null".
const char *json_type_name(const rapidjson::Value &value);

} // namespace gmat::safetensors
