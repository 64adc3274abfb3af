#include "arch_model.hpp"

#include "config/export_config.hpp"
#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"
#include "store/store.hpp"

#include <reference/reference_scripts.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::test {

namespace {
fs::path scratch_root() {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("gmat-arch-" + std::to_string(::getpid()));
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-arch-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root;
}

std::vector<float> read_f32_file(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    const auto size = fs::file_size(file);
    std::vector<float> values(size / sizeof(float));
    in.read(reinterpret_cast<char *>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
    if (!in || size % sizeof(float) != 0) throw std::runtime_error(file.string() + ": cannot read float32 logits");
    return values;
}
} // namespace

fs::path arch_model_dir(const std::string &name) { return scratch_root() / name; }

ArchModel make_arch_model(const std::string &hf_class, const std::vector<std::string> &extra_args,
                          const std::string &variant) {
    const fs::path dir = arch_model_dir(variant.empty() ? hf_class : hf_class + "-" + variant);
    std::vector<std::string> args{(dir / "hf").string(), "--architecture", hf_class, "--vocab", "512"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    reference::run_reference_script("make_arch_checkpoint.py", args);
    return import_arch_checkpoint(hf_class, dir);
}

ArchModel import_arch_checkpoint(const std::string &hf_class, const fs::path &dir) {
    ArchModel m;
    m.hf_class = hf_class;
    m.dir = dir;
    m.hf = m.dir / "hf";
    ImportOptions import;
    import.model = m.hf;
    import.output_dir = m.dir;
    import.progress = false;
    std::ostringstream log;
    m.store = run_import(build_plugins(), import, log).store;
    for (int i = 0; i < 32; ++i) m.tokens.push_back((i * 97 + 3) % 512);
    return m;
}

fs::path export_model(const ArchModel &model, const std::string &default_type) {
    const fs::path out = model.dir / (default_type + ".gguf");
    export_in_process(model.store, default_type_config(default_type), out);
    return out;
}

std::vector<float> reference_logits(const ArchModel &model) {
    std::string tokens;
    for (int32_t t : model.tokens) tokens += (tokens.empty() ? "" : ",") + std::to_string(t);
    const fs::path out = model.dir / "reference.f32";
    const fs::path hf = model.reference_model.empty() ? model.hf : model.reference_model;
    reference::run_reference_script(model.reference_script,
                                    {"--model", hf.string(), "--tokens", tokens, "--out", out.string()});
    return read_f32_file(out);
}

} // namespace gmat::test
