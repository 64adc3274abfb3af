// RapidJSON helpers: parsing with file/offset context, strict schema checks
// whose errors name the file and the JSON path, and pretty writing.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gmat::json {

// Parses a whole file; throws GmatError "<file>: invalid JSON at offset N: <reason>".
rapidjson::Document parse_file(const std::filesystem::path &file);
rapidjson::Document parse_text(std::string_view text, const std::string &context);

// Throws "<context>: unknown key '<k>' in <where> (valid keys: a, b, c)" for any other key.
void require_only_keys(const rapidjson::Value &object, std::initializer_list<const char *> keys,
                       const std::string &context, const std::string &where);

const rapidjson::Value &require_member(const rapidjson::Value &object, const char *key, const std::string &context);
std::string require_string(const rapidjson::Value &value, const std::string &context);
uint64_t require_uint(const rapidjson::Value &value, const std::string &context);
double require_number(const rapidjson::Value &value, const std::string &context);
bool require_bool(const rapidjson::Value &value, const std::string &context);
const rapidjson::Value &require_object(const rapidjson::Value &value, const std::string &context);
const rapidjson::Value &require_array(const rapidjson::Value &value, const std::string &context);
std::string type_name(const rapidjson::Value &value);

std::string to_pretty_string(const rapidjson::Value &value);
// Writes atomically (temporary file, then rename).
void write_file(const std::filesystem::path &file, const rapidjson::Value &value);

} // namespace gmat::json
