#include "plugins/plugin_registry.hpp"

#include "common/error.hpp"
#include "plugins/loaded_library.hpp"

#include <boost/dll/library_info.hpp>
#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstddef>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat {

const char *plugin_kind_name(gmat_plugin_kind kind) {
    switch (kind) {
    case GMAT_PLUGIN_READER: return "reader";
    case GMAT_PLUGIN_QUANT: return "quant";
    case GMAT_PLUGIN_WRITER: return "writer";
    }
    return "unknown";
}

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string version_string(unsigned major, unsigned minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

// True when the file's dynamic symbol table exports the entry point; reads
// the ELF file only, so a stray library's constructors never run.
bool exports_entry(const fs::path &file, std::string &why) {
    try {
        boost::dll::library_info info(boost::dll::fs::path(file.string()));
        for (const std::string &symbol : info.symbols())
            if (symbol == GMAT_PLUGIN_ENTRY_SYMBOL) return true;
        why = "does not export " GMAT_PLUGIN_ENTRY_SYMBOL "; not a gmat plugin";
    } catch (const std::exception &e) {
        why = std::string("not a readable shared library: ") + e.what();
    }
    return false;
}

// The plugin name must be the file stem, or the stem minus a "-variant" suffix
// (several SIMD builds of one plugin: legacy-avx2.so declares "legacy").
bool name_matches_file(const std::string &name, const fs::path &file) {
    const std::string stem = file.stem().string();
    return stem == name || (stem.size() > name.size() && stem.compare(0, name.size(), name) == 0 &&
                            stem[name.size()] == '-');
}

// The .so files of a folder in name order, or the entry itself when it names one file.
std::vector<fs::path> plugin_files(const fs::path &entry) {
    std::error_code ec;
    if (fs::is_regular_file(entry, ec)) return {entry};
    std::vector<fs::path> files;
    if (!fs::is_directory(entry, ec)) return files;
    for (const auto &item : fs::directory_iterator(entry, ec))
        if (item.path().extension() == ".so") files.push_back(item.path());
    std::sort(files.begin(), files.end());
    return files;
}

struct Candidate {
    fs::path file;
    std::shared_ptr<const LoadedLibrary> library;
    const gmat_plugin_descriptor *descriptor;
    int32_t score;
};

// Checks a descriptor and its kind's table before anything in it is used.
std::string validate(const gmat_plugin_descriptor *d, const fs::path &file) {
    if (d == nullptr) return GMAT_PLUGIN_ENTRY_SYMBOL " returned no descriptor";
    if (d->struct_size < offsetof(gmat_plugin_descriptor, api) + sizeof(void *))
        return "descriptor too small (" + std::to_string(d->struct_size) + " bytes)";
    if (d->abi_major != GMAT_ABI_MAJOR)
        return "built for gmat plugin ABI " + version_string(d->abi_major, d->abi_minor) + ", this gmat uses ABI " +
               version_string(GMAT_ABI_MAJOR, GMAT_ABI_MINOR) + " (the major version must match)";
    if (d->name == nullptr || d->name[0] == '\0') return "descriptor has no name";
    if (!name_matches_file(d->name, file))
        return "declares the name '" + std::string(d->name) + "' but the file is " + file.filename().string() +
               " (the plugin name must be the file's stem)";
    if (d->version == nullptr) return "descriptor has no version";
    if (d->api == nullptr) return "descriptor has no API table";
    switch (d->kind) {
    case GMAT_PLUGIN_QUANT: {
        auto *api = static_cast<const gmat_quant_api *>(d->api);
        if (api->struct_size < sizeof(gmat_quant_api)) return "quant API table too small";
        if (api->type_count == 0 || api->types == nullptr) return "provides no quantization types";
        if (!api->quantize_rows || !api->dequantize_rows) return "quant API has null functions";
        std::set<std::string> names;
        for (uint32_t i = 0; i < api->type_count; ++i) {
            const gmat_quant_type_desc *t = api->types[i];
            if (t == nullptr || t->name == nullptr || t->name[0] == '\0') return "type #" + std::to_string(i) + " has no name";
            if (t->block_elements == 0 || t->block_bytes == 0)
                return "type '" + std::string(t->name) + "' has a zero block size";
            if (!names.insert(lower(t->name)).second) return "provides the type '" + std::string(t->name) + "' twice";
        }
        return {};
    }
    case GMAT_PLUGIN_READER: {
        auto *api = static_cast<const gmat_reader_api *>(d->api);
        if (api->struct_size < offsetof(gmat_reader_api, release)) return "reader API table too small";
        if (!api->format || !api->probe || !api->open || !api->close || !api->tensor_count || !api->tensor_info ||
            !api->read)
            return "reader API has null functions";
        return {};
    }
    case GMAT_PLUGIN_WRITER: {
        auto *api = static_cast<const gmat_writer_api *>(d->api);
        if (api->struct_size < offsetof(gmat_writer_api, select_shards)) return "writer API table too small"; // 1.0 lacks select_shards
        if (!api->format || !api->extension || !api->create || !api->set_value || !api->set_array ||
            !api->add_tensor || !api->write_tensor_data || !api->commit || !api->discard)
            return "writer API has null functions";
        return {};
    }
    }
    return "unknown plugin kind " + std::to_string(d->kind);
}

} // namespace

