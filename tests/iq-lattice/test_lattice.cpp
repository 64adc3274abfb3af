// Lattice::nearest on a small hand-made grid with unevenly spaced levels
// (the midpoint path of level_of): the nearest point for any positive
// weights, and a valid index at the extremes a search can reach (a zero scale
// makes every target +inf, or NaN where the target is 0).
#include "lattice.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gmat::iqlattice {
namespace {

// Levels 1, 2, 5; three points of 4 values, so most level combinations are
// off the grid and take the candidate list.
constexpr int kLevels[] = {1, 2, 5};
constexpr uint8_t kGrid[] = {1, 1, 1, 1, /**/ 5, 5, 5, 5, /**/ 2, 5, 1, 2};

const Lattice &lattice() {
    static const Lattice l(kGrid, 3, 4, kLevels, 3, 2);
    return l;
}

TEST(Lattice, OnGridCombinationIsItsOwnPoint) {
    const float a[] = {2.1f, 4.8f, 0.9f, 1.6f}, w[] = {1, 1, 1, 1};
    EXPECT_EQ(lattice().nearest(a, w, 1.0f), 2);
}

TEST(Lattice, OffGridCombinationTakesTheWeightedNearestCandidate) {
    const float a[] = {5, 5, 5, 1}, w[] = {1, 1, 1, 1};
    EXPECT_EQ(lattice().nearest(a, w, 1.0f), 1); // squared distance 16 from (5,5,5,5), 26 from (2,5,1,2)
}

TEST(Lattice, ZeroScaleGivesTheTopLevelForPositiveTargetsAndTheBottomForZero) {
    const float inf = std::numeric_limits<float>::infinity();
    const float positive[] = {1e-38f, 3, 7, 0.5f}, zero[] = {0, 0, 0, 0}, w[] = {1, 1, 1, 1};
    EXPECT_EQ(lattice().nearest(positive, w, inf), 1); // every level the top: (5,5,5,5)
    EXPECT_EQ(lattice().nearest(zero, w, inf), 0);     // 0 * inf is NaN: the bottom, (1,1,1,1)
}

} // namespace
} // namespace gmat::iqlattice
