// The installed gmat with the out-of-tree example plugin and the ABI probes:
// discovery through GMAT_PLUGIN_PATH, check-plugin, the conformance suite,
// bench, and the plugin:type spelling.
#include "command_runner.hpp"

#include <gmat/abi.h>

#include <gtest/gtest.h>

#include <sstream>

namespace fs = std::filesystem;

namespace gmat::install_test {
namespace {

const std::string kGgmlLib = GMAT_GGML_BASE_LIBRARY;

std::string with_example() { return "GMAT_PLUGIN_PATH=" + example_plugin_dir().string(); }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// The whitespace-separated words of the first line starting with `label` (after indentation).
std::vector<std::string> words_of_line(const std::string &text, const std::string &label) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::vector<std::string> out;
        for (std::string w; words >> w;) out.push_back(w);
        if (!out.empty() && out[0] == label) return out;
    }
    return {};
}

TEST(InstalledPlugins, ListsTheExampleTypesBesideTheBundledOnes) {
    const auto r = run_command({installed_gmat(), "plugins"}, {with_example()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "tq1_0      gguf id 34")) << r.output;
    EXPECT_TRUE(contains(r.output, "tq2_0      gguf id 35")) << r.output;
    EXPECT_TRUE(contains(r.output, (example_plugin_dir() / "ternary.so").string())) << r.output;
    EXPECT_TRUE(contains(r.output, "q8_0")) << r.output;
    EXPECT_TRUE(contains(r.output, "Refused (0)")) << r.output;
}

TEST(InstalledPlugins, BundledPluginsAreFoundNextToTheInstalledExecutable) {
    const auto r = run_command({installed_gmat(), "plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const fs::path folder = install_prefix() / "lib/gmat/plugins";
    EXPECT_TRUE(contains(r.output, "Plugin search path:\n  " + folder.string() + "\n\n")) << r.output;
    for (const char *plugin : {"legacy.so", "k-quants.so", "float.so", "gguf.so", "safetensors.so"}) {
        const bool listed = contains(r.output, (folder / plugin).string()) ||
                            contains(r.output, (install_prefix() / "bin/../lib/gmat/plugins" / plugin).string());
        EXPECT_TRUE(listed) << plugin << "\n" << r.output;
    }
    EXPECT_FALSE(contains(r.output, "tq2_0")) << r.output;
}

TEST(CheckPlugin, PassesEveryCheckOnTheExampleIncludingAgreementWithGgml) {
    const auto r = run_command(
        {installed_gmat(), "check-plugin", (example_plugin_dir() / "ternary.so").string(), "--ggml-lib", kGgmlLib});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "15 passed, 0 failed, 0 skipped")) << r.output;
    EXPECT_TRUE(contains(r.output, "PASS  ggml agreement    decodes like ggml's to_float")) << r.output;
}

TEST(CheckPlugin, FailsAPluginThatBreaksTheRulesAndSaysWhich) {
    const auto r = run_command({installed_gmat(), "check-plugin", GMAT_SLOPPY_PLUGIN});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "PASS  descriptor")) << r.output;
    EXPECT_TRUE(contains(r.output, "PASS  round trip")) << r.output;
    EXPECT_TRUE(contains(r.output, "FAIL  determinism")) << r.output;
    EXPECT_TRUE(contains(r.output, "FAIL  thread split")) << r.output;
    EXPECT_TRUE(contains(r.output, "FAIL  non-finite input  quantized a row holding NaN without an error")) << r.output;
    EXPECT_TRUE(
        contains(r.output, "FAIL  row length        a row of 3 values (blocks of 2): quantize_rows accepted it"))
        << r.output;
    EXPECT_TRUE(contains(r.output, "check-plugin: 4 checks failed")) << r.output;
}

TEST(CheckPlugin, RefusesAPluginBuiltForAnOlderAbiMajorSayingWhy) {
    const auto r = run_command({installed_gmat(), "check-plugin", (abi_plugin_dir() / "abi_older_major.so").string()});
    EXPECT_NE(r.exit_code, 0) << r.output;
    const std::string minor = std::to_string(GMAT_ABI_MINOR); // the probe is built with the major one lower
    EXPECT_TRUE(contains(r.output, "FAIL  load              built for gmat plugin ABI 0." + minor +
                                       ", this gmat uses ABI 1." + minor + " (the major version must match)"))
        << r.output;
}

TEST(CheckPlugin, AcceptsAPluginFromANewerMinorThatAppendedFields) {
    const auto r = run_command({installed_gmat(), "check-plugin", (abi_plugin_dir() / "abi_newer_minor.so").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "plugin abi_newer_minor 0.0.1 (quant, ABI 1." + std::to_string(GMAT_ABI_MINOR + 1) +
                                       ")"))
        << r.output;
    EXPECT_TRUE(contains(r.output, "abi_newer_minor_f32 (plugin abi_newer_minor)")) << r.output;
}

TEST(InstalledPlugins, AbiProbesInTheSearchPathLoadOrAreListedAsRefused) {
    const auto r = run_command({installed_gmat(), "plugins"}, {"GMAT_PLUGIN_PATH=" + abi_plugin_dir().string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "abi_newer_minor_f32")) << r.output;
    EXPECT_TRUE(contains(r.output, "abi_older_major.so: built for gmat plugin ABI 0." + std::to_string(GMAT_ABI_MINOR)))
        << r.output;
}

