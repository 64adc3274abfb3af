// The llama.cpp side of the fidelity harness (bench/fidelity/fidelity.sh):
// quantizes an F32 GGUF with llama_model_quantize for each type, runs the F32
// file, gmat's files and llama.cpp's files over one prompt in llama.cpp, and
// prints per type the mean KL divergence of the next-token distributions from
// the F32 model's, top-1 agreement with it and the file size, for gmat and
// llama.cpp, with the ratios.
//
// Usage: fidelity_compare --f32 F32.gguf --prompt FILE --work DIR [--threads N]
//                         [--max-kl-ratio R] TYPE=GMAT.gguf...
// TYPE is a mix name (q4_k_m, iq4_nl, ...). With --max-kl-ratio the exit
// status is 1 when any type's gmat KL exceeds R times llama.cpp's.
#include "quant_mix/mix_names.hpp"

#include <oracle/llama.hpp>
#include <oracle/logit_metrics.hpp>
#include <oracle/quantize_model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Options {
    fs::path f32, prompt, work;
    int threads = 2;
    double max_kl_ratio = 0.0; // 0: no check
    std::vector<std::pair<std::string, fs::path>> types;
};

[[noreturn]] void usage(const std::string &error) {
    std::fprintf(stderr,
                 "fidelity_compare: %s\nusage: fidelity_compare --f32 F32.gguf --prompt FILE --work DIR "
                 "[--threads N] [--max-kl-ratio R] TYPE=GMAT.gguf...\n",
                 error.c_str());
    std::exit(2);
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--f32") o.f32 = value();
        else if (arg == "--prompt") o.prompt = value();
        else if (arg == "--work") o.work = value();
        else if (arg == "--threads") o.threads = std::atoi(value().c_str());
        else if (arg == "--max-kl-ratio") o.max_kl_ratio = std::atof(value().c_str());
        else if (arg.rfind("--", 0) == 0) usage("unknown option " + arg);
        else {
            const auto eq = arg.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) usage("'" + arg + "' is not TYPE=FILE");
            o.types.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
        }
    }
    if (o.f32.empty() || o.prompt.empty() || o.work.empty()) usage("--f32, --prompt and --work are required");
    if (o.types.empty()) usage("no TYPE=GMAT.gguf given");
    if (o.threads < 1) usage("--threads must be at least 1");
    return o;
}

std::string read_text(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// How one file's next-token distributions compare with the F32 model's.
struct Fidelity {
    double kl = 0.0;    // mean over positions, nats
    double top1 = 0.0;  // share of positions whose most likely token is the F32 model's
    uintmax_t bytes = 0;
};

// exp of the mean negative log-likelihood of each next prompt token: a
// sanity check of the F32 model itself (a trained model reads its own kind of
// text at a low perplexity; a mis-converted one does not).
double perplexity(const std::vector<float> &logits, const std::vector<int32_t> &tokens, size_t n_vocab) {
    double nll = 0.0;
    for (size_t row = 0; row + 1 < tokens.size(); ++row) {
        const float *l = logits.data() + row * n_vocab;
        const double max = *std::max_element(l, l + n_vocab);
        double sum = 0.0;
        for (size_t i = 0; i < n_vocab; ++i) sum += std::exp(l[i] - max);
        nll += max + std::log(sum) - l[tokens[row + 1]];
    }
    return std::exp(nll / static_cast<double>(tokens.size() - 1));
}

size_t argmax_row(const std::vector<float> &logits, size_t row, size_t n_vocab) {
    const auto begin = logits.begin() + static_cast<std::ptrdiff_t>(row * n_vocab);
    return static_cast<size_t>(std::max_element(begin, begin + static_cast<std::ptrdiff_t>(n_vocab)) - begin);
}

Fidelity measure(const fs::path &file, const std::vector<int32_t> &tokens, const std::vector<float> &reference,
                 const oracle::LlamaOptions &options) {
    oracle::Llama model(file, options);
    const std::vector<float> logits = model.logits(tokens);
    const auto n_vocab = static_cast<size_t>(model.n_vocab());
    Fidelity f;
    f.kl = oracle::kl_divergence(reference, logits, model.n_vocab());
    size_t same = 0;
    for (size_t row = 0; row < tokens.size(); ++row)
        same += argmax_row(reference, row, n_vocab) == argmax_row(logits, row, n_vocab);
    f.top1 = static_cast<double>(same) / static_cast<double>(tokens.size());
    f.bytes = fs::file_size(file);
    return f;
}

int run(const Options &o) {
    fs::create_directories(o.work);
    oracle::LlamaOptions options;
    options.n_threads = o.threads;
    std::vector<int32_t> tokens;
    {
        oracle::LlamaOptions vocab_only = options;
        vocab_only.vocab_only = true;
        tokens = oracle::Llama(o.f32, vocab_only).tokenize(read_text(o.prompt), true, false);
    }
    if (tokens.size() < 2) throw std::runtime_error(o.prompt.string() + ": fewer than two tokens");
    options.n_ctx = static_cast<uint32_t>(tokens.size());
    oracle::Llama f32(o.f32, options);
    const std::vector<float> reference = f32.logits(tokens);

    std::printf("model: %s, prompt: %s (%zu tokens; F32 perplexity %.2f), KL in nats (mean over positions), "
                "sizes in MB (10^6 bytes)\n\n",
                o.f32.string().c_str(), o.prompt.string().c_str(), tokens.size(),
                perplexity(reference, tokens, static_cast<size_t>(f32.n_vocab())));
    std::printf("| type | gmat KL | llama.cpp KL | KL gmat / llama | gmat top-1 | llama.cpp top-1 | gmat MB | "
                "llama.cpp MB | size gmat / llama |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    int failures = 0;
    for (const auto &[type, gmat_file] : o.types) {
        const fs::path theirs = o.work / ("llama-" + type + ".gguf");
        oracle::quantize_model(o.f32, theirs, static_cast<int32_t>(gmat::llama_ftype_of(type)), o.threads);
        const Fidelity ours = measure(gmat_file, tokens, reference, options);
        const Fidelity llama = measure(theirs, tokens, reference, options);
        const double kl_ratio = llama.kl > 0.0 ? ours.kl / llama.kl : (ours.kl > 0.0 ? 1e9 : 1.0);
        std::printf("| %s | %.6f | %.6f | %.3f | %.1f%% | %.1f%% | %.3f | %.3f | %.4f |\n", type.c_str(), ours.kl,
                    llama.kl, kl_ratio, 100.0 * ours.top1, 100.0 * llama.top1, ours.bytes / 1e6, llama.bytes / 1e6,
                    static_cast<double>(ours.bytes) / static_cast<double>(llama.bytes));
        std::fflush(stdout);
        if (o.max_kl_ratio > 0.0 && !(kl_ratio <= o.max_kl_ratio)) {
            std::fprintf(stderr, "fidelity_compare: %s: gmat's KL %.6f is %.3fx llama.cpp's %.6f (limit %.3fx)\n",
                         type.c_str(), ours.kl, kl_ratio, llama.kl, o.max_kl_ratio);
            ++failures;
        }
    }
    return failures ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
    const Options options = parse(argc, argv);
    try {
        return run(options);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fidelity_compare: %s\n", e.what());
        return 1;
    }
}
