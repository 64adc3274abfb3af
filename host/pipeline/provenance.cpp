#include "pipeline/provenance.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>

namespace gmat {

namespace {

std::string hex64(uint64_t v) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
    return text;
}

void put_u64(std::string &s, uint64_t v) { s.append(reinterpret_cast<const char *>(&v), sizeof v); }
void put_string(std::string &s, const std::string &text) {
    put_u64(s, text.size());
    s += text;
}

} // namespace

std::string store_content_id(const Store &store) {
    std::string bytes;
    for (const StoredTensor &t : store.tensors()) {
        std::string uuid = t.uuid;
        std::transform(uuid.begin(), uuid.end(), uuid.begin(), [](unsigned char c) { return std::tolower(c); });
        put_string(bytes, uuid); // UUIDs match case-insensitively
        put_string(bytes, t.name);
        put_u64(bytes, static_cast<uint64_t>(t.dtype));
        put_u64(bytes, t.shape.size());
        for (uint64_t d : t.shape) put_u64(bytes, d);
        put_u64(bytes, t.checksum);
    }
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    return hex64(h.high64) + hex64(h.low64);
}

std::string file_hash(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return "";
    XXH3_state_t *state = XXH3_createState();
    XXH3_64bits_reset(state);
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        XXH3_64bits_update(state, buffer.data(), static_cast<size_t>(in.gcount()));
    }
    const uint64_t h = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return hex64(h);
}

void add_provenance(ExportPlan &plan, const Store &store, const ExportConfig &config, const PluginRegistry &registry) {
    const std::string profile = export_config_text(config);
    plan.metadata.set(kProvenanceStoreId, store_content_id(store));
    plan.metadata.set(kProvenanceProfileHash, hex64(XXH3_64bits(profile.data(), profile.size())));
    plan.metadata.set(kProvenanceSourceConfigHash, file_hash(store.model_file("config.json")));
    if (plan.imatrix) plan.metadata.set(kProvenanceImatrixHash, file_hash(plan.imatrix->file()));
    std::set<std::string> used;
    for (const auto &t : plan.tensors) used.insert(t.type->plugin_name());
    std::string plugins;
    for (const PluginInfo &p : registry.plugins()) {
        const bool writes = p.kind == GMAT_PLUGIN_WRITER &&
                            std::find(p.provides.begin(), p.provides.end(), config.target_format) != p.provides.end();
        if (used.contains(p.name) || writes) plugins += (plugins.empty() ? "" : ", ") + p.name + " " + p.version;
    }
    plan.metadata.set(kProvenancePlugins, plugins);
    plan.metadata.set(kProvenanceProfile, profile);
}

} // namespace gmat
