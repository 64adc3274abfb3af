#include "store/store.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "repository/blob_store.hpp"
#include "repository/content_id.hpp"
#include "repository/repository_layout.hpp"
#include "store/tensor_file_io.hpp"
#include "store/tensor_uuid.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unordered_map>

namespace fs = std::filesystem;

namespace gmat {

const std::vector<std::string> &model_file_names() {
    static const std::vector<std::string> names{
        "config.json",           "generation_config.json", "tokenizer.json",    "tokenizer.model",
        "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "chat_template.jinja",
        "chat_template.json",    "additional_chat_templates", "tiktoken.model"};
    return names;
}

namespace {
std::string lower_case(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

uint64_t parse_checksum(const std::string &text, const std::string &context) {
    unsigned long long value = 0;
    if (text.size() != 21 || text.compare(0, 5, "xxh3:") != 0 || std::sscanf(text.c_str() + 5, "%16llx", &value) != 1)
        throw GmatError(context + ": checksum '" + text + "' is not of the form xxh3:<16 hex digits>");
    return value;
}

rapidjson::Value json_string(const std::string &s, rapidjson::Document::AllocatorType &a) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

std::string optional_string(const rapidjson::Value &object, const char *key, const std::string &context) {
    return object.HasMember(key) ? json::require_string(object[key], context + "." + key) : std::string();
}
} // namespace

void write_store_metadata(const fs::path &store_dir, const StoreMetadata &m) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto &a = doc.GetAllocator();
    doc.AddMember("format", "gmat-store", a);
    const bool uses_version_2 = !m.blobs_dir.empty() || !m.base_store.empty();
    doc.AddMember("format_version", uses_version_2 ? kStoreFormatVersion : 1u, a);
    doc.AddMember("gmat_version", rapidjson::Value(GMAT_VERSION, a), a);
    rapidjson::Document config = import_config_to_json(m.config);
    rapidjson::Value config_value;
    config_value.CopyFrom(config, a);
    doc.AddMember("config", config_value, a);
    rapidjson::Value name_map(rapidjson::kObjectType), tensors(rapidjson::kObjectType);
    for (const auto &t : m.tensors) {
        name_map.AddMember(rapidjson::Value(t.name.data(), static_cast<rapidjson::SizeType>(t.name.size()), a), rapidjson::Value(t.uuid.data(), static_cast<rapidjson::SizeType>(t.uuid.size()), a), a);
        rapidjson::Value entry(rapidjson::kObjectType), shape(rapidjson::kArrayType);
        for (uint64_t d : t.shape) shape.PushBack(d, a);
        entry.AddMember("name", rapidjson::Value(t.name.data(), static_cast<rapidjson::SizeType>(t.name.size()), a), a);
        entry.AddMember("dtype", rapidjson::Value(dtype_name(t.dtype), a), a);
        entry.AddMember("shape", shape, a);
        entry.AddMember("bytes", t.bytes, a);
        entry.AddMember("checksum", rapidjson::Value(checksum_string(t.checksum).c_str(), a), a);
        if (!t.blob.empty()) entry.AddMember("blob", json_string(t.blob, a), a);
        if (!t.base.empty()) entry.AddMember("base", json_string(t.base, a), a);
        if (t.source.encoded()) entry.AddMember("source_encoding", source_layout_to_json(t.source, a), a);
        tensors.AddMember(rapidjson::Value(t.uuid.data(), static_cast<rapidjson::SizeType>(t.uuid.size()), a), entry, a);
    }
    doc.AddMember("tensor_name_map", name_map, a);
    doc.AddMember("total_tensors", static_cast<uint64_t>(m.tensors.size()), a);
    doc.AddMember("tensors", tensors, a);
    rapidjson::Value files(rapidjson::kArrayType);
    for (const auto &f : m.model_files) files.PushBack(rapidjson::Value(f.data(), static_cast<rapidjson::SizeType>(f.size()), a), a);
    doc.AddMember("model_files", files, a);
    if (!m.blobs_dir.empty()) doc.AddMember("blobs", json_string(m.blobs_dir, a), a);
    if (!m.base_store.empty()) doc.AddMember("base", json_string(m.base_store, a), a);
    json::write_file(store_dir / "metadata.json", doc);
}

Store Store::open(const fs::path &dir) {
    const fs::path file = dir / "metadata.json";
    if (!fs::is_directory(dir)) throw GmatError(dir.string() + ": not a GMAT store (no such folder)");
    if (!fs::exists(file)) throw GmatError(dir.string() + ": not a GMAT store (no metadata.json)");
    const rapidjson::Document doc = json::parse_file(file);
    const std::string ctx = file.string();
    json::require_object(doc, ctx);
    json::require_only_keys(doc, {"format", "format_version", "gmat_version", "config", "tensor_name_map", "total_tensors",
                                  "tensors", "model_files", "blobs", "base"},
                            ctx, "the store metadata");
    const uint64_t version = json::require_uint(json::require_member(doc, "format_version", ctx), ctx + ": format_version");
    if (version < 1 || version > kStoreFormatVersion)
        throw GmatError(ctx + ": store format version " + std::to_string(version) + ", this gmat reads versions 1 to " +
                        std::to_string(kStoreFormatVersion));
    Store store;
    store.dir_ = dir;
    store.metadata_.config = parse_import_config_json(json::require_member(doc, "config", ctx), ctx + ": config");
    const auto &tensors = json::require_object(json::require_member(doc, "tensors", ctx), ctx + ": tensors");
    std::unordered_map<std::string_view, const rapidjson::Value *> entries; // FindMember is linear
    for (auto it = tensors.MemberBegin(); it != tensors.MemberEnd(); ++it)
        entries.emplace(std::string_view(it->name.GetString(), it->name.GetStringLength()), &it->value);
    for (const auto &m : store.metadata_.config.tensor_map) {
        if (!m.include) continue;
        auto it = entries.find(m.target);
        if (it == entries.end())
            throw GmatError(ctx + ": tensors has no entry for '" + m.source + "' (uuid " + m.target + ")");
        const std::string where = ctx + ": tensors." + m.target;
        const auto &e = json::require_object(*it->second, where);
        StoredTensor t;
        t.uuid = m.target;
        t.name = json::require_string(json::require_member(e, "name", where), where + ".name");
        const std::string dtype = json::require_string(json::require_member(e, "dtype", where), where + ".dtype");
        const auto parsed = dtype_from_name(dtype);
        if (!parsed) throw GmatError(where + ".dtype: unknown dtype '" + dtype + "'");
        t.dtype = *parsed;
        for (const auto &d : json::require_array(json::require_member(e, "shape", where), where + ".shape").GetArray())
            t.shape.push_back(json::require_uint(d, where + ".shape"));
        t.bytes = json::require_uint(json::require_member(e, "bytes", where), where + ".bytes");
        t.checksum = parse_checksum(json::require_string(json::require_member(e, "checksum", where), where + ".checksum"), where);
        t.blob = optional_string(e, "blob", where);
        t.base = optional_string(e, "base", where);
        if (e.HasMember("source_encoding")) {
            t.source = source_layout_from_json(e["source_encoding"], where + ".source_encoding");
            const std::string problem = source_layout_problem(t.source, t.dtype, t.shape);
            if (!problem.empty()) throw GmatError(where + ".source_encoding: " + problem);
        }
        if (!t.blob.empty() && !is_blob_name(t.blob))
            throw GmatError(where + ".blob: '" + t.blob + "' is not a blob name (32 hex digits)");
        store.metadata_.tensors.push_back(std::move(t));
    }
    for (size_t i = 0; i < store.metadata_.tensors.size(); ++i) {
        store.by_uuid_.emplace(lower_case(store.metadata_.tensors[i].uuid), i);
        store.by_name_.emplace(store.metadata_.tensors[i].name, i);
    }
    if (doc.HasMember("model_files"))
        for (const auto &f : json::require_array(doc["model_files"], ctx + ": model_files").GetArray())
            store.metadata_.model_files.push_back(json::require_string(f, ctx + ": model_files"));
    store.metadata_.blobs_dir = optional_string(doc, "blobs", ctx);
    store.metadata_.base_store = optional_string(doc, "base", ctx);
    if (!store.metadata_.blobs_dir.empty()) store.blobs_dir_ = (dir / store.metadata_.blobs_dir).lexically_normal();
    for (const auto &t : store.metadata_.tensors)
        if (t.blob.empty() != store.metadata_.blobs_dir.empty())
            throw GmatError(ctx + ": tensor '" + t.name + "' (uuid " + t.uuid + ") " +
                            (t.blob.empty() ? "names no blob, but the store keeps its tensors in blobs"
                                            : "names a blob, but the store has no \"blobs\" folder"));
    store.base_ = std::make_shared<BaseStore>();
    return store;
}

const StoredTensor *Store::find_uuid(std::string_view uuid) const {
    auto it = by_uuid_.find(lower_case(uuid));
    return it == by_uuid_.end() ? nullptr : &metadata_.tensors[it->second];
}

const StoredTensor *Store::find_name(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : &metadata_.tensors[it->second];
}

struct Store::BaseStore {
    std::mutex mutex;
    std::unique_ptr<Store> store;
};

fs::path Store::tensor_path(const StoredTensor &t) const {
    return t.blob.empty() ? dir_ / "tensors" / (t.uuid + ".gmat") : RepositoryLayout::blob_path(blobs_dir_, t.blob);
}

std::unique_ptr<TensorFileReader> Store::open_tensor(const StoredTensor &t) const {
    const std::string context = dir_.string() + ": tensor '" + t.name + "' (uuid " + t.uuid + ")";
    std::unique_ptr<TensorFileReader> reader;
    try {
        reader = t.blob.empty() ? std::make_unique<TensorFileReader>(tensor_path(t), t.uuid, t.name)
                                : open_blob(blobs_dir_, t.blob, t.uuid, t.name);
    } catch (const GmatError &e) {
        throw GmatError(context + ", " + (t.blob.empty() ? "file " : "blob ") + tensor_path(t).string() + ": " + e.what());
    }
    const auto &h = reader->header();
    const bool name_differs = t.blob.empty() && h.name != t.name; // a shared blob keeps its first importer's name
    if (name_differs || h.dtype != t.dtype || h.shape != t.shape || h.payload_checksum != t.checksum)
        throw GmatError(tensor_path(t).string() + ": tensor '" + t.name + "' (uuid " + t.uuid + ") does not match " +
                        (dir_ / "metadata.json").string() + " (name, dtype, shape or checksum differ)");
    if (h.source != t.source)
        throw GmatError(tensor_path(t).string() + ": tensor '" + t.name + "' (uuid " + t.uuid + ") is stored as " +
                        describe_source_layout(h.source) + " but " + (dir_ / "metadata.json").string() + " says " +
                        describe_source_layout(t.source));
    if (t.blob.empty() && h.encoding == TensorEncoding::zstd_planes_delta) attach_standalone_base(*reader, t);
    return reader;
}

// A standalone delta names its base tensor by uuid in the base store that
// metadata.json records; the base reader itself may be a delta, recursively.
void Store::attach_standalone_base(TensorFileReader &reader, const StoredTensor &t) const {
    const std::string &base_uuid = reader.header().base_ref;
    const std::string context = dir_.string() + ": tensor '" + t.name + "' (uuid " + t.uuid +
                                ") is stored as a delta on tensor " + base_uuid + " of base store ";
    if (metadata_.base_store.empty()) throw GmatError(context + "(none recorded in metadata.json)");
    const fs::path base_dir = (dir_ / metadata_.base_store).lexically_normal();
    if (!t.base.empty() && t.base != base_uuid)
        throw GmatError(context + base_dir.string() + ", but metadata.json names base tensor " + t.base);
    // Stores naming each other as bases (a hand-edited metadata.json) would recurse forever.
    thread_local int depth = 0;
    if (depth >= 64) throw GmatError(context + base_dir.string() + ": bases nest more than 64 deep (a cycle?)");
    struct Nesting {
        Nesting() { ++depth; }
        ~Nesting() { --depth; }
    } nesting;
    const Store *base = nullptr;
    {
        std::lock_guard lock(base_->mutex);
        try {
            if (!base_->store) base_->store = std::make_unique<Store>(Store::open(base_dir));
        } catch (const GmatError &e) {
            throw GmatError(context + base_dir.string() + ", which cannot be opened: " + e.what());
        }
        base = base_->store.get();
    }
    const StoredTensor *bt = base->find_uuid(base_uuid);
    if (!bt) throw GmatError(context + base_dir.string() + ", which has no such tensor");
    try {
        reader.attach_base(base->open_tensor(*bt));
    } catch (const GmatError &e) {
        throw GmatError(context + base_dir.string() + ", which has changed: " + e.what());
    }
}

fs::path Store::model_file(const std::string &name) const {
    const fs::path p = dir_ / name;
    return fs::exists(p) ? p : fs::path();
}

std::vector<std::string> Store::verify() const {
    std::vector<std::string> problems;
    for (const auto &t : metadata_.tensors) {
        std::unique_ptr<TensorFileReader> reader;
        try {
            reader = open_tensor(t); // its errors name the store already
        } catch (const std::exception &e) {
            problems.emplace_back(e.what());
            continue;
        }
        try {
            reader->verify();
        } catch (const std::exception &e) {
            problems.emplace_back(dir_.string() + ": " + e.what());
        }
    }
    return problems;
}

} // namespace gmat
