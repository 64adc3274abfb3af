// A SentencePiece tokenizer.model (protobuf) through the converter export
// uses, over a folder holding only that file. It must throw GmatError or
// produce a vocabulary llama.cpp can load (convert_tokenizer_folder checks
// it); a SentencePiece vocabulary always has scores.
#include "fuzz_scratch.hpp"
#include "fuzz_tokenizer_folder.hpp"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto dir = gmat::fuzz::fresh_folder("tokenizer-model");
    gmat::fuzz::write_file(dir / "tokenizer.model", {data, size});
    if (const auto md = gmat::fuzz::convert_tokenizer_folder(dir))
        GMAT_FUZZ_CHECK(md->get<std::vector<float>>("tokenizer.ggml.scores") != nullptr);
    return 0;
}
