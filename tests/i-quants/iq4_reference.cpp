#include "iq4_reference.hpp"

#include <iq4_kernels.hpp>
#include <oracle/ggml_types.hpp>

#include <cmath>
#include <stdexcept>

namespace iquants_test {

uint32_t gguf_type_of(Iq4Type type) { return gmat::iquants::format_of(type).gguf_type; }

uint64_t row_bytes(Iq4Type type, uint64_t cols) {
    const auto &f = gmat::iquants::format_of(type);
    return cols / f.block_elements * f.block_bytes;
}

const char *type_name(Iq4Type type) { return gmat::iquants::format_of(type).name; }

std::vector<uint8_t> gmat_quantize(Iq4Type type, const Matrix &m, const Options &options) {
    std::vector<uint8_t> out(m.rows * row_bytes(type, m.cols));
    gmat::sdk::QuantParams params;
    params.strategy = options.strategy;
    params.trellis_lambda = options.lambda;
    params.importance = options.importance;
    gmat::iquants::quantize_rows(type, options.level, m.values.data(), m.rows, m.cols, params, out.data());
    return out;
}

std::vector<float> gmat_dequantize(Iq4Type type, const std::vector<uint8_t> &blocks, const Matrix &m) {
    std::vector<float> y(m.rows * m.cols);
    gmat::iquants::dequantize_rows(type, blocks.data(), m.rows, m.cols, y.data());
    return y;
}

std::vector<uint8_t> ggml_quantize(Iq4Type type, const Matrix &m, const float *importance) {
    return oracle::quantize(gguf_type_of(type), m.values.data(), int64_t(m.rows), int64_t(m.cols), importance);
}

std::vector<float> ggml_dequantize(Iq4Type type, const std::vector<uint8_t> &blocks, const Matrix &m) {
    if (blocks.size() != m.rows * row_bytes(type, m.cols)) throw std::invalid_argument("ggml_dequantize: wrong size");
    return oracle::dequantize(gguf_type_of(type), blocks.data(), int64_t(m.rows * m.cols));
}

int64_t ggml_first_invalid_row(Iq4Type type, const std::vector<uint8_t> &blocks, const Matrix &m) {
    const uint64_t bytes = row_bytes(type, m.cols);
    for (uint64_t r = 0; r < m.rows; ++r)
        if (!oracle::validate_row_data(gguf_type_of(type), blocks.data() + r * bytes, bytes)) return int64_t(r);
    return -1;
}

namespace {

// Adds one 32-value block's objective terms for values x, y and weights w.
void add_block(const float *x, const float *y, const double *w, double lambda, double &err, double &ref) {
    double sw = 0, swe = 0, swx = 0;
    for (int j = 0; j < 32; ++j) {
        const double e = double(x[j]) - double(y[j]);
        err += w[j] * e * e;
        ref += w[j] * double(x[j]) * x[j];
        sw += w[j];
        swe += w[j] * e;
        swx += w[j] * x[j];
    }
    if (sw > 0) {
        err += lambda * swe * swe / sw;
        ref += lambda * swx * swx / sw;
    }
}

// Calls visit(first_value, group_err, group_ref) once per group of `group` values.
template <class Visit>
void objective_groups(Iq4Type type, const Matrix &x, const std::vector<float> &y, const float *importance,
                      double lambda, uint64_t group, Visit visit) {
    const uint64_t super = gmat::iquants::format_of(type).block_elements; // sigma2's span
    std::vector<double> w(super);
    for (uint64_t s = 0; s < x.values.size(); s += super) {
        const float *xs = x.values.data() + s;
        if (importance != nullptr) {
            double sigma2 = 0;
            for (uint64_t j = 0; j < super; ++j) sigma2 += double(xs[j]) * xs[j];
            sigma2 = 2.0 * sigma2 / double(super);
            for (uint64_t j = 0; j < super; ++j)
                w[j] = importance[(s + j) % x.cols] * std::sqrt(sigma2 + double(xs[j]) * xs[j]);
        } else { // the default weighting: 3 + x^2 / (the row's mean square)
            const float *row = x.values.data() + s / x.cols * x.cols;
            double sigma2 = 0;
            for (uint64_t j = 0; j < x.cols; ++j) sigma2 += double(row[j]) * row[j];
            sigma2 /= double(x.cols);
            for (uint64_t j = 0; j < super; ++j) w[j] = sigma2 > 0 ? 3.0 + double(xs[j]) * xs[j] / sigma2 : 1.0;
        }
        for (uint64_t g = 0; g < super; g += group) {
            double err = 0, ref = 0;
            for (uint64_t b = g; b < g + group; b += 32)
                add_block(xs + b, y.data() + s + b, w.data() + b, lambda, err, ref);
            visit(s + g, err, ref);
        }
    }
}

} // namespace

double relative_objective(Iq4Type type, const Matrix &x, const std::vector<float> &y, const float *importance,
                          double lambda) {
    double err = 0, ref = 0;
    for (float v : y)
        if (!std::isfinite(v)) return INFINITY;
    objective_groups(type, x, y, importance, lambda, 32, [&](uint64_t, double e, double r) {
        err += e;
        ref += r;
    });
    return ref > 0 ? std::sqrt(err / ref) : std::sqrt(err);
}

std::vector<double> block_objectives(Iq4Type type, const Matrix &x, const std::vector<float> &y,
                                     const float *importance, double lambda) {
    std::vector<double> out;
    const uint64_t group = gmat::iquants::format_of(type).block_elements;
    objective_groups(type, x, y, importance, lambda, group, [&](uint64_t, double e, double) { out.push_back(e); });
    return out;
}

} // namespace iquants_test
