#include "store/codec_block_format.hpp"

#include "common/error.hpp"

#include <algorithm>

namespace gmat {

const std::vector<std::pair<std::string, std::string>> &block_format_choices() {
    static const std::vector<std::pair<std::string, std::string>> choices{
        {"raw", "the source bytes as they are (fastest import and export)"},
        {"zstd", "lossless: byte planes compressed with zstd in 1 MiB chunks (smaller store, bit-exact export)"},
    };
    return choices;
}

bool is_seed_block_format(const std::string &block_format) {
    static const std::vector<std::string> names{"B8x4", "B8x8", "B16x4", "B16x8"};
    return std::find(names.begin(), names.end(), block_format) != names.end() || block_format.rfind("DualRow", 0) == 0;
}

TensorEncoding tensor_encoding_for_block_format(const std::string &block_format) {
    if (block_format == "raw") return TensorEncoding::raw;
    if (block_format == "zstd" || is_seed_block_format(block_format)) return TensorEncoding::zstd_planes;
    throw GmatError("unknown block_format '" + block_format +
                    "' (valid: raw, zstd; the seed's B8x4, B8x8, B16x4, B16x8 and DualRow... are read as zstd)");
}

std::optional<std::string> seed_block_format_notice(const std::string &block_format) {
    if (!is_seed_block_format(block_format)) return std::nullopt;
    return "Note: block_format '" + block_format +
           "' asks for a compact store; gmat stores it with the lossless zstd codec instead of the seed's "
           "log-domain encoding, which clips values more than 16x below a block's largest and reaches about 0.4 "
           "relative RMSE on Gaussian weights (worse than Q2_K) before any export";
}

} // namespace gmat
