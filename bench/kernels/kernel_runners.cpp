#include "kernel_runners.hpp"

#include <ggml.h>

#include <cstring>
#include <thread>

namespace gmat::bench {

void split_rows(uint64_t rows, unsigned threads, const std::function<void(uint64_t, uint64_t)> &body) {
    if (threads <= 1) {
        body(0, rows);
        return;
    }
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        const uint64_t begin = rows * t / threads, end = rows * (t + 1) / threads;
        pool.emplace_back([=] { body(begin, end - begin); });
    }
    for (auto &thread : pool) thread.join();
}

void gmat_quantize(const QuantType &type, gmat_scale_strategy strategy, const float *src, Shape shape, void *dst,
                   unsigned threads) {
    const uint64_t row_bytes = type.row_bytes(shape.cols);
    split_rows(shape.rows, threads, [&](uint64_t first, uint64_t count) {
        type.quantize_rows(src + first * shape.cols, count, shape.cols, {strategy, 0.3f, nullptr},
                           static_cast<uint8_t *>(dst) + first * row_bytes);
    });
}

void gmat_dequantize(const QuantType &type, const void *src, Shape shape, float *dst, unsigned threads) {
    const uint64_t row_bytes = type.row_bytes(shape.cols);
    split_rows(shape.rows, threads, [&](uint64_t first, uint64_t count) {
        type.dequantize_rows(static_cast<const uint8_t *>(src) + first * row_bytes, count, shape.cols,
                             dst + first * shape.cols);
    });
}

bool ggml_can_run(uint32_t gguf_type) {
    if (gguf_type >= GGML_TYPE_COUNT) return false;
    const auto type = static_cast<ggml_type>(gguf_type);
    const ggml_type_traits *traits = ggml_get_type_traits(type);
    return traits != nullptr && traits->blck_size > 0 && !ggml_quantize_requires_imatrix(type) &&
           (type == GGML_TYPE_F32 || traits->to_float != nullptr);
}

uint64_t ggml_row_bytes(uint32_t gguf_type, uint64_t cols) {
    return ggml_row_size(static_cast<ggml_type>(gguf_type), int64_t(cols));
}

void ggml_quantize(uint32_t gguf_type, const float *src, Shape shape, void *dst, unsigned threads) {
    const auto type = static_cast<ggml_type>(gguf_type);
    ggml_quantize_init(type);
    split_rows(shape.rows, threads, [&](uint64_t first, uint64_t count) {
        ggml_quantize_chunk(type, src, dst, int64_t(first * shape.cols), int64_t(count), int64_t(shape.cols), nullptr);
    });
}

void ggml_dequantize(uint32_t gguf_type, const void *src, Shape shape, float *dst, unsigned threads) {
    const auto type = static_cast<ggml_type>(gguf_type);
    const uint64_t row_bytes = ggml_row_bytes(gguf_type, shape.cols);
    const ggml_to_float_t to_float = ggml_get_type_traits(type)->to_float;
    split_rows(shape.rows, threads, [&](uint64_t first, uint64_t count) {
        const auto *in = static_cast<const uint8_t *>(src) + first * row_bytes;
        if (type == GGML_TYPE_F32) {
            std::memcpy(dst + first * shape.cols, in, count * row_bytes);
            return;
        }
        for (uint64_t r = 0; r < count; ++r) to_float(in + r * row_bytes, dst + (first + r) * shape.cols, int64_t(shape.cols));
    });
}

} // namespace gmat::bench
