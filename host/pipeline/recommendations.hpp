// `gmat export --generate-config` recommendations: a type per tensor from its
// role (the seed's table) and a measured statistic of its weights.
//
// The statistic, the octave shift ratio, is the share of 32-value blocks
// whose largest magnitude lies more than one octave (2x) above the median
// block's. Block quantizers spend their scale on each block's largest value,
// so a tensor with many such blocks (heavy tails, outlier columns) loses more
// precision at a given bit width. Gaussian weights score about 0.0001,
// Student-t with 6 degrees of freedom 0.03, with 3 degrees 0.09, and a matrix
// whose every 64th column is 8x larger 0.25.
#pragma once

#include "pipeline/export_plan.hpp"

#include <string>
#include <vector>

namespace gmat {

struct ImportanceThresholds {
    double high = 0.08;   // --importance-high
    double medium = 0.02; // --importance-medium
};

struct TensorRecommendation {
    const StoredTensor *tensor;
    std::string gguf_name;
    std::string role;
    double octave_shift_ratio;
    std::string level; // low, medium, high
    std::string type;
    std::string why;
};

double octave_shift_ratio(const float *values, uint64_t n_values);

// One recommendation per 2-D store tensor, in store order.
std::vector<TensorRecommendation> recommend_types(const Store &store, const ImportanceThresholds &thresholds);

} // namespace gmat
