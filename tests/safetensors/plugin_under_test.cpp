#include "plugin_under_test.hpp"

#include "plugins/loaded_library.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <unistd.h>

namespace gmat::test {

const PluginRegistry &registry() {
    static const PluginRegistry loaded = [] {
        PluginRegistry r = PluginRegistry::load({GMAT_TEST_PLUGIN_DIR});
        bool found = false;
        for (const PluginInfo &p : r.plugins()) found |= p.name == "safetensors";
        std::string refusals;
        for (const RefusedPlugin &p : r.refused()) refusals += "\n  " + p.file.string() + ": " + p.reason;
        if (!found) ADD_FAILURE() << "safetensors plugin not loaded from " GMAT_TEST_PLUGIN_DIR << refusals;
        return r;
    }();
    return loaded;
}

const gmat_reader_api &raw_reader_api() {
    static const LoadedLibrary library(GMAT_TEST_PLUGIN_FILE);
    static const gmat_reader_api *api = [] {
        auto entry = library.library().get<const gmat_plugin_descriptor *()>(GMAT_PLUGIN_ENTRY_SYMBOL);
        return static_cast<const gmat_reader_api *>(entry()->api);
    }();
    return *api;
}

SourceReader open_source(const std::filesystem::path &path) { return registry().open_reader(path); }

OpenFailure raw_open_failure(const std::filesystem::path &path) {
    const gmat_reader_api &api = raw_reader_api();
    char text[2048] = {};
    gmat_diagnostics diag{text, sizeof text};
    gmat_reader *reader = nullptr;
    const int32_t status = api.open(path.c_str(), &reader, &diag);
    if (status == GMAT_OK) api.close(reader);
    return {status, text};
}

std::vector<uint8_t> read_tensor(const SourceReader &reader, uint64_t index) {
    std::vector<uint8_t> bytes(reader.tensors().at(index).n_bytes);
    reader.read(index, 0, bytes.size(), bytes.data());
    return bytes;
}

uint64_t index_of(const SourceReader &reader, const std::string &name) {
    for (uint64_t i = 0; i < reader.tensors().size(); ++i)
        if (reader.tensors()[i].name == name) return i;
    ADD_FAILURE() << "no tensor named '" << name << "' in " << reader.path();
    return 0;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gmat-safetensors-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

} // namespace gmat::test
