#include "distributed/part_file.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace gmat {

namespace {

constexpr char kMagic[8] = {'G', 'M', 'A', 'T', 'P', 'A', 'R', 'T'};

void put_u32(std::string &out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(std::string_view bytes, size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
    return v;
}

bool is_id(const std::string &s) {
    if (s.size() != 32) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string require_id(const rapidjson::Value &object, const char *key, const std::string &ctx) {
    std::string s = json::require_string(json::require_member(object, key, ctx), ctx + ": " + key);
    if (!is_id(s)) throw GmatError(ctx + ": " + key + " is not 32 lower-case hex digits");
    return s;
}

uint64_t parse_hex64(const rapidjson::Value &value, const std::string &ctx) {
    const std::string s = json::require_string(value, ctx);
    if (s.size() != 16) throw GmatError(ctx + ": not 16 hex digits");
    uint64_t v = 0;
    for (char c : s) {
        if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c)))
            throw GmatError(ctx + ": not 16 lower-case hex digits");
        v = v * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
    }
    return v;
}

// A split file name written by a part: a plain name, no folders, no dot files.
bool is_plain_file_name(const std::string &name) {
    if (name.empty() || name.size() > 4096 || name[0] == '.') return false;
    for (char c : name)
        if (c == '/' || c == '\\' || c == '\0') return false;
    return true;
}

} // namespace

std::string hex64(uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

fs::path part_file_path(const fs::path &output, uint32_t part, uint32_t parts) {
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".part-%05u-of-%05u.gmatpart", part + 1, parts);
    return output.parent_path() / (output.filename().string() + suffix);
}

std::string encode_part_header(const PartHeader &h) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("plan_id"), w.String(h.plan_id.c_str());
    w.Key("store_id"), w.String(h.store_id.c_str());
    w.Key("profile_id"), w.String(h.profile_id.c_str());
    w.Key("part"), w.Uint(h.part);
    w.Key("parts"), w.Uint(h.parts);
    w.Key("tensors");
    w.StartArray(), w.Uint64(h.first_tensor), w.Uint64(h.end_tensor), w.EndArray();
    w.Key("payload_bytes"), w.Uint64(h.payload_bytes);
    w.Key("payload_xxh3"), w.String(hex64(h.payload_xxh3).c_str());
    w.Key("files");
    w.StartArray();
    for (const auto &f : h.files) {
        w.StartObject();
        w.Key("name"), w.String(f.name.c_str(), static_cast<rapidjson::SizeType>(f.name.size()));
        w.Key("bytes"), w.Uint64(f.bytes);
        w.Key("xxh3"), w.String(hex64(f.xxh3).c_str());
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::string out(kMagic, sizeof kMagic);
    put_u32(out, kPartFormatVersion);
    put_u32(out, static_cast<uint32_t>(buffer.GetSize()));
    out.append(buffer.GetString(), buffer.GetSize());
    return out;
}

