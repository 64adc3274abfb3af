#include "plugin_types.hpp"

#include <cctype>
#include <cstdlib>
#include <sstream>

namespace gmat::testing {

namespace {

std::vector<std::filesystem::path> plugin_dirs() {
    std::vector<std::filesystem::path> dirs;
    if (const char *env = std::getenv("GMAT_PLUGIN_PATH")) {
        std::stringstream list(env);
        std::string item;
        while (std::getline(list, item, ':'))
            if (!item.empty()) dirs.emplace_back(item);
    }
    if (dirs.empty()) dirs.emplace_back(GMAT_CONFORMANCE_PLUGIN_DIR);
    return dirs;
}

struct LoadResult {
    const PluginRegistry *registry = nullptr;
    std::string problem;
};

const LoadResult &load_once() {
    static const LoadResult result = [] {
        LoadResult r;
        const auto dirs = plugin_dirs();
        try {
            // Leaked on purpose: plugin code must outlive every static that may call it.
            r.registry = new PluginRegistry(PluginRegistry::load(dirs));
        } catch (const std::exception &e) {
            r.problem = std::string("loading plugins failed: ") + e.what();
            return r;
        }
        std::ostringstream why;
        for (const auto &refused : r.registry->refused()) why << "\n  refused " << refused.file << ": " << refused.reason;
        if (r.registry->quant_types().empty()) {
            why << "\n  no quant type found in:";
            for (const auto &dir : dirs) why << " " << dir;
        }
        r.problem = why.str();
        return r;
    }();
    return result;
}

} // namespace

const PluginRegistry *conformance_registry() { return load_once().registry; }

std::string registry_problem() { return load_once().problem; }

std::vector<ConformanceCase> conformance_cases() {
    std::vector<ConformanceCase> cases;
    try {
        const PluginRegistry *registry = conformance_registry();
        if (registry == nullptr) return cases;
        for (const QuantType *type : registry->quant_types()) {
            if (type->is_float()) {
                cases.push_back({type->name(), GMAT_SCALE_STANDARD, true});
                continue;
            }
            cases.push_back({type->name(), GMAT_SCALE_STANDARD, false});
            cases.push_back({type->name(), GMAT_SCALE_TRELLIS, false});
        }
    } catch (...) {
        cases.clear(); // reported by the discovery test through registry_problem()
    }
    return cases;
}

std::string case_name(const ConformanceCase &c) {
    std::string name;
    for (char ch : c.type) name += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
    if (!c.is_float) name += c.strategy == GMAT_SCALE_TRELLIS ? "_trellis" : "_standard";
    return name;
}

} // namespace gmat::testing
