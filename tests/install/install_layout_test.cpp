// What `cmake --install` puts under the prefix, that the example plugin was
// built against that prefix alone, and that a multiarch CMAKE_INSTALL_LIBDIR
// moves the CMake package but not the plugin folder the installed gmat searches.
#include "command_runner.hpp"

#include <gmat/abi.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::install_test {
namespace {

std::string file_text(const fs::path &file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

TEST(InstallLayout, PutsGmatPluginsSdkHeadersAndCMakePackageUnderThePrefix) {
    const fs::path prefix = install_prefix();
    EXPECT_TRUE(fs::is_regular_file(prefix / "bin/gmat"));
    for (const char *plugin : {"legacy.so", "k-quants.so", "float.so", "gguf.so", "safetensors.so"})
        EXPECT_TRUE(fs::is_regular_file(prefix / "lib/gmat/plugins" / plugin)) << plugin;
    EXPECT_TRUE(fs::is_regular_file(prefix / "include/gmat/abi.h"));
    EXPECT_TRUE(fs::is_regular_file(prefix / "include/gmat/sdk.hpp"));
    const fs::path package = prefix / GMAT_INSTALL_LIBDIR / "cmake/gmat_sdk";
    for (const char *file :
         {"gmat_sdkConfig.cmake", "gmat_sdkConfigVersion.cmake", "gmat_sdkTargets.cmake", "GmatPlugin.cmake"})
        EXPECT_TRUE(fs::is_regular_file(package / file)) << file;
}

TEST(InstallLayout, TheExampleWasBuiltAgainstTheInstalledSdkOnly) {
    const std::string cache = file_text(example_build_dir() / "CMakeCache.txt");
    EXPECT_TRUE(
        contains(cache, "gmat_sdk_DIR:PATH=" + (install_prefix() / GMAT_INSTALL_LIBDIR / "cmake/gmat_sdk").string()))
        << cache;
    const std::string commands = file_text(example_build_dir() / "compile_commands.json");
    EXPECT_TRUE(contains(commands, (install_prefix() / "include").string()));
    EXPECT_FALSE(contains(commands, std::string(GMAT_SOURCE_DIR) + "/sdk"));
    EXPECT_TRUE(fs::is_regular_file(example_plugin_dir() / "ternary.so"));
}

// find_package(gmat_sdk <major>.<minor>) accepts the installed SDK exactly when
// the host would load a plugin built for that ABI and needing that minor's fields.
TEST(InstallLayout, ThePackageVersionIsThePluginAbiWithSameMajorCompatibility) {
    const fs::path dir = scratch_dir("package-version");
    std::ofstream(dir / "CMakeLists.txt") << "cmake_minimum_required(VERSION 3.20)\n"
                                             "project(probe LANGUAGES NONE)\n"
                                             "find_package(gmat_sdk ${WANTED} CONFIG REQUIRED)\n"
                                             "message(STATUS \"found gmat_sdk ${gmat_sdk_VERSION}\")\n";
    auto configure = [&](const std::string &wanted) {
        fs::remove_all(dir / "build");
        return run_command({GMAT_CMAKE_COMMAND, "-S", dir.string(), "-B", (dir / "build").string(),
                            "-DWANTED=" + wanted, "-DCMAKE_PREFIX_PATH=" + install_prefix().string(),
                            "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"});
    };
    const std::string abi = std::to_string(GMAT_ABI_MAJOR) + "." + std::to_string(GMAT_ABI_MINOR);
    CommandResult r = configure("1.0"); // any older minor of the same major
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "found gmat_sdk " + abi)) << r.output;
    for (const std::string &wanted : {std::string("2.0"), std::string("0.9"),
                                     std::to_string(GMAT_ABI_MAJOR) + "." + std::to_string(GMAT_ABI_MINOR + 1)}) {
        r = configure(wanted);
        EXPECT_NE(r.exit_code, 0) << wanted << "\n" << r.output;
        EXPECT_TRUE(contains(r.output, "gmat_sdkConfig.cmake, version: " + abi)) << wanted << "\n" << r.output;
    }
}

// Configures gmat itself with a multiarch libdir (no build needed), installs
// only the SDK component, builds the example against that, and checks it.
TEST(InstallLayout, AMultiarchLibDirMovesThePackageButNotThePluginFolder) {
    const fs::path dir = scratch_dir("multiarch");
    const fs::path tree = dir / "gmat-build", prefix = dir / "prefix", example = dir / "example-build";
    const std::string cmake = GMAT_CMAKE_COMMAND;
    auto ok = [](const CommandResult &r) { return r.exit_code == 0; };
    CommandResult r = run_command({cmake, "-S", GMAT_SOURCE_DIR, "-B", tree.string(), "-G", GMAT_CMAKE_GENERATOR,
                                   "-DCMAKE_INSTALL_LIBDIR=lib/x86_64-linux-gnu", "-DGMAT_BUILD_TESTS=OFF",
                                   "-DGMAT_BUILD_BENCH=OFF"});
    ASSERT_TRUE(ok(r)) << r.output;
    EXPECT_TRUE(
        contains(file_text(tree / "plugins/legacy/cmake_install.cmake"), "${CMAKE_INSTALL_PREFIX}/lib/gmat/plugins\""));
    r = run_command({cmake, "--install", tree.string(), "--component", "sdk", "--prefix", prefix.string()});
    ASSERT_TRUE(ok(r)) << r.output;
    EXPECT_TRUE(fs::is_regular_file(prefix / "lib/x86_64-linux-gnu/cmake/gmat_sdk/gmat_sdkConfig.cmake"));
    r = run_command({cmake, "-S", std::string(GMAT_SOURCE_DIR) + "/examples/quant-plugin", "-B", example.string(), "-G",
                     GMAT_CMAKE_GENERATOR, "-DCMAKE_PREFIX_PATH=" + prefix.string(),
                     "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"});
    ASSERT_TRUE(ok(r)) << r.output;
    r = run_command({cmake, "--build", example.string()});
    ASSERT_TRUE(ok(r)) << r.output;
    r = run_command({installed_gmat(), "check-plugin", (example / "plugins/ternary.so").string()});
    EXPECT_TRUE(ok(r)) << r.output;
}

} // namespace
} // namespace gmat::install_test
