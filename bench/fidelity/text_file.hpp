// A text file's whole contents (the prompt, the calibration text), for the
// fidelity tools; a file that cannot be opened is an error naming it.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fidelity {

inline std::string read_text(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace fidelity
