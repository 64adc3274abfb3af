#include "cli/inspect_gguf.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "config/export_config.hpp"
#include "gguf/gguf_inspection.hpp"
#include "gguf/reexport_check.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/provenance.hpp"
#include "repository/locked_store.hpp"

#include <cstdio>
#include <iomanip>
#include <iostream>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {

std::string bpw_text(double bpw) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", bpw);
    return text;
}

std::string shape_text(const std::vector<uint64_t> &ne) {
    std::string s;
    for (uint64_t n : ne) s += (s.empty() ? "" : "x") + std::to_string(n);
    return s;
}

void print_file(const InspectedGguf &g, bool all_values) {
    for (size_t f = 0; f < g.files.size(); ++f) {
        const GgufReader &r = *g.readers[f];
        std::cout << "GGUF " << g.files[f].string() << " (version " << r.version() << ", " << r.tensors().size()
                  << " tensors, " << r.metadata().size() << " key/values, alignment " << r.alignment() << ", "
                  << r.file_size() << " bytes)\n";
    }
    std::cout << "\nKEY/VALUES\n";
    for (size_t f = 0; f < g.files.size(); ++f)
        for (const auto &[key, value] : g.readers[f]->metadata().entries()) {
            if (key == kProvenanceProfile) continue; // printed in full below
            std::cout << "  " << (g.files.size() > 1 ? "[" + std::to_string(f + 1) + "] " : std::string()) << key << " = "
                      << metadata_value_text(value, all_values ? SIZE_MAX : 8) << "\n";
        }
    std::cout << "\n" << std::left << std::setw(34) << "TENSOR" << std::setw(18) << "SHAPE" << std::setw(9) << "TYPE"
              << std::setw(13) << "BYTES" << std::setw(9) << "BPW" << (g.files.size() > 1 ? "FILE" : "") << "\n";
    for (const auto &t : g.tensors) {
        std::cout << std::setw(34) << t.name << std::setw(18) << shape_text(t.ne) << std::setw(9) << t.type_name
                  << std::setw(13) << (t.bytes ? std::to_string(*t.bytes) : std::string("?")) << std::setw(9)
                  << (t.bytes && t.elements ? bpw_text(8.0 * *t.bytes / t.elements) : std::string("?"))
                  << (g.files.size() > 1 ? std::to_string(t.file + 1) : std::string()) << "\n";
    }
    std::cout << "\n" << g.tensors.size() << " tensors, " << g.elements << " values, " << g.tensor_bytes << " bytes ("
              << human_bytes(g.tensor_bytes) << "), " << bpw_text(g.elements ? 8.0 * g.tensor_bytes / g.elements : 0)
              << " bits per weight\n";
    const Metadata &md = g.metadata();
    if (const auto *id = md.get<std::string>(kProvenanceStoreId)) {
        std::cout << "\nPROVENANCE\n  store id " << *id << "\n";
        if (const auto *v = md.get<std::string>("gmat.version")) std::cout << "  gmat " << *v << "\n";
        if (const auto *h = md.get<std::string>(kProvenanceSourceConfigHash)) std::cout << "  source config.json " << *h << "\n";
        if (const auto *h = md.get<std::string>(kProvenanceImatrixHash)) std::cout << "  imatrix " << *h << "\n";
        if (const auto *p = md.get<std::string>(kProvenancePlugins)) std::cout << "  plugins " << *p << "\n";
        if (const auto *h = md.get<std::string>(kProvenanceProfileHash)) std::cout << "  profile hash " << *h << "\n";
        if (const auto *p = md.get<std::string>(kProvenanceProfile)) std::cout << "\nPROFILE THAT MADE IT\n" << *p << "\n";
    } else {
        std::cout << "\nNo gmat provenance (gmat.provenance.*): not written by this gmat\n";
    }
}

void compare(GlobalOptions &global, const InspectGgufArgs &args, const InspectedGguf &g) {
    const LockedStore locked = open_store_for_reading(args.against, &std::cerr);
    const Store &store = locked.store;
    const PluginRegistry &registry = global.registry();
    const ExportConfig config = args.config.empty() ? default_export_config(store, registry) : parse_export_config(args.config);
    ExportPlanOptions options;
    if (args.shard_size_mb) options.shard_size_bytes = *args.shard_size_mb * 1000000ull;
    if (!args.imatrix.empty()) options.imatrix = args.imatrix;
    const ExportPlan plan =
        plan_export(store, config, args.config.empty() ? "generated export config" : args.config, registry, options);
    const ReexportCheck check = check_reexport(g, plan);
    const std::string what = "re-exporting " + args.against.string() + " with " +
                             (args.config.empty() ? std::string("the default profile") : args.config);
    if (check.same()) {
        std::cout << "\nSAME BYTES: " << what << " would write exactly " << g.files.front().string()
                  << (g.files.size() > 1 ? " and its shards" : "") << " (header, sizes and provenance match)\n";
        return;
    }
    std::cout << "\nDIFFERENT: " << what << " would not write these bytes:\n";
    for (size_t i = 0; i < check.differences.size() && i < 40; ++i) std::cout << "  " << check.differences[i] << "\n";
    if (check.differences.size() > 40) std::cout << "  ... " << check.differences.size() - 40 << " more\n";
    throw GmatError(g.files.front().string() + ": " + std::to_string(check.differences.size()) + " difference(s) from " + what);
}

} // namespace

bool is_gguf_path(const fs::path &path) {
    if (fs::is_directory(path)) {
        for (const auto &e : fs::directory_iterator(path))
            if (e.is_regular_file() && e.path().extension() == ".gguf") return true;
        return false;
    }
    return path.extension() == ".gguf" || GgufReader::looks_like_gguf(path);
}

void inspect_gguf_command(GlobalOptions &global, const InspectGgufArgs &args) {
    const InspectedGguf g = inspect_gguf(gguf_files_at(args.path), &global.registry());
    print_file(g, args.all_values);
    if (!args.against.empty()) compare(global, args, g);
}

} // namespace gmat::cli
