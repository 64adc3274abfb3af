// The tokenizer files of one model folder, each JSON file parsed at most once.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace gmat {

class TokenizerFolder {
public:
    explicit TokenizerFolder(std::filesystem::path dir);

    const std::filesystem::path &dir() const { return dir_; }
    std::filesystem::path path(const std::string &name) const { return dir_ / name; }
    // True when name is a regular file in the folder.
    bool has(const std::string &name) const;
    // The file's top-level JSON object, or nullptr when the file is absent.
    // Throws GmatError naming the file on invalid JSON or a non-object root.
    const rapidjson::Value *json(const std::string &name) const;
    std::string read_text(const std::string &name) const;
    // "<folder>/<name>", for messages.
    std::string describe(const std::string &name) const { return path(name).string(); }

private:
    std::filesystem::path dir_;
    mutable std::map<std::string, std::unique_ptr<rapidjson::Document>> parsed_;
};

// The member named key of object, or nullptr when absent or object is not an object.
const rapidjson::Value *find_member(const rapidjson::Value &object, const char *key);

} // namespace gmat
