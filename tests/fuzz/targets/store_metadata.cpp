// A store's metadata.json (host/store/store.cpp), as found in a store someone
// else made: Store::open must refuse it clearly or describe tensors that
// verify() then checks without crashing (the tensors folder is empty, so
// every tensor is reported missing). An opened store must survive its own
// writer unchanged.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "store/store.hpp"

#include <optional>

namespace {

bool same_tensors(const gmat::Store &a, const gmat::Store &b) {
    if (a.tensors().size() != b.tensors().size()) return false;
    for (size_t i = 0; i < a.tensors().size(); ++i) {
        const auto &x = a.tensors()[i], &y = b.tensors()[i];
        if (x.uuid != y.uuid || x.name != y.name || x.dtype != y.dtype || x.shape != y.shape || x.bytes != y.bytes ||
            x.checksum != y.checksum)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto dir = gmat::fuzz::fresh_folder("store");
    gmat::fuzz::write_file(dir / "metadata.json", {data, size});
    std::optional<gmat::Store> store;
    try {
        store.emplace(gmat::Store::open(dir));
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return 0;
    }
    const auto problems = store->verify();
    GMAT_FUZZ_CHECK(problems.size() == store->tensors().size());
    const auto copy = gmat::fuzz::fresh_folder("store-rewritten");
    gmat::write_store_metadata(copy, store->metadata());
    try {
        const gmat::Store reread = gmat::Store::open(copy);
        GMAT_FUZZ_CHECK(same_tensors(*store, reread));
        GMAT_FUZZ_CHECK(reread.metadata().model_files == store->metadata().model_files);
    } catch (const gmat::GmatError &) {
        gmat::fuzz::invariant_failed("an opened store's metadata.json no longer opens after writing it back");
    }
    return 0;
}
