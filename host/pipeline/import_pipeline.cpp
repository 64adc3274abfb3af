#include "pipeline/import_pipeline.hpp"

#include "common/atomic_file.hpp"
#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "config/import_config.hpp"
#include "repository/blob_store.hpp"
#include "repository/content_id.hpp"
#include "repository/delta_base.hpp"
#include "repository/repository_layout.hpp"
#include "repository/repository_lock.hpp"
#include "store/codec_block_format.hpp"
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
#include <functional>
#include <ostream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace gmat {

namespace {
constexpr uint64_t kCopyChunkBytes = 8ull << 20; // per-thread buffer: memory stays flat whatever the model

struct ImportItem {
    std::vector<size_t> parts; // reader indexes: the data, then a source encoding's companions
    StoredTensor tensor;
};

// Where copy_tensor writes: tensors/<uuid>.gmat of a standalone store, or a
// blob of a repository; optionally as deltas against a base store.
struct TensorSink {
    fs::path tensors_dir;
    const RepositoryLayout *repository = nullptr;
    const DeltaBase *base = nullptr;
    TensorEncoding encoding = TensorEncoding::raw;
};

// A companion's scales must be finite and non-zero; fails naming the file,
// tensor and value.
void check_scales(const SourceTensor &scales, const std::string &weight, uint64_t offset, const uint8_t *data, uint64_t n) {
    const size_t size = dtype_size(scales.dtype);
    const uint64_t count = n / size, bad = first_bad_scale(scales.dtype, data, count);
    if (bad == count) return;
    float value = 0;
    if (scales.dtype == GMAT_DTYPE_U8) value = e8m0_to_float(data[bad]);
    else convert_to_f32(scales.dtype, data + bad * size, 1, &value);
    throw GmatError(scales.source_file + ": tensor '" + scales.name + "' (the scales of '" + weight + "'): value #" +
                    std::to_string(offset / size + bad) + " is " + std::to_string(value) +
                    "; scales must be finite and non-zero");
}

// Visits the logical payload: the data tensor's bytes, then each companion's.
void stream_source(const SourceReader &reader, const ImportItem &item, std::vector<uint8_t> &buffer,
                   const std::function<void(uint64_t offset, const uint8_t *data, uint64_t n)> &visit,
                   bool check_companions = false) {
    buffer.resize(kCopyChunkBytes);
    uint64_t logical = 0;
    for (size_t k = 0; k < item.parts.size(); ++k) {
        const SourceTensor &part = reader.tensors()[item.parts[k]];
        for (uint64_t offset = 0; offset < part.n_bytes; offset += kCopyChunkBytes) {
            const uint64_t n = std::min(kCopyChunkBytes, part.n_bytes - offset);
            reader.read(item.parts[k], offset, n, buffer.data());
            if (k > 0 && check_companions) check_scales(part, item.tensor.name, offset, buffer.data(), n);
            visit(logical + offset, buffer.data(), n);
        }
        logical += part.n_bytes;
    }
}

// Whether an existing blob holds exactly this source tensor (bytes compared,
// not hashes: a content-id collision must never alias two tensors).
bool source_equals_blob(const SourceReader &reader, const ImportItem &item, std::vector<uint8_t> &buffer,
                        const TensorFileReader &blob) {
    const TensorFileHeader &h = blob.header();
    if (h.dtype != item.tensor.dtype || h.shape != item.tensor.shape || h.payload_bytes != item.tensor.bytes ||
        h.source != item.tensor.source)
        return false;
    std::vector<uint8_t> stored(std::min<uint64_t>(kCopyChunkBytes, item.tensor.bytes));
    bool same = true;
    stream_source(reader, item, buffer, [&](uint64_t offset, const uint8_t *data, uint64_t n) {
        if (!same) return;
        try {
            blob.read(offset, n, stored.data());
        } catch (const GmatError &) {
            same = false; // a damaged chunk: the blob is not reused
            return;
        }
        same = std::memcmp(stored.data(), data, n) == 0;
    });
    return same;
}

void copy_tensor(const SourceReader &reader, const ImportItem &item, const TensorSink &sink,
                 std::vector<uint8_t> &buffer, StoredTensor &result) {
    TensorFileHeader header;
    header.dtype = item.tensor.dtype;
    header.shape = item.tensor.shape;
    header.name = item.tensor.name;
    header.payload_bytes = item.tensor.bytes;
    header.source = item.tensor.source;
    TensorWriteOptions options;
    options.encoding = sink.encoding;
    const StoredTensor *base = sink.base ? sink.base->match(item.tensor) : nullptr;
    std::unique_ptr<TensorFileReader> base_reader;
    if (base) {
        base_reader = sink.base->open(*base);
        options.encoding = TensorEncoding::zstd_planes_delta;
        options.base = base_reader.get();
        options.base_ref = sink.base->reference(*base);
    }
    const fs::path file = sink.repository ? temporary_sibling(sink.repository->blob_temporary_target())
                                          : sink.tensors_dir / (item.tensor.uuid + ".gmat");
    ContentHasher content(item.tensor.dtype, item.tensor.shape, item.tensor.source);
    result = item.tensor;
    bool delta = false; // the writer stores a delta only when some chunk gains from the base
    {
        TensorFileWriter writer(file, header, options);
        stream_source(reader, item, buffer, [&](uint64_t, const uint8_t *data, uint64_t n) {
            writer.append(data, n);
            content.update(data, n);
        }, /*check_companions=*/true);
        result.checksum = writer.finish();
        delta = writer.header().encoding == TensorEncoding::zstd_planes_delta;
    }
    if (!sink.repository) {
        if (delta) result.base = base->uuid;
    } else {
        try {
            const PublishedBlob blob =
                publish_blob(file, sink.repository->blobs_dir(), content.finish(), [&](const TensorFileReader &existing) {
                    return source_equals_blob(reader, item, buffer, existing);
                });
            result.blob = blob.name;
            if (blob.created && delta) result.base = base->blob;
        } catch (...) {
            std::error_code ec;
            fs::remove(file, ec);
            throw;
        }
    }
    for (size_t part : item.parts) reader.release(part);
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
std::vector<ImportItem> plan_items(const SourceReader &reader, const ImportConfig &config) {
    std::unordered_map<std::string, size_t> index_of;
    for (size_t i = 0; i < reader.tensors().size(); ++i) index_of[reader.tensors()[i].name] = i;
    std::vector<ImportItem> items;
    for (size_t k = 0; k < config.tensor_map.size(); ++k) {
        const auto &m = config.tensor_map[k];
        if (!m.include) continue;
        LogicalTensor logical =
            resolve_logical_tensor(m.source, m.encoding, reader, index_of, "tensor_map[" + std::to_string(k) + "]");
        const SourceTensor &src = reader.tensors()[logical.parts[0]];
        StoredTensor t{m.target, logical.name, logical.dtype, logical.shape, logical.bytes, 0, {}, {}, logical.layout};
        const uint64_t expected = logical.layout.encoded() ? source_payload_bytes(t.source, t.dtype, t.shape)
                                                           : element_count(t.shape) * dtype_size(t.dtype);
        if (expected != t.bytes)
            throw GmatError(src.source_file + ": tensor '" + src.name + "' has " + std::to_string(t.bytes) +
                            " bytes, its shape needs " + std::to_string(expected));
        items.push_back({std::move(logical.parts), std::move(t)});
    }
    return items;
}

// Copies every item in parallel; the results are in item order.
std::vector<StoredTensor> copy_tensors(const SourceReader &reader, const std::vector<ImportItem> &items,
                                       const TensorSink &sink, unsigned threads, ProgressLine &progress) {
    std::vector<StoredTensor> results(items.size());
    // Largest first keeps both cores busy to the end.
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return items[a].tensor.bytes > items[b].tensor.bytes; });
    tbb::enumerable_thread_specific<std::vector<uint8_t>> buffers;
    tbb::task_arena arena(threads ? static_cast<int>(threads) : tbb::this_task_arena::max_concurrency());
    arena.execute([&] {
        tbb::parallel_for_each(order.begin(), order.end(), [&](size_t k) {
            copy_tensor(reader, items[k], sink, buffers.local(), results[k]);
            progress.advance(items[k].tensor.bytes, items[k].tensor.name);
        });
    });
    return results;
}

