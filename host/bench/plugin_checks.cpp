#include "bench/plugin_checks.hpp"

#include "bench/generated_matrix.hpp"
#include "bench/reconstruction_error.hpp"
#include "bench/row_ranges.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>

namespace gmat::bench {

namespace {

constexpr uint64_t kRows = 64;
constexpr uint64_t kBadRow = 5, kBadColumn = 3;

// The data every check of one type shares.
struct CheckInput {
    GeneratedMatrix matrix;
    std::vector<float> importance; // only for types that refuse to run without one
    const float *importance_or_null() const { return importance.empty() ? nullptr : importance.data(); }
};

CheckInput make_input(const QuantType &type) {
    const uint64_t block = type.block_elements();
    CheckInput input{heavy_tailed_matrix(kRows, (512 + block - 1) / block * block, 7), {}};
    if (type.flags() & GMAT_QUANT_REQUIRES_IMPORTANCE) input.importance = column_mean_squares(input.matrix);
    return input;
}

std::vector<gmat_scale_strategy> strategies(const QuantType &type) {
    if (type.is_float()) return {GMAT_SCALE_STANDARD};
    return {GMAT_SCALE_STANDARD, GMAT_SCALE_TRELLIS};
}

const char *strategy_name(gmat_scale_strategy s) { return s == GMAT_SCALE_TRELLIS ? "trellis" : "standard"; }

std::string number(double value, int precision = 4) {
    std::ostringstream out;
    out.precision(precision);
    out << value;
    return out.str();
}

std::vector<uint8_t> quantize(const QuantType &type, const GeneratedMatrix &m, gmat_scale_strategy strategy,
                              const float *importance, unsigned threads = 1) {
    const uint64_t row_bytes = type.row_bytes(m.cols);
    std::vector<uint8_t> bytes(m.rows * row_bytes);
    run_row_ranges(m.rows, threads, [&](uint64_t begin, uint64_t end) {
        type.quantize_rows(m.row(begin), end - begin, m.cols, {strategy, 0.3f, importance},
                           bytes.data() + begin * row_bytes);
    });
    return bytes;
}

std::vector<float> dequantize(const QuantType &type, const std::vector<uint8_t> &bytes, uint64_t rows, uint64_t cols) {
    std::vector<float> values(rows * cols);
    type.dequantize_rows(bytes.data(), rows, cols, values.data());
    return values;
}

bool same_bits(const std::vector<float> &a, const std::vector<float> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

CheckResult pass(std::string check, std::string detail) {
    return {std::move(check), CheckOutcome::pass, std::move(detail)};
}
CheckResult fail(std::string check, std::string detail) {
    return {std::move(check), CheckOutcome::fail, std::move(detail)};
}
CheckResult skip(std::string check, std::string detail) {
    return {std::move(check), CheckOutcome::skip, std::move(detail)};
}

// A check that throws fails with the exception's message.
CheckResult run_check(const std::string &check, const std::function<CheckResult()> &body) {
    try {
        return body();
    } catch (const std::exception &e) {
        return fail(check, e.what());
    }
}

bool is_user_spelling(const std::string &name) {
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; });
}

CheckResult check_descriptor(const QuantType &type, const GgmlLibrary *ggml) {
    const std::string what = "descriptor";
    if (!is_user_spelling(type.name()))
        return fail(what, "type name '" + type.name() + "' is not lower case letters, digits and '_' as users type it");
    if ((type.flags() & GMAT_QUANT_REQUIRES_IMPORTANCE) && !type.uses_importance())
        return fail(what, "flags say it requires an importance vector but not that it uses one");
    if (type.is_float() && type.block_elements() != 1)
        return fail(what,
                    "a plain float encoding must have blocks of 1 value, not " + std::to_string(type.block_elements()));
    std::string detail = "GGUF id " + std::to_string(type.gguf_type()) + ", " + std::to_string(type.block_elements()) +
                         " values / " + std::to_string(type.block_bytes()) +
                         " bytes per block = " + number(type.bits_per_weight(), 6) + " bits/weight";
    if (ggml != nullptr && GgmlLibrary::has_quantizer(type.gguf_type())) {
        if (std::string bad = ggml->mismatch(type); !bad.empty())
            return fail(what, bad + ": GGUF readers would misread it");
        detail += ", the same type as ggml's";
    } else if (ggml != nullptr) {
        detail += "; ggml has no type with this id, so llama.cpp cannot load such tensors";
    }
    return pass(what, detail);
}

CheckResult check_round_trip(const QuantType &type, const CheckInput &in) {
    const double allowed = allowed_relative_rmse(type);
    std::string detail;
    bool ok = true;
    for (gmat_scale_strategy s : strategies(type)) {
        const auto bytes = quantize(type, in.matrix, s, in.importance_or_null());
        const auto back = dequantize(type, bytes, in.matrix.rows, in.matrix.cols);
        const double error = relative_rmse(in.matrix.values.data(), back.data(), back.size());
        ok = ok && error <= allowed; // false for NaN too
        detail += (detail.empty() ? "relative RMSE " : ", ") + number(error) + " " + strategy_name(s);
    }
    detail += " on a heavy-tailed " + std::to_string(in.matrix.rows) + " x " + std::to_string(in.matrix.cols) +
              " matrix (allowed " + number(allowed) + " at " + number(type.bits_per_weight(), 6) + " bits/weight)";
    return ok ? pass("round trip", detail) : fail("round trip", detail);
}

CheckResult check_determinism(const QuantType &type, const CheckInput &in) {
    for (gmat_scale_strategy s : strategies(type)) {
        const auto first = quantize(type, in.matrix, s, in.importance_or_null());
        if (quantize(type, in.matrix, s, in.importance_or_null()) != first)
            return fail("determinism",
                        std::string("two identical ") + strategy_name(s) + " calls gave different bytes");
        const auto values = dequantize(type, first, in.matrix.rows, in.matrix.cols);
        if (!same_bits(dequantize(type, first, in.matrix.rows, in.matrix.cols), values))
            return fail("determinism", "dequantizing the same bytes twice gave different values");
    }
    return pass("determinism", "the same bytes and values on repeated calls");
}

CheckResult check_thread_split(const QuantType &type, const CheckInput &in) {
    for (gmat_scale_strategy s : strategies(type)) {
        const auto one = quantize(type, in.matrix, s, in.importance_or_null(), 1);
        for (unsigned threads : {2u, 3u, 7u})
            if (quantize(type, in.matrix, s, in.importance_or_null(), threads) != one)
                return fail("thread split", std::string(strategy_name(s)) + ": rows split over " +
                                                std::to_string(threads) + " threads give other bytes than one call");
    }
    return pass("thread split", "the same bytes with rows split over 1, 2, 3 and 7 threads");
}

// Plain float encodings store NaN and infinities; everything else must refuse them, naming the row.
CheckResult check_non_finite(const QuantType &type, const CheckInput &in) {
    const std::string what = "non-finite input";
    std::string first_message;
    for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
        GeneratedMatrix m = gaussian_matrix(8, in.matrix.cols, 11);
        m.row(kBadRow)[kBadColumn] = bad;
        const std::string label = std::isnan(bad) ? "NaN" : bad > 0 ? "+inf" : "-inf";
        if (type.is_float()) {
            const auto back =
                dequantize(type, quantize(type, m, GMAT_SCALE_STANDARD, in.importance_or_null()), m.rows, m.cols);
            const float got = back[kBadRow * m.cols + kBadColumn];
            if (std::isnan(bad) ? !std::isnan(got) : got != bad)
                return fail(what, "stored " + label + " and read back " + number(got));
            continue;
        }
        try {
            quantize(type, m, GMAT_SCALE_STANDARD, in.importance_or_null());
            return fail(what, "quantized a row holding " + label + " without an error");
        } catch (const std::exception &e) {
            const std::string message = e.what();
            if (message.find("row " + std::to_string(kBadRow)) == std::string::npos)
                return fail(what, "refused " + label + " but the message does not name row " + std::to_string(kBadRow) +
                                      ": " + message);
            if (first_message.empty()) first_message = message;
        }
    }
    if (type.is_float()) return pass(what, "NaN, +inf and -inf are stored and read back");
    return pass(what, "NaN, +inf and -inf refused, e.g. \"" + first_message + "\"");
}

