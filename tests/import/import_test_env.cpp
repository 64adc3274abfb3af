#include "import_test_env.hpp"

#include "common/error.hpp"

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::test {

const PluginRegistry &build_plugins() {
    static const PluginRegistry registry = PluginRegistry::load({GMAT_TEST_PLUGIN_DIR});
    return registry;
}

void ImportTest::SetUp() {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("gmat-import-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
}

void ImportTest::TearDown() { fs::remove_all(dir_); }

ImportSummary ImportTest::import(const fs::path &model, const std::optional<fs::path> &config, bool force) {
    ImportOptions options;
    options.model = model;
    options.output_dir = dir_ / "out";
    options.config = config;
    options.force = force;
    options.progress = false;
    options.threads = 2;
    std::ostringstream log;
    return run_import(build_plugins(), options, log);
}

void ImportTest::write_text(const fs::path &path, const std::string &text) {
    std::ofstream(path) << text;
}

std::vector<uint8_t> ImportTest::read_bytes(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void expect_error(const std::function<void()> &f, const std::vector<std::string> &fragments) {
    try {
        f();
        ADD_FAILURE() << "expected an error containing '" << fragments.front() << "'";
    } catch (const GmatError &e) {
        const std::string message = e.what();
        for (const auto &fragment : fragments)
            EXPECT_NE(message.find(fragment), std::string::npos) << "message: " << message << "\nmissing: " << fragment;
    }
}

} // namespace gmat::test
