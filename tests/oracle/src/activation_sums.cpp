#include "oracle/activation_sums.hpp"

#include <ggml-backend.h>
#include <ggml.h>

#include <cstring>
#include <stdexcept>

namespace oracle {

namespace {

// ggml names a weight copied to another backend "BACKEND#name#n" (llama-imatrix strips that too).
std::string weight_name(const ggml_tensor *weight) {
    const char *name = weight->name;
    const char *first = std::strchr(name, '#');
    if (!first) return name;
    const char *second = std::strchr(first + 1, '#');
    return second ? std::string(first + 1, second) : std::string(first + 1);
}

} // namespace

void ActivationSums::observe(LlamaOptions &options) {
    options.eval_callback = &ActivationSums::callback;
    options.eval_callback_data = this;
}

void ActivationSums::check() const {
    if (!error_.empty()) throw std::runtime_error(error_);
}

bool ActivationSums::callback(ggml_tensor *node, bool ask, void *self) {
    auto &sums = *static_cast<ActivationSums *>(self);
    return ask ? sums.wants(node) : sums.collect(node);
}

bool ActivationSums::wants(const ggml_tensor *node) {
    if (node->op == GGML_OP_MUL_MAT_ID && error_.empty())
        error_ = "'" + weight_name(node->src[0]) +
                 "' is multiplied per expert (MUL_MAT_ID), which is not collected (dense models only)";
    if (node->op != GGML_OP_MUL_MAT || node->src[1]->type != GGML_TYPE_F32) return false;
    return weight_name(node->src[0]).rfind("blk.", 0) == 0;
}

bool ActivationSums::collect(const ggml_tensor *node) {
    const ggml_tensor *weight = node->src[0];
    const ggml_tensor *x = node->src[1];
    const std::string name = weight_name(weight);
    const char *data = static_cast<const char *>(x->data);
    if (!ggml_backend_buffer_is_host(x->buffer)) {
        copy_.resize(ggml_nbytes(x));
        ggml_backend_tensor_get(x, copy_.data(), 0, copy_.size());
        data = copy_.data();
    }
    if (x->nb[0] != sizeof(float)) {
        if (error_.empty()) error_ = "'" + name + "': input activations with gaps between columns";
        return true;
    }
    ColumnSquareSums &s = sums_[name];
    const int64_t n_mat = weight->ne[2] * weight->ne[3];
    const int64_t n_cols = x->ne[0];
    if (s.sum2.empty()) {
        s.sum2.assign(static_cast<size_t>(n_cols * n_mat), 0.0);
        s.n_mat = n_mat;
    } else if (s.sum2.size() != static_cast<size_t>(n_cols * n_mat)) {
        if (error_.empty())
            error_ = "'" + name + "': input rows of " + std::to_string(n_cols) + " columns after rows of " +
                     std::to_string(s.sum2.size() / static_cast<size_t>(s.n_mat));
        return true;
    }
    for (int64_t i3 = 0; i3 < x->ne[3]; ++i3)
        for (int64_t i2 = 0; i2 < x->ne[2]; ++i2) {
            // activations of more dimensions than the weight has share its matrices
            const int64_t mat = (i3 % weight->ne[3]) * weight->ne[2] + (i2 % weight->ne[2]);
            double *acc = s.sum2.data() + mat * n_cols;
            for (int64_t row = 0; row < x->ne[1]; ++row) {
                const auto *v = reinterpret_cast<const float *>(data + row * x->nb[1] + i2 * x->nb[2] + i3 * x->nb[3]);
                for (int64_t j = 0; j < n_cols; ++j) acc[j] += static_cast<double>(v[j]) * v[j];
            }
        }
    s.count += ggml_nrows(x) / n_mat;
    return true; // false would stop the graph's computation
}

} // namespace oracle
