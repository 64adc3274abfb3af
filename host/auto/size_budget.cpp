#include "auto/size_budget.hpp"

#include "common/error.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <vector>

namespace gmat {

namespace {
std::string lower(std::string s) {
    for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

const std::vector<std::pair<std::string, double>> &units() {
    static const std::vector<std::pair<std::string, double>> table{
        {"", 1.0},          {"b", 1.0},           {"kb", 1e3},          {"mb", 1e6},           {"gb", 1e9},
        {"tb", 1e12},       {"kib", 1024.0},      {"mib", 1048576.0},   {"gib", 1073741824.0}, {"tib", 1099511627776.0}};
    return table;
}
} // namespace

uint64_t parse_size_text(const std::string &text, const std::string &where) {
    size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t number_begin = i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    const std::string number = text.substr(number_begin, i - number_begin);
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::string unit = lower(text.substr(i));
    if (number.empty() || number == "-" || number == "+" || number.find('.') != number.rfind('.'))
        throw GmatError(where + ": '" + text + "' is not a size (write bytes, or a number with a unit: 8GB, 7.5GiB, 500MB)");
    double factor = 0;
    for (const auto &[name, f] : units())
        if (name == unit) factor = f;
    if (factor == 0)
        throw GmatError(where + ": unknown unit '" + text.substr(i) + "' in '" + text +
                        "' (valid: B, KB, MB, GB, TB = powers of 1000; KiB, MiB, GiB, TiB = powers of 1024)");
    const double value = std::strtod(number.c_str(), nullptr) * factor;
    if (!(value >= 1)) throw GmatError(where + ": '" + text + "' is not a positive size (at least 1 byte)");
    if (!(value < 1.8e19)) throw GmatError(where + ": '" + text + "' is too large");
    return static_cast<uint64_t>(std::floor(value));
}

double checked_target_bpw(double bpw, const std::string &where) {
    if (!std::isfinite(bpw) || bpw <= 0 || bpw > 32)
        throw GmatError(where + ": " + std::to_string(bpw) + " bits per weight is outside (0, 32]");
    return bpw;
}

} // namespace gmat
