// default_type "auto": each tensor's type chosen among the loaded quant types
// to minimise the predicted loss under target_bpw or target_size.
//
// The profile is resolved into an ordinary one first (default_type "f32" for
// what llama.cpp never quantizes, one per_tensor entry per chosen tensor),
// which the export then plans and runs like any other: so the profile
// `--generate-config --target-bpw X` writes reproduces the export byte for byte.
#pragma once

#include "pipeline/export_plan.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gmat {

struct AutoChoice {
    std::string gguf_name;
    std::string type;
    uint64_t bytes = 0;          // as counted against the budget
    double relative_error = 0;   // of the chosen type on the sampled rows
    double role_weight = 1;
    size_t candidates = 0;       // how many types were measured
    uint64_t sampled_rows = 0;
};

struct AutoResolution {
    ExportConfig config;                             // the resolved, ordinary profile
    std::vector<AutoChoice> choices;                 // the tensors auto chose, in output order
    std::map<std::string, std::string> reasons;      // gguf name -> why (the plan's WHY column)
    std::vector<std::string> notes;                  // budget, bytes used, predicted loss, time
    std::vector<std::pair<std::string, std::string>> comments; // for the generated profile's _comment
    uint64_t budget_bytes = 0;                       // what the allocation could spend
    double predicted_loss = 0;
};

// Throws GmatError naming ctx and the field for a missing, impossible or
// malformed budget.
AutoResolution resolve_auto_types(const Store &store, const ExportConfig &config, const std::string &ctx,
                                  const PluginRegistry &registry, const ExportPlanOptions &options);

// plan_export of the resolved profile, with auto's reasons and notes.
ExportPlan plan_auto_export(const Store &store, const ExportConfig &config, const std::string &ctx,
                            const PluginRegistry &registry, const ExportPlanOptions &options);

} // namespace gmat