// Runs `call`; "" when it threw (as it must), else a complaint naming `operation`.
std::string expect_refusal(const std::string &operation, const std::function<void()> &call, std::string &message) {
    try {
        call();
    } catch (const std::exception &e) {
        message = e.what();
        return {};
    }
    return operation + " accepted it";
}

CheckResult check_row_length(const QuantType &type) {
    const std::string what = "row length";
    const uint64_t block = type.block_elements();
    if (block == 1) return skip(what, "blocks of 1 value: every row length fits");
    const uint64_t cols = block + 1;
    // Room for two whole blocks, so a plugin that rounds up does no harm here.
    std::vector<float> values(2 * block, 0.5f), importance(2 * block, 1.0f);
    std::vector<uint8_t> bytes(2 * type.block_bytes());
    const QuantOptions options{GMAT_SCALE_STANDARD, 0.3f, importance.data()};
    std::string message, dequantize_message;
    std::string bad = expect_refusal(
        "quantize_rows", [&] { type.quantize_rows(values.data(), 1, cols, options, bytes.data()); }, message);
    if (bad.empty())
        bad = expect_refusal(
            "dequantize_rows", [&] { type.dequantize_rows(bytes.data(), 1, cols, values.data()); }, dequantize_message);
    if (!bad.empty())
        return fail(what,
                    "a row of " + std::to_string(cols) + " values (blocks of " + std::to_string(block) + "): " + bad);
    return pass(what, "rows of " + std::to_string(cols) + " values refused, e.g. \"" + message + "\"");
}

