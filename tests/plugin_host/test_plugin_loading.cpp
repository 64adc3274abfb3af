// The registry refuses every kind of broken plugin with a reason naming the
// file, and accepts a plugin from a newer ABI minor.
#include "common/error.hpp"
#include "plugins/plugin_registry.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fs = std::filesystem;

namespace gmat {
namespace {

PluginRegistry load_case(const std::string &name) { return PluginRegistry::load({fs::path(GMAT_TEST_PLUGINS_ROOT) / name}); }

// Expects exactly one refusal, of file `file`, whose reason contains each fragment.
void expect_refused(const std::string &case_name, const std::string &file, const std::vector<std::string> &fragments) {
    const PluginRegistry r = load_case(case_name);
    EXPECT_TRUE(r.plugins().empty()) << case_name;
    ASSERT_EQ(r.refused().size(), 1u) << case_name;
    EXPECT_EQ(r.refused()[0].file.filename(), file);
    for (const auto &f : fragments)
        EXPECT_NE(r.refused()[0].reason.find(f), std::string::npos) << "reason: " << r.refused()[0].reason << "\nmissing: " << f;
}

TEST(PluginLoading, AcceptsAGoodPlugin) {
    const PluginRegistry r = load_case("good_quant");
    ASSERT_EQ(r.plugins().size(), 1u);
    EXPECT_TRUE(r.refused().empty());
    EXPECT_EQ(r.plugins()[0].name, "good_quant");
    EXPECT_EQ(r.plugins()[0].kind, GMAT_PLUGIN_QUANT);
    EXPECT_EQ(r.plugins()[0].provides, std::vector<std::string>{"good_quant_f32"});
    const QuantType &t = r.quant_type("GOOD_QUANT_F32");
    EXPECT_DOUBLE_EQ(t.bits_per_weight(), 32.0);
    const float in[4] = {1, 2, 3, 4};
    float q[4], out[4];
    t.quantize_rows(in, 2, 2, {}, q);
    t.dequantize_rows(q, 2, 2, out);
    EXPECT_EQ(out[3], 4.0f);
}

TEST(PluginLoading, RefusesANewerAbiMajorNamingBothVersions) {
    expect_refused("abi_major_newer", "abi_major_newer.so",
                   {"built for gmat plugin ABI " + std::to_string(GMAT_ABI_MAJOR + 1) + ".",
                    "this gmat uses ABI " + std::to_string(GMAT_ABI_MAJOR) + "." + std::to_string(GMAT_ABI_MINOR)});
}

TEST(PluginLoading, RefusesAnOlderAbiMajor) {
    expect_refused("abi_major_older", "abi_major_older.so",
                   {"built for gmat plugin ABI " + std::to_string(GMAT_ABI_MAJOR - 1) + ".", "major version must match"});
}

TEST(PluginLoading, AcceptsANewerAbiMinorThatOnlyAppendsFields) {
    const PluginRegistry r = load_case("abi_minor_newer");
    ASSERT_EQ(r.plugins().size(), 1u) << (r.refused().empty() ? "" : r.refused()[0].reason);
    EXPECT_EQ(r.plugins()[0].abi_minor, GMAT_ABI_MINOR + 1);
    EXPECT_NE(r.find_quant_type("abi_minor_newer_f32"), nullptr);
}

TEST(PluginLoading, AcceptsAnOlderAbiMinor) {
    const PluginRegistry r = load_case("abi_minor_older");
    ASSERT_EQ(r.plugins().size(), 1u) << (r.refused().empty() ? "" : r.refused()[0].reason);
    EXPECT_EQ(r.plugins()[0].abi_minor, GMAT_ABI_MINOR - 1);
    EXPECT_NE(r.find_quant_type("abi_minor_older_f32"), nullptr);
}

TEST(PluginLoading, RefusesALibraryWithoutTheEntryPoint) {
    expect_refused("no_entry", "no_entry.so", {"does not export gmat_plugin_entry"});
}

TEST(PluginLoading, RefusesANameThatIsNotTheFileStem) {
    expect_refused("name_mismatch", "wrong_file_name.so", {"declares the name 'name_mismatch'", "wrong_file_name.so"});
}

TEST(PluginLoading, RefusesADuplicateTypeName) {
    expect_refused("duplicate_type", "duplicate_type.so", {"provides the type 'duplicate_type_f32' twice"});
}

TEST(PluginLoading, RefusesAPluginThatCannotRunHere) {
    expect_refused("zero_score", "zero_score.so", {"cannot run on this machine"});
}

TEST(PluginLoading, RefusesNullFunctions) { expect_refused("null_function", "null_function.so", {"null functions"}); }

TEST(PluginLoading, RefusesUnresolvedSymbolsAtLoadTime) {
    expect_refused("undefined_symbol", "undefined_symbol.so", {"cannot be loaded", "gmat_symbol_that_does_not_exist"});
}

TEST(PluginLoading, AnExceptionInsideAPluginBecomesAnErrorWithItsMessage) {
    const PluginRegistry r = load_case("throwing_quant");
    const QuantType &t = r.quant_type("throwing_quant_f32");
    const float in[2] = {1, 2};
    float out[2];
    try {
        t.quantize_rows(in, 1, 2, {}, out);
        FAIL() << "no error";
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("fake failure inside the plugin's quantizer"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("throwing_quant"), std::string::npos) << e.what();
    }
}

TEST(PluginLoading, ConflictingTypeNamesAreRecordedAndTheFirstWins) {
    const PluginRegistry r = PluginRegistry::load(
        {fs::path(GMAT_TEST_PLUGINS_ROOT) / "conflict_quant", fs::path(GMAT_TEST_PLUGINS_ROOT) / "conflict_quant_b"});
    ASSERT_EQ(r.plugins().size(), 2u);
    EXPECT_EQ(r.quant_type("fake_f32").plugin_name(), "conflict_quant");
    ASSERT_EQ(r.conflicts().size(), 1u);
    EXPECT_NE(r.conflicts()[0].find("'fake_f32' of plugin 'conflict_quant_b'"), std::string::npos) << r.conflicts()[0];
}

TEST(PluginLoading, UnknownTypeErrorListsWhatIsAvailable) {
    const PluginRegistry r = load_case("good_quant");
    try {
        r.quant_type("q4_k");
        FAIL();
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("type not available: no plugin provides q4_k (available: good_quant_f32)"),
                  std::string::npos)
            << e.what();
    }
}

TEST(PluginLoading, SearchPathPutsPluginDirsFirstThenEnvironmentThenInstall) {
    ::setenv("GMAT_PLUGIN_PATH", "/a:/b", 1);
    const auto path = PluginRegistry::search_path({"/first"});
    ::unsetenv("GMAT_PLUGIN_PATH");
    ASSERT_GE(path.size(), 4u);
    EXPECT_EQ(path[0], "/first");
    EXPECT_EQ(path[1], "/a");
    EXPECT_EQ(path[2], "/b");
    EXPECT_EQ(path[3].filename(), "plugins");
    EXPECT_EQ(path[3].parent_path().filename(), "gmat");
}

} // namespace
} // namespace gmat
