// Size texts and bits-per-weight targets of an auto profile, and their errors.
#include "auto/size_budget.hpp"
#include "common/error.hpp"
#include "config/export_config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <unistd.h>

namespace gmat {
namespace {

std::string error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const GmatError &e) {
        return e.what();
    }
    return "";
}

TEST(SizeBudget, UnitsArePowersOf1000Or1024) {
    EXPECT_EQ(parse_size_text("123", "x"), 123u);
    EXPECT_EQ(parse_size_text("123B", "x"), 123u);
    EXPECT_EQ(parse_size_text("8GB", "x"), 8000000000u);
    EXPECT_EQ(parse_size_text("8 gb", "x"), 8000000000u);
    EXPECT_EQ(parse_size_text("7.5GiB", "x"), 8053063680u);
    EXPECT_EQ(parse_size_text("500MB", "x"), 500000000u);
    EXPECT_EQ(parse_size_text("1.5KiB", "x"), 1536u);
    EXPECT_EQ(parse_size_text("2TB", "x"), 2000000000000u);
}

TEST(SizeBudget, BadSizesNameTheFieldAndWhy) {
    EXPECT_NE(error_of([] { parse_size_text("0", "--target-size"); }).find("--target-size: '0' is not a positive size"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("-3GB", "f"); }).find("not a positive size"), std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("8XB", "f"); }).find("unknown unit 'XB'"), std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("8 GBs", "f"); }).find("valid: B, KB, MB"), std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("GB", "f"); }).find("is not a size"), std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("1.2.3GB", "f"); }).find("is not a size"), std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("", "f"); }).find("is not a size"), std::string::npos);
    EXPECT_NE(error_of([] { parse_size_text("99999999999TB", "f"); }).find("too large"), std::string::npos);
}

TEST(SizeBudget, BitsPerWeightMustBeInRange) {
    EXPECT_EQ(checked_target_bpw(4.5, "x"), 4.5);
    for (double bad : {0.0, -1.0, 33.0, std::nan("")})
        EXPECT_NE(error_of([bad] { checked_target_bpw(bad, "--target-bpw"); }).find("--target-bpw: "), std::string::npos);
}

ExportConfig parse(const std::string &quantization) {
    return parse_export_config_text(R"({"quantization": )" + quantization + "}", "p.json");
}

TEST(SizeBudget, ProfileFieldsParseAndRoundTrip) {
    const ExportConfig a = parse(R"({"default_type": "auto", "target_bpw": 4.25})");
    EXPECT_TRUE(is_auto_type(a));
    EXPECT_EQ(*a.target_bpw, 4.25);
    const ExportConfig b = parse(R"({"default_type": "AUTO", "target_size": "7.5GiB"})");
    EXPECT_EQ(*b.target_size, 8053063680u);
    EXPECT_EQ(*parse(R"({"default_type": "auto", "target_size": 123456})").target_size, 123456u);
    const auto file = std::filesystem::temp_directory_path() / ("auto-profile-" + std::to_string(::getpid()) + ".json");
    write_export_config(file, b);
    EXPECT_EQ(*parse_export_config(file).target_size, 8053063680u);
    ExportConfig listed = parse(R"({"default_type": "auto", "target_bpw": 3.5, "auto_types": ["q3_k", "iq3_s"]})");
    EXPECT_EQ(listed.auto_types, (std::vector<std::string>{"q3_k", "iq3_s"}));
    write_export_config(file, listed);
    EXPECT_EQ(parse_export_config(file).auto_types, listed.auto_types);
    std::filesystem::remove(file);
}

TEST(SizeBudget, BadProfileBudgetsAreClearErrors) {
    auto err = [](const std::string &q) { return error_of([&] { parse(q); }); };
    EXPECT_NE(err(R"({"default_type": "auto", "target_size": 0})").find("p.json: quantization.target_size: 0 bytes"),
              std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_size": -5})").find("not a positive whole number"), std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_size": "8 parsecs"})").find("unknown unit"), std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_bpw": 0})").find("quantization.target_bpw: "), std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_bpw": -4})").find("outside (0, 32]"), std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_bpw": 4, "target_size": 5})").find("not both"), std::string::npos);
    EXPECT_NE(err(R"({"default_type": "q4_k_m", "target_bpw": 4})").find("only with default_type \"auto\""),
              std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_bpw": 4, "auto_types": []})").find("quantization.auto_types: empty"),
              std::string::npos);
    EXPECT_NE(err(R"({"default_type": "auto", "target_bpw": 4, "auto_types": ["q4_k", 5]})").find("quantization.auto_types[1]"),
              std::string::npos);
    EXPECT_NE(err(R"({"default_type": "q4_k_m", "auto_types": ["q4_k"]})")
                  .find("quantization.auto_types: lists the types default_type \"auto\" chooses from (default_type is 'q4_k_m')"),
              std::string::npos);
}

} // namespace
} // namespace gmat
