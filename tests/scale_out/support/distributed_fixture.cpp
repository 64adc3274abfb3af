#include "distributed_fixture.hpp"

#include <reference/reference_scripts.hpp>

#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace gmat::distributed {

ChildResult run_gmat(const std::vector<std::string> &args, const std::vector<std::string> &env) {
    std::vector<std::string> all{"-u", "SLURM_ARRAY_TASK_ID", "-u", "SLURM_ARRAY_TASK_COUNT", "-u",
                                 "SLURM_ARRAY_TASK_MIN", "-u", "JOB_COMPLETION_INDEX"};
    all.insert(all.end(), env.begin(), env.end());
    all.push_back(GMAT_CLI_PATH);
    all.push_back("-q");
    all.insert(all.end(), args.begin(), args.end());
    return test::run_child("/usr/bin/env", all);
}

const fs::path &checkpoint() {
    static const fs::path dir = [] {
        const fs::path out = test::process_root() / "checkpoint";
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.layers = 2;
        o.heads = 4;
        o.kv_heads = 2;
        o.vocab = 512;
        o.shards = 2;
        o.seed = 20;
        reference::make_llama_checkpoint(out, o);
        return out;
    }();
    return dir;
}

const fs::path &store() {
    static const fs::path dir = [] {
        const fs::path out = test::process_root() / "store";
        const ChildResult r = run_gmat({"import", "-m", checkpoint().string(), "-o", out.string()});
        if (r.exit_code != 0) throw std::runtime_error("import failed: " + r.describe());
        return out / "model.gmat";
    }();
    return dir;
}

fs::path write_profile(const fs::path &file, const std::string &default_type, uint64_t shard_size) {
    std::ofstream out(file);
    out << "{\"target_format\": \"gguf\", \"quantization\": {\"default_type\": \"" << default_type
        << "\", \"scale_optimization\": \"standard\"}";
    if (shard_size) out << ", \"shard_size\": " << shard_size;
    out << "}\n";
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
}

std::map<std::string, std::vector<uint8_t>> tree_bytes(const fs::path &dir) {
    std::map<std::string, std::vector<uint8_t>> tree;
    if (!fs::exists(dir)) return tree;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) tree[fs::relative(e.path(), dir).string()] = file_bytes(e.path());
    return tree;
}

} // namespace gmat::distributed
