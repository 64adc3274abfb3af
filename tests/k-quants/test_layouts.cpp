// The plugin describes each K type like ggml does, and the packed bytes put
// every field where ggml's dequantizer reads it.
#include "block_layouts.hpp"
#include "block_packing.hpp"
#include "kquant_cases.hpp"
#include "kquant_plugin.hpp"

#include <gtest/gtest.h>
#include <ggml.h>

#include <cctype>
#include <cstring>

namespace gmat::kquants::testing {
namespace {

std::string lower(std::string s) {
    for (char &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

TEST(KQuantLayouts, PluginDescribesEachTypeLikeGgml) {
    const KQuantsPlugin &plugin = KQuantsPlugin::get();
    EXPECT_STREQ(plugin.descriptor().name, "k-quants");
    ASSERT_EQ(plugin.api().type_count, k_types().size());
    for (const KType &t : k_types()) {
        const gmat_quant_type_desc &desc = plugin.type(t.name);
        EXPECT_EQ(desc.gguf_type, t.gguf_type) << t.name;
        EXPECT_EQ(lower(ggml_type_name(ggml_type(desc.gguf_type))), t.name);
        EXPECT_EQ(desc.block_elements, uint32_t(ggml_blck_size(ggml_type(desc.gguf_type)))) << t.name;
        EXPECT_EQ(desc.block_bytes, uint32_t(ggml_type_size(ggml_type(desc.gguf_type)))) << t.name;
        EXPECT_EQ(desc.block_bytes, t.block_bytes) << t.name;
        EXPECT_TRUE(desc.flags & GMAT_QUANT_USES_IMPORTANCE) << t.name;
        EXPECT_FALSE(desc.flags & (GMAT_QUANT_REQUIRES_IMPORTANCE | GMAT_QUANT_FLOAT)) << t.name;
    }
}

TEST(KQuantLayouts, BlockStructsHaveGgmlSizes) {
    EXPECT_EQ(sizeof(Q2KBlock), ggml_type_size(GGML_TYPE_Q2_K));
    EXPECT_EQ(sizeof(Q3KBlock), ggml_type_size(GGML_TYPE_Q3_K));
    EXPECT_EQ(sizeof(Q4KBlock), ggml_type_size(GGML_TYPE_Q4_K));
    EXPECT_EQ(sizeof(Q5KBlock), ggml_type_size(GGML_TYPE_Q5_K));
    EXPECT_EQ(sizeof(Q6KBlock), ggml_type_size(GGML_TYPE_Q6_K));
}

template <class Block>
std::vector<float> ggml_values(ggml_type type, const Block &block) {
    std::vector<float> out(kSuperBlock);
    ggml_get_type_traits(type)->to_float(&block, out.data(), kSuperBlock);
    return out;
}

constexpr uint16_t kOne = 0x3C00; // fp16 1.0

// A plan whose every element has a different, predictable value: level
// pattern per element, a distinct code per sub-block.
TEST(KQuantLayouts, AsymmetricFieldsLandWhereGgmlReadsThem) {
    struct Case {
        ggml_type type;
        int sub_len, max_level, max_code;
    };
    for (const Case c : {Case{GGML_TYPE_Q2_K, 16, 3, 15}, Case{GGML_TYPE_Q4_K, 32, 15, 63}, Case{GGML_TYPE_Q5_K, 32, 31, 63}}) {
        AsymmetricPlan plan;
        plan.d = kOne;
        plan.dmin = 0x3800; // 0.5
        const int subs = kSuperBlock / c.sub_len;
        for (int j = 0; j < subs; ++j) {
            plan.scale_codes[j] = uint8_t((j * 7 + 1) % (c.max_code + 1));
            plan.min_codes[j] = uint8_t((j * 5 + 3) % (c.max_code + 1));
        }
        for (int i = 0; i < kSuperBlock; ++i) plan.levels[i] = uint8_t((i * 11 + i / 7) % (c.max_level + 1));
        std::vector<float> got;
        if (c.type == GGML_TYPE_Q2_K) {
            Q2KBlock b;
            pack_q2_k(plan, b);
            got = ggml_values(c.type, b);
        } else if (c.type == GGML_TYPE_Q4_K) {
            Q4KBlock b;
            pack_q4_k(plan, b);
            got = ggml_values(c.type, b);
        } else {
            Q5KBlock b;
            pack_q5_k(plan, b);
            got = ggml_values(c.type, b);
        }
        for (int i = 0; i < kSuperBlock; ++i) {
            const int j = i / c.sub_len;
            const float want = float(plan.scale_codes[j]) * float(plan.levels[i]) - 0.5f * float(plan.min_codes[j]);
            ASSERT_EQ(got[i], want) << ggml_type_name(c.type) << " element " << i;
        }
    }
}

TEST(KQuantLayouts, SymmetricFieldsLandWhereGgmlReadsThem) {
    struct Case {
        ggml_type type;
        int neg_levels, neg_codes;
    };
    for (const Case c : {Case{GGML_TYPE_Q3_K, 4, 32}, Case{GGML_TYPE_Q6_K, 32, 128}}) {
        SymmetricPlan plan;
        plan.d = kOne;
        for (int j = 0; j < 16; ++j) plan.codes[j] = int8_t((j * 37) % (2 * c.neg_codes) - c.neg_codes);
        for (int i = 0; i < kSuperBlock; ++i) plan.levels[i] = uint8_t((i * 13 + i / 5) % (2 * c.neg_levels));
        std::vector<float> got;
        if (c.type == GGML_TYPE_Q3_K) {
            Q3KBlock b;
            pack_q3_k(plan, b);
            got = ggml_values(c.type, b);
        } else {
            Q6KBlock b;
            pack_q6_k(plan, b);
            got = ggml_values(c.type, b);
        }
        for (int i = 0; i < kSuperBlock; ++i) {
            const float want = float(plan.codes[i / 16]) * float(int(plan.levels[i]) - c.neg_levels);
            ASSERT_EQ(got[i], want) << ggml_type_name(c.type) << " element " << i;
        }
    }
}

} // namespace
} // namespace gmat::kquants::testing
