#include "cli/commands.hpp"
#include "cli/inspect_gguf.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/progress.hpp"
#include "repository/locked_store.hpp"
#include "store/source_encoding.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <iomanip>
#include <iostream>

namespace fs = std::filesystem;

namespace gmat::cli {

namespace {
bool is_store(const fs::path &path) { return fs::is_directory(path) && fs::exists(path / "metadata.json"); }

struct TensorFileStorage {
    std::string encoding = "?"; // "?": the file does not open; --verify says why
    uint64_t stored_bytes = 0;  // tensor file bytes after the header
};

TensorFileStorage storage_of(const Store &store, const StoredTensor &t) {
    try {
        const auto reader = store.open_tensor(t);
        return {tensor_encoding_name(reader->header().encoding), reader->stored_payload_bytes()};
    } catch (const GmatError &) {
        return {};
    }
}

// The element type a tensor's values have: its dtype, except an MXFP4 tensor,
// whose U8 bytes each hold two E2M1 values.
std::string logical_dtype_name(const StoredTensor &t) {
    return t.source.scheme == SourceScheme::mxfp4 ? "E2M1" : dtype_name(t.dtype);
}

// FP8 / MXFP4 tensors kept as shipped: BYTES above holds the data and its scales.
void print_source_encodings(const Store &store) {
    size_t n = 0;
    uint64_t bytes = 0, f32_bytes = 0;
    for (const auto &t : store.tensors()) {
        if (!t.source.encoded()) continue;
        if (n++ == 0)
            std::cout << "\nSource encodings (data and scales kept as the checkpoint ships them; export dequantizes "
                         "to F32, then converts):\n";
        const uint64_t data = source_data_bytes(t.source, t.dtype, t.shape);
        std::cout << "  " << t.name << ": logical " << logical_dtype_name(t) << " [" << shape_string(t.shape)
                  << "], encoding " << describe_source_layout(t.source) << "; " << t.bytes << " bytes (data " << data
                  << ", scales " << t.bytes - data << ")\n";
        bytes += t.bytes;
        f32_bytes += 4 * element_count(t.shape);
    }
    if (n)
        std::cout << n << " encoded tensors, " << human_bytes(bytes) << " (" << human_bytes(f32_bytes / 2)
                  << " as BF16)\n";
}

void inspect_store(const fs::path &path, bool verify) {
    const LockedStore locked = open_store_for_reading(path, &std::cerr);
    const Store &store = locked.store;
    uint64_t bytes = 0;
    std::cout << "GMAT store " << path.string() << "\n";
    if (!store.metadata().config.metadata.ObjectEmpty())
        std::cout << "Metadata: " << json::to_pretty_string(store.metadata().config.metadata);
    std::cout << "Block format: " << store.metadata().config.block_format << "\n";
    std::cout << "Model files:";
    for (const auto &f : store.metadata().model_files) std::cout << " " << f;
    std::cout << "\n\n" << std::left << std::setw(38) << "UUID" << std::setw(52) << "NAME" << std::setw(9) << "DTYPE"
              << std::setw(16) << "SHAPE" << std::setw(14) << "BYTES" << std::setw(12) << "ENCODING" << "STORED\n";
    uint64_t stored = 0;
    for (const auto &t : store.tensors()) {
        const TensorFileStorage storage = storage_of(store, t);
        std::cout << std::setw(38) << t.uuid << std::setw(52) << t.name << std::setw(9) << logical_dtype_name(t)
                  << std::setw(16) << shape_string(t.shape) << std::setw(14) << t.bytes << std::setw(12)
                  << storage.encoding << storage.stored_bytes << "\n";
        bytes += t.bytes;
        stored += storage.stored_bytes;
    }
    std::cout << "\n" << store.tensors().size() << " tensors, " << bytes << " bytes (" << human_bytes(bytes)
              << "), stored in " << stored << " bytes (" << human_bytes(stored) << ")\n";
    print_source_encodings(store);
    if (!verify) return;
    const auto problems = store.verify();
    for (const auto &p : problems) std::cout << "CORRUPT: " << p << "\n";
    if (!problems.empty())
        throw GmatError(path.string() + ": " + std::to_string(problems.size()) + " of " +
                        std::to_string(store.tensors().size()) + " tensors failed verification");
    std::cout << "Verified: all " << store.tensors().size() << " tensor checksums match\n";
}

void inspect_source(GlobalOptions &global, const fs::path &path) {
    const SourceReader reader = global.registry().open_reader(path);
    uint64_t bytes = 0;
    std::cout << reader.format() << " " << path.string() << "\n\n"
              << std::left << std::setw(60) << "NAME" << std::setw(8) << "DTYPE" << std::setw(16) << "SHAPE" << "BYTES\n";
    for (const auto &t : reader.tensors()) {
        std::cout << std::setw(60) << t.name << std::setw(8) << dtype_name(t.dtype) << std::setw(16)
                  << shape_string(t.shape) << t.n_bytes << "\n";
        bytes += t.n_bytes;
    }
    std::cout << "\n" << reader.tensors().size() << " tensors, " << bytes << " bytes (" << human_bytes(bytes) << ")\n";
}
} // namespace

void add_inspect_command(CLI::App &app, GlobalOptions &global) {
    auto path = std::make_shared<fs::path>();
    auto verify = std::make_shared<bool>(false);
    auto gguf = std::make_shared<InspectGgufArgs>();
    CLI::App *cmd = app.add_subcommand("inspect", "Show the tensors (name or UUID, dtype, shape, bytes) and metadata of "
                                                  "a model.gmat store, a SafeTensors file or folder, or a GGUF file "
                                                  "(or folder of split files: key/values, tensor types, sizes, bits "
                                                  "per weight, provenance and the profile that made it)");
    cmd->add_option("path", *path, "A model.gmat folder, a checkpoint file or folder, or a GGUF file or folder")->required();
    cmd->add_flag("--verify", *verify, "For a store: re-read every tensor file and check its checksums (exit 1 on any mismatch)");
    cmd->add_option("--against", gguf->against,
                    "For a GGUF: the store to compare with; says whether exporting it with --config would write the "
                    "same bytes, without writing or quantizing (exit 1 when not)");
    cmd->add_option("-c,--config", gguf->config, "With --against: the export profile (default: the generated defaults)");
    cmd->add_option("--imatrix", gguf->imatrix, "With --against: the --imatrix the export was given");
    cmd->add_option("--shard-size", gguf->shard_size_mb, "With --against: the --shard-size (MB) the export was given");
    cmd->add_flag("--all-values", gguf->all_values, "For a GGUF: print whole arrays and strings");
    cmd->callback([&global, path, verify, gguf] {
        if (is_store(*path)) {
            if (!gguf->against.empty()) throw GmatError("--against applies to a GGUF file; " + path->string() + " is a store");
            return inspect_store(*path, *verify);
        }
        if (is_gguf_path(*path)) {
            if (*verify) throw GmatError("--verify applies to a model.gmat store; " + path->string() + " is a GGUF");
            gguf->path = *path;
            return inspect_gguf_command(global, *gguf);
        }
        if (!gguf->against.empty()) throw GmatError("--against applies to a GGUF file; " + path->string() + " is not one");
        if (*verify) throw GmatError("--verify applies to a model.gmat store; " + path->string() + " is not one");
        inspect_source(global, *path);
    });
}

} // namespace gmat::cli
