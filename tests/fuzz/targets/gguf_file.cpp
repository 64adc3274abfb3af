// GGUF files as `gmat inspect` reads them (host/gguf over GgufReader):
// inspect_gguf must throw GmatError or return tensors whose known bytes lie
// inside the file, and every value must print.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "gguf/gguf_inspection.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto file = gmat::fuzz::scratch_dir() / "model.gguf";
    gmat::fuzz::write_file(file, {data, size});
    try {
        const gmat::InspectedGguf g = gmat::inspect_gguf({file}, nullptr);
        const gmat::GgufReader &r = *g.readers.front();
        GMAT_FUZZ_CHECK(r.data_offset() <= r.file_size());
        for (const auto &t : g.tensors)
            if (t.bytes) GMAT_FUZZ_CHECK(*t.bytes <= r.file_size() - r.data_offset());
        for (const auto &[key, value] : g.metadata().entries()) GMAT_FUZZ_CHECK(!gmat::metadata_value_text(value).empty());
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
    }
    return 0;
}