std::vector<fs::path> PluginRegistry::search_path(const std::vector<fs::path> &extra_dirs) {
    std::vector<fs::path> dirs = extra_dirs;
    if (const char *env = std::getenv("GMAT_PLUGIN_PATH")) {
        std::stringstream ss(env);
        std::string item;
        while (std::getline(ss, item, ':'))
            if (!item.empty()) dirs.emplace_back(item);
    }
    boost::system::error_code ec;
    const auto exe = boost::dll::program_location(ec);
    if (!ec) dirs.push_back(fs::path(exe.parent_path().string()) / ".." / "lib" / "gmat" / "plugins");
    return dirs;
}

PluginRegistry PluginRegistry::load(const std::vector<fs::path> &dirs) {
    PluginRegistry registry;
    std::vector<Candidate> candidates;
    std::set<fs::path> seen;
    for (const fs::path &dir : dirs) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(dir, ec);
        registry.searched_.push_back(ec ? dir : canonical);
        for (const fs::path &file : plugin_files(dir)) {
            const fs::path real = fs::weakly_canonical(file, ec);
            if (!seen.insert(ec ? file : real).second) continue;
            std::string why;
            if (!exports_entry(file, why)) {
                registry.refused_.push_back({file, why});
                continue;
            }
            std::shared_ptr<const LoadedLibrary> library;
            try {
                library = std::make_shared<const LoadedLibrary>(file);
            } catch (const std::exception &e) {
                registry.refused_.push_back({file, std::string("cannot be loaded: ") + e.what()});
                continue;
            }
            auto entry = library->library().get<const gmat_plugin_descriptor *()>(GMAT_PLUGIN_ENTRY_SYMBOL);
            const gmat_plugin_descriptor *d = entry();
            if (std::string bad = validate(d, file); !bad.empty()) {
                registry.refused_.push_back({file, bad});
                continue;
            }
            const int32_t score = d->score ? d->score() : 1;
            if (score <= 0) {
                registry.refused_.push_back({file, "cannot run on this machine (score 0)"});
                continue;
            }
            candidates.push_back({file, library, d, score});
        }
    }
    // Several builds of one plugin (SIMD variants): keep the best score, the
    // first in search order on a tie.
    for (size_t i = 0; i < candidates.size(); ++i) {
        const Candidate &c = candidates[i];
        const Candidate *best = &c;
        for (const Candidate &other : candidates)
            if (std::string(other.descriptor->name) == c.descriptor->name && other.score > best->score) best = &other;
        bool first_of_best = true;
        for (size_t j = 0; j < i; ++j)
            if (std::string(candidates[j].descriptor->name) == c.descriptor->name && candidates[j].score == best->score)
                first_of_best = false;
        if (best != &c && best->score > c.score) {
            registry.refused_.push_back({c.file, "superseded by " + best->file.string() + " (score " +
                                                     std::to_string(best->score) + " > " + std::to_string(c.score) + ")"});
        } else if (!first_of_best) {
            registry.refused_.push_back({c.file, "another build of plugin '" + std::string(c.descriptor->name) +
                                                     "' comes earlier in the search path"});
        } else {
            registry.add_candidate(c.file, c.library, c.descriptor, c.score);
        }
    }
    return registry;
}

void PluginRegistry::add_candidate(const fs::path &file, std::shared_ptr<const LoadedLibrary> library,
                                   const gmat_plugin_descriptor *d, int32_t score) {
    PluginInfo info{d->name, d->version, d->description ? d->description : "", static_cast<gmat_plugin_kind>(d->kind),
                    d->abi_major, d->abi_minor, score, file, {}};
    switch (d->kind) {
    case GMAT_PLUGIN_QUANT: {
        auto *api = static_cast<const gmat_quant_api *>(d->api);
        for (uint32_t i = 0; i < api->type_count; ++i) {
            auto type = std::make_unique<QuantType>(library, api, i, d->name);
            if (const QuantType *existing = find_quant_type(type->name())) {
                conflicts_.push_back("type '" + type->name() + "' of plugin '" + d->name + "' (" + file.string() +
                                     ") is shadowed by plugin '" + existing->plugin_name() +
                                     "', which comes first in the search path; select it as '" + d->name + ":" +
                                     type->name() + "'");
                info.provides.push_back(std::string(d->name) + ":" + type->name());
                shadowed_types_.push_back(std::move(type));
                continue;
            }
            info.provides.push_back(type->name());
            quant_types_.push_back(std::move(type));
        }
        break;
    }
    case GMAT_PLUGIN_READER: {
        auto *api = static_cast<const gmat_reader_api *>(d->api);
        info.provides.push_back(api->format);
        readers_.push_back({d->name, library, api});
        break;
    }
    case GMAT_PLUGIN_WRITER: {
        auto *api = static_cast<const gmat_writer_api *>(d->api);
        info.provides.push_back(api->format);
        writers_.push_back({d->name, library, api});
        break;
    }
    }
    plugins_.push_back(std::move(info));
}

