#include "cli/commands.hpp"

#include "arch/architecture.hpp"
#include "auto/auto_types.hpp"
#include "auto/size_budget.hpp"
#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "config/export_config.hpp"
#include "common/json.hpp"
#include "distributed/export_parts.hpp"
#include "distributed/part_file.hpp"
#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/tensor_types.hpp"
#include "repository/locked_store.hpp"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <tbb/task_arena.h>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {
struct ExportArgs {
    fs::path model;
    std::string config;
    fs::path output = "model.gguf";
    std::optional<uint64_t> shard_size_mb;
    std::string imatrix;
    double importance_high = 0.08, importance_medium = 0.02;
    bool generate_config = false;
    bool dry_run = false;
    bool allow_unknown_pre_tokenizer = false;
    unsigned threads = 0;
    std::vector<std::string> skip_tensors;
    bool plan_only = false;
    bool output_given = false;
    uint32_t plan_parts = 0;
    std::string part;
    bool assemble = false;
    std::optional<double> target_bpw;
    std::string target_size;
    std::vector<std::string> auto_types;
};

// --target-bpw / --target-size make the profile an `auto` one with that budget.
void apply_targets(const ExportArgs &args, ExportConfig &config) {
    if (args.target_bpw && !args.target_size.empty()) throw GmatError("give --target-bpw or --target-size, not both");
    if (!args.auto_types.empty()) {
        if (!args.target_bpw && args.target_size.empty() && !is_auto_type(config))
            throw GmatError("--auto-types lists the types default_type \"auto\" chooses from: give --target-bpw or "
                            "--target-size, or a profile with default_type \"auto\" (its default_type is '" +
                            config.default_type + "')");
        config.auto_types = args.auto_types;
    }
    if (!args.target_bpw && args.target_size.empty()) return;
    config.default_type = "auto";
    config.target_bpw.reset();
    config.target_size.reset();
    if (args.target_bpw) config.target_bpw = checked_target_bpw(*args.target_bpw, "--target-bpw");
    else config.target_size = parse_size_text(args.target_size, "--target-size");
}

std::string file_bytes_of(const std::string &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file + ": cannot open");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void print_plan(const ExportPlan &plan) {
    std::cout << std::left << std::setw(34) << "TENSOR" << std::setw(16) << "SHAPE" << std::setw(8) << "TYPE"
              << std::setw(14) << "BYTES" << std::setw(7) << "SHARD" << "WHY\n";
    for (const auto &t : plan.tensors)
        std::cout << std::setw(34) << t.gguf_name << std::setw(16) << shape_string(t.shape) << std::setw(8) << t.type->name()
                  << std::setw(14) << t.bytes << std::setw(7) << t.shard + 1 << t.reason << "\n";
    char bpw[32];
    std::snprintf(bpw, sizeof bpw, "%.4f", plan.bits_per_weight());
    std::cout << "\n" << plan.tensors.size() << " tensors, " << plan.total_elements << " values, " << plan.total_bytes
              << " bytes (" << human_bytes(plan.total_bytes) << "), " << bpw << " bits per weight, " << plan.shard_count
              << (plan.shard_count == 1 ? " file\n" : " shards\n");
    for (const auto &note : plan.notes) std::cout << "Note: " << note << "\n";
}

