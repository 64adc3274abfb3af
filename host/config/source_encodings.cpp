#include "config/source_encodings.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "config/import_config.hpp"
#include "store/tensor_uuid.hpp"

#include <set>

namespace gmat {

namespace {
constexpr const char *kBlocksSuffix = "_blocks";
constexpr const char *kScalesSuffix = "_scales";

bool is_fp8(gmat_dtype d) { return d == GMAT_DTYPE_F8_E4M3 || d == GMAT_DTYPE_F8_E5M2; }

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string strip(const std::string &s, const std::string &suffix) { return s.substr(0, s.size() - suffix.size()); }

std::string bracketed(const std::vector<uint64_t> &shape) { return "[" + shape_string(shape, ',') + "]"; }

const SourceTensor &tensor_named(const SourceReader &reader, const std::unordered_map<std::string, size_t> &index_of,
                                 const std::string &name, const std::string &where, const std::string &field,
                                 size_t &index) {
    const auto it = index_of.find(name);
    if (it == index_of.end())
        throw GmatError(where + ": " + field + ": no tensor '" + name + "' in " + reader.path().string());
    index = it->second;
    return reader.tensors()[index];
}

uint64_t count(const std::vector<uint64_t> &shape) { return element_count(shape); }
} // namespace

SourceEncodingRequest parse_source_encoding_request(const rapidjson::Value &v, const std::string &context) {
    json::require_object(v, context);
    json::require_only_keys(v, {"scheme", "block", "scales", "input_scale"}, context, "a source_encoding");
    SourceEncodingRequest r;
    const std::string scheme = json::require_string(json::require_member(v, "scheme", context), context + ".scheme");
    if (scheme == "fp8-block") r.scheme = SourceScheme::fp8_block;
    else if (scheme == "mxfp4") r.scheme = SourceScheme::mxfp4;
    else throw GmatError(context + ".scheme: unknown source encoding '" + scheme + "' (known: fp8-block, mxfp4)");
    const auto &block = json::require_array(json::require_member(v, "block", context), context + ".block");
    if (block.Size() != 2) throw GmatError(context + ".block: expected [rows, cols] of one scale's block");
    const uint64_t br = json::require_uint(block[0], context + ".block[0]");
    const uint64_t bc = json::require_uint(block[1], context + ".block[1]");
    if (br == 0 || bc == 0 || br > UINT32_MAX || bc > UINT32_MAX)
        throw GmatError(context + ".block: sizes must be between 1 and 4294967295");
    r.block_rows = static_cast<uint32_t>(br);
    r.block_cols = static_cast<uint32_t>(bc);
    r.scales = json::require_string(json::require_member(v, "scales", context), context + ".scales");
    if (r.scales.empty()) throw GmatError(context + ".scales: must name the scale tensor");
    if (v.HasMember("input_scale")) {
        r.input_scale = json::require_string(v["input_scale"], context + ".input_scale");
        if (r.input_scale.empty()) throw GmatError(context + ".input_scale: must name a tensor (or be left out)");
    }
    if (r.scheme == SourceScheme::mxfp4 && !r.input_scale.empty())
        throw GmatError(context + ".input_scale: mxfp4 has no input_scale");
    return r;
}

rapidjson::Value source_encoding_request_to_json(const SourceEncodingRequest &r, rapidjson::Document::AllocatorType &a) {
    rapidjson::Value v(rapidjson::kObjectType), block(rapidjson::kArrayType);
    v.AddMember("scheme", rapidjson::Value(source_scheme_name(r.scheme), a), a);
    block.PushBack(r.block_rows, a).PushBack(r.block_cols, a);
    v.AddMember("block", block, a);
    v.AddMember("scales", rapidjson::Value(r.scales.data(), static_cast<rapidjson::SizeType>(r.scales.size()), a), a);
    if (!r.input_scale.empty())
        v.AddMember("input_scale",
                    rapidjson::Value(r.input_scale.data(), static_cast<rapidjson::SizeType>(r.input_scale.size()), a), a);
    return v;
}

LogicalTensor resolve_logical_tensor(const std::string &source, const std::optional<SourceEncodingRequest> &encoding,
                                     const SourceReader &reader,
                                     const std::unordered_map<std::string, size_t> &index_of, const std::string &where) {
    LogicalTensor t;
    size_t data_index = 0;
    const SourceTensor &data = tensor_named(reader, index_of, source, where, "source", data_index);
    t.parts.push_back(data_index);
    t.dtype = data.dtype;
    t.name = data.name;
    t.shape = data.shape;
    if (!encoding) {
        t.bytes = data.n_bytes;
        return t;
    }
    const std::string in_file = data.source_file + ": tensor '" + data.name + "'";
    const std::string field = where + ": source_encoding";
    t.layout.scheme = encoding->scheme;
    t.layout.block_rows = encoding->block_rows;
    t.layout.block_cols = encoding->block_cols;
    if (encoding->scheme == SourceScheme::mxfp4) {
        if (!ends_with(data.name, kBlocksSuffix) || data.name.size() == std::string(kBlocksSuffix).size())
            throw GmatError(field + ": " + in_file + ": an mxfp4 source is named <name>_blocks");
        if (data.shape.size() < 3 || data.shape.back() != 16)
            throw GmatError(field + ": " + in_file + ": mxfp4 blocks must be [..., rows, cols/32, 16], are " +
                            bracketed(data.shape));
        t.name = strip(data.name, kBlocksSuffix);
        t.shape.assign(data.shape.begin(), data.shape.end() - 2);
        t.shape.push_back(data.shape[data.shape.size() - 2] * 32);
    }
    size_t scale_index = 0;
    const SourceTensor &scales = tensor_named(reader, index_of, encoding->scales, field, "scales", scale_index);
    t.parts.push_back(scale_index);
    t.layout.companions.push_back({scales.dtype, scales.shape});
    if (!encoding->input_scale.empty()) {
        size_t input_index = 0;
        const SourceTensor &input = tensor_named(reader, index_of, encoding->input_scale, field, "input_scale", input_index);
        t.parts.push_back(input_index);
        t.layout.companions.push_back({input.dtype, input.shape});
    }
    const std::string problem = source_layout_problem(t.layout, t.dtype, t.shape);
    if (!problem.empty())
        throw GmatError(field + ": " + in_file + " with scales '" + scales.name + "' (" + dtype_name(scales.dtype) + " " +
                        bracketed(scales.shape) + ", block " + std::to_string(t.layout.block_rows) + "x" +
                        std::to_string(t.layout.block_cols) + "): " + problem);
    if (source_data_bytes(t.layout, t.dtype, t.shape) != data.n_bytes)
        throw GmatError(field + ": " + in_file + " has " + std::to_string(data.n_bytes) + " bytes, " +
                        describe_source_layout(t.layout) + " needs " +
                        std::to_string(source_data_bytes(t.layout, t.dtype, t.shape)));
    t.bytes = source_payload_bytes(t.layout, t.dtype, t.shape);
    return t;
}

namespace {
// quantization_config fields, checked.
struct QuantizationConfig {
    std::string method;
    uint32_t block_rows = 0, block_cols = 0; // fp8
};

std::optional<QuantizationConfig> read_quantization_config(const std::filesystem::path &hf_config) {
    if (!std::filesystem::exists(hf_config)) return std::nullopt;
    const rapidjson::Document hf = json::parse_file(hf_config);
    if (!hf.IsObject() || !hf.HasMember("quantization_config")) return std::nullopt;
    const std::string ctx = hf_config.string() + ": quantization_config";
    const auto &q = json::require_object(hf["quantization_config"], ctx);
    QuantizationConfig c;
    c.method = json::require_string(json::require_member(q, "quant_method", ctx), ctx + ".quant_method");
    if (c.method == "fp8") {
        const auto &block = json::require_array(json::require_member(q, "weight_block_size", ctx), ctx + ".weight_block_size");
        if (block.Size() != 2) throw GmatError(ctx + ".weight_block_size: expected [rows, cols]");
        const uint64_t br = json::require_uint(block[0], ctx + ".weight_block_size[0]");
        const uint64_t bc = json::require_uint(block[1], ctx + ".weight_block_size[1]");
        if (br == 0 || bc == 0 || br > 1u << 20 || bc > 1u << 20)
            throw GmatError(ctx + ".weight_block_size: [" + std::to_string(br) + ", " + std::to_string(bc) +
                            "] is not a block size (1 to 1048576 each)");
        c.block_rows = static_cast<uint32_t>(br);
        c.block_cols = static_cast<uint32_t>(bc);
    } else if (c.method != "compressed-tensors" && c.method != "mxfp4") {
        throw GmatError(ctx + ".quant_method: '" + c.method +
                        "' is not supported (gmat reads fp8 with weight_block_size, compressed-tensors FP8 and mxfp4)");
    }
    return c;
}

// compressed-tensors: one scale per tensor or per output channel, as a block.
std::pair<uint32_t, uint32_t> channel_block(const SourceTensor &weight, const SourceTensor &scale, const std::string &ctx) {
    if (weight.shape.size() != 2)
        throw GmatError(ctx + ": " + weight.source_file + ": tensor '" + weight.name + "' " + bracketed(weight.shape) +
                        " is not 2-D");
    const uint64_t rows = weight.shape[0], cols = weight.shape[1];
    const uint64_t n = count(scale.shape);
    if (rows > UINT32_MAX || cols > UINT32_MAX) throw GmatError(ctx + ": tensor '" + weight.name + "' is too large");
    if (n == 1) return {static_cast<uint32_t>(std::max<uint64_t>(rows, 1)), static_cast<uint32_t>(std::max<uint64_t>(cols, 1))};
    if (n == rows) return {1, static_cast<uint32_t>(std::max<uint64_t>(cols, 1))};
    throw GmatError(ctx + ": " + scale.source_file + ": tensor '" + scale.name + "' " + bracketed(scale.shape) +
                    " is neither one scale per tensor nor one per output channel of '" + weight.name + "' " +
                    bracketed(weight.shape));
}
} // namespace

std::optional<std::vector<TensorMapping>> generate_encoded_mappings(const SourceReader &reader,
                                                                    const std::filesystem::path &hf_config) {
    const auto q = read_quantization_config(hf_config);
    if (!q) return std::nullopt;
    const std::string ctx = hf_config.string() + ": quantization_config (quant_method " + q->method + ")";
    std::unordered_map<std::string, size_t> index_of;
    for (size_t i = 0; i < reader.tensors().size(); ++i) index_of[reader.tensors()[i].name] = i;
    auto find = [&](const std::string &name) -> const SourceTensor * {
        const auto it = index_of.find(name);
        return it == index_of.end() ? nullptr : &reader.tensors()[it->second];
    };
    std::set<std::string> companions;
    std::vector<TensorMapping> map;
    for (const auto &t : reader.tensors()) {
        std::optional<SourceEncodingRequest> encoding;
        std::string logical = t.name;
        if (q->method == "mxfp4" && ends_with(t.name, kBlocksSuffix) && t.dtype == GMAT_DTYPE_U8) {
            const std::string scales = strip(t.name, kBlocksSuffix) + kScalesSuffix;
            if (!find(scales))
                throw GmatError(ctx + ": " + t.source_file + ": tensor '" + t.name + "' has no scales tensor '" + scales + "'");
            encoding = SourceEncodingRequest{SourceScheme::mxfp4, 1, 32, scales, {}};
            logical = strip(t.name, kBlocksSuffix);
        } else if (q->method != "mxfp4" && is_fp8(t.dtype)) {
            const std::string scales = t.name + (q->method == "fp8" ? "_scale_inv" : "_scale");
            const SourceTensor *scale = find(scales);
            if (!scale)
                throw GmatError(ctx + ": " + t.source_file + ": tensor '" + t.name + "' is " + dtype_name(t.dtype) +
                                " but has no scale tensor '" + scales + "'");
            encoding = SourceEncodingRequest{SourceScheme::fp8_block, q->block_rows, q->block_cols, scales, {}};
            if (q->method == "compressed-tensors") {
                std::tie(encoding->block_rows, encoding->block_cols) = channel_block(t, *scale, ctx);
                const std::string input = ends_with(t.name, "weight") ? strip(t.name, "weight") + "input_scale" : "";
                if (!input.empty() && find(input)) encoding->input_scale = input;
            }
        }
        if (!encoding) continue;
        companions.insert(encoding->scales);
        if (!encoding->input_scale.empty()) companions.insert(encoding->input_scale);
        TensorMapping m{t.name, tensor_uuid_for(logical), true};
        m.encoding = encoding;
        map.push_back(std::move(m));
    }
    // Every other tensor as a plain one, except companions; a scale-named tensor
    // nothing uses means the checkpoint lost (or renamed) its weight.
    std::vector<TensorMapping> all;
    size_t next_encoded = 0;
    for (const auto &t : reader.tensors()) {
        if (next_encoded < map.size() && map[next_encoded].source == t.name) {
            all.push_back(std::move(map[next_encoded++]));
            continue;
        }
        if (companions.count(t.name)) continue;
        const bool scale_like = ends_with(t.name, "_scale_inv") || ends_with(t.name, "weight_scale") ||
                                ends_with(t.name, "input_scale") ||
                                (q->method == "mxfp4" && ends_with(t.name, kScalesSuffix));
        if (scale_like)
            throw GmatError(ctx + ": " + t.source_file + ": scale tensor '" + t.name +
                            "' belongs to no weight of the checkpoint (an extra or misnamed scale)");
        all.push_back({t.name, tensor_uuid_for(t.name), is_float_weight_dtype(t.dtype)});
    }
    return all;
}

} // namespace gmat
