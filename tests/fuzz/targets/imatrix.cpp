// llama.cpp importance matrices as `gmat export --imatrix` reads them
// (host/imatrix: GGUF form through GgufReader, legacy .dat form): load must
// throw GmatError or return a matrix whose every entry can be asked for.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "imatrix/importance_matrix.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto file = gmat::fuzz::scratch_dir() / "imatrix.dat";
    gmat::fuzz::write_file(file, {data, size});
    try {
        const gmat::ImportanceMatrix m = gmat::ImportanceMatrix::load(file);
        GMAT_FUZZ_CHECK(m.size() > 0);
        // The names the seeds use, at a few row lengths: a bad length or value is an error, never a crash.
        for (const char *name : {"blk.0.ffn_down.weight", "output.weight"})
            for (uint64_t n_cols : {0, 1, 4, 64})
                try {
                    if (const auto *v = m.for_tensor(name, n_cols)) GMAT_FUZZ_CHECK(n_cols && v->size() % n_cols == 0);
                } catch (const gmat::GmatError &) {
                }
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
    }
    return 0;
}
