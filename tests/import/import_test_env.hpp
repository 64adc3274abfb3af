// Shared set-up for import tests: the build's plugins and a scratch folder.
#pragma once

#include "plugins/plugin_registry.hpp"
#include "pipeline/import_pipeline.hpp"
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace gmat::test {

const PluginRegistry &build_plugins();

class ImportTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    // Imports `model` into dir_/out (quietly) and returns the summary.
    ImportSummary import(const std::filesystem::path &model, const std::optional<std::filesystem::path> &config = {},
                         bool force = false);
    void write_text(const std::filesystem::path &path, const std::string &text);
    // Bytes of a file.
    static std::vector<uint8_t> read_bytes(const std::filesystem::path &path);
    std::filesystem::path dir_;
};

// Runs f, expects a GmatError whose message contains every fragment.
void expect_error(const std::function<void()> &f, const std::vector<std::string> &fragments);

} // namespace gmat::test
