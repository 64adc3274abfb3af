// Finds, checks and loads plugins, and serves what they provide.
//
// Search order: --plugin-dir folders, then GMAT_PLUGIN_PATH (colon-separated),
// then <folder of the gmat executable>/../lib/gmat/plugins. Never the current
// directory. An entry may also name one plugin file. Libraries are never
// unloaded while the process runs, and every object handed out keeps its
// library alive.
//
// Type names: the search order is the priority. When two plugins provide the
// same type name, the plain name ("q4_0") means the first one found; the later
// one is recorded in conflicts() and stays reachable through the qualified
// spelling "plugin:type" ("myplugin:q4_0"), which every lookup below accepts.
#pragma once

#include "plugins/quant_type.hpp"
#include "plugins/source_reader.hpp"
#include "plugins/output_writer.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gmat {

class LoadedLibrary;

struct PluginInfo {
    std::string name, version, description;
    gmat_plugin_kind kind;
    uint16_t abi_major, abi_minor;
    int32_t score;
    std::filesystem::path file;
    std::vector<std::string> provides; // type names, reader/writer formats
};

struct RefusedPlugin {
    std::filesystem::path file;
    std::string reason;
};

const char *plugin_kind_name(gmat_plugin_kind kind);

class PluginRegistry {
public:
    // The standard search path (see above) with extra_dirs first.
    static std::vector<std::filesystem::path> search_path(const std::vector<std::filesystem::path> &extra_dirs);
    // Loads every plugin found in dirs, in order; refusals are recorded, not thrown.
    static PluginRegistry load(const std::vector<std::filesystem::path> &dirs);

    const std::vector<PluginInfo> &plugins() const { return plugins_; }
    const std::vector<RefusedPlugin> &refused() const { return refused_; }
    const std::vector<std::filesystem::path> &searched() const { return searched_; }
    // Types two plugins both provide: the first in search order serves the name.
    const std::vector<std::string> &conflicts() const { return conflicts_; }

    // The types plain names resolve to (shadowed ones are left out).
    std::vector<const QuantType *> quant_types() const;
    // "q4_0" or "plugin:q4_0", case-insensitive; nullptr when nothing matches.
    const QuantType *find_quant_type(std::string_view name) const;
    const QuantType *find_quant_type_by_gguf(uint32_t gguf_type) const;
    // Throws "type not available: no plugin provides q4_k (available: ...)",
    // or for "plugin:type" names what that plugin does provide.
    const QuantType &quant_type(std::string_view name) const;

    // The reader whose probe scores path highest; throws naming path when none can.
    SourceReader open_reader(const std::filesystem::path &path) const;
    // Throws naming the format and the formats available.
    OutputWriter create_writer(std::string_view format, const std::filesystem::path &path,
                               uint32_t shard_count) const;
    std::vector<std::string> writer_formats() const;

private:
    struct ReaderEntry { std::string plugin; std::shared_ptr<const LoadedLibrary> library; const gmat_reader_api *api; };
    struct WriterEntry { std::string plugin; std::shared_ptr<const LoadedLibrary> library; const gmat_writer_api *api; };

    const QuantType *find_qualified(std::string_view plugin, std::string_view type) const;
    void add_candidate(const std::filesystem::path &file, std::shared_ptr<const LoadedLibrary> library,
                       const gmat_plugin_descriptor *descriptor, int32_t score);

    std::vector<std::filesystem::path> searched_;
    std::vector<PluginInfo> plugins_;
    std::vector<RefusedPlugin> refused_;
    std::vector<std::string> conflicts_;
    std::vector<std::unique_ptr<QuantType>> quant_types_;
    std::vector<std::unique_ptr<QuantType>> shadowed_types_; // reachable only as "plugin:type"
    std::vector<ReaderEntry> readers_;
    std::vector<WriterEntry> writers_;
};

} // namespace gmat
