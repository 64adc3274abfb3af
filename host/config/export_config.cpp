#include "config/export_config.hpp"

#include "auto/size_budget.hpp"
#include "common/error.hpp"
#include "common/json.hpp"

#include <algorithm>

namespace gmat {

namespace {
ExportConfig parse_export_config_json(const rapidjson::Value &root, const std::string &ctx) {
    json::require_object(root, ctx);
    json::require_only_keys(root, {"target_format", "quantization", "tensor_map", "shard_size", "special_token_keys", "imatrix", "_comment"},
                            ctx, "the export config");
    ExportConfig c;
    if (root.HasMember("target_format")) c.target_format = json::require_string(root["target_format"], ctx + ": target_format");
    if (root.HasMember("quantization")) {
        const std::string q = ctx + ": quantization";
        const auto &quant = json::require_object(root["quantization"], q);
        json::require_only_keys(quant, {"default_type", "scale_optimization", "trellis_lambda", "per_tensor", "allow_unmatched",
                                        "target_bpw", "target_size", "auto_types"}, ctx,
                                "quantization");
        if (quant.HasMember("default_type")) c.default_type = json::require_string(quant["default_type"], q + ".default_type");
        if (quant.HasMember("scale_optimization")) {
            c.scale_optimization = json::require_string(quant["scale_optimization"], q + ".scale_optimization");
            const auto &valid = scale_optimizations();
            if (std::find(valid.begin(), valid.end(), c.scale_optimization) == valid.end())
                throw GmatError(q + ".scale_optimization: unknown value '" + c.scale_optimization +
                                "' (valid: standard, trellis)");
        }
        if (quant.HasMember("trellis_lambda")) {
            const double lambda = json::require_number(quant["trellis_lambda"], q + ".trellis_lambda");
            if (!(lambda >= 0 && lambda <= 10)) throw GmatError(q + ".trellis_lambda: " + std::to_string(lambda) + " is outside [0, 10]");
            c.trellis_lambda = lambda;
        }
        if (quant.HasMember("allow_unmatched"))
            c.allow_unmatched = json::require_bool(quant["allow_unmatched"], q + ".allow_unmatched");
        if (quant.HasMember("target_bpw"))
            c.target_bpw = checked_target_bpw(json::require_number(quant["target_bpw"], q + ".target_bpw"), q + ".target_bpw");
        if (quant.HasMember("target_size")) {
            const auto &size = quant["target_size"];
            if (size.IsString()) c.target_size = parse_size_text(json::require_string(size, q + ".target_size"), q + ".target_size");
            else if (size.IsNumber() && !size.IsUint64())
                throw GmatError(q + ".target_size: " + json::to_pretty_string(size) + " is not a positive whole number of bytes");
            else c.target_size = json::require_uint(size, q + ".target_size");
            if (*c.target_size == 0) throw GmatError(q + ".target_size: 0 bytes; give a positive size (bytes, or e.g. \"8GB\")");
        }
        if (quant.HasMember("auto_types")) {
            const auto &types = json::require_array(quant["auto_types"], q + ".auto_types");
            if (types.Empty()) throw GmatError(q + ".auto_types: empty; list the types auto may choose, or leave it out");
            for (rapidjson::SizeType i = 0; i < types.Size(); ++i)
                c.auto_types.push_back(json::require_string(types[i], q + ".auto_types[" + std::to_string(i) + "]"));
        }
        if (c.target_bpw && c.target_size)
            throw GmatError(q + ": give target_bpw or target_size, not both");
        if (!c.auto_types.empty() && !is_auto_type(c))
            throw GmatError(q + ".auto_types: lists the types default_type \"auto\" chooses from (default_type is '" +
                            c.default_type + "')");
        if ((c.target_bpw || c.target_size) && !is_auto_type(c))
            throw GmatError(q + ": target_bpw/target_size choose types only with default_type \"auto\" (default_type is '" +
                            c.default_type + "')");
        if (quant.HasMember("per_tensor")) {
            const auto &per = json::require_object(quant["per_tensor"], q + ".per_tensor");
            for (auto it = per.MemberBegin(); it != per.MemberEnd(); ++it) {
                const std::string key(it->name.GetString(), it->name.GetStringLength());
                c.per_tensor.emplace_back(key, json::require_string(it->value, q + ".per_tensor['" + key + "']"));
            }
        }
    }
    if (root.HasMember("tensor_map")) {
        const auto &map = json::require_array(root["tensor_map"], ctx + ": tensor_map");
        for (rapidjson::SizeType i = 0; i < map.Size(); ++i) {
            const std::string where = ctx + ": tensor_map[" + std::to_string(i) + "]";
            json::require_object(map[i], where);
            json::require_only_keys(map[i], {"source", "target"}, ctx, "tensor_map[" + std::to_string(i) + "]");
            c.tensor_map.emplace_back(json::require_string(json::require_member(map[i], "source", where), where + ".source"),
                                      json::require_string(json::require_member(map[i], "target", where), where + ".target"));
        }
    }
    if (root.HasMember("shard_size") && !root["shard_size"].IsNull()) {
        c.shard_size = json::require_uint(root["shard_size"], ctx + ": shard_size");
        if (*c.shard_size == 0) throw GmatError(ctx + ": shard_size must be positive (bytes) or null");
    }
    if (root.HasMember("imatrix") && !root["imatrix"].IsNull())
        c.imatrix = json::require_string(root["imatrix"], ctx + ": imatrix");
    if (root.HasMember("special_token_keys")) {
        const auto &keys = json::require_object(root["special_token_keys"], ctx + ": special_token_keys");
        for (auto it = keys.MemberBegin(); it != keys.MemberEnd(); ++it) {
            const std::string key(it->name.GetString(), it->name.GetStringLength());
            const auto &v = it->value;
            if (!v.IsInt64()) throw GmatError(ctx + ": special_token_keys." + key + ": expected a token id (integer)");
            c.special_token_keys[key] = v.GetInt64();
        }
    }
    return c;
}
} // namespace

bool is_auto_type(const ExportConfig &config) {
    std::string t = config.default_type;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return t == "auto";
}

ExportConfig parse_export_config(const std::filesystem::path &file) {
    const rapidjson::Document doc = json::parse_file(file);
    ExportConfig config = parse_export_config_json(doc, file.string());
    if (config.imatrix && std::filesystem::path(*config.imatrix).is_relative())
        config.imatrix = (file.parent_path() / *config.imatrix).lexically_normal().string();
    return config;
}

ExportConfig parse_export_config_text(const std::string &text, const std::string &context) {
    const rapidjson::Document doc = json::parse_text(text, context);
    return parse_export_config_json(doc, context);
}

namespace {
rapidjson::Document export_config_document(const ExportConfig &c,
                                           const std::vector<std::pair<std::string, std::string>> &comments) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto &a = doc.GetAllocator();
    auto str = [&](const std::string &s) { return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); };
    if (!comments.empty()) {
        rapidjson::Value why(rapidjson::kObjectType);
        for (const auto &[key, text] : comments) why.AddMember(str(key), str(text), a);
        doc.AddMember("_comment", why, a);
    }
    doc.AddMember("target_format", str(c.target_format), a);
    rapidjson::Value quant(rapidjson::kObjectType), per(rapidjson::kObjectType), map(rapidjson::kArrayType);
    quant.AddMember("default_type", str(c.default_type), a);
    quant.AddMember("scale_optimization", str(c.scale_optimization), a);
    quant.AddMember("trellis_lambda", c.trellis_lambda, a);
    if (c.target_bpw) quant.AddMember("target_bpw", *c.target_bpw, a);
    if (c.target_size) quant.AddMember("target_size", *c.target_size, a);
    if (!c.auto_types.empty()) {
        rapidjson::Value types(rapidjson::kArrayType);
        for (const auto &t : c.auto_types) types.PushBack(str(t), a);
        quant.AddMember("auto_types", types, a);
    }
    for (const auto &[key, type] : c.per_tensor) per.AddMember(str(key), str(type), a);
    quant.AddMember("per_tensor", per, a);
    if (c.allow_unmatched) quant.AddMember("allow_unmatched", true, a);
    doc.AddMember("quantization", quant, a);
    for (const auto &[source, target] : c.tensor_map) {
        rapidjson::Value e(rapidjson::kObjectType);
        e.AddMember("source", str(source), a);
        e.AddMember("target", str(target), a);
        map.PushBack(e, a);
    }
    doc.AddMember("tensor_map", map, a);
    if (c.shard_size) doc.AddMember("shard_size", *c.shard_size, a);
    else doc.AddMember("shard_size", rapidjson::Value(), a);
    rapidjson::Value special(rapidjson::kObjectType);
    for (const auto &[k, v] : c.special_token_keys) special.AddMember(str(k), rapidjson::Value(static_cast<int64_t>(v)), a);
    doc.AddMember("special_token_keys", special, a);
    if (c.imatrix) doc.AddMember("imatrix", str(*c.imatrix), a);
    return doc;
}
} // namespace

void write_export_config(const std::filesystem::path &file, const ExportConfig &c,
                         const std::vector<std::pair<std::string, std::string>> &comments) {
    json::write_file(file, export_config_document(c, comments));
}

std::string export_config_text(const ExportConfig &config) { return json::to_pretty_string(export_config_document(config, {})); }

} // namespace gmat
