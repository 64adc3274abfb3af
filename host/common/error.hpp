// The host's one exception type: a message that already names the file,
// tensor and field involved. Thrown and caught inside the host only.
#pragma once

#include <stdexcept>
#include <string>

namespace gmat {

class GmatError : public std::runtime_error {
public:
    explicit GmatError(const std::string &message) : std::runtime_error(message) {}
};

} // namespace gmat
