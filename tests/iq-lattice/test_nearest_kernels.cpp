// The AVX2 and portable nearest-point kernels give the same index, score and
// snap sums bit for bit on ggml's grids (so an export's bytes do not depend
// on the machine), and both find the exact nearest point of the candidates
// a brute-force scan over the whole grid ranks first when the combination is
// on the grid.
#include "iq1_format.hpp"
#include "iq2_format.hpp"
#include "iq2s_format.hpp"
#include "iq3s_format.hpp"
#include "iq3xxs_format.hpp"
#include "lattice.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace gmat::iqlattice {
namespace {

struct Grid {
    const char *name;
    const Lattice &(*lattice)();
};

const Lattice &iq3s() {
    static constexpr int kLevels[8] = {1, 3, 5, 7, 9, 11, 13, 15};
    static const Lattice l(&kIq3sGrid[0][0], kIq3sGridSize, 4, kLevels, 8, 8);
    return l;
}
const Lattice &iq3xxs() {
    static constexpr int kLevels[8] = {4, 12, 20, 28, 36, 44, 52, 62};
    static const Lattice l(&kIq3xxsGrid[0][0], kIq3xxsGridSize, 4, kLevels, 8, 16);
    return l;
}
const Lattice &iq2s() {
    static const Lattice l(&kIq2sGrid[0][0], kIq2sGridSize, 8, kIq2Levels, 3, 8);
    return l;
}
const Lattice &iq1_minus() { return Iq1Scale::lattice(false, 1); }

const Grid kGrids[] = {{"iq3_s", &iq3s}, {"iq3_xxs_wide", &iq3xxs}, {"iq2_s", &iq2s}, {"iq1_minus", &iq1_minus}};

// One snap through a kernel's batch interface.
SnapSums snap_once(const ::gmat::iqlattice::NearestKernels &kernels, const LatticeTable *const *tables, int n_tables,
                   const float *a, const float *w, float inv, int n_groups, uint16_t *index, uint8_t *shift) {
    SnapRequest r;
    r.inv = inv, r.index = index, r.shift = shift;
    kernels.snap(tables, n_tables, a, w, n_groups, &r, 1);
    return r.sums;
}

class NearestKernelsTest : public ::testing::TestWithParam<Grid> {};

TEST_P(NearestKernelsTest, ScalarAndAvx2AgreeBitForBit) {
    if (quant::supported_simd_level() != quant::SimdLevel::avx2) GTEST_SKIP() << "this CPU has no AVX2";
    const LatticeTable &table = GetParam().lattice().table();
    const ::gmat::iqlattice::NearestKernels &scalar_k = nearest_kernels(quant::SimdLevel::scalar);
    const ::gmat::iqlattice::NearestKernels &avx2_k = nearest_kernels(quant::SimdLevel::avx2);
    ASSERT_STREQ(avx2_k.isa, "avx2");
    std::mt19937 rng(7);
    std::student_t_distribution<float> t(4.0f);
    std::lognormal_distribution<float> importance(0.0f, 1.5f);
    std::uniform_real_distribution<float> scale(0.02f, 0.3f);
    const int width = table.width, groups = 32 / width;
    for (int trial = 0; trial < 4000; ++trial) {
        float a[32], w[32]; // signed targets, as iq1's and the parity-flipped values of the others
        for (int i = 0; i < 32; ++i) a[i] = t(rng), w[i] = trial % 5 == 0 ? 1.0f : importance(rng);
        const float inv = 1 / scale(rng);
        for (int g = 0; g < groups; ++g) {
            float s1 = 0, s2 = 0;
            const int i1 = scalar_k.nearest(table, a + g * width, w + g * width, inv, &s1);
            const int i2 = avx2_k.nearest(table, a + g * width, w + g * width, inv, &s2);
            ASSERT_EQ(i1, i2) << "trial " << trial << " group " << g;
            ASSERT_EQ(std::memcmp(&s1, &s2, sizeof s1), 0) << "trial " << trial << ": " << s1 << " vs " << s2;
        }
        const LatticeTable *tables[2] = {&table, &table};
        uint16_t idx1[8], idx2[8];
        uint8_t sh1[8], sh2[8];
        const SnapSums r1 = snap_once(scalar_k, tables, 1 + trial % 2, a, w, inv, groups, idx1, sh1);
        const SnapSums r2 = snap_once(avx2_k, tables, 1 + trial % 2, a, w, inv, groups, idx2, sh2);
        ASSERT_EQ(std::memcmp(idx1, idx2, groups * sizeof idx1[0]), 0) << "trial " << trial;
        ASSERT_EQ(std::memcmp(sh1, sh2, size_t(groups)), 0) << "trial " << trial;
        ASSERT_EQ(std::memcmp(&r1, &r2, sizeof r1), 0) << "trial " << trial << ": " << r1.qa << " vs " << r2.qa;
    }
}

// On-grid combinations: the point whose levels each value rounds to, whatever the weights.
TEST_P(NearestKernelsTest, OnGridPointsAreTheirOwnNearest) {
    const Lattice &lattice = GetParam().lattice();
    const LatticeTable &table = lattice.table();
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> jitter(-0.2f, 0.2f), weight(0.1f, 4.0f);
    for (int index = 0; index < 256; ++index) {
        float a[8], w[8];
        for (int j = 0; j < table.width; ++j) a[j] = float(lattice.point(index)[j]) + jitter(rng), w[j] = weight(rng);
        EXPECT_EQ(lattice.nearest(a, w, 1.0f), index) << GetParam().name << " point " << index;
    }
}

// iq1_m's snaps over its two shifted lattices, two sub-blocks at two scales
// in one call: both kernels agree bit for bit, and the best-first search
// (nearest_kernels.hpp) picks what scoring both lattices' nearest points
// picks (shift 1 only when strictly lower).
TEST(NearestKernelsIq1Lattices, BestFirstPicksTheLowerScoringLattice) {
    const LatticeTable *tables[2] = {&Iq1Scale::lattice(false, 0).table(), &Iq1Scale::lattice(false, 1).table()};
    std::vector<const ::gmat::iqlattice::NearestKernels *> kernels = {&nearest_kernels(quant::SimdLevel::scalar)};
    if (quant::supported_simd_level() == quant::SimdLevel::avx2)
        kernels.push_back(&nearest_kernels(quant::SimdLevel::avx2));
    std::mt19937 rng(13);
    std::student_t_distribution<float> t(4.0f);
    std::lognormal_distribution<float> importance(0.0f, 1.5f);
    std::uniform_real_distribution<float> scale(0.02f, 0.3f);
    for (int trial = 0; trial < 4000; ++trial) {
        float a[32], w[32];
        for (int i = 0; i < 32; ++i) a[i] = t(rng), w[i] = trial % 5 == 0 ? 1.0f : importance(rng);
        const float inv[2] = {1 / scale(rng), 1 / scale(rng)};
        uint16_t expected_index[4];
        uint8_t expected_shift[4];
        for (int g = 0; g < 4; ++g) {
            float s0, s1;
            const int i0 = kernels[0]->nearest(*tables[0], a + 8 * g, w + 8 * g, inv[g / 2], &s0);
            const int i1 = kernels[0]->nearest(*tables[1], a + 8 * g, w + 8 * g, inv[g / 2], &s1);
            expected_shift[g] = s1 < s0 ? 1 : 0;
            expected_index[g] = uint16_t(s1 < s0 ? i1 : i0);
        }
        SnapSums first[2] = {};
        for (size_t k = 0; k < kernels.size(); ++k) {
            uint16_t index[4];
            uint8_t shift[4];
            SnapRequest requests[2];
            for (int r = 0; r < 2; ++r)
                requests[r].first = 16 * r, requests[r].inv = inv[r], requests[r].index = index + 2 * r,
                requests[r].shift = shift + 2 * r;
            kernels[k]->snap(tables, 2, a, w, 2, requests, 2);
            for (int g = 0; g < 4; ++g) {
                ASSERT_EQ(index[g], expected_index[g]) << kernels[k]->isa << " trial " << trial << " group " << g;
                ASSERT_EQ(shift[g], expected_shift[g]) << kernels[k]->isa << " trial " << trial << " group " << g;
            }
            for (int r = 0; r < 2; ++r) {
                if (k == 0) first[r] = requests[r].sums;
                ASSERT_EQ(std::memcmp(&first[r], &requests[r].sums, sizeof first[r]), 0) << "trial " << trial;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Grids, NearestKernelsTest, ::testing::ValuesIn(kGrids),
                         [](const ::testing::TestParamInfo<Grid> &info) { return std::string(info.param.name); });

} // namespace
} // namespace gmat::iqlattice
