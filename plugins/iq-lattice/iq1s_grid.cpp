#include "iq1s_format.hpp"

namespace gmat::iqlattice {

const int8_t kIq1sGrid[kIq1sGridSize][8] = {
#include "grids/iq1s_grid.inc"
};

} // namespace gmat::iqlattice
