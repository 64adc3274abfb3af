// The conformance suite: every quant type any loaded plugin provides, under
// each scale strategy, checked against ggml (the prebuilt llama.cpp oracle).
// Point GMAT_PLUGIN_PATH at a folder of plugins to run it on them.
#include "ggml_reference.hpp"
#include "plugin_types.hpp"

#include <generated_matrices.hpp>
#include <reconstruction_metrics.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

namespace gmat::testing {

void PrintTo(const ConformanceCase &c, std::ostream *os) { *os << case_name(c); }

namespace {

// Float rounding slack for "no worse than ggml": both sides sum errors in a
// different order, and a tie between two candidates may go either way.
constexpr double kSlack = 1.0001;

class QuantTypeConformance : public ::testing::TestWithParam<ConformanceCase> {
protected:
    void SetUp() override {
        ASSERT_NE(conformance_registry(), nullptr) << registry_problem();
        type_ = conformance_registry()->find_quant_type(GetParam().type);
        ASSERT_NE(type_, nullptr) << GetParam().type;
        // 512 values per row fits every ggml block size (1, 32, 256); other
        // block sizes get the nearest multiple above.
        const uint64_t block = type_->block_elements();
        cols_ = 512 % block == 0 ? 512 : (512 + block - 1) / block * block;
    }

    const QuantType &type() const { return *type_; }
    uint32_t gguf() const { return type_->gguf_type(); }
    bool requires_importance() const { return (type_->flags() & GMAT_QUANT_REQUIRES_IMPORTANCE) != 0; }

    // The importance vector used where a test has none of its own: none, or
    // a flat one for types that refuse to run without.
    const float *default_importance() {
        if (!requires_importance()) return nullptr;
        flat_importance_.assign(cols_, 1.0f);
        return flat_importance_.data();
    }

    std::vector<Matrix> matrix_set() const {
        return {gaussian_matrix(32, cols_, 1), heavy_tailed_matrix(32, cols_, 2), zero_matrix(4, cols_),
                constant_matrix(8, cols_, 3),  tiny_matrix(8, cols_, 4),         huge_matrix(8, cols_, 5)};
    }

    std::vector<uint8_t> quantize_rows(const float *src, uint64_t rows, const float *importance) const {
        std::vector<uint8_t> out(rows * type_->row_bytes(cols_));
        type_->quantize_rows(src, rows, cols_, {GetParam().strategy, 0.3f, importance}, out.data());
        return out;
    }
    std::vector<uint8_t> quantize(const Matrix &m, const float *importance) const {
        return quantize_rows(m.values.data(), m.rows, importance);
    }
    std::vector<float> dequantize(const std::vector<uint8_t> &bytes, uint64_t rows) const {
        std::vector<float> out(rows * cols_);
        type_->dequantize_rows(bytes.data(), rows, cols_, out.data());
        return out;
    }

    // Rows [0, rows) split into `parts` contiguous ranges, one std::thread each.
    std::vector<uint8_t> quantize_threaded(const Matrix &m, const float *importance, unsigned parts) const {
        const uint64_t row_bytes = type_->row_bytes(cols_);
        std::vector<uint8_t> out(m.rows * row_bytes);
        std::vector<std::thread> threads;
        std::vector<std::string> errors(parts);
        for (unsigned p = 0; p < parts; ++p) {
            const uint64_t begin = m.rows * p / parts, end = m.rows * (p + 1) / parts;
            threads.emplace_back([&, p, begin, end] {
                try {
                    type_->quantize_rows(m.row(begin), end - begin, cols_, {GetParam().strategy, 0.3f, importance},
                                         out.data() + begin * row_bytes);
                } catch (const std::exception &e) {
                    errors[p] = e.what();
                }
            });
        }
        for (auto &t : threads) t.join();
        for (const auto &e : errors) EXPECT_EQ(e, "");
        return out;
    }

