// The llama.cpp side of the fidelity harness (bench/fidelity/fidelity.sh):
// quantizes an F32 GGUF with llama_model_quantize for each type, runs the F32
// file, gmat's files and llama.cpp's files over one prompt in llama.cpp, and
// prints per type the mean KL divergence of the next-token distributions from
// the F32 model's, top-1 agreement with it and the file size, for gmat and
// llama.cpp, with the ratios.
//
// Usage: fidelity_compare --f32 F32.gguf --prompt FILE --work DIR [--threads N] [--chunk N]
//                         [--max-perplexity P] [--max-kl-ratio R] [--reuse-llama] [--imatrix FILE] TYPE=GMAT.gguf...
//        fidelity_compare --f32 F32.gguf --work DIR [--threads N] [--imatrix FILE] --quantize-only TYPE...
// TYPE is a mix name (q4_k_m, iq4_nl, ...), or LABEL@MIX (e.g. auto@q4_k_m:
// gmat's file, shown as LABEL, against llama.cpp's MIX). llama.cpp's file of
// MIX is DIR/llama-MIX.gguf; --quantize-only writes those files and prints
// "MIX BYTES" per line (so a script can give gmat a budget of that size), and
// --reuse-llama then reads them instead of quantizing again. With
// --max-kl-ratio the exit status is 1 when any plain row's gmat KL exceeds R
// times llama.cpp's; with --max-auto-kl-ratio R when a LABEL@MIX row's KL
// exceeds R times llama.cpp's MIX or is not below the KL of gmat's own MIX
// row, when the table has one (list it before the LABEL@MIX row). With
// The prompt is read in chunks of at most N tokens (default 256, stories15M's
// context), each starting with BOS, and the KL is the mean over every
// position of every chunk; --max-perplexity P fails (exit 1) when the F32
// model's perplexity on it exceeds P, which a text read past the model's
// context or a mis-converted model shows. With
// --imatrix, llama_model_quantize gets that importance matrix (llama-imatrix's
// GGUF or .dat, read and normalised by gmat's reader, so both sides see the
// same numbers), as gmat's export should have.
#include "imatrix/importance_matrix.hpp"
#include "quant_mix/mix_names.hpp"
#include "text_file.hpp"

#include <oracle/llama.hpp>
#include <oracle/logit_metrics.hpp>
#include <oracle/quantize_model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Options {
    fs::path f32, prompt, work, imatrix;
    int threads = 2;
    size_t chunk = 256; // tokens per piece of the prompt, BOS included
    double max_perplexity = 0.0; // 0: no check
    double max_kl_ratio = 0.0;      // 0: no check
    double max_auto_kl_ratio = 0.0; // 0: no check
    bool quantize_only = false, reuse_llama = false;
    std::vector<std::pair<std::string, fs::path>> types;
};

[[noreturn]] void usage(const std::string &error) {
    std::fprintf(stderr,
                 "fidelity_compare: %s\nusage: fidelity_compare --f32 F32.gguf --prompt FILE --work DIR "
                 "[--threads N] [--chunk N] [--max-perplexity P] [--max-kl-ratio R] [--max-auto-kl-ratio R] [--reuse-llama] [--imatrix FILE] "
                 "TYPE=GMAT.gguf...\n"
                 "       fidelity_compare --f32 F32.gguf --work DIR [--threads N] [--imatrix FILE] --quantize-only "
                 "MIX...\n",
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
        else if (arg == "--imatrix") o.imatrix = value();
        else if (arg == "--threads") o.threads = std::atoi(value().c_str());
        else if (arg == "--max-perplexity") o.max_perplexity = std::atof(value().c_str());
        else if (arg == "--chunk") o.chunk = static_cast<size_t>(std::strtoull(value().c_str(), nullptr, 10));
        else if (arg == "--max-kl-ratio") o.max_kl_ratio = std::atof(value().c_str());
        else if (arg == "--max-auto-kl-ratio") o.max_auto_kl_ratio = std::atof(value().c_str());
        else if (arg == "--quantize-only") o.quantize_only = true;
        else if (arg == "--reuse-llama") o.reuse_llama = true;
        else if (arg.rfind("--", 0) == 0) usage("unknown option " + arg);
        else if (o.quantize_only) o.types.emplace_back(arg, fs::path());
        else {
            const auto eq = arg.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) usage("'" + arg + "' is not TYPE=FILE");
            o.types.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
        }
    }
    if (o.f32.empty() || o.work.empty() || (o.prompt.empty() && !o.quantize_only))
        usage("--f32, --prompt and --work are required (--prompt not with --quantize-only)");
    if (o.types.empty()) usage(o.quantize_only ? "no MIX given" : "no TYPE=GMAT.gguf given");
    if (o.threads < 1) usage("--threads must be at least 1");
    return o;
}

