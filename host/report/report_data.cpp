#include "report/report_data.hpp"

#include "auto/candidate_errors.hpp"
#include "auto/predicted_file_size.hpp"
#include "auto/role_weights.hpp"
#include "config/export_config.hpp"
#include "pipeline/export_plan.hpp"
#include "quant_mix/tensor_role.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

namespace gmat {

namespace {

std::optional<uint64_t> layer_of(const std::string &name) {
    if (name.rfind("blk.", 0) != 0) return std::nullopt;
    return std::strtoull(name.c_str() + 4, nullptr, 10);
}

std::string role_of(const std::string &name) {
    const auto role = quant_mix::tensor_role(name);
    if (role != quant_mix::TensorRole::other) {
        std::string r(quant_mix::tensor_role_name(role));
        if (name.find("_exps") != std::string::npos) r += "_exps";
        else if (name.find("_shexp") != std::string::npos) r += "_shexp";
        return r;
    }
    std::string rest = layer_of(name) ? name.substr(name.find('.', 4) + 1) : name;
    if (rest.size() > 7 && rest.ends_with(".weight")) rest.resize(rest.size() - 7);
    return rest;
}

} // namespace

ReportProfile report_profile(const Store &store, const std::filesystem::path &config_file, const PluginRegistry &registry) {
    const auto start = std::chrono::steady_clock::now();
    const ExportConfig config = parse_export_config(config_file);
    const ExportPlan plan = plan_export(store, config, config_file.string(), registry, {});
    ReportProfile p;
    p.name = config_file.filename().string();
    p.default_type = config.default_type;
    p.target_bpw = config.target_bpw;
    p.target_size = config.target_size;
    p.tensor_bytes = plan.total_bytes;
    p.file_bytes = predicted_output_bytes(plan);
    p.elements = plan.total_elements;
    const bool tied = std::none_of(plan.tensors.begin(), plan.tensors.end(),
                                   [](const PlannedTensor &t) { return t.gguf_name == "output.weight"; });
    std::map<const QuantType *, std::vector<size_t>> by_type; // tensors to measure, by their type
    for (size_t i = 0; i < plan.tensors.size(); ++i) {
        const PlannedTensor &t = plan.tensors[i];
        ReportTensor r;
        r.name = t.gguf_name;
        r.layer = layer_of(t.gguf_name);
        r.role = role_of(t.gguf_name);
        r.type = t.type->name();
        r.shape = t.shape;
        r.elements = t.n_rows * t.n_cols;
        r.bytes = t.bytes;
        r.role_weight = role_weight(t.gguf_name, tied);
        r.reason = t.reason;
        p.tensors.push_back(std::move(r));
        if (t.shape.size() >= 2 && !t.generated && t.type->name() != "f32") by_type[t.type].push_back(i);
    }
    for (const auto &[type, indices] : by_type)
        for (const TensorErrors &e : measure_candidate_errors(store, plan, indices, {type}, config))
            if (!e.candidates.empty()) p.tensors[e.tensor].relative_error = e.candidates.front().relative_error;
    for (const auto &t : p.tensors) p.predicted_loss += t.role_weight * t.relative_error;
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return p;
}

} // namespace gmat
