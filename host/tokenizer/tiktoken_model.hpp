// A tiktoken BPE file (tiktoken.model, as Kimi K2 ships it): one token per
// line, "<base64 of the token's bytes> <rank>", the ranks being the token ids
// 0..N-1 and the merge priority. Blank lines are skipped, as tiktoken's
// load_tiktoken_bpe skips them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace gmat {

struct TiktokenModel {
    std::vector<std::string> tokens;    // token bytes, indexed by rank
    std::vector<uint32_t> ranks_in_file; // the ranks in the order the lines list them
};

// file names the source in errors. Throws GmatError "<file>:<line>: ..." for a
// line that is not two fields, a token that is not base64 or decodes to no
// bytes, a rank that is not a decimal integer, a rank or token bytes already
// given on an earlier line, or a rank outside 0..N-1 (N = the number of
// tokens), and for a file with no tokens.
TiktokenModel parse_tiktoken_model(std::string_view text, const std::string &file);
TiktokenModel read_tiktoken_model(const std::filesystem::path &file);

} // namespace gmat
