#include "iq1_format.hpp"

#include "iq1s_format.hpp"

namespace gmat::iqlattice {

const Lattice &Iq1Scale::lattice(bool wide, int shift) {
    static constexpr int kPlus[3] = {-7, 1, 9}, kMinus[3] = {-9, -1, 7};
    static const Lattice lattices[2][2] = {
        {Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, 1, kPlus, 3, 8),
         Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, -1, kMinus, 3, 8)},
        {Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, 1, kPlus, 3, 16),
         Lattice(&kIq1sGrid[0][0], kIq1sGridSize, kWidth, 8, -1, kMinus, 3, 16)}};
    return lattices[wide ? 1 : 0][shift];
}

} // namespace gmat::iqlattice
