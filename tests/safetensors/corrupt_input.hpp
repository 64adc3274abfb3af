// Checks for inputs that must be refused: the plugin returns the expected
// status and a message naming the file (and tensor) and the broken rule, and
// the host wrapper turns it into a GmatError carrying the same text.
#pragma once

#include "plugin_under_test.hpp"

#include <gmat/abi.h>

#include <filesystem>
#include <string>

namespace gmat::test {

// file: the path the message must start with (a shard or index file);
// rule: a phrase of the broken rule; tensor: the tensor it must name, if any.
void expect_refused(const std::filesystem::path &input, const std::filesystem::path &file, const std::string &rule,
                    const std::string &tensor = "", int32_t status = GMAT_ERROR_FORMAT);

} // namespace gmat::test
