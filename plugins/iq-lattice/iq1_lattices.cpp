#include "iq1_format.hpp"

#include "iq1s_format.hpp"

namespace gmat::iqlattice {

namespace {

constexpr int kPlus[3] = {-7, 1, 9}, kMinus[3] = {-9, -1, 7};

// Built on first use, so a standard search never builds the trellis lists.
template <int kNeighbours>
const Lattice &shifted(int shift) {
    static const Lattice lattices[2] = {
        Lattice(&kIq1sGrid[0][0], kIq1sGridSize, Iq1Scale::kWidth, 8, 1, kPlus, 3, kNeighbours),
        Lattice(&kIq1sGrid[0][0], kIq1sGridSize, Iq1Scale::kWidth, 8, -1, kMinus, 3, kNeighbours)};
    return lattices[shift];
}

} // namespace

const Lattice &Iq1Scale::lattice(bool wide, int shift) { return wide ? shifted<16>(shift) : shifted<8>(shift); }

} // namespace gmat::iqlattice