PartHeader parse_part_header(std::string_view bytes, const std::string &ctx, size_t *header_end) {
    if (bytes.size() < kPartPreambleBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        throw GmatError(ctx + ": not a gmat part file (no GMATPART magic)");
    const uint32_t version = get_u32(bytes, 8);
    if (version != kPartFormatVersion)
        throw GmatError(ctx + ": part file format version " + std::to_string(version) + "; this gmat reads version " +
                        std::to_string(kPartFormatVersion));
    const uint32_t length = get_u32(bytes, 12);
    if (length > kMaxPartHeaderBytes)
        throw GmatError(ctx + ": header of " + std::to_string(length) + " bytes is over the limit of " +
                        std::to_string(kMaxPartHeaderBytes));
    if (bytes.size() - kPartPreambleBytes < length)
        throw GmatError(ctx + ": truncated: the header needs " + std::to_string(length) + " bytes, " +
                        std::to_string(bytes.size() - kPartPreambleBytes) + " follow");
    const rapidjson::Document doc = json::parse_text(bytes.substr(kPartPreambleBytes, length), ctx);
    json::require_object(doc, ctx);
    json::require_only_keys(doc, {"plan_id", "store_id", "profile_id", "part", "parts", "tensors", "payload_bytes",
                                  "payload_xxh3", "files"},
                            ctx, "the part header");
    PartHeader h;
    h.plan_id = require_id(doc, "plan_id", ctx);
    h.store_id = require_id(doc, "store_id", ctx);
    h.profile_id = require_id(doc, "profile_id", ctx);
    const uint64_t parts = json::require_uint(json::require_member(doc, "parts", ctx), ctx + ": parts");
    const uint64_t part = json::require_uint(json::require_member(doc, "part", ctx), ctx + ": part");
    if (parts == 0 || parts > kMaxParts)
        throw GmatError(ctx + ": parts is " + std::to_string(parts) + " (1.." + std::to_string(kMaxParts) + ")");
    if (part >= parts)
        throw GmatError(ctx + ": part " + std::to_string(part) + " is out of range for " + std::to_string(parts) +
                        " parts (numbered from 0)");
    h.part = static_cast<uint32_t>(part), h.parts = static_cast<uint32_t>(parts);
    const auto &range = json::require_array(json::require_member(doc, "tensors", ctx), ctx + ": tensors");
    if (range.Size() != 2) throw GmatError(ctx + ": tensors must be [first, end]");
    h.first_tensor = json::require_uint(range[0], ctx + ": tensors[0]");
    h.end_tensor = json::require_uint(range[1], ctx + ": tensors[1]");
    if (h.end_tensor < h.first_tensor) throw GmatError(ctx + ": tensors: end is before first");
    h.payload_bytes = json::require_uint(json::require_member(doc, "payload_bytes", ctx), ctx + ": payload_bytes");
    h.payload_xxh3 = parse_hex64(json::require_member(doc, "payload_xxh3", ctx), ctx + ": payload_xxh3");
    const auto &files = json::require_array(json::require_member(doc, "files", ctx), ctx + ": files");
    for (rapidjson::SizeType i = 0; i < files.Size(); ++i) {
        const std::string where = ctx + ": files[" + std::to_string(i) + "]";
        json::require_object(files[i], where);
        json::require_only_keys(files[i], {"name", "bytes", "xxh3"}, where, "a file record");
        PartFileRecord f;
        f.name = json::require_string(json::require_member(files[i], "name", where), where + ".name");
        if (!is_plain_file_name(f.name)) throw GmatError(where + ".name: '" + f.name + "' is not a plain file name");
        f.bytes = json::require_uint(json::require_member(files[i], "bytes", where), where + ".bytes");
        f.xxh3 = parse_hex64(json::require_member(files[i], "xxh3", where), where + ".xxh3");
        h.files.push_back(std::move(f));
    }
    if (!h.files.empty() && h.payload_bytes != 0)
        throw GmatError(ctx + ": a part holds split files or tensor data, not both");
    *header_end = kPartPreambleBytes + length;
    return h;
}

PartHeader read_part_header(const fs::path &file, size_t *header_end) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file.string() + ": cannot open");
    std::string preamble(kPartPreambleBytes, '\0');
    in.read(preamble.data(), static_cast<std::streamsize>(preamble.size()));
    preamble.resize(static_cast<size_t>(in.gcount()));
    if (preamble.size() < kPartPreambleBytes) return parse_part_header(preamble, file.string(), header_end); // throws
    const uint32_t length = get_u32(preamble, 12);
    std::string bytes = preamble;
    if (length <= kMaxPartHeaderBytes && std::memcmp(preamble.data(), kMagic, sizeof kMagic) == 0) {
        bytes.resize(kPartPreambleBytes + length);
        in.read(bytes.data() + kPartPreambleBytes, length);
        bytes.resize(kPartPreambleBytes + static_cast<size_t>(in.gcount()));
    }
    return parse_part_header(bytes, file.string(), header_end);
}

} // namespace gmat
