#include "auto/auto_types.hpp"

#include "auto/budget_allocation.hpp"
#include "auto/candidate_errors.hpp"
#include "auto/predicted_file_size.hpp"
#include "auto/role_weights.hpp"
#include "common/error.hpp"
#include "quant_mix/mix_names.hpp"
#include "quant_mix/unquantized_tensors.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace gmat {

namespace {

std::string format(const char *pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

uint64_t padded(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

// Tensors auto chooses for: 2-D and more, stored, not kept unquantized by
// llama.cpp, not pinned by the profile's own per_tensor.
bool is_free(const PlannedTensor &t) {
    return t.shape.size() >= 2 && !t.generated && !quant_mix::why_kept_unquantized(t.gguf_name, t.ggml_ne()) &&
           t.reason.rfind("per_tensor[", 0) != 0;
}

// The types listed in auto_types; without a list, every type a plugin serves
// except f32 (twice f16's bytes for an error both round to nothing) and the
// slow-search lattice types (tens of times a K-quant's time per value: they
// would make the export, and the measuring, many times slower).
std::vector<const QuantType *> candidate_types(const ExportConfig &config, const PluginRegistry &registry,
                                               const std::string &where) {
    std::vector<const QuantType *> types;
    if (config.auto_types.empty()) {
        for (const QuantType *t : registry.quant_types())
            if (registry.find_quant_type(t->name()) == t && t->name() != "f32" && !t->is_slow_search()) types.push_back(t);
        return types;
    }
    std::string loaded;
    for (const QuantType *t : registry.quant_types())
        if (registry.find_quant_type(t->name()) == t && t->name() != "f32") loaded += (loaded.empty() ? "" : ", ") + t->name();
    for (size_t i = 0; i < config.auto_types.size(); ++i) {
        std::string name = config.auto_types[i];
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
        const std::string field = where + ".auto_types[" + std::to_string(i) + "]";
        const QuantType *t = registry.find_quant_type(name);
        if (!t && is_mix_name(name) && base_type_of(name) != name)
            throw GmatError(field + ": '" + config.auto_types[i] + "' is a mix; auto chooses block types (such as " +
                            base_type_of(name) + ")");
        if (!t || name == "f32")
            throw GmatError(field + ": '" + config.auto_types[i] + "' is not a type auto can choose (loaded: " + loaded + ")");
        if (std::find(types.begin(), types.end(), t) != types.end())
            throw GmatError(field + ": '" + config.auto_types[i] + "' is listed twice");
        types.push_back(t);
    }
    return types;
}

ExportConfig resolved_profile(const ExportConfig &config, const ExportPlan &base, const std::vector<size_t> &free,
                              const std::vector<std::string> &types) {
    ExportConfig out = config;
    out.default_type = "f32";
    out.target_bpw.reset();
    out.target_size.reset();
    out.auto_types.clear();
    for (size_t i = 0; i < free.size(); ++i) out.per_tensor.emplace_back(base.tensors[free[i]].gguf_name, types[i]);
    return out;
}

} // namespace

AutoResolution resolve_auto_types(const Store &store, const ExportConfig &config, const std::string &ctx,
                                  const PluginRegistry &registry, const ExportPlanOptions &options) {
    const auto start = std::chrono::steady_clock::now();
    const std::string where = ctx + ": quantization";
    if (!config.target_bpw && !config.target_size)
        throw GmatError(where + ".default_type: \"auto\" needs a budget: target_bpw (e.g. 4.5) or target_size (bytes, or "
                        "e.g. \"8GB\", \"7.5GiB\"), in the profile or as --target-bpw/--target-size");
    if (config.target_bpw && config.target_size) throw GmatError(where + ": give target_bpw or target_size, not both");
    ExportConfig base_config = config;
    base_config.default_type = "f32";
    base_config.target_bpw.reset();
    base_config.target_size.reset();
    const ExportPlan base = plan_export(store, base_config, ctx, registry, options);

    const bool by_size = config.target_size.has_value();
    const uint64_t alignment = by_size ? gguf_alignment(base.metadata) : 1;
    std::vector<size_t> free;
    uint64_t fixed = 0;
    for (size_t i = 0; i < base.tensors.size(); ++i) {
        if (is_free(base.tensors[i])) free.push_back(i);
        else fixed += padded(base.tensors[i].bytes, alignment);
    }
    const std::vector<const QuantType *> types = candidate_types(config, registry, where);
    const std::vector<TensorErrors> errors = measure_candidate_errors(store, base, free, types, config);

    const bool tied = std::none_of(base.tensors.begin(), base.tensors.end(),
                                   [](const PlannedTensor &t) { return t.gguf_name == "output.weight"; });
    std::vector<std::vector<BudgetOption>> options_of(free.size());
    std::vector<std::vector<const QuantType *>> type_of(free.size());
    for (size_t i = 0; i < free.size(); ++i) {
        const PlannedTensor &t = base.tensors[free[i]];
        const double weight = role_weight(t.gguf_name, tied);
        for (const CandidateError &c : errors[i].candidates) {
            options_of[i].push_back({padded(t.n_rows * c.type->row_bytes(t.n_cols), alignment), weight * c.relative_error});
            type_of[i].push_back(c.type);
        }
        if (options_of[i].empty()) { // no candidate fits the rows: F32 as the base plan has it
            options_of[i].push_back({padded(t.bytes, alignment), 0.0});
            type_of[i].push_back(t.type);
        }
    }

    AutoResolution r;
    const uint64_t smallest = fixed + smallest_total(options_of);
    // The types of an allocation as the resolved profile names them.
    auto names_of = [&](const std::vector<size_t> &choice) {
        std::vector<std::string> names(free.size());
        for (size_t i = 0; i < free.size(); ++i) names[i] = type_of[i][choice[i]]->name();
        return names;
    };
    uint64_t limit = 0; // bytes the tensors may take (padded in size mode)
    std::vector<size_t> smallest_choice;
    if (by_size) {
        // Headers carry the resolved profile (gmat.provenance.profile): measure
        // them on the smallest choice's files, which must fit.
        const auto at_smallest = allocate_budget(options_of, smallest - fixed);
        smallest_choice = at_smallest->choice;
        const ExportPlan smallest_plan =
            plan_export(store, resolved_profile(config, base, free, names_of(smallest_choice)), ctx, registry, options);
        const uint64_t smallest_file = predicted_output_bytes(smallest_plan);
        if (*config.target_size < smallest_file)
            throw GmatError(where + ".target_size: " + std::to_string(*config.target_size) + " bytes is below the smallest "
                            "file auto can make, " + std::to_string(smallest_file) + " bytes (every tensor at its "
                            "smallest candidate type; headers and metadata " + std::to_string(smallest_file - smallest) +
                            " bytes)");
        limit = *config.target_size - (smallest_file - smallest);
    } else {
        const long double bytes = static_cast<long double>(*config.target_bpw) * base.total_elements / 8;
        limit = static_cast<uint64_t>(std::floor(bytes));
        if (limit < smallest)
            throw GmatError(where + ".target_bpw: " + format("%g", *config.target_bpw) + " bits per weight is below the "
                            "smallest auto can make, " + format("%.4f", 8.0 * smallest / base.total_elements) +
                            " (every tensor at its smallest candidate type)");
    }

    // In size mode the headers vary a little with the choice (type names in
    // the recorded profile, a header per shard): shrink the allocation by the
    // overshoot until the files fit; the smallest choice always does.
    for (int attempt = 0;; ++attempt) {
        auto allocation = allocate_budget(options_of, limit - fixed);
        if (!allocation || attempt == 8) allocation = allocate_budget(options_of, smallest - fixed);
        const std::vector<std::string> names = names_of(allocation->choice);
        r.config = resolved_profile(config, base, free, names);
        r.budget_bytes = limit - fixed;
        r.predicted_loss = allocation->loss;
        r.choices.clear();
        for (size_t i = 0; i < free.size(); ++i) {
            const size_t k = allocation->choice[i];
            AutoChoice c;
            c.gguf_name = base.tensors[free[i]].gguf_name;
            c.type = names[i];
            c.bytes = options_of[i][k].bytes;
            c.role_weight = role_weight(c.gguf_name, tied);
            c.relative_error = c.role_weight > 0 ? options_of[i][k].loss / c.role_weight : 0;
            c.candidates = errors[i].candidates.size();
            c.sampled_rows = errors[i].sampled_rows;
            r.choices.push_back(std::move(c));
        }
        if (!by_size || attempt == 8) break;
        const uint64_t total = predicted_output_bytes(plan_export(store, r.config, ctx, registry, options));
        if (total <= *config.target_size) break;
        const uint64_t over = total - *config.target_size;
        limit = limit - fixed > over ? limit - over : fixed;
    }

    uint64_t used = 0;
    for (const AutoChoice &c : r.choices) {
        used += c.bytes;
        r.reasons[c.gguf_name] = "auto: relative error " + format("%.3e", c.relative_error) + " x role weight " +
                                 format("%g", c.role_weight) + " (best of " + std::to_string(c.candidates) +
                                 " types on " + std::to_string(c.sampled_rows) + " sampled rows)";
        r.comments.emplace_back(c.gguf_name, c.type + ": " + r.reasons[c.gguf_name]);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string target = by_size ? "target_size " + std::to_string(*config.target_size) + " bytes"
                                       : "target_bpw " + format("%g", *config.target_bpw);
    r.notes.push_back("auto (" + target + "): " + std::to_string(r.choices.size()) + " tensors chosen among " +
                      std::to_string(types.size()) + " types; they take " + std::to_string(used) + " of " +
                      std::to_string(r.budget_bytes) + " bytes; predicted loss " + format("%.4e", r.predicted_loss) +
                      "; measured in " + format("%.2f", seconds) + " s");
    if (config.auto_types.empty()) {
        std::string slow;
        for (const QuantType *t : registry.quant_types())
            if (registry.find_quant_type(t->name()) == t && t->is_slow_search()) slow += (slow.empty() ? "" : ", ") + t->name();
        if (!slow.empty())
            r.notes.push_back("auto left out the slow-search types " + slow +
                              " (tens of times a K-quant's time to quantize); list the types to choose from in "
                              "quantization.auto_types or --auto-types to include them");
    }
    r.comments.insert(r.comments.begin(),
                      {"auto", "generated by default_type \"auto\" with " + target + ": the per_tensor types below are "
                               "the budgeted choice (README: Budgeted types); default_type f32 covers only what "
                               "llama.cpp never quantizes"});
    return r;
}

ExportPlan plan_auto_export(const Store &store, const ExportConfig &config, const std::string &ctx,
                            const PluginRegistry &registry, const ExportPlanOptions &options) {
    const AutoResolution r = resolve_auto_types(store, config, ctx, registry, options);
    ExportPlan plan = plan_export(store, r.config, ctx, registry, options);
    for (auto &t : plan.tensors)
        if (auto it = r.reasons.find(t.gguf_name); it != r.reasons.end()) t.reason = it->second;
    plan.notes.insert(plan.notes.end(), r.notes.begin(), r.notes.end());
    return plan;
}

} // namespace gmat