// How one file's next-token distributions compare with the F32 model's.
struct Fidelity {
    double kl = 0.0;    // mean over positions, nats
    double top1 = 0.0;  // share of positions whose most likely token is the F32 model's
    uintmax_t bytes = 0;
};

// The prompt in pieces the model reads one at a time: each starts with the
// tokens the tokenizer puts before any text (BOS) and holds at most `chunk`
// tokens, so a prompt longer than the model's context is read as
// llama-perplexity reads a text, never at positions the model was not trained on.
using Chunks = std::vector<std::vector<int32_t>>;

Chunks split_prompt(const oracle::Llama &vocab, const std::string &text, size_t chunk) {
    const std::vector<int32_t> prefix = vocab.tokenize("", true, false);
    const std::vector<int32_t> body = vocab.tokenize(text, false, false);
    if (chunk < prefix.size() + 2) usage("--chunk must be at least " + std::to_string(prefix.size() + 2) + " tokens");
    const size_t per_chunk = chunk - prefix.size();
    Chunks chunks;
    for (size_t begin = 0; begin < body.size(); begin += per_chunk) {
        std::vector<int32_t> piece = prefix;
        const auto from = body.begin() + static_cast<std::ptrdiff_t>(begin);
        piece.insert(piece.end(), from, from + static_cast<std::ptrdiff_t>(std::min(per_chunk, body.size() - begin)));
        if (piece.size() >= 2) chunks.push_back(std::move(piece));
    }
    return chunks;
}

size_t positions(const Chunks &chunks) {
    size_t n = 0;
    for (const auto &c : chunks) n += c.size();
    return n;
}

// exp of the mean negative log-likelihood of each next prompt token: a
// sanity check of the F32 model itself (a trained model reads its own kind of
// text at a low perplexity; a mis-converted one does not).
double perplexity(const std::vector<std::vector<float>> &logits, const Chunks &chunks, size_t n_vocab) {
    double nll = 0.0;
    size_t predicted = 0;
    for (size_t c = 0; c < chunks.size(); ++c)
        for (size_t row = 0; row + 1 < chunks[c].size(); ++row, ++predicted) {
            const float *l = logits[c].data() + row * n_vocab;
            const double max = *std::max_element(l, l + n_vocab);
            double sum = 0.0;
            for (size_t i = 0; i < n_vocab; ++i) sum += std::exp(l[i] - max);
            nll += max + std::log(sum) - l[chunks[c][row + 1]];
        }
    return std::exp(nll / static_cast<double>(predicted));
}

size_t argmax_row(const std::vector<float> &logits, size_t row, size_t n_vocab) {
    const auto begin = logits.begin() + static_cast<std::ptrdiff_t>(row * n_vocab);
    return static_cast<size_t>(std::max_element(begin, begin + static_cast<std::ptrdiff_t>(n_vocab)) - begin);
}

// KL and top-1 over every position of every chunk (each chunk's mean KL
// weighed by its positions).
Fidelity measure(const fs::path &file, const Chunks &chunks, const std::vector<std::vector<float>> &reference,
                 const oracle::LlamaOptions &options) {
    oracle::Llama model(file, options);
    const auto n_vocab = static_cast<size_t>(model.n_vocab());
    Fidelity f;
    size_t same = 0;
    for (size_t c = 0; c < chunks.size(); ++c) {
        const std::vector<float> logits = model.logits(chunks[c]);
        f.kl += oracle::kl_divergence(reference[c], logits, model.n_vocab()) * static_cast<double>(chunks[c].size());
        for (size_t row = 0; row < chunks[c].size(); ++row)
            same += argmax_row(reference[c], row, n_vocab) == argmax_row(logits, row, n_vocab);
    }
    f.kl /= static_cast<double>(positions(chunks));
    f.top1 = static_cast<double>(same) / static_cast<double>(positions(chunks));
    f.bytes = fs::file_size(file);
    return f;
}

// A row of the table: LABEL@MIX compares gmat's file, shown as LABEL, with
// llama.cpp's MIX; a plain MIX is both.
struct Row {
    std::string label, mix;
    bool plain() const { return label == mix; }
};

Row row_of(const std::string &type) {
    const auto at = type.find('@');
    if (at == std::string::npos) return {type, type};
    if (at == 0 || at + 1 == type.size()) usage("'" + type + "' is not LABEL@MIX");
    return {type.substr(0, at) + " (" + type.substr(at + 1) + " size)", type.substr(at + 1)};
}

fs::path llama_file(const Options &o, const std::string &mix) { return o.work / ("llama-" + mix + ".gguf"); }

// llama.cpp's side of the comparison: the F32 file and, with --imatrix, its importance values.
struct LlamaQuantizer {
    const Options &o;
    std::optional<oracle::ImportanceValues> imatrix;

