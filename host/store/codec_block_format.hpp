// Store block formats: the names an import config's "block_format" (or
// `gmat import --block-format`) may use, and the tensor encoding each means.
#pragma once

#include "store/tensor_file.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gmat {

// "raw" and "zstd", with what each stores; for help texts and errors.
const std::vector<std::pair<std::string, std::string>> &block_format_choices();
// B8x4, B8x8, B16x4, B16x8 and DualRow...: the seed's lossy block formats.
bool is_seed_block_format(const std::string &block_format);
// "raw" -> raw; "zstd" and the seed names -> zstd_planes; throws naming the
// valid choices otherwise.
TensorEncoding tensor_encoding_for_block_format(const std::string &block_format);
// The one line an import prints when a config asks for a seed format.
std::optional<std::string> seed_block_format_notice(const std::string &block_format);

} // namespace gmat
