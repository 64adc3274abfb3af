#include "auto/candidate_errors.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "pipeline/required_importance.hpp"
#include "store/tensor_file_io.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <map>
#include <memory>

namespace gmat {

namespace {

// The tensor's rows at `rows` as F32, as the export reads them.
std::vector<float> read_sample(const Store &store, const ExportPlan &plan, const PlannedTensor &t,
                               const std::vector<uint64_t> &rows) {
    std::vector<float> values(rows.size() * t.n_cols);
    if (t.generated) {
        for (size_t k = 0; k < rows.size(); ++k)
            std::copy_n(t.generated->values.begin() + rows[k] * t.n_cols, t.n_cols, values.begin() + k * t.n_cols);
        return values;
    }
    const std::vector<const StoredTensor *> parts = t.parts.empty() ? std::vector<const StoredTensor *>{t.stored} : t.parts;
    const uint64_t part_rows = std::max<uint64_t>(1, t.n_rows / parts.size());
    const uint64_t row_bytes = t.n_cols * dtype_size(t.stored->dtype);
    std::map<size_t, std::unique_ptr<TensorFileReader>> readers;
    std::vector<uint8_t> raw;
    for (size_t k = 0; k < rows.size(); ++k) {
        const uint64_t row = t.permutation.empty() ? rows[k] : t.permutation[rows[k]];
        const size_t part = static_cast<size_t>(row / part_rows);
        auto &reader = readers[part];
        if (!reader) reader = store.open_tensor(*parts[part]);
        convert_to_f32(t.stored->dtype, reader->bytes((row - part * part_rows) * row_bytes, row_bytes, raw), t.n_cols,
                       values.data() + k * t.n_cols);
    }
    if (t.transform_values)
        plan.architecture_module->transform_values(t.gguf_name, values.data(), values.size(), *plan.hf_config);
    return values;
}

// sum w_c v^2 over the sample (w = 1 without importance; v the values, or
// their difference from `subtract`), in double; four partial sums, so the
// additions do not wait on each other.
template <bool kWeighted, bool kDifference>
double weighted_square_sum(const float *v, const float *subtract, uint64_t n_rows, uint64_t n_cols, const float *w) {
    double total = 0;
    for (uint64_t r = 0; r < n_rows; ++r) {
        const float *row = v + r * n_cols, *minus = kDifference ? subtract + r * n_cols : nullptr;
        const auto term = [&](uint64_t c) {
            const double d = kDifference ? double(row[c]) - double(minus[c]) : double(row[c]);
            return kWeighted ? double(w[c]) * d * d : d * d;
        };
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        uint64_t c = 0;
        for (; c + 4 <= n_cols; c += 4) {
            p0 += term(c);
            p1 += term(c + 1);
            p2 += term(c + 2);
            p3 += term(c + 3);
        }
        for (; c < n_cols; ++c) p0 += term(c);
        total += (p0 + p1) + (p2 + p3);
    }
    return total;
}

double weighted_square_sum(const float *v, const float *subtract, uint64_t n_rows, uint64_t n_cols,
                           const std::vector<float> *importance) {
    const float *w = importance ? importance->data() : nullptr;
    if (subtract)
        return w ? weighted_square_sum<true, true>(v, subtract, n_rows, n_cols, w)
                 : weighted_square_sum<false, true>(v, subtract, n_rows, n_cols, w);
    return w ? weighted_square_sum<true, false>(v, subtract, n_rows, n_cols, w)
             : weighted_square_sum<false, false>(v, subtract, n_rows, n_cols, w);
}

CandidateError measure(const QuantType &type, const std::vector<float> &values, uint64_t n_rows, uint64_t n_cols,
                       const QuantOptions &base, const std::vector<float> *importance, double energy) {
    QuantOptions options = base;
    if (importance && type.uses_importance()) options.importance = importance->data();
    std::vector<uint8_t> packed(n_rows * type.row_bytes(n_cols));
    type.quantize_rows(values.data(), n_rows, n_cols, options, packed.data());
    std::vector<float> restored(values.size());
    type.dequantize_rows(packed.data(), n_rows, n_cols, restored.data());
    const double error = weighted_square_sum(values.data(), restored.data(), n_rows, n_cols, importance);
    return {&type, energy > 0 ? error / energy : 0.0};
}

} // namespace

std::vector<uint64_t> sample_row_indices(uint64_t n_rows, uint64_t n_cols) {
    const uint64_t values = n_rows * n_cols;
    const uint64_t wanted = std::clamp<uint64_t>(values / 64, 16384, 32768);
    const uint64_t count = std::clamp<uint64_t>((wanted + n_cols - 1) / std::max<uint64_t>(n_cols, 1), 1, n_rows);
    std::vector<uint64_t> rows(count);
    for (uint64_t k = 0; k < count; ++k) rows[k] = ((2 * k + 1) * n_rows) / (2 * count); // evenly spaced, centred
    return rows;
}

std::vector<TensorErrors> measure_candidate_errors(const Store &store, const ExportPlan &plan,
                                                   const std::vector<size_t> &tensors,
                                                   const std::vector<const QuantType *> &types,
                                                   const ExportConfig &config) {
    QuantOptions base;
    base.strategy = config.scale_optimization == "standard" ? GMAT_SCALE_STANDARD : GMAT_SCALE_TRELLIS;
    base.trellis_lambda = static_cast<float>(config.trellis_lambda);
    std::vector<TensorErrors> out(tensors.size());
    tbb::parallel_for(size_t{0}, tensors.size(), [&](size_t i) {
        const PlannedTensor &t = plan.tensors[tensors[i]];
        const bool covered = plan.imatrix && plan.imatrix->has(t.gguf_name);
        const std::vector<float> *importance = plan.imatrix ? plan.imatrix->for_tensor(t.gguf_name, t.n_cols) : nullptr;
        if (importance && importance->size() != t.n_cols) importance = nullptr; // several matrices: unweighted
        const std::vector<uint64_t> rows = sample_row_indices(t.n_rows, t.n_cols);
        TensorErrors &e = out[i];
        e.tensor = tensors[i];
        e.sampled_rows = rows.size();
        try {
            const std::vector<float> values = read_sample(store, plan, t, rows);
            const double energy = weighted_square_sum(values.data(), nullptr, rows.size(), t.n_cols, importance);
            for (const QuantType *type : types) {
                if (!type->fits_row(t.n_cols)) continue;
                // a type llama.cpp refuses without importance is a candidate only where the imatrix covers
                // the tensor (check_required_importance would refuse the choice otherwise)
                if (!covered && needs_importance(t.gguf_name, *type, std::nullopt)) continue;
                e.candidates.push_back(measure(*type, values, rows.size(), t.n_cols, base, importance, energy));
            }
        } catch (const GmatError &error) {
            throw GmatError("auto: measuring " + t.gguf_name + (t.stored ? " (uuid " + t.stored->uuid + ")" : std::string()) +
                            ": " + error.what());
        }
    });
    return out;
}

} // namespace gmat
