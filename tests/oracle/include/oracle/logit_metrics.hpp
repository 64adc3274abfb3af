// How far a model's logits are from reference logits: the numbers end-to-end
// tests put thresholds on.
#pragma once

#include <cstdint>
#include <vector>

namespace oracle {

// Mean over positions of KL(P || Q), P = softmax(reference row), Q =
// softmax(candidate row), in nats, computed in double. Both hold n_positions x
// n_vocab logits; mismatched sizes throw std::invalid_argument. Non-finite
// logits give a non-finite result, so a threshold check fails on them.
double kl_divergence(const std::vector<float> &reference, const std::vector<float> &candidate, int64_t n_vocab);

// Largest |a[i] - b[i]|; infinite where either value is NaN or only one is
// infinite. Mismatched sizes throw std::invalid_argument.
double max_abs_diff(const std::vector<float> &a, const std::vector<float> &b);

} // namespace oracle
