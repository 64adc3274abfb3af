// The block layouts and the level table, checked against ggml's own
// dequantizer on hand-built blocks.
#include "iq4_reference.hpp"

#include <iq4_packing.hpp>
#include <oracle/ggml_types.hpp>

#include <gtest/gtest.h>

#include <cstring>

using namespace iquants_test;
using namespace gmat::iquants;

TEST(Layout, TypeIdsNamesAndSizesMatchGgml) {
    for (Iq4Type type : {Iq4Type::nl, Iq4Type::xs}) {
        const Iq4Format &f = format_of(type);
        EXPECT_EQ(oracle::type_name(f.gguf_type), f.name);
        EXPECT_EQ(oracle::block_size(f.gguf_type), int64_t(f.block_elements));
        EXPECT_EQ(oracle::row_size(f.gguf_type, f.block_elements), size_t(f.block_bytes));
    }
    EXPECT_EQ(kIq4NlFormat.gguf_type, 20u);
    EXPECT_EQ(kIq4XsFormat.gguf_type, 23u);
}

TEST(Layout, Iq4NlNibbleOrderAndLevelTableMatchGgml) {
    uint8_t indices[32];
    for (int j = 0; j < 32; ++j) indices[j] = uint8_t((j * 7 + 3) % 16);
    Iq4NlBlock block;
    pack_nl_block(0x3c00, indices, block); // d = 1
    const std::vector<float> ggml = oracle::dequantize(20, &block, 32);
    for (int j = 0; j < 32; ++j) EXPECT_EQ(ggml[j], float(kIq4Values[indices[j]])) << "value " << j;
}

TEST(Layout, Iq4XsScaleCodesAndNibblesMatchGgml) {
    int8_t codes[8] = {-32, 31, -1, 0, 17, -17, 5, -30};
    uint8_t indices[256];
    for (int j = 0; j < 256; ++j) indices[j] = uint8_t((j * 5 + j / 32) % 16);
    Iq4XsBlock block;
    pack_xs_block(0x3800, codes, indices, block); // d = 0.5
    for (int ib = 0; ib < 8; ++ib) EXPECT_EQ(xs_code(block, ib), codes[ib]);
    const std::vector<float> ggml = oracle::dequantize(23, &block, 256);
    for (int j = 0; j < 256; ++j)
        EXPECT_EQ(ggml[j], 0.5f * float(codes[j / 32]) * float(kIq4Values[indices[j]])) << "value " << j;
}

TEST(Layout, EveryStoredCodeRoundTrips) {
    uint8_t indices[256] = {};
    for (int first = -32; first <= 31; first += 8) {
        int8_t codes[8];
        for (int ib = 0; ib < 8; ++ib) codes[ib] = int8_t(first + ib);
        Iq4XsBlock block;
        pack_xs_block(0, codes, indices, block);
        for (int ib = 0; ib < 8; ++ib) EXPECT_EQ(xs_code(block, ib), codes[ib]);
    }
}
