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
    const double a[] = {2.1, 4.8, 0.9, 1.6}, w[] = {1, 1, 1, 1};
    EXPECT_EQ(lattice().nearest(a, w, 1.0, 1.0), 2);
}

TEST(Lattice, OffGridCombinationTakesTheWeightedNearestCandidate) {
    const double a[] = {5, 5, 5, 1}, w[] = {1, 1, 1, 1};
    EXPECT_EQ(lattice().nearest(a, w, 1.0, 1.0), 1); // squared distance 16 from (5,5,5,5), 26 from (2,5,1,2)
}

TEST(Lattice, ZeroScaleGivesTheTopLevelForPositiveTargetsAndTheBottomForZero) {
    const double inf = std::numeric_limits<double>::infinity();
    const double positive[] = {1e-300, 3, 7, 0.5}, zero[] = {0, 0, 0, 0}, w[] = {1, 1, 1, 1};
    EXPECT_EQ(lattice().nearest(positive, w, 0.0, inf), 1); // every level the top: (5,5,5,5)
    EXPECT_EQ(lattice().nearest(zero, w, 0.0, inf), 0);     // 0 * inf is NaN: the bottom, (1,1,1,1)
}

} // namespace
} // namespace gmat::iqlattice