// The store being written and, in a repository, the shared lock held for the
// whole import so gc cannot collect blobs before metadata.json names them.
struct ImportTarget {
    fs::path store_dir;
    std::optional<RepositoryLayout> repository;
    std::unique_ptr<RepositoryLock> lock;
};

ImportTarget prepare_target(const ImportOptions &options, std::ostream &log) {
    ImportTarget target;
    if (options.repository) {
        target.repository = open_or_create_repository(*options.repository);
        target.lock = std::make_unique<RepositoryLock>(target.repository->lock_file(), LockMode::shared, &log);
        const std::string name = options.model_name.empty() ? default_model_name(options.model) : options.model_name;
        check_model_name(name);
        target.store_dir = target.repository->model_store(name);
        remove_stale_temporaries(target.repository->blob_temporary_target());
    } else {
        target.store_dir = options.output_dir / "model.gmat";
        if (!fs::is_directory(options.output_dir) && !fs::create_directories(options.output_dir))
            throw GmatError(options.output_dir.string() + ": cannot create the output folder");
    }
    if (fs::exists(target.store_dir) && !options.force)
        throw GmatError(target.store_dir.string() + ": a store already exists here; pass --force to replace it");
    remove_stale_temporaries(target.store_dir);
    return target;
}
} // namespace

