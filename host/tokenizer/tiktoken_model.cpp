#include "tokenizer/tiktoken_model.hpp"

#include "common/base64.hpp"
#include "common/error.hpp"
#include "tokenizer/vocabulary.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace gmat {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

// The whitespace-separated fields of line (Python's str.split()).
std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) ++i;
        const size_t start = i;
        while (i < line.size() && !is_space(line[i])) ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

uint32_t parse_rank(std::string_view field, const std::string &where) {
    if (field.empty()) throw GmatError(where + ": missing rank");
    uint64_t value = 0;
    for (char c : field) {
        if (c < '0' || c > '9')
            throw GmatError(where + ": rank '" + std::string(field) + "' is not a non-negative decimal integer");
        value = value * 10 + static_cast<uint64_t>(c - '0');
        if (value >= max_vocabulary_tokens) checked_token_id(value, where); // throws
    }
    return static_cast<uint32_t>(value);
}

} // namespace

TiktokenModel parse_tiktoken_model(std::string_view text, const std::string &file) {
    struct Line {
        std::string bytes;
        uint32_t rank;
        size_t number;
    };
    std::vector<Line> lines;
    size_t number = 0, start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++number;
        const std::string where = file + ":" + std::to_string(number);
        const auto fields = fields_of(line);
        if (fields.empty()) continue;
        if (fields.size() == 1)
            throw GmatError(where + ": expected '<base64 token> <rank>', found one field (no rank)");
        if (fields.size() > 2)
            throw GmatError(where + ": expected '<base64 token> <rank>', found " + std::to_string(fields.size()) +
                            " fields");
        std::string bytes;
        try {
            bytes = decode_base64(fields[0]);
        } catch (const std::invalid_argument &e) {
            throw GmatError(where + ": token '" + std::string(fields[0]) + "' is not base64: " + e.what());
        }
        if (bytes.empty()) throw GmatError(where + ": token '" + std::string(fields[0]) + "' decodes to no bytes");
        lines.push_back({std::move(bytes), parse_rank(fields[1], where), number});
    }
    if (lines.empty()) throw GmatError(file + ": holds no tokens");

    TiktokenModel model;
    model.tokens.resize(lines.size());
    model.ranks_in_file.reserve(lines.size());
    std::vector<size_t> line_of_rank(lines.size(), 0);
    std::unordered_map<std::string_view, size_t> line_of_bytes;
    line_of_bytes.reserve(lines.size());
    for (Line &line : lines) {
        const std::string where = file + ":" + std::to_string(line.number);
        if (line.rank >= lines.size())
            throw GmatError(where + ": rank " + std::to_string(line.rank) + " is past the " +
                            std::to_string(lines.size()) + " tokens the file holds (ranks must be 0.." +
                            std::to_string(lines.size() - 1) + ")");
        if (line_of_rank[line.rank] != 0)
            throw GmatError(where + ": rank " + std::to_string(line.rank) + " is already given on line " +
                            std::to_string(line_of_rank[line.rank]));
        line_of_rank[line.rank] = line.number;
        model.tokens[line.rank] = std::move(line.bytes);
        const auto [it, inserted] = line_of_bytes.emplace(model.tokens[line.rank], line.number);
        if (!inserted)
            throw GmatError(where + ": the same token bytes are already given on line " + std::to_string(it->second));
        model.ranks_in_file.push_back(line.rank);
    }
    return model;
}

TiktokenModel read_tiktoken_model(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file.string() + ": cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_tiktoken_model(text.str(), file.string());
}

} // namespace gmat
