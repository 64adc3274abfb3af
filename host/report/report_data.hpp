// What `gmat report` shows for each export profile of a store, from its
// plan alone (the --dry-run data): per-tensor type, bytes, bits per weight,
// layer and role, and the predicted relative error of the chosen type on
// sampled rows (host/auto/candidate_errors), weighted by role as auto does.
#pragma once

#include "plugins/plugin_registry.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

struct ReportTensor {
    std::string name;
    std::optional<uint64_t> layer; // blk.N
    std::string role;              // attn_q, ffn_down, token_embd, output, ... or the name's last part
    std::string type;
    std::vector<uint64_t> shape;
    uint64_t elements = 0, bytes = 0;
    double relative_error = 0; // 0 for f32
    double role_weight = 1;
    std::string reason;        // the plan's WHY
};

struct ReportProfile {
    std::string name;          // the profile file's name
    std::string default_type;
    std::optional<double> target_bpw;
    std::optional<uint64_t> target_size;
    uint64_t tensor_bytes = 0, file_bytes = 0, elements = 0;
    double predicted_loss = 0; // sum of role weight x relative error
    double seconds = 0;        // planning and measuring
    std::vector<ReportTensor> tensors;
    double bits_per_weight() const { return elements ? 8.0 * tensor_bytes / elements : 0; }
};

ReportProfile report_profile(const Store &store, const std::filesystem::path &config, const PluginRegistry &registry);

} // namespace gmat
