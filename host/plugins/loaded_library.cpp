#include "plugins/loaded_library.hpp"

#include <gmat/abi.h>

namespace gmat {

LoadedLibrary::LoadedLibrary(const std::filesystem::path &file)
    : file_(file),
      // rtld_now: a missing symbol fails here, not at the first call;
      // rtld_local: two plugins' private symbols never shadow each other.
      library_(boost::dll::fs::path(file.string()),
               boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local) {}

std::string plugin_message(const char *buffer, int32_t status) {
    if (buffer != nullptr && buffer[0] != '\0') return buffer;
    switch (status) {
    case GMAT_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case GMAT_ERROR_IO: return "I/O error";
    case GMAT_ERROR_FORMAT: return "format error";
    case GMAT_ERROR_UNSUPPORTED: return "unsupported";
    case GMAT_ERROR_OUT_OF_MEMORY: return "out of memory";
    default: return "internal error (status " + std::to_string(status) + ")";
    }
}

} // namespace gmat
