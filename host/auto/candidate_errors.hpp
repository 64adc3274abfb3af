// Per-tensor error of every candidate type for default_type "auto":
// evenly spaced sample rows of the tensor (as the export feeds them: row
// permutation and value transforms applied) are quantized and dequantized by
// each candidate; the error is the relative squared error of the sample,
// weighted per column by the importance matrix when one covers the tensor
// (E[x_j^2], so it estimates the relative error of the layer's output).
// Tensors are measured in parallel (TBB); each tensor's figures depend only
// on its own rows, so they are the same for any thread count.
#pragma once

#include "pipeline/export_plan.hpp"

#include <cstdint>
#include <vector>

namespace gmat {

struct CandidateError {
    const QuantType *type = nullptr;
    double relative_error = 0; // sum w (x - q(x))^2 / sum w x^2 over the sample
};

struct TensorErrors {
    size_t tensor = 0;          // index into plan.tensors
    uint64_t sampled_rows = 0;
    std::vector<CandidateError> candidates;
};

// The rows sampled from a tensor of n_rows rows of n_cols values: about a
// sixty-fourth of its values, at least 16384 (or all) and at most 65536 (the
// relative error of 16k values is a stable estimate; more made planning cost
// more than the export: bench/e2e/bench_auto.sh).
std::vector<uint64_t> sample_row_indices(uint64_t n_rows, uint64_t n_cols);

// types: the candidates to try; a tensor gets those whose block fits its rows
// (and, for a type that needs importance (needs_importance), only where the
// plan's imatrix has an entry for the tensor).
std::vector<TensorErrors> measure_candidate_errors(const Store &store, const ExportPlan &plan, const std::vector<size_t> &tensors,
                                                   const std::vector<const QuantType *> &types,
                                                   const ExportConfig &config);

} // namespace gmat