std::vector<const QuantType *> PluginRegistry::quant_types() const {
    std::vector<const QuantType *> out;
    for (const auto &t : quant_types_) out.push_back(t.get());
    return out;
}

const QuantType *PluginRegistry::find_quant_type(std::string_view name) const {
    if (const size_t colon = name.find(':'); colon != std::string_view::npos)
        return find_qualified(name.substr(0, colon), name.substr(colon + 1));
    const std::string wanted = lower(name);
    for (const auto &t : quant_types_)
        if (lower(t->name()) == wanted) return t.get();
    return nullptr;
}

const QuantType *PluginRegistry::find_qualified(std::string_view plugin, std::string_view type) const {
    const std::string wanted_plugin = lower(plugin), wanted_type = lower(type);
    for (const auto *types : {&quant_types_, &shadowed_types_})
        for (const auto &t : *types)
            if (lower(t->plugin_name()) == wanted_plugin && lower(t->name()) == wanted_type) return t.get();
    return nullptr;
}

const QuantType *PluginRegistry::find_quant_type_by_gguf(uint32_t gguf_type) const {
    for (const auto &t : quant_types_)
        if (t->gguf_type() == gguf_type) return t.get();
    return nullptr;
}

const QuantType &PluginRegistry::quant_type(std::string_view name) const {
    if (const QuantType *t = find_quant_type(name)) return *t;
    if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
        const std::string plugin = lower(name.substr(0, colon));
        for (const PluginInfo &p : plugins_) {
            if (lower(p.name) != plugin) continue;
            std::string provides;
            for (const auto &t : p.provides) provides += (provides.empty() ? "" : ", ") + t;
            throw GmatError("type not available: plugin '" + p.name + "' provides no type '" +
                            std::string(name.substr(colon + 1)) + "' (it provides: " + provides + ")");
        }
        std::string loaded;
        for (const PluginInfo &p : plugins_)
            if (p.kind == GMAT_PLUGIN_QUANT) loaded += (loaded.empty() ? "" : ", ") + p.name;
        throw GmatError("type not available: no quant plugin named '" + std::string(name.substr(0, colon)) +
                        "' is loaded, so '" + std::string(name) + "' cannot be served (quant plugins loaded: " +
                        (loaded.empty() ? "none" : loaded) + ")");
    }
    std::string available;
    for (const auto &t : quant_types_) available += (available.empty() ? "" : ", ") + t->name();
    throw GmatError("type not available: no plugin provides " + std::string(name) +
                    " (available: " + (available.empty() ? "none; no quant plugin was loaded" : available) + ")");
}

SourceReader PluginRegistry::open_reader(const fs::path &path) const {
    const ReaderEntry *best = nullptr;
    int32_t best_score = 0;
    for (const auto &r : readers_) {
        const int32_t score = r.api->probe(path.c_str());
        if (score > best_score) best = &r, best_score = score;
    }
    if (best == nullptr) {
        std::string formats;
        for (const auto &r : readers_) formats += (formats.empty() ? "" : ", ") + std::string(r.api->format);
        throw GmatError(path.string() + ": no reader plugin recognises this input (readers loaded: " +
                        (formats.empty() ? "none" : formats) + ")");
    }
    return SourceReader(best->library, best->api, best->api->format, path);
}

OutputWriter PluginRegistry::create_writer(std::string_view format, const fs::path &path, uint32_t shard_count) const {
    for (const auto &w : writers_)
        if (lower(w.api->format) == lower(format)) return OutputWriter(w.library, w.api, path, shard_count);
    std::string formats;
    for (const auto &f : writer_formats()) formats += (formats.empty() ? "" : ", ") + f;
    throw GmatError("no writer plugin for target format '" + std::string(format) +
                    "' (available: " + (formats.empty() ? "none" : formats) + ")");
}

std::vector<std::string> PluginRegistry::writer_formats() const {
    std::vector<std::string> out;
    for (const auto &w : writers_) out.emplace_back(w.api->format);
    return out;
}

} // namespace gmat
