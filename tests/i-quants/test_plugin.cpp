// The built i-quants.so loaded the way the host loads it: what it declares,
// that it quantizes like the kernels library, how it rejects bad input, and
// that GMAT_FORCE_SCALAR picks the portable kernels (this binary also runs
// under ctest with GMAT_FORCE_SCALAR=1, see CMakeLists.txt).
#include "iq4_reference.hpp"

#include <iq4_kernels.hpp>
#include <plugins/plugin_registry.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace iquants_test;

namespace {

const gmat::PluginRegistry &registry() {
    static const gmat::PluginRegistry r = gmat::PluginRegistry::load({GMAT_IQUANTS_PLUGIN_FILE});
    return r;
}

const gmat::QuantType &plugin_type(Iq4Type type) { return registry().quant_type(type_name(type)); }

bool force_scalar_set() {
    const char *v = std::getenv("GMAT_FORCE_SCALAR");
    return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

} // namespace

TEST(Plugin, DeclaresBothTypes) {
    ASSERT_TRUE(registry().refused().empty()) << registry().refused().front().reason;
    ASSERT_EQ(registry().plugins().size(), 1u);
    EXPECT_EQ(registry().plugins()[0].name, "i-quants");
    for (Iq4Type type : {Iq4Type::nl, Iq4Type::xs}) {
        const gmat::QuantType &t = plugin_type(type);
        EXPECT_EQ(t.gguf_type(), gguf_type_of(type));
        EXPECT_EQ(t.block_elements(), gmat::iquants::format_of(type).block_elements);
        EXPECT_EQ(t.block_bytes(), gmat::iquants::format_of(type).block_bytes);
        EXPECT_TRUE(t.uses_importance());
        EXPECT_FALSE(t.is_float());
    }
    EXPECT_DOUBLE_EQ(plugin_type(Iq4Type::nl).bits_per_weight(), 4.5);
    EXPECT_DOUBLE_EQ(plugin_type(Iq4Type::xs).bits_per_weight(), 4.25);
}

// The plugin quantizes with simd_level(): avx2 where the CPU has it, scalar
// when GMAT_FORCE_SCALAR is set; both give the kernels' bytes.
TEST(Plugin, QuantizesLikeTheKernelsOnTheChosenPath) {
    const gmat::quant::SimdLevel level = gmat::quant::simd_level();
    if (force_scalar_set()) EXPECT_EQ(level, gmat::quant::SimdLevel::scalar);
    else EXPECT_EQ(level, gmat::quant::supported_simd_level());
    EXPECT_STREQ(gmat::iquants::kernel_isa(level), gmat::quant::simd_level_name(level));
    const Matrix m = heavy_tailed_matrix(4, 512, 51);
    const std::vector<float> importance = importance_vector(m.cols, 52);
    for (Iq4Type type : {Iq4Type::nl, Iq4Type::xs}) {
        std::vector<uint8_t> q(m.rows * row_bytes(type, m.cols));
        gmat::QuantOptions options;
        options.strategy = GMAT_SCALE_TRELLIS;
        options.importance = importance.data();
        plugin_type(type).quantize_rows(m.values.data(), m.rows, m.cols, options, q.data());
        EXPECT_EQ(q, gmat_quantize(type, m, {GMAT_SCALE_TRELLIS, 0.3f, importance.data(), level}));
        std::vector<float> y(m.values.size());
        plugin_type(type).dequantize_rows(q.data(), m.rows, m.cols, y.data());
        EXPECT_EQ(y, ggml_dequantize(type, q, m));
    }
}

TEST(Plugin, RejectsBadInputNamingTheType) {
    const gmat::QuantType &nl = plugin_type(Iq4Type::nl);
    std::vector<float> x(64, 1.0f);
    std::vector<uint8_t> out(2 * 18);
    auto message = [&](const gmat::QuantOptions &options, uint64_t cols) -> std::string {
        try {
            nl.quantize_rows(x.data(), 1, cols, options, out.data());
        } catch (const std::exception &e) {
            return e.what();
        }
        return "";
    };
    EXPECT_NE(message({}, 48).find("iq4_nl"), std::string::npos);
    gmat::QuantOptions bad_strategy;
    bad_strategy.strategy = static_cast<gmat_scale_strategy>(7);
    EXPECT_NE(message(bad_strategy, 64).find("strategy"), std::string::npos);
    gmat::QuantOptions bad_lambda;
    bad_lambda.strategy = GMAT_SCALE_TRELLIS;
    bad_lambda.trellis_lambda = -1.0f;
    EXPECT_NE(message(bad_lambda, 64).find("trellis_lambda"), std::string::npos);
    std::vector<float> importance(64, 1.0f);
    importance[5] = NAN;
    gmat::QuantOptions bad_importance;
    bad_importance.importance = importance.data();
    EXPECT_NE(message(bad_importance, 64).find("column 5"), std::string::npos);
    x[9] = INFINITY;
    EXPECT_NE(message({}, 64).find("column 9"), std::string::npos);
}
