#include "pipeline/import_pipeline.hpp"

#include "common/atomic_file.hpp"
#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "config/import_config.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for_each.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <ostream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace gmat {

namespace {
constexpr uint64_t kCopyChunkBytes = 8ull << 20; // per-thread buffer: memory stays flat whatever the model

struct ImportItem {
    size_t source_index;
    StoredTensor tensor;
};

void copy_tensor(const SourceReader &reader, const ImportItem &item, const fs::path &tensors_dir,
                 std::vector<uint8_t> &buffer, StoredTensor &result) {
    TensorFileHeader header;
    header.dtype = item.tensor.dtype;
    header.shape = item.tensor.shape;
    header.name = item.tensor.name;
    header.payload_bytes = item.tensor.bytes;
    TensorFileWriter writer(tensors_dir / (item.tensor.uuid + ".gmat"), header);
    buffer.resize(kCopyChunkBytes);
    for (uint64_t offset = 0; offset < item.tensor.bytes; offset += kCopyChunkBytes) {
        const uint64_t n = std::min(kCopyChunkBytes, item.tensor.bytes - offset);
        reader.read(item.source_index, offset, n, buffer.data());
        writer.append(buffer.data(), n);
    }
    result = item.tensor;
    result.checksum = writer.finish();
    reader.release(item.source_index);
}

void copy_model_files(const fs::path &model_dir, const fs::path &store_dir, std::vector<std::string> &copied) {
    for (const auto &name : model_file_names()) {
        const fs::path src = model_dir / name;
        if (!fs::is_regular_file(src) && !fs::is_directory(src)) continue;
        std::error_code ec;
        fs::copy(src, store_dir / name, fs::copy_options::recursive, ec);
        if (ec) throw GmatError(src.string() + ": cannot copy into the store: " + ec.message());
        copied.push_back(name);
    }
}

// Moves a finished store into place. Replacing (--force) swaps the two folders
// in one atomic rename, so a kill at any moment leaves the old store or the
// new one under the final name; the old one, left in the staging folder, is
// removed then (or by the next run, if this one is killed first).
void install_store(TemporaryDirectory &staged, const fs::path &store_dir, bool force) {
    if (!fs::exists(store_dir)) {
        staged.commit_as(store_dir);
        return;
    }
    if (!force) throw GmatError(store_dir.string() + ": a store already exists here; pass --force to replace it");
    sync_path(staged.path());
    if (::renameat2(AT_FDCWD, staged.path().c_str(), AT_FDCWD, store_dir.c_str(), RENAME_EXCHANGE) != 0)
        throw GmatError(store_dir.string() + ": cannot swap in the new store: " + std::strerror(errno));
    sync_path(store_dir.has_parent_path() ? store_dir.parent_path() : fs::path("."));
}
} // namespace

fs::path model_folder_of(const fs::path &model) {
    return fs::is_directory(model) ? model : (model.has_parent_path() ? model.parent_path() : fs::path("."));
}

void remove_stale_temporaries(const fs::path &target) {
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    const std::string prefix = "." + target.filename().string() + ".gmat-tmp-";
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
    }
}

ImportSummary run_import(const PluginRegistry &registry, const ImportOptions &options, std::ostream &log) {
    if (!fs::exists(options.model)) throw GmatError(options.model.string() + ": no such file or folder");
    const SourceReader reader = registry.open_reader(options.model);
    const fs::path model_dir = model_folder_of(options.model);
    ImportConfig config = options.config ? parse_import_config(*options.config)
                                         : generate_import_config(reader, model_dir / "config.json");
    const std::string config_name = options.config ? options.config->string() : "generated import config";
    validate_import_config(config, reader, config_name);

    const fs::path store_dir = options.output_dir / "model.gmat";
    if (fs::exists(store_dir) && !options.force)
        throw GmatError(store_dir.string() + ": a store already exists here; pass --force to replace it");
    if (!fs::is_directory(options.output_dir) && !fs::create_directories(options.output_dir))
        throw GmatError(options.output_dir.string() + ": cannot create the output folder");
    remove_stale_temporaries(store_dir);

    std::unordered_map<std::string, size_t> index_of;
    for (size_t i = 0; i < reader.tensors().size(); ++i) index_of[reader.tensors()[i].name] = i;
    std::vector<ImportItem> items;
    uint64_t total_bytes = 0;
    for (const auto &m : config.tensor_map) {
        if (!m.include) continue;
        const size_t i = index_of.at(m.source);
        const SourceTensor &src = reader.tensors()[i];
        StoredTensor t{m.target, src.name, src.dtype, src.shape, src.n_bytes, 0};
        if (element_count(t.shape) * dtype_size(t.dtype) != t.bytes)
            throw GmatError(src.source_file + ": tensor '" + src.name + "' has " + std::to_string(t.bytes) +
                            " bytes, its shape needs " + std::to_string(element_count(t.shape) * dtype_size(t.dtype)));
        total_bytes += t.bytes;
        items.push_back({i, std::move(t)});
    }

    TemporaryDirectory staged(temporary_sibling(store_dir));
    fs::create_directories(staged.path() / "tensors");
    log << "Importing " << items.size() << " tensors (" << human_bytes(total_bytes) << ") from "
        << options.model.string() << " into " << store_dir.string() << "\n";

    StoreMetadata metadata;
    metadata.tensors.resize(items.size());
    // Largest first keeps both cores busy to the end; results land in config order.
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return items[a].tensor.bytes > items[b].tensor.bytes; });
    ProgressLine progress("import", items.size(), total_bytes, options.progress);
    tbb::enumerable_thread_specific<std::vector<uint8_t>> buffers;
    const int threads = options.threads ? static_cast<int>(options.threads) : tbb::this_task_arena::max_concurrency();
    tbb::task_arena arena(threads);
    arena.execute([&] {
        tbb::parallel_for_each(order.begin(), order.end(), [&](size_t k) {
            copy_tensor(reader, items[k], staged.path() / "tensors", buffers.local(), metadata.tensors[k]);
            progress.advance(items[k].tensor.bytes, items[k].tensor.name);
        });
    });
    progress.finish();

    copy_model_files(model_dir, staged.path(), metadata.model_files);
    metadata.config = std::move(config);
    write_store_metadata(staged.path(), metadata);
    install_store(staged, store_dir, options.force);

    ImportSummary summary{store_dir, items.size(), total_bytes, progress.seconds()};
    log << "Done! " << summary.tensors << " tensors, " << human_bytes(total_bytes) << " in " << summary.seconds << " s\n";
    return summary;
}

} // namespace gmat