CheckResult check_against_ggml(const QuantType &type, const CheckInput &in, const GgmlLibrary *ggml) {
    const std::string what = "ggml agreement";
    if (ggml == nullptr) return skip(what, "no ggml library (--ggml-lib or GMAT_GGML_LIB)");
    if (!GgmlLibrary::has_quantizer(type.gguf_type()) || !ggml->mismatch(type).empty())
        return skip(what, "ggml has no " + type.name());
    const GeneratedMatrix &m = in.matrix;
    const auto ours = quantize(type, m, GMAT_SCALE_STANDARD, in.importance_or_null());
    std::vector<uint8_t> theirs(ours.size());
    ggml->quantize(type.gguf_type(), m.values.data(), m.rows, m.cols, in.importance_or_null(), theirs.data());
    std::vector<float> ggml_ours(m.values.size()), ggml_theirs(m.values.size());
    const bool decodes = ggml->dequantize(type.gguf_type(), ours.data(), ggml_ours.size(), ggml_ours.data()) &&
                         ggml->dequantize(type.gguf_type(), theirs.data(), ggml_theirs.size(), ggml_theirs.data());
    if (decodes && !same_bits(dequantize(type, ours, m.rows, m.cols), ggml_ours))
        return fail(what, "our dequantizer reads our blocks differently from ggml's to_float");
    if (decodes && !same_bits(dequantize(type, theirs, m.rows, m.cols), ggml_theirs))
        return fail(what, "our dequantizer reads ggml's blocks differently from ggml's to_float");
    const double our_error =
        relative_rmse(m.values.data(), dequantize(type, ours, m.rows, m.cols).data(), m.values.size());
    const double ggml_error =
        relative_rmse(m.values.data(), dequantize(type, theirs, m.rows, m.cols).data(), m.values.size());
    const std::string numbers = "relative RMSE " + number(our_error) + " (standard), ggml " + number(ggml_error);
    if (!(our_error <= ggml_error * 1.0001)) return fail(what, numbers + ": worse than ggml's quantizer");
    return pass(what, std::string(decodes ? "decodes like ggml's to_float; " : "") + numbers);
}

} // namespace

double allowed_relative_rmse(const QuantType &type) {
    const double bits = type.bits_per_weight();
    if (type.is_float()) return std::exp2(-bits / 2);
    return std::min(0.95, 8 * std::exp2(-bits));
}

std::vector<CheckResult> check_quant_type(const QuantType &type, const GgmlLibrary *ggml) {
    std::vector<CheckResult> results;
    results.push_back(run_check("descriptor", [&] { return check_descriptor(type, ggml); }));
    const CheckInput input = make_input(type);
    results.push_back(run_check("round trip", [&] { return check_round_trip(type, input); }));
    results.push_back(run_check("determinism", [&] { return check_determinism(type, input); }));
    results.push_back(run_check("thread split", [&] { return check_thread_split(type, input); }));
    results.push_back(run_check("non-finite input", [&] { return check_non_finite(type, input); }));
    results.push_back(run_check("row length", [&] { return check_row_length(type); }));
    results.push_back(run_check("ggml agreement", [&] { return check_against_ggml(type, input, ggml); }));
    return results;
}

} // namespace gmat::bench
