// The safetensors plugin's header parser (plugins/safetensors/header.cpp) on
// arbitrary file bytes: it must either throw sdk::Error or return tensors that
// tile the data section exactly, each as long as its shape and dtype say.
#include "fuzz_scratch.hpp"

#include "header.hpp"

#include <gmat/sdk.hpp>

#include <cstddef>
#include <cstdint>

namespace {

uint64_t element_bytes(const gmat::safetensors::TensorEntry &t) {
    uint64_t bytes = t.dtype->size;
    for (uint64_t d : t.shape) bytes *= d; // parse_header already refused overflow
    return bytes;
}

void check_layout(const gmat::safetensors::SafetensorsHeader &h, uint64_t file_size) {
    GMAT_FUZZ_CHECK(h.data_start >= 8 && h.data_start <= file_size);
    GMAT_FUZZ_CHECK(h.data_start + h.data_size == file_size);
    uint64_t covered = 0;
    for (const auto &t : h.tensors) {
        GMAT_FUZZ_CHECK(t.dtype != nullptr);
        GMAT_FUZZ_CHECK(!t.name.empty());
        GMAT_FUZZ_CHECK(t.begin == covered && t.begin <= t.end && t.end <= h.data_size);
        GMAT_FUZZ_CHECK(t.n_bytes() == element_bytes(t));
        covered = t.end;
    }
    GMAT_FUZZ_CHECK(covered == h.data_size);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    try {
        const auto header = gmat::safetensors::parse_header("fuzz.safetensors", size ? data : nullptr, size);
        check_layout(header, size);
    } catch (const gmat::sdk::Error &e) {
        gmat::fuzz::note_refusal(e); // a clear refusal is the expected outcome for most inputs
    }
    return 0;
}
