#include "pipeline/model_metadata.hpp"

#include "quant_mix/mix_names.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <algorithm>
#include <filesystem>

namespace gmat {

namespace {
std::string model_name(const Store &store, const HfConfig &hf) {
    if (auto name = hf.optional_string("_name_or_path"); name && !name->empty())
        return std::filesystem::path(*name).filename().string();
    const auto parent = std::filesystem::absolute(store.dir()).lexically_normal().parent_path();
    return parent.filename().empty() ? std::string("model") : parent.filename().string();
}

bool has_tokenizer(const Store &store) {
    for (const char *name : {"tokenizer.model", "tokenizer.json", "tiktoken.model"})
        if (!store.model_file(name).empty()) return true;
    return false;
}
} // namespace

Metadata model_metadata(const Store &store, const ExportConfig &config, const Architecture &arch, const HfConfig &hf,
                        bool allow_unknown_pre_tokenizer) {
    Metadata md;
    md.set("general.architecture", arch.gguf_architecture());
    md.set("general.name", model_name(store, hf));
    std::string mix = config.default_type;
    std::transform(mix.begin(), mix.end(), mix.begin(), ::tolower);
    if (is_mix_name(mix)) md.set("general.file_type", llama_ftype_of(mix));
    md.set("general.quantization_version", uint32_t{2});
    arch.add_hyperparameters(hf, md);
    if (has_tokenizer(store)) {
        TokenizerOptions options;
        options.vocab_size = static_cast<uint32_t>(hf.optional_uint("vocab_size").value_or(0));
        options.special_token_ids = config.special_token_keys;
        options.allow_unknown_pre_tokenizer = allow_unknown_pre_tokenizer;
        append_tokenizer_metadata(store.dir(), options, md);
        arch.adjust_tokenizer(md, config.special_token_keys);
    } else {
        // A model without tokenizer files still runs on token ids.
        md.set("tokenizer.ggml.model", std::string("none"));
    }
    md.set("gmat.version", std::string(GMAT_VERSION));
    md.set("gmat.export.default_type", mix);
    md.set("gmat.export.scale_optimization", config.scale_optimization);
    return md;
}

} // namespace gmat
