// `gmat plugins` as a user sees it: the bundled plugins, refusals with reasons.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

std::string run(const std::string &args, int *status = nullptr) {
    const std::string command = std::string(GMAT_EXECUTABLE) + " " + args + " 2>&1";
    FILE *pipe = ::popen(command.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int rc = ::pclose(pipe);
    if (status) *status = WEXITSTATUS(rc);
    return out;
}

bool contains(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

TEST(PluginsCommand, ListsTheBundledPlugins) {
    int status = -1;
    const std::string out = run("plugins", &status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_TRUE(contains(out, "safetensors   ")) << out;
    EXPECT_TRUE(contains(out, "reader")) << out;
    EXPECT_TRUE(contains(out, "gguf          ")) << out;
    EXPECT_TRUE(contains(out, "writer")) << out;
    EXPECT_TRUE(contains(out, std::string(GMAT_BUILD_PLUGIN_DIR).substr(0, 10))) << out;
}

TEST(PluginsCommand, ShowsRefusedPluginsWithTheReason) {
    const std::string root = GMAT_TEST_PLUGINS_ROOT;
    const std::string out =
        run("--plugin-dir " + root + "/abi_major_newer --plugin-dir " + root + "/good_quant plugins");
    EXPECT_TRUE(contains(out, "good_quant")) << out;
    EXPECT_TRUE(contains(out, "good_quant_f32")) << out;
    EXPECT_TRUE(contains(out, "Refused (1):")) << out;
    EXPECT_TRUE(contains(out, "abi_major_newer.so: built for gmat plugin ABI")) << out;
}

TEST(PluginsCommand, HelpExplainsTheCommands) {
    int status = -1;
    const std::string out = run("--help", &status);
    EXPECT_EQ(status, 0);
    for (const char *cmd : {"import", "export", "inspect", "plugins", "--plugin-dir"}) EXPECT_TRUE(contains(out, cmd)) << cmd;
    const std::string exp = run("export --help");
    for (const char *opt : {"--model", "--config", "--output", "--shard-size", "--generate-config", "--dry-run", "LlamaForCausalLM"})
        EXPECT_TRUE(contains(exp, opt)) << opt << "\n" << exp;
}

TEST(PluginsCommand, ErrorsGoToStderrWithExitStatus1) {
    int status = -1;
    const std::string out = run("inspect /nonexistent/model.safetensors", &status);
    EXPECT_EQ(status, 1) << out;
    EXPECT_TRUE(contains(out, "gmat: error: /nonexistent/model.safetensors")) << out;
}

} // namespace
