// What llama-imatrix collects while llama.cpp runs a model: for each weight
// matrix a MUL_MAT node multiplies (a "blk." tensor; output.weight is left
// out, as llama-imatrix does by default), the sum over every token that went
// through it of each input column's square, and the token count. Divided,
// they are the importance values llama_model_quantize takes.
#pragma once

#include "oracle/llama.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct ggml_tensor;

namespace oracle {

struct ColumnSquareSums {
    std::vector<double> sum2; // n_mat blocks of one row length each
    int64_t n_mat = 1;        // matrices stacked in the weight tensor (its ne[2] * ne[3])
    int64_t count = 0;        // activation rows (tokens) summed, per matrix
};

class ActivationSums {
public:
    ActivationSums() = default;
    ActivationSums(const ActivationSums &) = delete; // ggml holds its address
    ActivationSums &operator=(const ActivationSums &) = delete;

    // Sets options' eval callback to collect into this object, which must
    // outlive every Llama made with them.
    void observe(LlamaOptions &options);
    // Throws what the callback could not throw through ggml's C frames (an
    // expert MUL_MAT_ID, a weight seen with two row lengths); call after each
    // Llama::logits.
    void check() const;
    const std::map<std::string, ColumnSquareSums> &sums() const { return sums_; }

private:
    static bool callback(ggml_tensor *node, bool ask, void *self);
    bool wants(const ggml_tensor *node);
    bool collect(const ggml_tensor *node);

    std::map<std::string, ColumnSquareSums> sums_;
    std::vector<char> copy_; // activations of a tensor outside host memory
    std::string error_;
};

} // namespace oracle
