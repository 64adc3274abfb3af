// One export split across machines (Slurm job arrays, Kubernetes Indexed
// Jobs): a plan every worker derives alike from the store and the profile,
// one part of it per worker, and a final step that assembles the parts.
//
// The plan id hashes the store (metadata.json and the model's files, which
// name every tensor's checksum), the profile (the config file's bytes and the
// command-line overrides), gmat's plan format version and the resolved plan
// itself (tensor order, types, sizes, split boundaries, offsets, metadata).
// A sharded export's part writes whole split files, balanced by bytes; a
// single-file export's part writes a part file of quantized tensor data that
// `--assemble` joins without quantizing again.
#pragma once

#include "pipeline/export_pipeline.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gmat {

// Bumped whenever gmat writes different bytes for the same store and profile.
inline constexpr uint32_t kPlanFormatVersion = 1;

// "I/N" (I counted from 0), "auto" or "auto/N". auto takes I from
// SLURM_ARRAY_TASK_ID (an array numbered 0..N-1) or Kubernetes'
// JOB_COMPLETION_INDEX, and N from SLURM_ARRAY_TASK_COUNT when not given
// (give N when re-running some indices: `sbatch --array=2 ... --part auto/4`).
struct PartSpec {
    uint32_t index = 0, count = 1;
};
using EnvLookup = std::function<std::optional<std::string>(const char *)>;
PartSpec parse_part_spec(const std::string &text, const EnvLookup &env);
std::optional<std::string> process_env(const char *name);

// What, besides the store, decides an export's bytes.
struct ProfileSource {
    std::string config_bytes; // the config file as read; empty for the generated defaults
    std::string config_name;
    std::optional<uint64_t> shard_size_override;
    std::vector<std::string> skip_tensors;
};

struct PlanIdentity {
    std::string store_id, profile_id, plan_id;
};

std::string store_identity(const Store &store);
PlanIdentity plan_identity(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                           const ProfileSource &profile);

// The tensors and split files one part covers: a sharded export's parts get
// whole shards, a single-file export's parts runs of tensors, balanced by bytes.
struct PartAssignment {
    size_t first_tensor = 0, end_tensor = 0;
    std::vector<uint32_t> shards; // sharded exports only
    uint64_t bytes = 0;
};
PartAssignment assign_part(const ExportPlan &plan, uint32_t part, uint32_t parts);

// The plan as JSON (`gmat export --plan-only`); with parts > 0 also each part's assignment.
rapidjson::Document plan_document(const ExportPlan &plan, const PlanIdentity &ids, const ExportConfig &config,
                                  uint32_t parts);

// Runs one part: writes its split files (sharded) or its part file (single
// file), each atomically; re-running a part gives the same bytes.
void run_export_part(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                     const PluginRegistry &registry, const PlanIdentity &ids, const PartSpec &part,
                     const ExportRunOptions &options, std::ostream &log);

// Checks every part file of options.output against this plan (refusing
// missing, duplicate or foreign parts and a changed store, naming each), then
// joins a single-file export's parts into the GGUF, or verifies a sharded
// export's split files byte for byte against their parts' records; removes
// the part files once the output is complete. Nothing is published on error.
void assemble_export(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                     const PluginRegistry &registry, const PlanIdentity &ids, const ExportRunOptions &options,
                     std::ostream &log);

} // namespace gmat