std::string default_model_name(const fs::path &model) {
    fs::path folder = fs::absolute(model_folder_of(model)).lexically_normal();
    if (folder.filename().empty()) folder = folder.parent_path();
    return folder.filename().string();
}

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
    if (reader.tensors().size() > kMaxImportTensors)
        throw GmatError(options.model.string() + ": lists " + std::to_string(reader.tensors().size()) +
                        " tensors; gmat imports at most " + std::to_string(kMaxImportTensors) +
                        " per checkpoint (the largest published models have about 150,000)");
    const fs::path model_dir = model_folder_of(options.model);
    ImportConfig config = options.config ? parse_import_config(*options.config)
                                         : generate_import_config(reader, model_dir / "config.json");
    const std::string config_name = options.config ? options.config->string() : "generated import config";
    validate_import_config(config, reader, config_name);
    if (options.block_format) {
        check_block_format(*options.block_format, "--block-format");
        config.block_format = *options.block_format;
    }
    if (const auto notice = seed_block_format_notice(config.block_format)) log << *notice << "\n";

    const ImportTarget target = prepare_target(options, log);
    const fs::path &store_dir = target.store_dir;
    const std::optional<RepositoryLayout> &repository = target.repository;
    const std::unique_ptr<DeltaBase> base =
        options.base ? std::make_unique<DeltaBase>(*options.base, store_dir,
                                                   repository ? repository->blobs_dir() : fs::path())
                     : nullptr;

    const std::vector<ImportItem> items = plan_items(reader, config);
    uint64_t total_bytes = 0;
    for (const auto &item : items) total_bytes += item.tensor.bytes;

    fs::create_directories(store_dir.parent_path()); // REPO/models/<name>, once the import is known to be valid
    TemporaryDirectory staged(temporary_sibling(store_dir));
    fs::create_directories(repository ? staged.path() : staged.path() / "tensors");
    log << "Importing " << items.size() << " tensors (" << human_bytes(total_bytes) << ") from "
        << options.model.string() << " into " << store_dir.string()
        << (base ? " as deltas against " + options.base->string() : std::string()) << "\n";
    const TensorSink sink{staged.path() / "tensors", repository ? &*repository : nullptr, base.get(),
                          tensor_encoding_for_block_format(config.block_format)};

    StoreMetadata metadata;
    ProgressLine progress("import", items.size(), total_bytes, options.progress);
    metadata.tensors = copy_tensors(reader, items, sink, options.threads, progress);
    progress.finish();

    copy_model_files(model_dir, staged.path(), metadata.model_files);
    metadata.config = std::move(config);
    if (repository)
        metadata.blobs_dir = fs::relative(fs::canonical(repository->blobs_dir()), fs::weakly_canonical(store_dir)).string();
    if (base) metadata.base_store = base->relative_path();
    write_store_metadata(staged.path(), metadata);
    install_store(staged, store_dir, options.force);

    ImportSummary summary{store_dir, items.size(), total_bytes, progress.seconds()};
    log << "Done! " << summary.tensors << " tensors, " << human_bytes(total_bytes) << " in " << summary.seconds << " s\n";
    return summary;
}

} // namespace gmat
