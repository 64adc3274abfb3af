// An importance matrix computed by llama.cpp itself, for the fidelity harness
// (bench/fidelity/fidelity.sh --make-imatrix): runs an F32 GGUF in llama.cpp
// over a calibration text and, as llama-imatrix does, sums per weight matrix
// the squares of each input column over every token that went through it
// (oracle::ActivationSums: ggml's scheduler callback on the MUL_MAT nodes
// whose weight is a "blk." tensor). Writes llama-imatrix's GGUF form (<name>.in_sum2, <name>.counts,
// imatrix.datasets / chunk_count / chunk_size), which gmat's --imatrix reads;
// fidelity_compare --imatrix gives the same file to llama_model_quantize.
//
// Usage: fidelity_imatrix --model F32.gguf --text FILE --out IMATRIX.gguf [--chunk N] [--threads N]
// The text is cut into chunks of N tokens (default 256), each starting with
// the BOS token as llama-imatrix's do, and each decoded from an empty cache.
#include "imatrix/importance_matrix.hpp"
#include "text_file.hpp"

#include <oracle/activation_sums.hpp>
#include <oracle/gguf_builder.hpp>
#include <oracle/llama.hpp>

#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Options {
    fs::path model, text, out;
    int chunk = 256;
    int threads = 2;
};

[[noreturn]] void usage(const std::string &error) {
    std::fprintf(stderr,
                 "fidelity_imatrix: %s\nusage: fidelity_imatrix --model F32.gguf --text FILE --out IMATRIX.gguf "
                 "[--chunk N] [--threads N]\n",
                 error.c_str());
    std::exit(2);
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) usage(arg.rfind("--", 0) == 0 ? arg + " needs a value" : "unexpected '" + arg + "'");
        const std::string value = argv[++i];
        if (arg == "--model") o.model = value;
        else if (arg == "--text") o.text = value;
        else if (arg == "--out") o.out = value;
        else if (arg == "--chunk") o.chunk = std::atoi(value.c_str());
        else if (arg == "--threads") o.threads = std::atoi(value.c_str());
        else usage("unknown option " + arg);
    }
    if (o.model.empty() || o.text.empty() || o.out.empty()) usage("--model, --text and --out are required");
    if (o.chunk < 16) usage("--chunk must be at least 16 tokens");
    if (o.threads < 1) usage("--threads must be at least 1");
    return o;
}

void write_imatrix(const Options &o, const std::map<std::string, oracle::ColumnSquareSums> &sums, uint32_t n_chunks) {
    oracle::GgufBuilder gguf(32, 2 * sums.size() + 8);
    gguf_set_val_str(gguf.ctx(), "general.type", "imatrix");
    const std::string dataset = o.text.string();
    const char *datasets[] = {dataset.c_str()};
    gguf_set_arr_str(gguf.ctx(), "imatrix.datasets", datasets, 1);
    gguf_set_val_u32(gguf.ctx(), "imatrix.chunk_count", n_chunks);
    gguf_set_val_u32(gguf.ctx(), "imatrix.chunk_size", static_cast<uint32_t>(o.chunk));
    for (const auto &[name, s] : sums) {
        for (double v : s.sum2)
            if (!std::isfinite(v)) throw std::runtime_error(o.model.string() + ": '" + name + "': non-finite activations");
        const auto n_cols = static_cast<int64_t>(s.sum2.size()) / s.n_mat;
        gguf.add_f32_tensor(name + ".in_sum2", {n_cols, s.n_mat}, std::vector<float>(s.sum2.begin(), s.sum2.end()));
        gguf.add_f32_tensor(name + ".counts", {1, s.n_mat},
                            std::vector<float>(static_cast<size_t>(s.n_mat), static_cast<float>(s.count)));
    }
    gguf.write(o.out);
}

int run(const Options &o) {
    oracle::LlamaOptions options;
    options.n_threads = o.threads;
    options.n_ctx = static_cast<uint32_t>(o.chunk);
    oracle::ActivationSums collector;
    collector.observe(options);
    oracle::Llama model(o.model, options);

    const std::vector<int32_t> prefix = model.tokenize("", true, false); // BOS, when the model adds one
    const std::vector<int32_t> text = model.tokenize(fidelity::read_text(o.text), false, false);
    const size_t per_chunk = static_cast<size_t>(o.chunk) - prefix.size();
    if (text.size() < 16) throw std::runtime_error(o.text.string() + ": fewer than 16 tokens of calibration text");
    uint32_t n_chunks = 0;
    for (size_t begin = 0; begin < text.size(); begin += per_chunk, ++n_chunks) {
        std::vector<int32_t> chunk = prefix;
        const size_t end = std::min(text.size(), begin + per_chunk);
        chunk.insert(chunk.end(), text.begin() + static_cast<std::ptrdiff_t>(begin),
                     text.begin() + static_cast<std::ptrdiff_t>(end));
        model.logits(chunk);
        collector.check();
    }
    if (collector.sums().empty())
        throw std::runtime_error(o.model.string() + ": llama.cpp multiplied no \"blk.\" weight matrix");
    write_imatrix(o, collector.sums(), n_chunks);

    const gmat::ImportanceMatrix written = gmat::ImportanceMatrix::load(o.out); // the reader gmat export uses
    std::printf("%s: %zu weight matrices, %zu tokens of %s in %u chunks of up to %d\n", o.out.string().c_str(),
                written.size(), text.size(), o.text.string().c_str(), n_chunks, o.chunk);
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    const Options options = parse(argc, argv);
    try {
        return run(options);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fidelity_imatrix: %s\n", e.what());
        return 1;
    }
}
