#include "shard_set.hpp"

#include "errors.hpp"
#include "header.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace gmat::safetensors {

namespace {

bool ends_with(const std::string &s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_index_name(const fs::path &p) { return ends_with(p.filename().string(), ".safetensors.index.json"); }

std::vector<std::string> safetensors_files_in(const fs::path &dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".safetensors" && fs::is_regular_file(entry.path(), ec))
            files.push_back(entry.path().string());
    if (ec) fail(GMAT_ERROR_IO, dir.string(), "cannot list the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
}

ShardSet from_index(const fs::path &index_file) {
    ShardSet set;
    set.index = read_shard_index(index_file.string());
    const fs::path dir = index_file.parent_path();
    for (const std::string &name : set.index->shard_names) {
        const fs::path shard = dir / name;
        std::error_code ec;
        if (!fs::is_regular_file(shard, ec)) {
            const auto tensor = std::find_if(set.index->shard_of.begin(), set.index->shard_of.end(),
                                             [&](const auto &kv) { return kv.second == name; });
            fail(GMAT_ERROR_IO, index_file.string(),
                 "shard '" + shard.string() + "' (holding tensor '" + tensor->first +
                     "' among others) does not exist or is not a regular file");
        }
        set.files.push_back(shard.string());
    }
    return set;
}

// True when the file's first bytes are a plausible length prefix and '{'.
bool looks_like_safetensors(const fs::path &file, uint64_t size) {
    std::ifstream in(file, std::ios::binary);
    unsigned char head[9] = {};
    if (!in.read(reinterpret_cast<char *>(head), sizeof head)) return false;
    uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = length << 8 | head[i];
    return head[8] == '{' && length >= 2 && length <= kMaxHeaderBytes && length <= size - 8;
}

} // namespace

ShardSet discover_shards(const std::string &path) {
    const fs::path p(path);
    std::error_code ec;
    const fs::file_status status = fs::status(p, ec);
    if (!fs::exists(status)) fail(GMAT_ERROR_IO, path, "does not exist");
    if (fs::is_directory(status)) {
        if (fs::exists(p / kIndexFileName, ec)) return from_index(p / kIndexFileName);
        ShardSet set{safetensors_files_in(p), std::nullopt};
        if (set.files.empty())
            format_error(path, std::string("folder holds neither ") + kIndexFileName + " nor any *.safetensors file");
        return set;
    }
    if (is_index_name(p)) return from_index(p);
    return ShardSet{{path}, std::nullopt};
}

int32_t probe_score(const std::string &path) noexcept {
    try {
        const fs::path p(path);
        std::error_code ec;
        const fs::file_status status = fs::status(p, ec);
        if (fs::is_directory(status))
            return fs::exists(p / kIndexFileName, ec) || !safetensors_files_in(p).empty() ? 100 : 0;
        if (!fs::is_regular_file(status)) return 0;
        if (p.extension() == ".safetensors" || is_index_name(p)) return 100;
        const uint64_t size = fs::file_size(p, ec);
        return !ec && size >= 9 && looks_like_safetensors(p, size) ? 50 : 0;
    } catch (...) {
        return 0;
    }
}

} // namespace gmat::safetensors
