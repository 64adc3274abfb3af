#include "tokenizer/bpe_merges.hpp"

#include "common/error.hpp"

namespace gmat {

namespace {

std::string with_encoded_spaces(const std::string &half) {
    std::string out;
    for (char c : half) out += c == ' ' ? std::string("\xC4\xA0") : std::string(1, c); // U+0120
    return out;
}

} // namespace

void check_merges(const std::vector<HfBpeMerge> &merges, const TokenIndex &vocab, const std::string &file) {
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const HfBpeMerge &merge = merges[rank];
        for (const std::string *part : {&merge.left, &merge.right}) {
            if (!vocab.contains(*part))
                throw GmatError(file + ": model.merges[" + std::to_string(rank) + "] (\"" + merge.left + "\", \"" +
                                merge.right + "\") refers to \"" + *part + "\", which is not in model.vocab");
        }
        if (!vocab.contains(merge.left + merge.right))
            throw GmatError(file + ": model.merges[" + std::to_string(rank) + "] (\"" + merge.left + "\", \"" +
                            merge.right + "\") produces \"" + merge.left + merge.right +
                            "\", which is not in model.vocab");
    }
}

std::vector<std::string> gguf_merge_strings(const std::vector<HfBpeMerge> &merges) {
    std::vector<std::string> out;
    out.reserve(merges.size());
    for (const HfBpeMerge &merge : merges)
        out.push_back(with_encoded_spaces(merge.left) + " " + with_encoded_spaces(merge.right));
    return out;
}

std::unordered_map<uint32_t, float> merge_rank_scores(const std::vector<HfBpeMerge> &merges, const TokenIndex &vocab) {
    std::unordered_map<uint32_t, float> scores;
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        auto result = vocab.find(merges[rank].left + merges[rank].right);
        if (result != vocab.end()) scores.try_emplace(result->second, -static_cast<float>(rank));
    }
    return scores;
}

} // namespace gmat
