// An importance matrix computed by llama.cpp itself, for the fidelity harness
// (bench/fidelity/fidelity.sh --make-imatrix): runs an F32 GGUF in llama.cpp
// over a calibration text and, as llama-imatrix does, sums per weight matrix
// the squares of each input column over every token that went through it
// (ggml's scheduler callback on the MUL_MAT nodes whose weight is a "blk."
// tensor). Writes llama-imatrix's GGUF form (<name>.in_sum2, <name>.counts,
// imatrix.datasets / chunk_count / chunk_size), which gmat's --imatrix reads;
// fidelity_compare --imatrix gives the same file to llama_model_quantize.
//
// Usage: fidelity_imatrix --model F32.gguf --text FILE --out IMATRIX.gguf [--chunk N] [--threads N]
// The text is cut into chunks of N tokens (default 256), each starting with
// the BOS token as llama-imatrix's do, and each decoded from an empty cache.
#include "imatrix/importance_matrix.hpp"

#include <oracle/gguf_builder.hpp>
#include <oracle/llama.hpp>

#include <ggml-backend.h>
#include <ggml.h>
#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
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

std::string read_text(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// What one weight matrix saw: per input column the sum of squared activations,
// and how many tokens (activation rows) those sums hold.
struct ColumnSums {
    std::vector<double> sum2;
    int64_t n_mat = 1; // matrices stacked in the weight tensor (ne[2] * ne[3])
    int64_t count = 0; // rows per matrix
};

// The scheduler callback's state. Nothing may throw through ggml's C frames,
// so a problem is recorded and raised by check() after llama_decode returns.
class ActivationCollector {
public:
    static bool observe(ggml_tensor *node, bool ask, void *self) {
        auto &collector = *static_cast<ActivationCollector *>(self);
        return ask ? collector.wants(node) : collector.collect(node);
    }

    void check() const {
        if (!error_.empty()) throw std::runtime_error(error_);
    }
    const std::map<std::string, ColumnSums> &sums() const { return sums_; }

private:
    // ggml names a weight copied to another backend "BACKEND#name#n" (llama-imatrix strips that too).
    static std::string weight_name(const ggml_tensor *weight) {
        const char *name = weight->name;
        const char *first = std::strchr(name, '#');
        if (!first) return name;
        const char *second = std::strchr(first + 1, '#');
        return second ? std::string(first + 1, second) : std::string(first + 1);
    }

    bool wants(const ggml_tensor *node) {
        if (node->op == GGML_OP_MUL_MAT_ID && error_.empty())
            error_ = "'" + weight_name(node->src[0]) + "' is multiplied per expert (MUL_MAT_ID), which this tool "
                     "does not collect (dense models only)";
        if (node->op != GGML_OP_MUL_MAT || node->src[1]->type != GGML_TYPE_F32) return false;
        return weight_name(node->src[0]).rfind("blk.", 0) == 0; // not output.weight, as llama-imatrix by default
    }

    bool collect(const ggml_tensor *node) {
        const ggml_tensor *weight = node->src[0];
        const ggml_tensor *x = node->src[1];
        const std::string name = weight_name(weight);
        const char *data = static_cast<const char *>(x->data);
        if (!ggml_backend_buffer_is_host(x->buffer)) {
            copy_.resize(ggml_nbytes(x));
            ggml_backend_tensor_get(x, copy_.data(), 0, copy_.size());
            data = copy_.data();
        }
        ColumnSums &s = sums_[name];
        const int64_t n_mat = weight->ne[2] * weight->ne[3];
        const int64_t n_cols = x->ne[0];
        if (s.sum2.empty()) {
            s.sum2.assign(static_cast<size_t>(n_cols * n_mat), 0.0);
            s.n_mat = n_mat;
        } else if (s.sum2.size() != static_cast<size_t>(n_cols * n_mat)) {
            if (error_.empty())
                error_ = "'" + name + "': input rows of " + std::to_string(n_cols) + " columns after " +
                         std::to_string(s.sum2.size() / static_cast<size_t>(s.n_mat)) + " before";
            return true;
        }
        for (int64_t i3 = 0; i3 < x->ne[3]; ++i3)
            for (int64_t i2 = 0; i2 < x->ne[2]; ++i2) {
                // activations of more dimensions than the weight has share its matrices
                const int64_t mat = (i3 % weight->ne[3]) * weight->ne[2] + (i2 % weight->ne[2]);
                double *acc = s.sum2.data() + mat * n_cols;
                for (int64_t row = 0; row < x->ne[1]; ++row) {
                    const auto *v = reinterpret_cast<const float *>(data + row * x->nb[1] + i2 * x->nb[2] +
                                                                    i3 * x->nb[3]);
                    for (int64_t j = 0; j < n_cols; ++j) acc[j] += static_cast<double>(v[j]) * v[j];
                }
            }
        s.count += ggml_nrows(x) / n_mat;
        return true; // false would stop the graph's computation
    }

    std::map<std::string, ColumnSums> sums_;
    std::vector<char> copy_;
    std::string error_;
};

void write_imatrix(const Options &o, const std::map<std::string, ColumnSums> &sums, uint32_t n_chunks) {
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
    ActivationCollector collector;
    options.eval_callback = &ActivationCollector::observe;
    options.eval_callback_data = &collector;
    oracle::Llama model(o.model, options);

    const std::vector<int32_t> prefix = model.tokenize("", true, false); // BOS, when the model adds one
    const std::vector<int32_t> text = model.tokenize(read_text(o.text), false, false);
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
