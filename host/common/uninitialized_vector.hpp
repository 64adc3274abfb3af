// A std::vector whose resize() leaves new elements default-initialized (for
// floats and bytes: unwritten) instead of zero-filling them: for buffers that
// every user overwrites whole before reading, such as the export's chunks,
// where zero-filling megabytes per chunk is wasted work.
#pragma once

#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace gmat {

template <class T>
struct DefaultInitAllocator : std::allocator<T> {
    using value_type = T;
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() noexcept = default;
    template <class U>
    DefaultInitAllocator(const DefaultInitAllocator<U> &) noexcept {}

    template <class U>
    void construct(U *p) noexcept(noexcept(::new (static_cast<void *>(p)) U)) {
        ::new (static_cast<void *>(p)) U;
    }
    template <class U, class... Args>
    void construct(U *p, Args &&...args) {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }
};

template <class T>
using UninitializedVector = std::vector<T, DefaultInitAllocator<T>>;

} // namespace gmat
