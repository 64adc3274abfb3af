#include "iq3xxs_format.hpp"

namespace gmat::iqlattice {

const uint8_t kIq3xxsGrid[kIq3xxsGridSize][4] = {
#include "grids/iq3xxs_grid.inc"
};

} // namespace gmat::iqlattice
