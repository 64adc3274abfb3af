#include "imatrix/importance_matrix.hpp"

#include "common/error.hpp"
#include "imatrix/gguf_reader.hpp"

#include <cmath>
#include <cstring>
#include <fstream>

namespace gmat {

namespace {
constexpr int32_t kMaxNameBytes = 1 << 16;
constexpr int32_t kMaxValues = 1 << 28;

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
} // namespace

ImportanceMatrix ImportanceMatrix::load(const std::filesystem::path &file) {
    if (!std::filesystem::exists(file)) throw GmatError(file.string() + ": importance matrix file not found");
    return GgufReader::looks_like_gguf(file) ? load_gguf(file) : load_legacy(file);
}

ImportanceMatrix ImportanceMatrix::load_gguf(const std::filesystem::path &file) {
    const GgufReader gguf(file);
    ImportanceMatrix m;
    m.file_ = file;
    if (const auto *d = gguf.metadata().get<std::vector<std::string>>("imatrix.datasets")) m.datasets_ = *d;
    if (const auto *c = gguf.metadata().get<uint32_t>("imatrix.chunk_count")) m.chunk_count_ = *c;
    std::map<std::string, const GgufTensorEntry *> sums, counts;
    for (const auto &t : gguf.tensors()) {
        if (ends_with(t.name, ".in_sum2")) sums[t.name.substr(0, t.name.size() - 8)] = &t;
        else if (ends_with(t.name, ".counts")) counts[t.name.substr(0, t.name.size() - 7)] = &t;
    }
    for (const auto &[name, sum] : sums) {
        auto c = counts.find(name);
        if (c == counts.end()) throw GmatError(file.string() + ": '" + name + ".in_sum2' has no matching '.counts' tensor");
        const std::vector<float> s = gguf.read_f32(*sum);
        const std::vector<float> n = gguf.read_f32(*c->second);
        if (n.empty() || s.size() % n.size() != 0)
            throw GmatError(file.string() + ": '" + name + "': " + std::to_string(s.size()) + " sums do not divide into " +
                            std::to_string(n.size()) + " matrices");
        const size_t per = s.size() / n.size();
        std::vector<float> e(s.size());
        for (size_t j = 0; j < n.size(); ++j) {
            const float count = static_cast<float>(std::lround(n[j]));
            for (size_t i = 0; i < per; ++i) e[j * per + i] = count > 0 ? s[j * per + i] / count : 1.0f;
        }
        m.entries_[name] = std::move(e);
    }
    for (const auto &[name, count] : counts)
        if (!sums.count(name)) throw GmatError(file.string() + ": '" + name + ".counts' has no matching '.in_sum2' tensor");
    if (m.entries_.empty()) throw GmatError(file.string() + ": no importance entries (no *.in_sum2 tensors)");
    return m;
}

ImportanceMatrix ImportanceMatrix::load_legacy(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file.string() + ": cannot open for reading");
    const std::string ctx = file.string() + ": not a valid imatrix .dat file: ";
    auto read_i32 = [&](const std::string &what) {
        int32_t v = 0;
        in.read(reinterpret_cast<char *>(&v), 4);
        if (!in) throw GmatError(ctx + "truncated while reading " + what);
        return v;
    };
    ImportanceMatrix m;
    m.file_ = file;
    const uint64_t file_size = std::filesystem::file_size(file);
    const int32_t n_entries = read_i32("the entry count");
    if (n_entries < 1) throw GmatError(ctx + "entry count " + std::to_string(n_entries));
    for (int32_t i = 0; i < n_entries; ++i) {
        const std::string entry = "entry " + std::to_string(i + 1);
        const int32_t len = read_i32(entry + " name length");
        if (len < 1 || len > kMaxNameBytes) throw GmatError(ctx + entry + " has a name of " + std::to_string(len) + " bytes");
        std::string name(static_cast<size_t>(len), '\0');
        in.read(name.data(), len);
        if (!in) throw GmatError(ctx + "truncated in " + entry + "'s name");
        const int32_t ncall = read_i32(entry + " ('" + name + "') call count");
        const int32_t nval = read_i32(entry + " ('" + name + "') value count");
        if (nval < 1 || nval > kMaxValues) throw GmatError(ctx + "'" + name + "' has " + std::to_string(nval) + " values");
        // Checked before allocating: a 20-byte file must not cost a gigabyte.
        if (static_cast<uint64_t>(nval) * 4 > file_size - static_cast<uint64_t>(in.tellg()))
            throw GmatError(ctx + "truncated in the values of '" + name + "'");
        std::vector<float> values(static_cast<size_t>(nval));
        in.read(reinterpret_cast<char *>(values.data()), static_cast<std::streamsize>(nval) * 4);
        if (!in) throw GmatError(ctx + "truncated in the values of '" + name + "'");
        if (ncall > 0)
            for (float &v : values) v /= static_cast<float>(ncall);
        m.entries_[name] = std::move(values);
    }
    if (in.peek() != EOF) {
        int32_t chunks = 0;
        if (in.read(reinterpret_cast<char *>(&chunks), 4)) m.chunk_count_ = chunks > 0 ? static_cast<uint32_t>(chunks) : 0;
        int32_t len = 0;
        if (in.read(reinterpret_cast<char *>(&len), 4) && len > 0 && len <= kMaxNameBytes) {
            std::string dataset(static_cast<size_t>(len), '\0');
            if (in.read(dataset.data(), len)) m.datasets_.push_back(dataset);
        }
    }
    return m;
}

std::vector<std::string> ImportanceMatrix::names() const {
    std::vector<std::string> out;
    for (const auto &[name, values] : entries_) out.push_back(name);
    return out;
}

const std::vector<float> *ImportanceMatrix::for_tensor(const std::string &gguf_name, uint64_t n_cols) const {
    auto it = entries_.find(gguf_name);
    if (it == entries_.end()) return nullptr;
    if (n_cols == 0 || it->second.size() % n_cols != 0)
        throw GmatError(file_.string() + ": the entry for '" + gguf_name + "' has " + std::to_string(it->second.size()) +
                        " values, but the tensor's rows have " + std::to_string(n_cols));
    for (float v : it->second)
        if (!std::isfinite(v) || v < 0)
            throw GmatError(file_.string() + ": the entry for '" + gguf_name + "' holds a negative or non-finite value");
    return &it->second;
}

} // namespace gmat
