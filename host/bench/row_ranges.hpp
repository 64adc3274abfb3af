// Splits rows [0, rows) into `parts` contiguous ranges and runs each on its
// own thread, as the export pipeline hands row ranges to a plugin. A thread
// count of 1 runs on the calling thread.
#pragma once

#include <cstdint>
#include <functional>

namespace gmat::bench {

// Calls work(begin, end) once per non-empty range; rethrows the first exception
// after every thread has finished.
void run_row_ranges(uint64_t rows, unsigned parts, const std::function<void(uint64_t begin, uint64_t end)> &work);

} // namespace gmat::bench
