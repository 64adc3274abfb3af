#include "repository/repository_layout.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/json.hpp"

#include <algorithm>

namespace fs = std::filesystem;

namespace gmat {

namespace {
constexpr const char *kRepositoryFormat = "gmat-repository";
constexpr uint64_t kRepositoryFormatVersion = 1;

void check_marker(const fs::path &file) {
    const rapidjson::Document doc = json::parse_file(file);
    const std::string ctx = file.string();
    json::require_object(doc, ctx);
    const std::string format = json::require_string(json::require_member(doc, "format", ctx), ctx + ": format");
    if (format != kRepositoryFormat)
        throw GmatError(ctx + ": format is '" + format + "', expected '" + kRepositoryFormat + "'");
    const uint64_t version =
        json::require_uint(json::require_member(doc, "format_version", ctx), ctx + ": format_version");
    if (version != kRepositoryFormatVersion)
        throw GmatError(ctx + ": repository format version " + std::to_string(version) + ", this gmat reads version " +
                        std::to_string(kRepositoryFormatVersion));
}
} // namespace

fs::path RepositoryLayout::blob_path(const fs::path &blobs_dir, const std::string &blob) {
    return blobs_dir / blob.substr(0, 2) / (blob + ".gmat");
}

bool is_repository(const fs::path &dir) {
    std::error_code ec;
    return fs::is_regular_file(RepositoryLayout(dir).marker_file(), ec);
}

RepositoryLayout open_repository(const fs::path &dir) {
    RepositoryLayout repo(dir);
    if (!is_repository(dir))
        throw GmatError(dir.string() + ": not a GMAT repository (no repository.json; `gmat import --into` makes one)");
    check_marker(repo.marker_file());
    return repo;
}

// Two imports may create the same repository at once: both see a folder
// holding only a repository's own entries and write the same marker.
bool only_repository_entries(const fs::path &dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name != "blobs" && name != "models" && name != ".lock" && name != "repository.json" &&
            !is_temporary_name(it->path()))
            return false;
    }
    return !ec;
}

RepositoryLayout open_or_create_repository(const fs::path &dir) {
    RepositoryLayout repo(dir);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw GmatError(dir.string() + ": exists and is not a folder");
    fs::create_directories(dir);
    if (!is_repository(dir)) {
        if (!only_repository_entries(dir))
            throw GmatError(dir.string() + ": not empty and not a GMAT repository (no repository.json); "
                                           "give a new or empty folder to --into");
        fs::create_directories(repo.blobs_dir());
        fs::create_directories(repo.models_dir());
        write_file_atomically(repo.marker_file(), std::string("{\"format\": \"") + kRepositoryFormat +
                                                      "\", \"format_version\": " +
                                                      std::to_string(kRepositoryFormatVersion) + "}\n");
        sync_path(dir);
    }
    check_marker(repo.marker_file());
    return repo;
}

void check_model_name(const std::string &name) {
    if (name.empty() || name == "." || name == ".." || name[0] == '.' || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos)
        throw GmatError("model name '" + name + "' must be one non-hidden folder name (no '/', not '.' or '..')");
}

std::vector<RepositoryModel> repository_models(const RepositoryLayout &repo) {
    std::vector<RepositoryModel> models;
    std::error_code ec;
    for (fs::directory_iterator it(repo.models_dir(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (is_temporary_name(it->path())) continue;
        const fs::path store = repo.model_store(name);
        if (fs::exists(store / "metadata.json")) models.push_back({name, store});
    }
    if (ec) throw GmatError(repo.models_dir().string() + ": cannot list models: " + ec.message());
    std::sort(models.begin(), models.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    return models;
}

} // namespace gmat