    void skip_unless_ggml_knows_type() {
        if (!ggml_knows(gguf()))
            GTEST_SKIP() << type_->name() << " has GGUF type id " << gguf()
                         << ", which this ggml does not know: no ggml comparison";
    }

    const QuantType *type_ = nullptr;
    uint64_t cols_ = 0;
    std::vector<float> flat_importance_;
};

// Index of the first float whose bits differ, or -1.
int64_t first_bit_difference(const std::vector<float> &a, const std::vector<float> &b) {
    if (a.size() != b.size()) return 0;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return int64_t(i);
    return -1;
}

std::string describe_difference(const std::vector<float> &ours, const std::vector<float> &ggml, int64_t i,
                                uint64_t cols) {
    if (i < 0) return "";
    return "row " + std::to_string(i / int64_t(cols)) + " column " + std::to_string(i % int64_t(cols)) +
           ": ours " + std::to_string(ours[size_t(i)]) + ", ggml " + std::to_string(ggml[size_t(i)]);
}

// ggml's lattice searches (iq2_xxs 16, iq2_xs 17, iq3_xxs 18, iq1_s 19,
// iq3_s 21, iq2_s 22) abort the process on the 1e30 matrix (their squared values
// overflow and no grid neighbour is found): there is no ggml result to
// compare with, only ours to check for finiteness. ggml's iq1_m (29) does
// not abort there and is compared like any other type.
bool ggml_aborts_on(uint32_t gguf_type, const Matrix &m) {
    return ((gguf_type >= 16 && gguf_type <= 19) || gguf_type == 21 || gguf_type == 22) && m.name == "huge";
}

TEST(PluginDiscovery, FindsQuantTypesAndRefusesNoPlugin) {
    ASSERT_NE(conformance_registry(), nullptr) << registry_problem();
    EXPECT_FALSE(conformance_registry()->quant_types().empty()) << registry_problem();
    EXPECT_TRUE(conformance_registry()->refused().empty()) << registry_problem();
}

TEST_P(QuantTypeConformance, DescribesItselfLikeGgml) {
    skip_unless_ggml_knows_type();
    EXPECT_EQ(type().block_elements(), ggml_block_elements(gguf()));
    EXPECT_EQ(type().block_bytes(), ggml_block_bytes(gguf()));
    std::string ggml_name = ggml_type_name_of(gguf()), ours = type().name();
    std::transform(ggml_name.begin(), ggml_name.end(), ggml_name.begin(), ::tolower);
    std::transform(ours.begin(), ours.end(), ours.begin(), ::tolower);
    EXPECT_EQ(ours, ggml_name) << "GGUF type id " << gguf() << " is " << ggml_name << " in ggml";
}

TEST_P(QuantTypeConformance, DequantizesItsOwnBlocksLikeGgml) {
    skip_unless_ggml_knows_type();
    for (const Matrix &m : matrix_set()) {
        const auto bytes = quantize(m, default_importance());
        const auto ours = dequantize(bytes, m.rows), ggml = ggml_dequantize(gguf(), bytes.data(), m.rows, cols_);
        const int64_t diff = first_bit_difference(ours, ggml);
        EXPECT_EQ(diff, -1) << m.name << ": " << describe_difference(ours, ggml, diff, cols_);
    }
}

TEST_P(QuantTypeConformance, DequantizesGgmlBlocksLikeGgml) {
    skip_unless_ggml_knows_type();
    for (const Matrix &m : matrix_set()) {
        if (ggml_aborts_on(gguf(), m)) continue;
        const auto bytes = ggml_quantize(gguf(), m.values.data(), m.rows, cols_, default_importance());
        const auto ours = dequantize(bytes, m.rows), ggml = ggml_dequantize(gguf(), bytes.data(), m.rows, cols_);
        const int64_t diff = first_bit_difference(ours, ggml);
        EXPECT_EQ(diff, -1) << m.name << ": " << describe_difference(ours, ggml, diff, cols_);
    }
}

// Arbitrary bytes (NaN and infinite scales included); for 2-byte float
// types, every one of the 65536 encodings.
TEST_P(QuantTypeConformance, DequantizesArbitraryBytesLikeGgml) {
    skip_unless_ggml_knows_type();
    const bool every_encoding = type().block_elements() == 1 && type().block_bytes() == 2;
    const uint64_t rows = every_encoding ? 65536 / cols_ : 16;
    std::vector<uint8_t> bytes(rows * type().row_bytes(cols_));
    uint64_t state = 0x1234567;
    for (size_t i = 0; i < bytes.size(); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        bytes[i] = every_encoding ? uint8_t(i % 2 == 0 ? (i / 2) & 0xff : (i / 2) >> 8) : uint8_t(state >> 56);
    }
    const auto ours = dequantize(bytes, rows), ggml = ggml_dequantize(gguf(), bytes.data(), rows, cols_);
    const int64_t diff = first_bit_difference(ours, ggml);
    EXPECT_EQ(diff, -1) << describe_difference(ours, ggml, diff, cols_);
}

TEST_P(QuantTypeConformance, GgmlAcceptsEveryRowItWrites) {
    skip_unless_ggml_knows_type();
    for (const Matrix &m : matrix_set()) {
        const auto ours = quantize(m, default_importance());
        // A float encoding of 1e30 in f16 is inf by IEEE rules, and ggml
        // rejects inf in f16 rows: float types only owe valid rows where
        // ggml's own encoding of the data is valid.
        if (type().is_float()) {
            const auto ggml = ggml_quantize(gguf(), m.values.data(), m.rows, cols_, nullptr);
            if (ggml_first_invalid_row(gguf(), ggml.data(), m.rows, cols_) >= 0) continue;
        }
        EXPECT_EQ(ggml_first_invalid_row(gguf(), ours.data(), m.rows, cols_), -1) << m.name;
    }
}

TEST_P(QuantTypeConformance, ErrorNoWorseThanGgml) {
    skip_unless_ggml_knows_type();
    const bool trellis = GetParam().strategy == GMAT_SCALE_TRELLIS;
    for (const Matrix &m : matrix_set()) {
        const std::vector<float> ours_values = dequantize(quantize(m, default_importance()), m.rows);
        const double ours = relative_rmse(m, ours_values);
        if (ggml_aborts_on(gguf(), m)) {
            EXPECT_TRUE(std::isfinite(ours)) << m.name << ": ggml aborts here; our result must be finite";
            continue;
        }
        const auto ggml_bytes = ggml_quantize(gguf(), m.values.data(), m.rows, cols_, default_importance());
        const std::vector<float> ggml_values = ggml_dequantize(gguf(), ggml_bytes.data(), m.rows, cols_);
        const double ggml = relative_rmse(m, ggml_values);
        // The value-weighted error the quantizers minimise without an importance matrix (README, Performance).
        const double ours_weighted = relative_value_weighted_rmse(m, ours_values);
        const double ggml_weighted = relative_value_weighted_rmse(m, ggml_values);
        SCOPED_TRACE(m.name + ": relative RMSE ours " + std::to_string(ours) + ", ggml " + std::to_string(ggml) +
                     "; weighted ours " + std::to_string(ours_weighted) + ", ggml " + std::to_string(ggml_weighted));
        if (!std::isfinite(ggml)) {
            if (!type().is_float()) {
                EXPECT_TRUE(std::isfinite(ours)) << "ggml overflows here; we must not";
            }
            continue;
        }
        EXPECT_LE(ours, ggml * kSlack);
        // Held for the types of this repository's legacy, K and IQ4 plugins (issue 15); other plugins' are reported.
        const std::string &plugin = type().plugin_name();
        const bool held_weighted = plugin == "legacy" || plugin == "k-quants" || plugin == "i-quants";
        if (held_weighted && (m.name == "gaussian" || m.name == "heavy_tailed")) {
            EXPECT_LE(ours_weighted, ggml_weighted * kSlack) << "value-weighted error (3 + x^2/sigma2) above ggml's";
        }
        if (trellis && (m.name == "gaussian" || m.name == "heavy_tailed")) {
            EXPECT_LT(ours, ggml) << "trellis must beat ggml's reference here";
        }
        std::printf("[ metrics  ] %s %s: error ratio vs ggml %.4f, weighted (3 + x^2/sigma2) %.4f\n",
                    case_name(GetParam()).c_str(), m.name.c_str(), ggml > 0 ? ours / ggml : 1.0,
                    ggml_weighted > 0 ? ours_weighted / ggml_weighted : 1.0);
    }
}

TEST_P(QuantTypeConformance, ImportanceWeightedErrorNoWorseThanGgml) {
    skip_unless_ggml_knows_type();
    if (!(type().flags() & GMAT_QUANT_USES_IMPORTANCE)) GTEST_SKIP() << type().name() << " ignores importance";
    const auto importance = importance_vector(cols_, 6);
    for (const Matrix &m : {gaussian_matrix(32, cols_, 7), heavy_tailed_matrix(32, cols_, 8), constant_matrix(8, cols_, 9)}) {
        const double ours = relative_weighted_rmse(m, dequantize(quantize(m, importance.data()), m.rows), importance);
        const auto ggml_bytes = ggml_quantize(gguf(), m.values.data(), m.rows, cols_, importance.data());
        const double ggml = relative_weighted_rmse(m, ggml_dequantize(gguf(), ggml_bytes.data(), m.rows, cols_), importance);
        EXPECT_LE(ours, ggml * kSlack) << m.name << ": weighted error ours " << ours << ", ggml " << ggml;
        std::printf("[ metrics  ] %s %s with importance: weighted error ratio vs ggml %.4f\n",
                    case_name(GetParam()).c_str(), m.name.c_str(), ggml > 0 ? ours / ggml : 1.0);
    }
}

TEST_P(QuantTypeConformance, RejectsNonFiniteRowsNamingThem) {
    const float bad_values[] = {std::nanf(""), INFINITY, -INFINITY};
    for (float bad : bad_values) {
        Matrix m = gaussian_matrix(8, cols_, 10);
        m.row(5)[3] = bad;
        if (type().is_float()) { // plain encodings keep inf and NaN
            const auto back = dequantize(quantize(m, default_importance()), m.rows);
            const float got = back[5 * cols_ + 3];
            EXPECT_TRUE(std::isnan(bad) ? std::isnan(got) : got == bad) << "stored " << bad << ", read " << got;
            continue;
        }
        try {
            quantize(m, default_importance());
            ADD_FAILURE() << "quantizing a row holding " << bad << " succeeded";
        } catch (const std::exception &e) {
            EXPECT_NE(std::string(e.what()).find("row 5"), std::string::npos) << e.what();
        }
    }
}

TEST_P(QuantTypeConformance, SameBytesOnAnyThreadSplit) {
    const Matrix m = heavy_tailed_matrix(64, cols_, 11);
    const auto importance = importance_vector(cols_, 12);
    std::vector<const float *> importances = {default_importance()};
    if (type().flags() & GMAT_QUANT_USES_IMPORTANCE) importances.push_back(importance.data());
    for (const float *imp : importances) {
        const auto once = quantize(m, imp);
        EXPECT_EQ(quantize(m, imp), once) << "two identical calls differ";
        for (unsigned parts : {1u, 2u, 4u})
            EXPECT_EQ(quantize_threaded(m, imp, parts), once) << parts << " threads, importance " << (imp != nullptr);
    }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, QuantTypeConformance, ::testing::ValuesIn(conformance_cases()),
                         [](const ::testing::TestParamInfo<ConformanceCase> &info) { return case_name(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QuantTypeConformance);

} // namespace
} // namespace gmat::testing
