#include "iq2xxs_format.hpp"

namespace gmat::iqlattice {

const uint8_t kIq2xxsGrid[kIq2xxsGridSize][8] = {
#include "grids/iq2xxs_grid.inc"
};

} // namespace gmat::iqlattice
