#include "tokenizer/tiktoken_vocabulary.hpp"

#include "common/error.hpp"
#include "tokenizer/added_tokens.hpp"
#include "tokenizer/byte_level_text.hpp"
#include "tokenizer/tiktoken_merges.hpp"
#include "tokenizer/tiktoken_model.hpp"

#include <map>

namespace gmat {

namespace {

std::vector<std::string> merge_strings(const TiktokenModel &model) {
    std::vector<std::string> out;
    for (const auto &[left, right] : tiktoken_merges(model))
        out.push_back(byte_level_text(left) + " " + byte_level_text(right));
    return out;
}

// tiktoken encodes any text only when every byte is a token, and llama.cpp
// looks each byte's token up when no merge covers it (a missing one throws).
void require_every_byte(const TiktokenModel &model, const std::string &file) {
    bool seen[256] = {};
    for (const std::string &token : model.tokens)
        if (token.size() == 1) seen[static_cast<unsigned char>(token[0])] = true;
    for (unsigned byte = 0; byte < 256; ++byte)
        if (!seen[byte]) {
            static const char hex[] = "0123456789abcdef";
            throw GmatError(file + ": no token is the single byte 0x" + hex[byte >> 4] + hex[byte & 15] +
                            "; a tiktoken vocabulary needs all 256 single-byte tokens to encode any text");
        }
}

std::string reserved_token_text(uint32_t id) { return "<|reserved_token_" + std::to_string(id) + "|>"; }

} // namespace

Vocabulary tiktoken_vocabulary(const TokenizerFolder &folder, uint32_t vocab_size,
                               const std::function<void(const std::string &)> &warn) {
    const std::string file = folder.describe("tiktoken.model");
    const TiktokenModel model = read_tiktoken_model(folder.path("tiktoken.model"));
    require_every_byte(model, file);
    const auto base = static_cast<uint32_t>(model.tokens.size());
    if (vocab_size != 0 && base > vocab_size)
        throw GmatError(file + ": the tokenizer has " + std::to_string(base) +
                        " tokens but vocab_size (the embedding's rows) is " + std::to_string(vocab_size) +
                        "; ids past it would have no embedding");
    const uint64_t special_end = uint64_t(base) + kimi_reserved_special_tokens;
    const uint32_t size =
        checked_token_id((vocab_size != 0 ? uint64_t(vocab_size) : special_end) - 1, file + ": vocabulary") + 1;

    std::map<uint32_t, std::string> named;
    for (AddedToken &token : added_tokens_decoder(folder)) {
        if (token.id >= base && token.id < special_end)
            named[token.id] = std::move(token.content);
        else
            warn(token.origin + " (\"" + token.content + "\") is outside tiktoken's reserved special ids " +
                 std::to_string(base) + ".." + std::to_string(special_end - 1) + "; llama.cpp's converter leaves it "
                 "out of the vocabulary, and so does gmat");
    }

    Vocabulary vocab;
    vocab.model = "gpt2";
    vocab.pre = "kimi-k2";
    vocab.source = file;
    vocab.special_tokens_by_text = false;
    vocab.tokens.reserve(size);
    vocab.types.reserve(size);
    for (uint32_t id = 0; id < size; ++id) {
        if (id < base) {
            vocab.tokens.push_back(byte_level_text(model.tokens[id]));
            vocab.types.push_back(TokenType::Normal);
        } else if (id < special_end) {
            auto name = named.find(id);
            vocab.tokens.push_back(name != named.end() ? name->second : reserved_token_text(id));
            vocab.types.push_back(TokenType::Control);
        } else {
            vocab.tokens.push_back(padding_token_text(id));
            vocab.types.push_back(TokenType::Unused);
        }
    }
    vocab.merges = merge_strings(model);
    return vocab;
}

} // namespace gmat
