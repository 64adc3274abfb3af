#include "oracle/logit_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace oracle {

namespace {

std::vector<double> log_softmax(const float *logits, int64_t n) {
    const double max = *std::max_element(logits, logits + n);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i)
        sum += std::exp(logits[i] - max);
    const double log_sum = std::log(sum);
    std::vector<double> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        out[i] = logits[i] - max - log_sum;
    return out;
}

void require_same_size(size_t a, size_t b, const char *what) {
    if (a != b)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(a) + " values against " +
                                    std::to_string(b));
}

} // namespace

double kl_divergence(const std::vector<float> &reference, const std::vector<float> &candidate, int64_t n_vocab) {
    require_same_size(reference.size(), candidate.size(), "kl_divergence");
    if (n_vocab <= 0 || reference.empty() || reference.size() % static_cast<size_t>(n_vocab) != 0)
        throw std::invalid_argument("kl_divergence: " + std::to_string(reference.size()) +
                                    " logits are not whole rows of n_vocab " + std::to_string(n_vocab));
    const size_t n_positions = reference.size() / static_cast<size_t>(n_vocab);
    double total = 0.0;
    for (size_t row = 0; row < n_positions; ++row) {
        const auto log_p = log_softmax(reference.data() + row * n_vocab, n_vocab);
        const auto log_q = log_softmax(candidate.data() + row * n_vocab, n_vocab);
        double kl = 0.0;
        for (int64_t i = 0; i < n_vocab; ++i)
            kl += std::exp(log_p[i]) * (log_p[i] - log_q[i]);
        total += kl;
    }
    return total / static_cast<double>(n_positions);
}

double max_abs_diff(const std::vector<float> &a, const std::vector<float> &b) {
    require_same_size(a.size(), b.size(), "max_abs_diff");
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] == b[i])
            continue; // also covers equal infinities
        const double diff = std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
        worst = std::isnan(diff) ? std::numeric_limits<double>::infinity() : std::max(worst, diff);
    }
    return worst;
}

} // namespace oracle
