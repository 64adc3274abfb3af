#include "iq2xs_format.hpp"

namespace gmat::iqlattice {

const uint8_t kIq2xsGrid[kIq2xsGridSize][8] = {
#include "grids/iq2xs_grid.inc"
};

} // namespace gmat::iqlattice
