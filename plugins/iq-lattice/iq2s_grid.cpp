#include "iq2s_format.hpp"

namespace gmat::iqlattice {

const uint8_t kIq2sGrid[kIq2sGridSize][8] = {
#include "grids/iq2s_grid.inc"
};

} // namespace gmat::iqlattice
