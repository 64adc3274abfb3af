// A plugin library held open by Boost.DLL. Shared by every object made from
// it, so the code stays mapped while any of them lives; the registry also
// keeps one reference for the life of the process.
#pragma once

#include <boost/dll/shared_library.hpp>

#include <filesystem>

namespace gmat {

class LoadedLibrary {
public:
    explicit LoadedLibrary(const std::filesystem::path &file);
    const std::filesystem::path &file() const { return file_; }
    const boost::dll::shared_library &library() const { return library_; }

private:
    std::filesystem::path file_;
    boost::dll::shared_library library_;
};

// Formats a plugin's diagnostics buffer (or its status when empty) as a message.
std::string plugin_message(const char *buffer, int32_t status);

} // namespace gmat
