// Part files of an export split across machines (host/distributed/part_file):
// what `gmat export --assemble` reads from every worker. Parsing must throw
// GmatError or return a header that encodes and parses back to itself.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "distributed/part_file.hpp"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    try {
        size_t end = 0;
        const gmat::PartHeader h = gmat::parse_part_header(bytes, "fuzz.gmatpart", &end);
        GMAT_FUZZ_CHECK(end <= size && h.part < h.parts && h.first_tensor <= h.end_tensor);
        const std::string again = gmat::encode_part_header(h);
        size_t end2 = 0;
        const gmat::PartHeader h2 = gmat::parse_part_header(again, "re-encoded", &end2);
        GMAT_FUZZ_CHECK(end2 == again.size());
        GMAT_FUZZ_CHECK(h2.plan_id == h.plan_id && h2.store_id == h.store_id && h2.profile_id == h.profile_id);
        GMAT_FUZZ_CHECK(h2.part == h.part && h2.parts == h.parts && h2.first_tensor == h.first_tensor &&
                        h2.end_tensor == h.end_tensor && h2.payload_bytes == h.payload_bytes &&
                        h2.payload_xxh3 == h.payload_xxh3 && h2.files.size() == h.files.size());
        for (size_t i = 0; i < h.files.size(); ++i)
            GMAT_FUZZ_CHECK(h2.files[i].name == h.files[i].name && h2.files[i].bytes == h.files[i].bytes &&
                            h2.files[i].xxh3 == h.files[i].xxh3);
        GMAT_FUZZ_CHECK(gmat::encode_part_header(h2) == again);
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
    }
    return 0;
}
