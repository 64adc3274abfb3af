#include "repository_fixture.hpp"

#include <reference/reference_scripts.hpp>

#include "repository/content_id.hpp"

#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::repotest {

namespace {
using test::process_root;

std::string joined(const std::vector<std::string> &args) {
    std::string text = "gmat";
    for (const auto &a : args) text += " " + a;
    return text;
}
} // namespace

fs::path gmat_binary() { return GMAT_CLI_PATH; }

ChildResult run_gmat(const std::vector<std::string> &args) {
    std::vector<std::string> all{"-q"};
    all.insert(all.end(), args.begin(), args.end());
    return test::run_child(gmat_binary(), all);
}

ChildResult expect_gmat(const std::vector<std::string> &args) {
    ChildResult r = run_gmat(args);
    EXPECT_EQ(r.exit_code, 0) << joined(args) << ": " << r.describe();
    return r;
}

const Family &family() {
    static const Family made = [] {
        const fs::path dir = process_root() / "family";
        reference::CheckpointOptions o;
        o.hidden = 128;
        o.intermediate = 352;
        o.heads = 4;
        o.kv_heads = 2;
        o.vocab = 1024;
        o.dtype = "bf16";
        o.tied = true;
        o.seed = 11;
        Family f{dir / "base", dir / "frozen", dir / "noisy", dir / "added"};
        reference::make_llama_checkpoint(f.base, o);
        int seed = 1;
        for (const auto &[mode, out] : {std::pair{"frozen", f.frozen}, {"noisy", f.noisy}, {"added", f.added}})
            reference::run_reference_script("../repository/make_finetune.py",
                                            {f.base.string(), out.string(), "--mode", mode, "--seed",
                                             std::to_string(seed++)});
        return f;
    }();
    return made;
}

const fs::path &large_checkpoint() {
    static const fs::path made = [] {
        const fs::path dir = process_root() / "large";
        reference::make_llama_checkpoint(dir, reference::slow_checkpoint_options());
        return dir;
    }();
    return made;
}

std::vector<uint8_t> export_bytes(const fs::path &store, const std::string &type, const fs::path &out) {
    const fs::path config = out.string() + ".json";
    std::ofstream(config) << R"({"quantization": {"default_type": ")" << type << R"("}})";
    expect_gmat({"export", "-m", store.string(), "-c", config.string(), "-o", out.string()});
    return file_bytes(out);
}

std::set<std::string> blob_names(const fs::path &repo) {
    std::set<std::string> names;
    for (const auto &e : fs::recursive_directory_iterator(repo / "blobs"))
        if (e.is_regular_file() && e.path().extension() == ".gmat" && is_blob_name(e.path().stem().string()))
            names.insert(e.path().stem().string());
    return names;
}

std::set<std::string> model_blobs(const fs::path &store) {
    // Read with a plain text scan, not the Store class under test.
    std::ifstream in(store / "metadata.json");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::set<std::string> blobs;
    const std::string key = "\"blob\": \"";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1))
        blobs.insert(text.substr(at + key.size(), text.find('"', at + key.size()) - at - key.size()));
    return blobs;
}

fs::path blob_file(const fs::path &repo, const std::string &blob) {
    return repo / "blobs" / blob.substr(0, 2) / (blob + ".gmat");
}

DuReport parse_du(const std::string &text) {
    DuReport report;
    std::istringstream lines(text);
    std::string line;
    bool in_table = false;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> w{std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
        if (w.empty()) {
            in_table = false;
            continue;
        }
        if (w[0] == "MODEL") {
            in_table = true;
            continue;
        }
        if (in_table && w.size() == 6) {
            for (size_t i = 1; i < 6; ++i) report.models[w[0]].push_back(std::stoull(w[i]));
        } else if (!in_table && w.size() >= 2) {
            report.totals[w[0]] = std::stoull(w[1]);
        }
    }
    return report;
}

} // namespace gmat::repotest
