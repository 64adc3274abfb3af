// gmat export: runs an ExportPlan. Tensors are cut into row chunks that are
// read, widened to F32 and quantized in parallel (oneTBB), then written in
// order, so memory stays bounded and the output is byte-identical for any
// thread count. Payload checksums are verified as the data streams past.
#pragma once

#include "pipeline/export_plan.hpp"

#include <filesystem>
#include <functional>
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

// Receives quantized tensor data in plan order (a tensor may come in several calls).
using TensorDataSink = std::function<void(const void *data, uint64_t n_bytes)>;

// Quantizes plan tensors [begin, end) with the export's pipeline and hands
// their bytes to sink in order; byte-identical for any thread count (0: all
// cores). With progress, prints one line per finished tensor.
void quantize_tensors(const Store &store, const ExportPlan &plan, const ExportConfig &config, size_t begin, size_t end,
                      unsigned threads, bool progress, std::ostream &log, const TensorDataSink &sink);

// The files a plan writes for an output path: the path itself, or
// <stem>-0000i-of-0000N.gguf for N shards.
std::vector<std::filesystem::path> output_files(const std::filesystem::path &output, uint32_t shard_count);

} // namespace gmat
