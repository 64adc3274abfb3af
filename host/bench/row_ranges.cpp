#include "bench/row_ranges.hpp"

#include <exception>
#include <thread>
#include <vector>

namespace gmat::bench {

void run_row_ranges(uint64_t rows, unsigned parts, const std::function<void(uint64_t, uint64_t)> &work) {
    if (parts <= 1 || rows <= 1) {
        if (rows > 0) work(0, rows);
        return;
    }
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::thread> threads;
    for (unsigned p = 0; p < parts; ++p) {
        const uint64_t begin = rows * p / parts, end = rows * (p + 1) / parts;
        if (begin == end) continue;
        threads.emplace_back([&, p, begin, end] {
            try {
                work(begin, end);
            } catch (...) {
                errors[p] = std::current_exception();
            }
        });
    }
    for (auto &t : threads) t.join();
    for (const auto &e : errors)
        if (e) std::rethrow_exception(e);
}

} // namespace gmat::bench
