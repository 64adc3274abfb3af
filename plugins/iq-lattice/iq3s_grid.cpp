#include "iq3s_format.hpp"

namespace gmat::iqlattice {

const uint8_t kIq3sGrid[kIq3sGridSize][4] = {
#include "grids/iq3s_grid.inc"
};

} // namespace gmat::iqlattice