// The inner suite's log with its "[  SKIPPED ]" markers defused: ctest reads
// that marker in this test's own output as "this test was skipped".
std::string inner_log(std::string log) {
    for (size_t at; (at = log.find("[  SKIPPED ]")) != std::string::npos;) log.replace(at, 12, "[  skipped ]");
    return log;
}

TEST(ConformanceSuite, PassesOnTheInstalledExamplePluginsTypes) {
    const std::string suite = GMAT_CONFORMANCE_BINARY;
    if (suite.empty()) GTEST_SKIP() << "tests/conformance is not built here";
    const auto r = run_command({suite, "--gtest_filter=*tq*"}, {with_example()});
    const std::string log = inner_log(r.output);
    EXPECT_EQ(r.exit_code, 0) << log;
    EXPECT_TRUE(contains(log, "tq1_0_trellis")) << log;
    EXPECT_TRUE(contains(log, "tq2_0_standard")) << log;
    EXPECT_FALSE(contains(log, "[  FAILED  ]")) << log;
}

std::vector<std::string> bench(const std::string &type, const std::string &strategy, bool with_ggml,
                               std::string *output = nullptr) {
    std::vector<std::string> argv = {installed_gmat(), "bench", "--type",    type, "--rows",     "64",
                                     "--cols",         "1024",  "--threads", "2",  "--strategy", strategy,
                                     "--min-time",     "0"};
    if (with_ggml) argv.insert(argv.end(), {"--ggml-lib", kGgmlLib});
    const auto r = run_command(argv, {with_example()});
    if (output) *output = r.output;
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return words_of_line(r.output, "gmat/ggml");
}

TEST(Bench, MatchesGgmlsErrorWithTheStandardStrategy) {
    std::string out;
    const auto ratios = bench("tq2_0", "standard", true, &out);
    ASSERT_EQ(ratios.size(), 4u) << out;
    EXPECT_EQ(ratios[3], "1.000x") << out; // same rounding rule as ggml, same data
    const auto ours = words_of_line(out, "gmat"), ggml = words_of_line(out, "ggml");
    ASSERT_FALSE(ours.empty()) << out;
    ASSERT_FALSE(ggml.empty()) << out;
    EXPECT_EQ(ours.back(), ggml.back()) << out;
    const double error = std::stod(ours.back());
    EXPECT_GT(error, 0.5) << out; // ternary weights on heavy tails: far from exact
    EXPECT_LT(error, 0.95) << out;
}

TEST(Bench, TheLeastSquaresSearchBeatsGgmlsError) {
    std::string out;
    const auto ratios = bench("tq1_0", "trellis", true, &out);
    ASSERT_EQ(ratios.size(), 4u) << out;
    EXPECT_LT(std::stod(ratios[3]), 0.9) << out;
}

TEST(Bench, SaysWhenTheGgmlComparisonIsUnavailable) {
    std::string out;
    EXPECT_TRUE(bench("tq2_0", "standard", false, &out).empty()) << out;
    EXPECT_TRUE(contains(out, "ggml comparison unavailable: no --ggml-lib given and GMAT_GGML_LIB is not set")) << out;
}

TEST(Bench, AcceptsThePluginQualifiedSpellingAndRejectsAnUnknownPlugin) {
    std::string out;
    bench("ternary:tq2_0", "standard", false, &out);
    EXPECT_TRUE(contains(out, "type      tq2_0 (plugin ternary, GGUF id 35")) << out;
    const auto r = run_command({installed_gmat(), "bench", "--type", "nosuch:tq2_0"}, {with_example()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, "no quant plugin named 'nosuch' is loaded")) << r.output;
}

// Search order is priority: a --plugin-dir comes before the installation's
// folder, so its f32 serves the plain name; "float:f32" still reaches the bundled one.
TEST(TypeNameConflicts, TheFirstInSearchOrderServesThePlainNameAndPluginTypeReachesTheOther) {
    const std::string shadow = GMAT_SHADOWING_PLUGIN_DIR;
    auto r = run_command({installed_gmat(), "--plugin-dir", shadow, "plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "type 'f32' of plugin 'float' (")) << r.output;
    EXPECT_TRUE(contains(r.output, "is shadowed by plugin 'shadow_float', which comes first in the search path; "
                                   "select it as 'float:f32'"))
        << r.output;
    const std::vector<std::string> tiny = {"--rows", "4", "--cols", "64", "--min-time", "0"};
    auto bench_type = [&](const std::string &type) {
        std::vector<std::string> argv = {installed_gmat(), "--plugin-dir", shadow, "bench", "--type", type};
        argv.insert(argv.end(), tiny.begin(), tiny.end());
        return run_command(argv);
    };
    r = bench_type("f32");
    EXPECT_TRUE(contains(r.output, "type      f32 (plugin shadow_float,")) << r.output;
    r = bench_type("float:f32");
    EXPECT_TRUE(contains(r.output, "type      f32 (plugin float,")) << r.output;
    r = bench_type("FLOAT:F32");
    EXPECT_TRUE(contains(r.output, "type      f32 (plugin float,")) << r.output;
    r = bench_type("float:q4_0");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, "plugin 'float' provides no type 'q4_0' (it provides: float:f32, f16")) << r.output;
}

} // namespace
} // namespace gmat::install_test
