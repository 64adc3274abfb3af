// `gmat report` end to end: a Llama and a Mixtral store, a fixed mix and an
// auto profile, the page rendered by headless chromium.
#include "child_process.hpp"
#include "in_process_export.hpp"

#include "pipeline/import_pipeline.hpp"

#include <gtest/gtest.h>
#include <reference/reference_scripts.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

const fs::path &root() {
    static const fs::path p = [] {
        fs::path r = fs::temp_directory_path() / ("gmat-report-" + std::to_string(::getpid()));
        fs::remove_all(r);
        fs::create_directories(r);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-report-" + std::to_string(::getpid()))); });
        return r;
    }();
    return p;
}

const fs::path &store() {
    static const fs::path s = [] {
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.layers = 3;
        o.vocab = 512;
        o.seed = 4;
        reference::make_llama_checkpoint(root() / "hf", o);
        ImportOptions import;
        import.model = root() / "hf";
        import.output_dir = root();
        import.progress = false;
        std::ostringstream log;
        return run_import(build_plugins(), import, log).store;
    }();
    return s;
}

std::string read(const fs::path &f) {
    std::ifstream in(f, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

fs::path write(const std::string &name, const std::string &text) {
    std::ofstream(root() / name) << text;
    return root() / name;
}

size_t count(const std::string &text, const std::string &part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

// chromium with the flags a headless test needs as root; stderr carries the console (--enable-logging).
ChildResult chromium(const std::vector<std::string> &extra, const fs::path &page) {
    std::vector<std::string> args{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                  "--user-data-dir=" + (root() / "chromium-profile").string(), "--enable-logging=stderr",
                                  "--v=0"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("file://" + fs::absolute(page).string());
    return run_child("/usr/bin/chromium", args);
}

std::vector<std::string> console_lines(const std::string &err) {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
        if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
    return lines;
}

class ReportInChromium : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian's chromium is missing: scripts/install-deps.sh installs it";
    }
};

TEST_F(ReportInChromium, PageIsSelfContainedAndRendersItsCharts) {
    const fs::path mix = write("q4_k_m.json", R"({"quantization": {"default_type": "q4_k_m"}})");
    const fs::path budget = write("auto-4.5.json", R"({"quantization": {"default_type": "auto", "target_bpw": 4.5}})");
    const fs::path page = root() / "report.html";
    const ChildResult made = run_child(GMAT_CLI_PATH, {"report", "--model", store().string(), "--config", mix.string(),
                                                      "--config", budget.string(), "-o", page.string()});
    ASSERT_EQ(made.exit_code, 0) << made.describe();
    const std::string html = read(page);
    // Self-contained: no scripts, no links or sources to fetch; the only URL is SVG's namespace.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_EQ(html.find(" href="), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
    EXPECT_EQ(count(html, "http"), count(html, "http://www.w3.org/2000/svg"));
    EXPECT_NE(html.find("q4_k_m.json"), std::string::npos);
    EXPECT_NE(html.find("auto-4.5.json"), std::string::npos);

    const ChildResult dom = chromium({"--dump-dom"}, page);
    ASSERT_EQ(dom.exit_code, 0) << dom.describe();
    EXPECT_TRUE(console_lines(dom.err).empty()) << dom.err;
    // Two maps per profile (types, errors), the size bars and the role bars.
    EXPECT_EQ(count(dom.out, "<svg class=\"type-map\""), 2u);
    EXPECT_EQ(count(dom.out, "<svg class=\"error-map\""), 2u);
    EXPECT_EQ(count(dom.out, "<svg class=\"sizes\""), 1u);
    EXPECT_EQ(count(dom.out, "<svg class=\"roles\""), 1u);
    EXPECT_EQ(count(dom.out, "class=\"size-bar\""), 2u);
    // 3 layers x 7 roles + token_embd + output, in each of the 4 maps.
    EXPECT_GE(count(dom.out, "<rect x="), 4u * (3 * 7 + 2));
    EXPECT_NE(dom.out.find("blk.2.ffn_down.weight: "), std::string::npos);

    const fs::path shot = root() / "report.png";
    const ChildResult screenshot = chromium({"--screenshot=" + shot.string(), "--window-size=1200,900"}, page);
    ASSERT_EQ(screenshot.exit_code, 0) << screenshot.describe();
    EXPECT_TRUE(console_lines(screenshot.err).empty()) << screenshot.err;
    const ChildResult stats = run_child("/usr/bin/python3", {GMAT_PNG_STATS, shot.string()});
    ASSERT_EQ(stats.exit_code, 0) << stats.describe();
    std::istringstream in(stats.out);
    int width = 0, height = 0, colours = 0;
    double non_white = 0;
    in >> width >> height >> colours >> non_white;
    EXPECT_EQ(width, 1200);
    EXPECT_EQ(height, 900);
    EXPECT_GT(colours, 50) << "a blank or single-colour screenshot";
    EXPECT_GT(non_white, 0.05);
}

TEST_F(ReportInChromium, ConsoleCheckCatchesAnErrorOnABrokenPage) {
    // The control for the check above: a page whose script fails must show up on the console.
    const fs::path broken = write("broken.html", "<!DOCTYPE html><html><body><svg></svg><script>no_such_function();</script></body></html>");
    const ChildResult dom = chromium({"--dump-dom"}, broken);
    ASSERT_EQ(dom.exit_code, 0) << dom.describe();
    const auto lines = console_lines(dom.err);
    ASSERT_EQ(lines.size(), 1u) << dom.err;
    EXPECT_NE(lines[0].find("no_such_function is not defined"), std::string::npos);
}

TEST(Report, BadInputsAreClearErrorsAndLeaveNoPage) {
    const fs::path page = root() / "bad.html";
    const ChildResult missing = run_child(GMAT_CLI_PATH, {"report", "--model", store().string(), "--config",
                                                         (root() / "nope.json").string(), "-o", page.string()});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
    const fs::path bad = write("bad-auto.json", R"({"quantization": {"default_type": "auto"}})");
    const ChildResult no_budget = run_child(GMAT_CLI_PATH, {"report", "--model", store().string(), "--config",
                                                           bad.string(), "-o", page.string()});
    EXPECT_EQ(no_budget.exit_code, 1);
    EXPECT_NE(no_budget.err.find("needs a budget"), std::string::npos) << no_budget.err;
    EXPECT_FALSE(fs::exists(page));
}

} // namespace
} // namespace gmat::test
