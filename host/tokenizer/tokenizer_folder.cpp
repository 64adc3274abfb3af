#include "tokenizer/tokenizer_folder.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <fstream>
#include <sstream>

namespace gmat {

TokenizerFolder::TokenizerFolder(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec))
        throw GmatError(dir_.string() + ": model folder does not exist or is not a folder");
}

bool TokenizerFolder::has(const std::string &name) const {
    std::error_code ec;
    return std::filesystem::is_regular_file(path(name), ec);
}

const rapidjson::Value *TokenizerFolder::json(const std::string &name) const {
    auto cached = parsed_.find(name);
    if (cached != parsed_.end()) return cached->second.get();
    std::unique_ptr<rapidjson::Document> doc;
    if (has(name)) {
        doc = std::make_unique<rapidjson::Document>(json::parse_file(path(name)));
        if (!doc->IsObject())
            throw GmatError(describe(name) + ": expected a JSON object at the top level, found " +
                            json::type_name(*doc));
    }
    return parsed_.emplace(name, std::move(doc)).first->second.get();
}

std::string TokenizerFolder::read_text(const std::string &name) const {
    std::ifstream in(path(name), std::ios::binary);
    if (!in) throw GmatError(describe(name) + ": cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const rapidjson::Value *find_member(const rapidjson::Value &object, const char *key) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(key);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

} // namespace gmat
