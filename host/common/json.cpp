#include "common/json.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace gmat::json {

namespace {
constexpr size_t kMaxJsonDepth = 256;

// The value of the 4 hex digits at text[at], or -1.
int hex4(std::string_view text, size_t at) {
    if (at + 4 > text.size()) return -1;
    int value = 0;
    for (size_t i = at; i < at + 4; ++i) {
        const char c = text[i];
        const int digit = c >= '0' && c <= '9' ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

// Checks an escape starting at text[i] == '\\' inside a string and returns
// the index of its last character. RapidJSON accepts a "\uDC00"-"\uDFFF"
// escape without a high surrogate before it and stores it as bytes that are
// not UTF-8, which no JSON reader (RapidJSON included) accepts again once
// written back: it is refused here.
size_t check_escape(std::string_view text, size_t i, const std::string &context) {
    if (i + 1 >= text.size() || text[i + 1] != 'u') return i + 1;
    const int unit = hex4(text, i + 2);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 7 < text.size() && text[i + 6] == '\\' && text[i + 7] == 'u') {
        const int next = hex4(text, i + 8);
        if (next >= 0xDC00 && next <= 0xDFFF) return i + 11; // a valid pair
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        throw GmatError(context + ": invalid JSON at offset " + std::to_string(i) +
                        ": \\u escape of a UTF-16 low surrogate without a high surrogate before it");
    }
    return i + 1;
}

// One pass over the text before RapidJSON sees it. Deeper documents are
// refused: code that walks JSON (CopyFrom, the writers) recurses once per
// level, and pretty-printing makes the written size grow with the square of
// the depth. Escapes are checked as check_escape says.
void check_before_parsing(std::string_view text, const std::string &context) {
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') i = check_escape(text, i, context);
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                throw GmatError(context + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                                " levels at offset " + std::to_string(i));
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

bool has_non_finite_number(const rapidjson::Value &root) {
    std::vector<const rapidjson::Value *> todo{&root};
    while (!todo.empty()) {
        const rapidjson::Value *v = todo.back();
        todo.pop_back();
        if (v->IsDouble() && !std::isfinite(v->GetDouble())) return true;
        if (v->IsArray())
            for (const auto &item : v->GetArray()) todo.push_back(&item);
        else if (v->IsObject())
            for (const auto &member : v->GetObject()) todo.push_back(&member.value);
    }
    return false;
}

// The path ("metadata.scale", "layers[3]") of the first number that is not
// finite; only called once has_non_finite_number said there is one, so the
// common case builds no path strings.
std::string path_of_non_finite_number(const rapidjson::Value &root) {
    std::vector<std::pair<const rapidjson::Value *, std::string>> todo{{&root, ""}};
    while (!todo.empty()) {
        auto [v, path] = std::move(todo.back());
        todo.pop_back();
        if (v->IsDouble() && !std::isfinite(v->GetDouble())) return path.empty() ? "the top level" : path;
        if (v->IsArray()) {
            for (rapidjson::SizeType i = v->Size(); i-- > 0;)
                todo.emplace_back(&(*v)[i], path + "[" + std::to_string(i) + "]");
        } else if (v->IsObject()) {
            for (auto m = v->MemberEnd(); m != v->MemberBegin();) {
                --m;
                todo.emplace_back(&m->value, (path.empty() ? "" : path + ".") +
                                                 std::string(m->name.GetString(), m->name.GetStringLength()));
            }
        }
    }
    return {};
}
} // namespace

rapidjson::Document parse_text(std::string_view text, const std::string &context) {
    check_before_parsing(text, context);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError())
        throw GmatError(context + ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                        rapidjson::GetParseError_En(doc.GetParseError()));
    // RapidJSON turns some numbers beyond a double's range (e.g. 9.8e320
    // written as "98169400006660000000e301") into infinity instead of
    // reporting them; no JSON writer can write infinity back.
    if (has_non_finite_number(doc))
        throw GmatError(context + ": number at " + path_of_non_finite_number(doc) +
                        " is beyond the range of a double");
    return doc;
}

rapidjson::Document parse_file(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file.string() + ": cannot open for reading");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_text(ss.str(), file.string());
}

void require_only_keys(const rapidjson::Value &object, std::initializer_list<const char *> keys,
                       const std::string &context, const std::string &where) {
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        const std::string key(it->name.GetString(), it->name.GetStringLength());
        bool known = false;
        for (const char *k : keys) known |= key == k;
        if (known) continue;
        std::string valid;
        for (const char *k : keys) valid += (valid.empty() ? "" : ", ") + std::string(k);
        throw GmatError(context + ": unknown key '" + key + "' in " + where + " (valid keys: " + valid + ")");
    }
}

std::string type_name(const rapidjson::Value &v) {
    if (v.IsNull()) return "null";
    if (v.IsBool()) return "a boolean";
    if (v.IsString()) return "a string";
    if (v.IsNumber()) return "a number";
    if (v.IsArray()) return "an array";
    return "an object";
}

const rapidjson::Value &require_member(const rapidjson::Value &object, const char *key, const std::string &context) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) throw GmatError(context + ": missing required key '" + key + "'");
    return it->value;
}

std::string require_string(const rapidjson::Value &v, const std::string &context) {
    if (!v.IsString()) throw GmatError(context + ": expected a string, found " + type_name(v));
    return {v.GetString(), v.GetStringLength()};
}

uint64_t require_uint(const rapidjson::Value &v, const std::string &context) {
    if (v.IsUint64()) return v.GetUint64();
    // 2^64 is exact as a double; converting anything at or above it is undefined behaviour.
    if (v.IsDouble() && v.GetDouble() >= 0 && v.GetDouble() < 18446744073709551616.0 &&
        v.GetDouble() == std::floor(v.GetDouble()))
        return static_cast<uint64_t>(v.GetDouble());
    throw GmatError(context + ": expected a non-negative integer, found " + type_name(v));
}

double require_number(const rapidjson::Value &v, const std::string &context) {
    if (!v.IsNumber()) throw GmatError(context + ": expected a number, found " + type_name(v));
    return v.GetDouble();
}

bool require_bool(const rapidjson::Value &v, const std::string &context) {
    if (!v.IsBool()) throw GmatError(context + ": expected true or false, found " + type_name(v));
    return v.GetBool();
}

const rapidjson::Value &require_object(const rapidjson::Value &v, const std::string &context) {
    if (!v.IsObject()) throw GmatError(context + ": expected an object, found " + type_name(v));
    return v;
}

const rapidjson::Value &require_array(const rapidjson::Value &v, const std::string &context) {
    if (!v.IsArray()) throw GmatError(context + ": expected an array, found " + type_name(v));
    return v;
}

std::string to_pretty_string(const rapidjson::Value &value) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    if (!value.Accept(writer))
        throw GmatError("cannot write JSON: the number at " + path_of_non_finite_number(value) +
                        " is not finite (JSON has no infinity or NaN)");
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

void write_file(const std::filesystem::path &file, const rapidjson::Value &value) {
    write_file_atomically(file, to_pretty_string(value));
}

} // namespace gmat::json
