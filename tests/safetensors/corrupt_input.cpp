#include "corrupt_input.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

namespace gmat::test {

void expect_refused(const std::filesystem::path &input, const std::filesystem::path &file, const std::string &rule,
                    const std::string &tensor, int32_t status) {
    const OpenFailure failure = raw_open_failure(input);
    EXPECT_EQ(failure.status, status) << failure.message;
    const std::string &message = failure.message;
    EXPECT_EQ(message.rfind(file.string() + ": ", 0), 0u) << "message does not start with the file: " << message;
    EXPECT_NE(message.find(rule), std::string::npos) << "rule '" << rule << "' not in: " << message;
    if (!tensor.empty()) {
        EXPECT_NE(message.find("tensor '" + tensor + "'"), std::string::npos) << "tensor not named: " << message;
    }
    try {
        open_source(input);
        ADD_FAILURE() << "the host opened " << input;
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
}

} // namespace gmat::test
