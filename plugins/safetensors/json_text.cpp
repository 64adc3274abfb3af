#include "json_text.hpp"

#include "errors.hpp"
#include "utf8.hpp"

#include <rapidjson/error/en.h>

namespace gmat::safetensors {

void parse_json_object(const std::string &file, std::string_view what, std::string_view text,
                       rapidjson::Document &out) {
    if (const auto bad = first_invalid_utf8(text))
        format_error(file, std::string(what) + " is not valid UTF-8 (byte " + std::to_string(*bad) + " of the " +
                               std::string(what) + ")");
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    out.Parse<kFlags>(text.data(), text.size());
    if (out.HasParseError())
        format_error(file,
                     std::string(what) + " is not valid JSON: " + rapidjson::GetParseError_En(out.GetParseError()) +
                         " (at byte " + std::to_string(out.GetErrorOffset()) + " of the " + std::string(what) + ")");
    if (!out.IsObject()) format_error(file, std::string(what) + " must be a JSON object, found " + json_type_name(out));
}

const char *json_type_name(const rapidjson::Value &value) {
    switch (value.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType: return "false";
    case rapidjson::kTrueType: return "true";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return "number";
    }
    return "unknown";
}

} // namespace gmat::safetensors
