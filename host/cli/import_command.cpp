#include "cli/commands.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "config/import_config.hpp"
#include "distributed/export_parts.hpp"
#include "pipeline/import_pipeline.hpp"

#include <iostream>
#include <map>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {
struct ImportArgs {
    fs::path model;
    std::string config;
    fs::path output = "output";
    fs::path repository;
    std::string name;
    fs::path base;
    std::string block_format; // empty: the config's
    bool generate_config = false;
    unsigned threads = 0;
    bool force = false;
    std::string part;
    bool assemble = false;
};

void print_statistics(const SourceReader &reader) {
    uint64_t elements = 0, bytes = 0;
    std::map<std::string, size_t> dtypes, ranks;
    std::map<std::string, size_t> shapes;
    for (const auto &t : reader.tensors()) {
        elements += element_count(t.shape);
        bytes += t.n_bytes;
        ++dtypes[dtype_name(t.dtype)];
        ++ranks[std::to_string(t.shape.size()) + "-D"];
        ++shapes[shape_string(t.shape)];
    }
    std::cout << "Source: " << reader.path().string() << " (" << reader.format() << ")\n"
              << "Tensors: " << reader.tensors().size() << "\n"
              << "Total elements: " << elements << "\n"
              << "Total bytes: " << bytes << " (" << human_bytes(bytes) << ")\n"
              << "Dtypes:";
    for (const auto &[d, n] : dtypes) std::cout << " " << d << " x" << n;
    std::cout << "\nRanks:";
    for (const auto &[r, n] : ranks) std::cout << " " << r << " x" << n;
    std::cout << "\nShapes:\n";
    for (const auto &[s, n] : shapes) std::cout << "  [" << s << "] x" << n << "\n";
}

void generate(GlobalOptions &global, const ImportArgs &args) {
    const SourceReader reader = global.registry().open_reader(args.model);
    const fs::path hf_config = model_folder_of(args.model) / "config.json";
    const ImportConfig config = generate_import_config(reader, hf_config);
    const fs::path out = args.config.empty() ? fs::path("import_config.json") : fs::path(args.config);
    write_import_config(out, config);
    print_statistics(reader);
    size_t excluded = 0;
    for (const auto &m : config.tensor_map) excluded += !m.include;
    std::cout << "\nWrote " << out.string() << " (" << config.tensor_map.size() << " tensors"
              << (excluded ? ", " + std::to_string(excluded) + " non-float tensors excluded" : std::string())
              << (fs::exists(hf_config) ? ", metadata from " + hf_config.string() : std::string(", no config.json found"))
              << ")\n";
}
} // namespace

void add_import_command(CLI::App &app, GlobalOptions &global) {
    auto args = std::make_shared<ImportArgs>();
    CLI::App *cmd = app.add_subcommand(
        "import", "Import a SafeTensors checkpoint (a file, a folder of shards with or without "
                  "model.safetensors.index.json) into a GMAT store: OUTPUT/model.gmat with metadata.json, one "
                  "tensors/<uuid>.gmat per tensor (lossless, checksummed) and the model's config and tokenizer files");
    cmd->add_option("-m,--model", args->model, "Checkpoint file or folder")->required();
    cmd->add_option("-c,--config", args->config,
                    "import_config.json to use (with --generate-config: where to write it; default ./import_config.json)");
    auto *output = cmd->add_option("-o,--output", args->output, "Folder that receives model.gmat (default: output/)");
    cmd->add_option("--into", args->repository,
                    "Import into a repository of stores instead (created when missing): REPO/models/NAME/model.gmat, "
                    "whose tensors are content-addressed blobs in REPO/blobs shared by every model with the same "
                    "tensor. Remove a model with `rm -r REPO/models/NAME`, then `gmat gc REPO`")
        ->excludes(output);
    cmd->add_option("--name", args->name, "Model name in the repository (default: the checkpoint folder's name)");
    cmd->add_option("--base", args->base,
                    "A store (DIR/model.gmat or REPO/models/NAME/model.gmat) this checkpoint was fine-tuned from: "
                    "tensors with the base's name, dtype and shape are stored as compressed deltas (XOR with the "
                    "base, chunk by chunk where smaller). With --into the base must be in the same repository; a "
                    "standalone store keeps needing its base at its recorded relative path");
    cmd->add_option("--block-format", args->block_format,
                    "How tensors are stored (overrides the config's block_format): raw = the source bytes as they are "
                    "(fastest); zstd = lossless, byte planes compressed with zstd in 1 MiB chunks (smaller store, "
                    "bit-exact export). The seed's names (B8x4, B8x8, B16x4, B16x8, DualRow...) mean zstd")
        ->type_name("NAME");
    cmd->add_flag("--generate-config", args->generate_config,
                  "Write an import config mapping every tensor to a stable UUID, with metadata from config.json, "
                  "print statistics, and import nothing");
    cmd->add_option("-t,--threads", args->threads, "Worker threads (default: all cores)");
    cmd->add_flag("--force", args->force, "Replace an existing OUTPUT/model.gmat");
    auto *part = cmd->add_option(
        "--part", args->part,
        "With --into: import only part I of N (I counted from 0) of the checkpoint, for one task of a cluster job: "
        "whole safetensors files balanced by bytes, as blobs plus a partial store REPO/models/NAME.part-0000I-of-"
        "0000N (re-running a part replaces it). `auto` or `auto/N` takes I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX "
        "and N from SLURM_ARRAY_TASK_COUNT when not given. Then run the same command with --assemble");
    part->type_name("I/N|auto[/N]");
    cmd->add_flag("--assemble", args->assemble,
                  "With --into, after every --part has run: check that all parts are in (none missing, one split, "
                  "this checkpoint and config), write REPO/models/NAME/model.gmat exactly as a one-machine import "
                  "would, and remove the partial stores. Nothing is written when a check fails")
        ->excludes(part);
    cmd->callback([&global, args] {
        if (args->generate_config) return generate(global, *args);
        ImportOptions options;
        options.model = args->model;
        options.output_dir = args->output;
        if (!args->repository.empty()) options.repository = args->repository;
        if (!args->name.empty() && args->repository.empty()) throw GmatError("--name needs --into REPO");
        options.model_name = args->name;
        if (!args->base.empty()) options.base = args->base;
        if (!args->config.empty()) options.config = fs::path(args->config);
        if (!args->block_format.empty()) options.block_format = args->block_format;
        options.threads = args->threads;
        options.force = args->force;
        options.progress = !global.quiet;
        if ((!args->part.empty() || args->assemble) && args->repository.empty())
            throw GmatError(std::string(args->assemble ? "--assemble" : "--part") +
                            " needs --into REPO: the parts of a distributed import meet in a repository on a shared "
                            "file system");
        if (!args->part.empty()) {
            const PartSpec spec = parse_part_spec(args->part, process_env);
            options.part = std::make_pair(spec.index, spec.count);
        }
        options.assemble = args->assemble;
        run_import(global.registry(), options, std::cout);
    });
}

} // namespace gmat::cli
