// convert_to_f32 widens BF16 exactly: every one of the 65,536 bit patterns
// becomes the binary32 with those 16 bits on top, at every alignment and
// length (the vector steps and the scalar tail must agree).
#include "common/dtype.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace gmat {
namespace {

uint32_t bits_of(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
}

TEST(DtypeConversion, Bf16WidensEveryBitPatternExactly) {
    std::vector<uint16_t> all(65536 + 7);
    for (uint32_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i * 40503u); // every pattern, shuffled
    for (size_t offset : {0, 1, 3}) {
        const size_t n = 65536;
        std::vector<float> out(n + 2, -1.0f);
        convert_to_f32(GMAT_DTYPE_BF16, all.data() + offset, n, out.data() + 1);
        for (size_t i = 0; i < n; ++i)
            ASSERT_EQ(bits_of(out[i + 1]), static_cast<uint32_t>(all[i + offset]) << 16) << "value " << i << ", offset " << offset;
        EXPECT_EQ(out[0], -1.0f) << "wrote before the output";
        EXPECT_EQ(out[n + 1], -1.0f) << "wrote past the output";
    }
}

TEST(DtypeConversion, Bf16ShortRunsUseTheScalarTail) {
    const uint16_t in[15] = {0x3f80, 0xbf80, 0x7f80, 0xff80, 0x7fc1, 0x0001, 0x8000, 0x4049,
                             0x0000, 0x7f7f, 0x0080, 0xc2f7, 0x3e4c, 0x1234, 0xfedc};
    for (size_t n = 0; n <= 15; ++n) {
        std::vector<float> out(n + 1, -1.0f);
        convert_to_f32(GMAT_DTYPE_BF16, in, n, out.data());
        for (size_t i = 0; i < n; ++i) EXPECT_EQ(bits_of(out[i]), static_cast<uint32_t>(in[i]) << 16) << "n " << n << ", i " << i;
        EXPECT_EQ(out[n], -1.0f) << "n " << n << ": wrote past the output";
    }
}

} // namespace
} // namespace gmat
