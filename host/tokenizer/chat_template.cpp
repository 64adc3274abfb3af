#include "tokenizer/chat_template.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace gmat {

namespace {

struct NamedTemplate {
    std::string name; // "default" for the main one
    std::string text;
};

// gguf-py keeps template names to [A-Za-z0-9_].
std::string sanitized_name(std::string name) {
    for (char &c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

std::vector<NamedTemplate> templates_from_json(const rapidjson::Value &value, const std::string &context) {
    if (value.IsString()) return {{"default", json::require_string(value, context)}};
    if (!value.IsArray())
        throw GmatError(context + ": expected a template string or a list of {\"name\", \"template\"}, found " +
                        json::type_name(value));
    std::vector<NamedTemplate> out;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const std::string item = context + "[" + std::to_string(i) + "]";
        const auto &entry = json::require_object(value[i], item);
        out.push_back({sanitized_name(json::require_string(json::require_member(entry, "name", item), item + ".name")),
                       json::require_string(json::require_member(entry, "template", item), item + ".template")});
    }
    return out;
}

std::vector<NamedTemplate> templates_from_jinja(const TokenizerFolder &folder) {
    std::vector<NamedTemplate> out{{"default", folder.read_text("chat_template.jinja")}};
    const auto extra_dir = folder.path("additional_chat_templates");
    std::error_code ec;
    if (!std::filesystem::is_directory(extra_dir, ec)) return out;
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(extra_dir))
        if (entry.is_regular_file() && entry.path().extension() == ".jinja") files.push_back(entry.path());
    std::sort(files.begin(), files.end()); // directory order is not stable
    for (const auto &file : files) {
        const std::string relative = "additional_chat_templates/" + file.filename().string();
        out.push_back({sanitized_name(file.stem().string()), folder.read_text(relative)});
    }
    return out;
}

std::optional<std::vector<NamedTemplate>> find_templates(const TokenizerFolder &folder) {
    if (const auto *config = folder.json("tokenizer_config.json"))
        if (const auto *value = find_member(*config, "chat_template"); value && !value->IsNull())
            return templates_from_json(*value, folder.describe("tokenizer_config.json") + ": chat_template");
    if (folder.has("chat_template.jinja")) return templates_from_jinja(folder);
    if (const auto *root = folder.json("chat_template.json"))
        if (const auto *value = find_member(*root, "chat_template"); value && !value->IsNull())
            return templates_from_json(*value, folder.describe("chat_template.json") + ": chat_template");
    return std::nullopt;
}

} // namespace

void append_chat_templates(const TokenizerFolder &folder, Metadata &out) {
    const auto templates = find_templates(folder);
    if (!templates) return;
    std::vector<std::string> names;
    for (const NamedTemplate &t : *templates) {
        if (t.name == "default") {
            out.set("tokenizer.chat_template", t.text);
        } else if (!t.name.empty()) {
            out.set("tokenizer.chat_template." + t.name, t.text);
            if (std::find(names.begin(), names.end(), t.name) == names.end()) names.push_back(t.name);
        }
    }
    if (!names.empty()) out.set("tokenizer.chat_templates", names);
}

} // namespace gmat
