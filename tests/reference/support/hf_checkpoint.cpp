#include "support/hf_checkpoint.hpp"

#include "oracle/ggml_types.hpp"

#include <ggml.h>
#include <rapidjson/document.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace reference::testing {

namespace {

rapidjson::Document read_json(const std::filesystem::path &path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(path.string() + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    doc.Parse(text.str().c_str());
    if (doc.HasParseError() || !doc.IsObject())
        throw std::runtime_error(path.string() + ": not a JSON object");
    return doc;
}

int64_t int_field(const rapidjson::Value &obj, const char *key, const std::filesystem::path &path) {
    if (!obj.HasMember(key) || !obj[key].IsInt64())
        throw std::runtime_error(path.string() + ": missing integer '" + key + "'");
    return obj[key].GetInt64();
}

double number_field(const rapidjson::Value &obj, const char *key, const std::filesystem::path &path) {
    if (!obj.HasMember(key) || !obj[key].IsNumber())
        throw std::runtime_error(path.string() + ": missing number '" + key + "'");
    return obj[key].GetDouble();
}

std::vector<float> widen(const std::string &dtype, const std::vector<uint8_t> &raw, const std::string &where) {
    if (dtype == "F32") {
        std::vector<float> out(raw.size() / 4);
        std::memcpy(out.data(), raw.data(), out.size() * 4);
        return out;
    }
    if (dtype == "F16")
        return oracle::dequantize(GGML_TYPE_F16, raw.data(), static_cast<int64_t>(raw.size() / 2));
    if (dtype == "BF16")
        return oracle::dequantize(GGML_TYPE_BF16, raw.data(), static_cast<int64_t>(raw.size() / 2));
    throw std::runtime_error(where + ": unsupported dtype " + dtype);
}

void read_safetensors_file(const std::filesystem::path &path, std::map<std::string, HfTensor> &out) {
    std::ifstream in(path, std::ios::binary);
    uint64_t header_size = 0;
    in.read(reinterpret_cast<char *>(&header_size), sizeof header_size);
    std::string header(header_size, '\0');
    in.read(header.data(), static_cast<std::streamsize>(header_size));
    rapidjson::Document doc;
    doc.Parse(header.c_str());
    if (!in || doc.HasParseError() || !doc.IsObject())
        throw std::runtime_error(path.string() + ": bad safetensors header");
    const uint64_t data_start = 8 + header_size;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        const std::string name = it->name.GetString();
        if (name == "__metadata__")
            continue;
        const auto &info = it->value;
        HfTensor tensor;
        for (const auto &d : info["shape"].GetArray())
            tensor.shape.push_back(d.GetInt64());
        const uint64_t begin = info["data_offsets"][0].GetUint64(), end = info["data_offsets"][1].GetUint64();
        std::vector<uint8_t> raw(end - begin);
        in.seekg(static_cast<std::streamoff>(data_start + begin));
        in.read(reinterpret_cast<char *>(raw.data()), static_cast<std::streamsize>(raw.size()));
        if (!in)
            throw std::runtime_error(path.string() + ": tensor '" + name + "' data is cut off");
        tensor.values = widen(info["dtype"].GetString(), raw, path.string() + " '" + name + "'");
        out[name] = std::move(tensor);
    }
}

} // namespace

HfLlamaConfig read_hf_llama_config(const std::filesystem::path &model_dir) {
    const auto path = model_dir / "config.json";
    const auto doc = read_json(path);
    HfLlamaConfig c;
    c.hidden = int_field(doc, "hidden_size", path);
    c.intermediate = int_field(doc, "intermediate_size", path);
    c.layers = int_field(doc, "num_hidden_layers", path);
    c.heads = int_field(doc, "num_attention_heads", path);
    c.kv_heads = int_field(doc, "num_key_value_heads", path);
    c.head_dim = doc.HasMember("head_dim") ? int_field(doc, "head_dim", path) : c.hidden / c.heads;
    c.vocab = int_field(doc, "vocab_size", path);
    c.max_pos = int_field(doc, "max_position_embeddings", path);
    c.rms_eps = number_field(doc, "rms_norm_eps", path);
    c.rope_theta = number_field(doc, "rope_theta", path);
    c.tied = doc.HasMember("tie_word_embeddings") && doc["tie_word_embeddings"].GetBool();
    if (doc.HasMember("rope_scaling") && doc["rope_scaling"].IsObject()) {
        const auto &s = doc["rope_scaling"];
        if (!s.HasMember("rope_type") || std::string(s["rope_type"].GetString()) != "llama3")
            throw std::runtime_error(path.string() + ": only llama3 rope_scaling is converted");
        c.llama3_rope = true;
        c.rope_factor = number_field(s, "factor", path);
        c.low_freq_factor = number_field(s, "low_freq_factor", path);
        c.high_freq_factor = number_field(s, "high_freq_factor", path);
        c.original_max_pos = int_field(s, "original_max_position_embeddings", path);
    }
    return c;
}

std::map<std::string, HfTensor> read_hf_tensors(const std::filesystem::path &model_dir) {
    std::map<std::string, HfTensor> tensors;
    const auto index = model_dir / "model.safetensors.index.json";
    if (!std::filesystem::exists(index)) {
        read_safetensors_file(model_dir / "model.safetensors", tensors);
        return tensors;
    }
    const auto doc = read_json(index);
    std::set<std::string> files;
    for (auto it = doc["weight_map"].MemberBegin(); it != doc["weight_map"].MemberEnd(); ++it)
        files.insert(it->value.GetString());
    for (const auto &file : files)
        read_safetensors_file(model_dir / file, tensors);
    return tensors;
}

} // namespace reference::testing
