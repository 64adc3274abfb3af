// gmat export: runs an ExportPlan. Tensors are cut into row chunks that are
// read, widened to F32 and quantized in parallel (oneTBB), then written in
// order, so memory stays bounded and the output is byte-identical for any
// thread count. Payload checksums are verified as the data streams past.
#pragma once

#include "pipeline/export_plan.hpp"

#include <filesystem>
#include <iosfwd>

namespace gmat {

struct ExportRunOptions {
    std::filesystem::path output = "model.gguf";
    unsigned threads = 0; // 0: all cores
    bool progress = true;
};

struct ExportSummary {
    std::vector<std::filesystem::path> files;
    size_t tensors = 0;
    uint64_t bytes = 0;
    double bits_per_weight = 0;
    double seconds = 0;
};

ExportSummary run_export(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                         const PluginRegistry &registry, const ExportRunOptions &options, std::ostream &log);

// The files a plan writes for an output path: the path itself, or
// <stem>-0000i-of-0000N.gguf for N shards.
std::vector<std::filesystem::path> output_files(const std::filesystem::path &output, uint32_t shard_count);

} // namespace gmat