void run(GlobalOptions &global, const ExportArgs &args) {
    const LockedStore locked = open_store_for_reading(args.model, &std::cerr); // gc waits until we are done
    const Store &store = locked.store;
    const PluginRegistry &registry = global.registry();
    tbb::task_arena arena(args.threads ? static_cast<int>(args.threads) : tbb::task_arena::automatic);
    if (args.generate_config && (args.target_bpw || !args.target_size.empty())) {
        ExportConfig config = default_export_config(store, registry);
        apply_targets(args, config);
        if (!args.imatrix.empty()) config.imatrix = args.imatrix;
        ExportPlanOptions plan_options;
        if (args.shard_size_mb) config.shard_size = *args.shard_size_mb * 1000000ull;
        const AutoResolution r = arena.execute(
            [&] { return resolve_auto_types(store, config, "generated export config", registry, plan_options); });
        const fs::path out = args.config.empty() ? fs::path("export_config.json") : fs::path(args.config);
        write_export_config(out, r.config, r.comments);
        for (const auto &note : r.notes) std::cout << note << "\n";
        std::cout << "Wrote " << out.string() << " (" << r.choices.size() << " tensors chosen by auto)\n";
        return;
    }
    if (args.generate_config) {
        if (!args.auto_types.empty())
            throw GmatError("--auto-types: give --target-bpw or --target-size with --generate-config to write an auto choice");
        std::vector<std::pair<std::string, std::string>> comments;
        const ExportConfig config =
            default_export_config(store, registry, &comments, args.importance_high, args.importance_medium);
        const fs::path out = args.config.empty() ? fs::path("export_config.json") : fs::path(args.config);
        write_export_config(out, config, comments);
        for (const auto &[uuid, why] : comments) std::cout << "  " << why << "\n";
        std::cout << "Wrote " << out.string() << " (default type " << config.default_type << ", "
                  << config.tensor_map.size() << " tensors)\n";
        return;
    }
    ExportConfig config = args.config.empty() ? default_export_config(store, registry) : parse_export_config(args.config);
    apply_targets(args, config);
    const std::string config_name = args.config.empty() ? "generated export config" : args.config;
    ExportPlanOptions plan_options;
    if (args.shard_size_mb) plan_options.shard_size_bytes = *args.shard_size_mb * 1000000ull;
    if (!args.imatrix.empty()) plan_options.imatrix = args.imatrix;
    plan_options.skip_tensors = args.skip_tensors;
    plan_options.allow_unknown_pre_tokenizer = args.allow_unknown_pre_tokenizer;
    const ExportPlan plan = arena.execute([&] { return plan_export(store, config, config_name, registry, plan_options); });
    if (args.dry_run) return print_plan(plan);
    const bool distributed = args.plan_only || !args.part.empty() || args.assemble;
    PlanIdentity ids;
    if (distributed) {
        ProfileSource profile;
        if (!args.config.empty()) profile.config_bytes = file_bytes_of(args.config);
        profile.config_name = config_name;
        profile.shard_size_override = plan_options.shard_size_bytes;
        profile.skip_tensors = args.skip_tensors;
        ids = plan_identity(store, plan, config, profile);
    }
    if (args.plan_only) {
        const auto doc = plan_document(plan, ids, config, args.plan_parts);
        if (!args.output_given) {
            std::cout << json::to_pretty_string(doc) << "\n";
        } else {
            if (args.output.has_parent_path()) fs::create_directories(args.output.parent_path());
            json::write_file(args.output, doc);
            if (!global.quiet)
                std::cout << "Wrote " << args.output.string() << " (plan " << ids.plan_id << ", " << plan.tensors.size()
                          << " tensors, " << plan.shard_count << (plan.shard_count == 1 ? " file" : " split files")
                          << ")\n";
        }
        return;
    }
    if (args.output.has_parent_path()) fs::create_directories(args.output.parent_path());
    ExportRunOptions options;
    options.output = args.output;
    options.threads = args.threads;
    options.progress = !global.quiet;
    if (!args.part.empty()) {
        const PartSpec part = parse_part_spec(args.part, process_env);
        return run_export_part(store, plan, config, registry, ids, part, options, std::cout);
    }
    if (args.assemble) return assemble_export(store, plan, config, registry, ids, options, std::cout);
    run_export(store, plan, config, registry, options, std::cout);
}
} // namespace

