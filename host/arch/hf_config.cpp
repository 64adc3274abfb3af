#include "arch/hf_config.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

namespace gmat {

HfConfig HfConfig::load(const std::filesystem::path &file) {
    if (file.empty() || !std::filesystem::exists(file))
        throw GmatError((file.empty() ? std::string("config.json") : file.string()) +
                        ": the model's config.json is missing; it is needed to map the architecture");
    HfConfig c;
    c.source_ = file.string();
    c.doc_ = json::parse_file(file);
    json::require_object(c.doc_, c.source_);
    return c;
}

HfConfig HfConfig::from_text(const std::string &text, const std::string &context) {
    HfConfig c;
    c.source_ = context;
    c.doc_ = json::parse_text(text, context);
    json::require_object(c.doc_, context);
    return c;
}

std::string HfConfig::architecture_class() const {
    auto it = doc_.FindMember("architectures");
    if (it == doc_.MemberEnd() || !it->value.IsArray() || it->value.Empty() || !it->value[0].IsString())
        throw GmatError(source_ + ": 'architectures' is missing or not a list of class names");
    return it->value[0].GetString();
}

bool HfConfig::has(const char *key) const {
    auto it = doc_.FindMember(key);
    return it != doc_.MemberEnd() && !it->value.IsNull();
}

std::optional<uint64_t> HfConfig::optional_uint(const char *key) const {
    if (!has(key)) return std::nullopt;
    return json::require_uint(doc_[key], source_ + ": " + key);
}

uint64_t HfConfig::require_uint(const char *key) const {
    if (!has(key)) throw GmatError(source_ + ": missing required field '" + key + "'");
    return *optional_uint(key);
}

std::optional<double> HfConfig::optional_number(const char *key) const {
    if (!has(key)) return std::nullopt;
    return json::require_number(doc_[key], source_ + ": " + key);
}

double HfConfig::require_number(const char *key) const {
    if (!has(key)) throw GmatError(source_ + ": missing required field '" + key + "'");
    return *optional_number(key);
}

std::optional<std::string> HfConfig::optional_string(const char *key) const {
    if (!has(key)) return std::nullopt;
    return json::require_string(doc_[key], source_ + ": " + key);
}

std::optional<bool> HfConfig::optional_bool(const char *key) const {
    if (!has(key)) return std::nullopt;
    return json::require_bool(doc_[key], source_ + ": " + key);
}

const rapidjson::Value *HfConfig::object(const char *key) const {
    if (!has(key)) return nullptr;
    return &json::require_object(doc_[key], source_ + ": " + key);
}

} // namespace gmat
