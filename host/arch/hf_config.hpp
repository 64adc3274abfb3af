// A HuggingFace config.json, read with typed getters whose errors name the
// file and the field.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <optional>
#include <string>

namespace gmat {

class HfConfig {
public:
    static HfConfig load(const std::filesystem::path &file);
    static HfConfig from_text(const std::string &text, const std::string &context);

    const std::string &source() const { return source_; }
    // architectures[0], e.g. "LlamaForCausalLM".
    std::string architecture_class() const;
    bool has(const char *key) const;
    uint64_t require_uint(const char *key) const;
    std::optional<uint64_t> optional_uint(const char *key) const;
    double require_number(const char *key) const;
    std::optional<double> optional_number(const char *key) const;
    std::optional<std::string> optional_string(const char *key) const;
    std::optional<bool> optional_bool(const char *key) const;
    // A nested object such as rope_scaling, or nullptr when absent or null.
    const rapidjson::Value *object(const char *key) const;
    const rapidjson::Value &root() const { return doc_; }

private:
    std::string source_;
    rapidjson::Document doc_;
};

} // namespace gmat