void add_export_command(CLI::App &app, GlobalOptions &global) {
    auto args = std::make_shared<ExportArgs>();
    std::string supported;
    for (const auto &c : supported_hf_classes()) supported += (supported.empty() ? "" : ", ") + c;
    CLI::App *cmd = app.add_subcommand(
        "export", "Export a model.gmat store to GGUF with the quantization an export profile describes.\n"
                  "Types: a mix (q4_k_m, q5_k_s, q3_k_l, ... chooses per tensor as llama.cpp's quantizer does) or a "
                  "block type for every tensor (f32, f16, bf16, q8_0, ...); `gmat plugins` lists what is loaded.\n"
                  "Supported model classes: " + supported);
    cmd->add_option("-m,--model", args->model, "The model.gmat store folder")->required();
    cmd->add_option("-c,--config", args->config,
                    "Export config JSON (default: generated defaults; with --generate-config: where to write it, "
                    "default ./export_config.json)");
    auto *output = cmd->add_option("-o,--output", args->output,
                                   "Output GGUF path (default: model.gguf); shards are named "
                                   "<stem>-00001-of-0000N.gguf. With --plan-only: where to write the plan (default: "
                                   "standard output)");
    cmd->add_option("--shard-size", args->shard_size_mb, "Shard size in MB (1 MB = 1,000,000 bytes; overrides the config)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--imatrix", args->imatrix,
                    "llama.cpp importance matrix (GGUF *.in_sum2/*.counts or legacy .dat) matched to tensors by GGUF "
                    "name; overrides the config's \"imatrix\"");
    cmd->add_flag("--generate-config", args->generate_config, "Write a template export config instead of exporting");
    cmd->add_option("--importance-high", args->importance_high,
                    "With --generate-config: octave shift ratio from which a tensor counts as high importance "
                    "(default 0.08; share of 32-value blocks whose largest value is over 2x the median block's)");
    cmd->add_option("--importance-medium", args->importance_medium,
                    "With --generate-config: octave shift ratio from which a tensor counts as medium importance (default 0.02)");
    cmd->add_option("--target-bpw", args->target_bpw,
                    "Choose each tensor's type (default_type \"auto\") so the tensor data takes at most this many bits "
                    "per weight at the lowest predicted error; with --generate-config, write the choice as a per_tensor "
                    "profile");
    cmd->add_option("--target-size", args->target_size,
                    "Like --target-bpw, for a total output size: bytes, or a number with a unit (8GB, 7.5GiB, 500MB; "
                    "KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024)");
    cmd->add_option("--auto-types", args->auto_types,
                    "With auto (--target-bpw/--target-size): the types it may choose from, comma-separated (e.g. "
                    "q4_k,q5_k,q6_k,q8_0,iq3_s); replaces the profile's auto_types. Default: every loaded type but f32 "
                    "and the slow-search lattice types (iq3/iq2/iq1, marked [slow search] by `gmat plugins`)")
        ->delimiter(',');
    cmd->add_flag("--dry-run", args->dry_run,
                  "Print the resolved per-tensor table (name, shape, type, bytes, reason), total size and bits per "
                  "weight without writing anything");
    cmd->add_flag("--allow-unknown-pretokenizer", args->allow_unknown_pre_tokenizer,
                  "Export a byte-level BPE tokenizer whose tokenizer.json pre_tokenizer llama.cpp does not know (an "
                  "error by default, as llama.cpp's converter refuses it), writing the closest known "
                  "tokenizer.ggml.pre with a warning; llama.cpp may then split text differently from the HF tokenizer");
    cmd->add_option("-t,--threads", args->threads, "Worker threads (default: all cores); output is identical for any count");
    cmd->add_option("--skip-tensor", args->skip_tensors,
                    "Leave this store tensor (UUID or source name) out of the output, e.g. one that `gmat inspect "
                    "--verify` reports corrupt (repeatable); llama.cpp may then refuse the file if it needs it")
        ->allow_extra_args(false); // one value per --skip-tensor
    auto *plan_only = cmd->add_flag(
        "--plan-only", args->plan_only,
        "Write the export plan as JSON and export nothing: plan id (a hash of the store, the profile and gmat's plan "
        "format), tensor order, per-tensor types, byte sizes, split files and each tensor's offset in its file's "
        "data section. Every machine derives the same plan from the same store and profile");
    cmd->add_option("--parts", args->plan_parts,
                    "With --plan-only: also list what each of N parts covers (split files or tensors, and bytes)")
        ->check(CLI::Range(1u, kMaxParts))
        ->needs(plan_only);
    auto *part = cmd->add_option(
        "--part", args->part,
        "Export only part I of N (I counted from 0) of the plan, for one task of a cluster job: a sharded export "
        "writes whole split files (balanced by bytes), a single-file export writes <output>.part-0000I-of-0000N."
        "gmatpart for --assemble. `auto` or `auto/N` takes I from SLURM_ARRAY_TASK_ID (sbatch --array=0-<N-1>) or "
        "Kubernetes' JOB_COMPLETION_INDEX, and N from SLURM_ARRAY_TASK_COUNT when not given (give N to re-run some "
        "indices: sbatch --array=2 ... --part auto/4). Every file is "
        "published atomically; running a part again gives the same bytes");
    part->type_name("I/N|auto[/N]")->excludes(plan_only);
    cmd->add_flag("--assemble", args->assemble,
                  "After every --part has run: check that all parts belong to this plan (same store, profile and "
                  "gmat), none is missing or duplicated, then join a single-file export's parts into the GGUF without "
                  "quantizing again, or verify a sharded export's split files against their parts' checksums; the part "
                  "files are then removed. Nothing is written when a check fails")
        ->excludes(plan_only)
        ->excludes(part);
    cmd->callback([&global, args, output] {
        args->output_given = output->count() > 0;
        if (args->dry_run && (args->plan_only || !args->part.empty() || args->assemble))
            throw GmatError("--dry-run cannot be combined with --plan-only, --part or --assemble");
        if (args->generate_config && (args->plan_only || !args->part.empty() || args->assemble))
            throw GmatError("--generate-config cannot be combined with --plan-only, --part or --assemble");
        run(global, *args);
    });
}

} // namespace gmat::cli