    explicit LlamaQuantizer(const Options &options) : o(options) {
        if (!o.imatrix.empty()) imatrix = gmat::ImportanceMatrix::load(o.imatrix).entries();
    }
    void quantize(const std::string &mix) const {
        oracle::quantize_model(o.f32, llama_file(o, mix), static_cast<int32_t>(gmat::llama_ftype_of(mix)), o.threads,
                               imatrix ? &*imatrix : nullptr);
    }
};

int quantize_only(const Options &o) {
    fs::create_directories(o.work);
    const LlamaQuantizer llama(o);
    for (const auto &type : o.types) {
        llama.quantize(type.first);
        std::printf("%s %ju\n", type.first.c_str(), static_cast<uintmax_t>(fs::file_size(llama_file(o, type.first))));
    }
    return 0;
}

int run(const Options &o) {
    if (o.quantize_only) return quantize_only(o);
    fs::create_directories(o.work);
    oracle::LlamaOptions options;
    options.n_threads = o.threads;
    Chunks chunks;
    {
        oracle::LlamaOptions vocab_only = options;
        vocab_only.vocab_only = true;
        chunks = split_prompt(oracle::Llama(o.f32, vocab_only), fidelity::read_text(o.prompt), o.chunk);
    }
    if (chunks.empty()) throw std::runtime_error(o.prompt.string() + ": fewer than two tokens");
    size_t longest = 0;
    for (const auto &c : chunks) longest = std::max(longest, c.size());
    options.n_ctx = static_cast<uint32_t>(longest);
    oracle::Llama f32(o.f32, options);
    std::vector<std::vector<float>> reference;
    for (const auto &c : chunks) reference.push_back(f32.logits(c));

    const double f32_perplexity = perplexity(reference, chunks, static_cast<size_t>(f32.n_vocab()));
    std::printf("model: %s, prompt: %s (%zu tokens in %zu chunks of up to %zu; F32 perplexity %.2f), KL in nats "
                "(mean over positions), sizes in MB (10^6 bytes)\n\n",
                o.f32.string().c_str(), o.prompt.string().c_str(), positions(chunks), chunks.size(), o.chunk,
                f32_perplexity);
    if (o.max_perplexity > 0.0 && !(f32_perplexity <= o.max_perplexity))
        throw std::runtime_error(o.prompt.string() + ": the F32 model's perplexity " + std::to_string(f32_perplexity) +
                                 " exceeds --max-perplexity " + std::to_string(o.max_perplexity) +
                                 " (text read past the model's context, or a mis-converted model?)");
    std::printf("| type | gmat KL | llama.cpp KL | KL gmat / llama | gmat top-1 | llama.cpp top-1 | gmat MB | "
                "llama.cpp MB | size gmat / llama |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    int failures = 0;
    std::map<std::string, double> gmat_mix_kl; // plain rows' gmat KL, by mix
    const LlamaQuantizer llama_quantizer(o);
    for (const auto &[type, gmat_file] : o.types) {
        const Row row = row_of(type);
        const fs::path theirs = llama_file(o, row.mix);
        if (!o.reuse_llama || !fs::exists(theirs)) llama_quantizer.quantize(row.mix);
        const Fidelity ours = measure(gmat_file, chunks, reference, options);
        const Fidelity llama = measure(theirs, chunks, reference, options);
        const double kl_ratio = llama.kl > 0.0 ? ours.kl / llama.kl : (ours.kl > 0.0 ? 1e9 : 1.0);
        std::printf("| %s | %.6f | %.6f | %.3f | %.1f%% | %.1f%% | %.3f | %.3f | %.4f |\n", row.label.c_str(), ours.kl,
                    llama.kl, kl_ratio, 100.0 * ours.top1, 100.0 * llama.top1, ours.bytes / 1e6, llama.bytes / 1e6,
                    static_cast<double>(ours.bytes) / static_cast<double>(llama.bytes));
        std::fflush(stdout);
        const double limit = row.plain() ? o.max_kl_ratio : o.max_auto_kl_ratio;
        if (limit > 0.0 && !(kl_ratio <= limit)) {
            std::fprintf(stderr, "fidelity_compare: %s: gmat's KL %.6f is %.3fx llama.cpp's %.6f (limit %.3fx)\n",
                         row.label.c_str(), ours.kl, kl_ratio, llama.kl, limit);
            ++failures;
        }
        if (row.plain()) gmat_mix_kl[row.mix] = ours.kl;
        else if (const auto mix = gmat_mix_kl.find(row.mix);
                 o.max_auto_kl_ratio > 0.0 && mix != gmat_mix_kl.end() && !(ours.kl < mix->second)) {
            std::fprintf(stderr, "fidelity_compare: %s: KL %.6f is not below gmat's own %s (%.6f)\n",
                         row.label.c_str(), ours.kl, row.mix.c_str(), mix->second);
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
