// A scratch folder per test for tests that run the gmat binary and look at
// the files it leaves: a fresh folder under a per-process root that is removed
// at exit; a passing test removes its folder at once, a failing one keeps it
// for a look. Plus the small file helpers such tests share.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gmat::test {

// <temp>/gmat-tests-<pid>, created on first use and removed at exit.
const std::filesystem::path &process_root();

class ScratchFolderTest : public ::testing::Test {
protected:
    void SetUp() override;    // dir_ = process_root() / "<suite>.<test>", empty
    void TearDown() override; // removes dir_ unless the test failed
    std::filesystem::path dir_;
};

std::vector<uint8_t> file_bytes(const std::filesystem::path &file);
// Paths under dir (recursively) whose name marks a gmat temporary (".gmat-tmp-").
std::vector<std::filesystem::path> temporaries_in(const std::filesystem::path &dir);
bool contains(const std::string &text, const std::string &fragment);

} // namespace gmat::test
