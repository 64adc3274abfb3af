#include "pipeline/import_pipeline.hpp"

#include "common/atomic_file.hpp"
#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/progress.hpp"
#include "config/import_config.hpp"
#include "distributed/balanced_split.hpp"
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
#include <chrono>
#include <map>
#include <set>
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
    if (scales.dtype == GMAT_DTYPE_U8) value = e8m0_to_float(data[bad]); // F8_E8M0 converts as a float dtype
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
        // Parts run on several machines at once: a blob temporary whose pid is
        // unknown here may be another machine's live write. --assemble cleans up.
        if (!options.part) remove_stale_temporaries(target.repository->blob_temporary_target());
        if (options.part) { // a part's partial store; an earlier attempt's is replaced
            if (fs::exists(target.store_dir) && !options.force)
                throw GmatError(target.store_dir.string() + ": a store already exists here; pass --force to replace it");
            target.store_dir = target.repository->model_store(name + "." + part_suffix(options.part->first,
                                                                                       options.part->second));
            remove_stale_temporaries(target.store_dir);
            return target;
        }
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

// The source files (by file name, sorted) with the bytes of their items.
std::vector<std::pair<std::string, uint64_t>> source_files(const SourceReader &reader,
                                                           const std::vector<ImportItem> &items) {
    std::map<std::string, uint64_t> bytes;
    for (const auto &file : reader.tensors()) bytes.emplace(fs::path(file.source_file).filename().string(), 0);
    for (const auto &item : items)
        bytes[fs::path(reader.tensors()[item.parts.front()].source_file).filename().string()] += item.tensor.bytes;
    return {bytes.begin(), bytes.end()};
}

// The items whose source files fall to part `part` of `parts` (whole files, balanced by bytes).
std::vector<ImportItem> items_of_part(const SourceReader &reader, const std::vector<ImportItem> &items, uint32_t part,
                                      uint32_t parts) {
    const auto files = source_files(reader, items);
    std::vector<uint64_t> weights;
    for (const auto &f : files) weights.push_back(f.second);
    const auto [first, end] = balanced_range(weights, part, parts);
    std::set<std::string> mine;
    for (size_t i = first; i < end; ++i) mine.insert(files[i].first);
    std::vector<ImportItem> selected;
    for (const auto &item : items)
        if (mine.contains(fs::path(reader.tensors()[item.parts.front()].source_file).filename().string()))
            selected.push_back(item);
    return selected;
}

std::string config_text(const ImportConfig &config) {
    return json::to_pretty_string(import_config_to_json(config));
}

// A part's partial store lists only its own tensors: the others are excluded
// in its config (include: false), so it is a valid store gc and Store::open read.
void exclude_all_but(ImportConfig &config, const std::vector<ImportItem> &items) {
    std::set<std::string> mine;
    for (const auto &item : items) mine.insert(item.tensor.uuid);
    for (auto &m : config.tensor_map)
        if (!mine.contains(m.target)) m.include = false;
}

// The config text a partial store of these items records, config left as it was.
std::string partial_config_text(ImportConfig &config, const std::vector<ImportItem> &items) {
    std::vector<bool> saved;
    for (const auto &m : config.tensor_map) saved.push_back(m.include);
    exclude_all_but(config, items);
    std::string text = config_text(config);
    for (size_t i = 0; i < saved.size(); ++i) config.tensor_map[i].include = saved[i];
    return text;
}

// --assemble: checks every partial store of <name> (all parts present, one
// split, made from this checkpoint and config, each holding exactly its
// files' tensors), then writes the model's store with the tensors in import
// order, as a one-machine import would, and removes the partial stores.
ImportSummary assemble_parts(const SourceReader &reader, const std::vector<ImportItem> &items, ImportConfig &config,
                             const ImportTarget &target, const fs::path &model_dir, const ImportOptions &options,
                             std::ostream &log) {
    const auto start = std::chrono::steady_clock::now();
    const RepositoryLayout &repo = *target.repository;
    const std::string name = target.store_dir.parent_path().filename().string();
    const std::string prefix = name + ".part-";
    std::map<uint32_t, std::vector<std::pair<uint32_t, fs::path>>> by_count; // count -> (index, folder)
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(repo.models_dir(), ec)) {
        const std::string folder = entry.path().filename().string();
        unsigned index = 0, count = 0;
        char tail = 0;
        if (folder.rfind(prefix, 0) != 0 ||
            std::sscanf(folder.c_str() + prefix.size(), "%u-of-%u%c", &index, &count, &tail) != 2 || index == 0 ||
            index > count || folder != name + "." + part_suffix(index - 1, count))
            continue;
        by_count[count].emplace_back(index - 1, entry.path());
    }
    const auto refuse = [&](const std::vector<std::string> &problems) {
        std::string message = "cannot assemble " + target.store_dir.string() + "; nothing was written:";
        for (const auto &p : problems) message += "\n  " + p;
        throw GmatError(message);
    };
    if (by_count.empty())
        throw GmatError("cannot assemble " + target.store_dir.string() + ": no partial stores (" +
                        (repo.models_dir() / (name + ".part-0000I-of-0000N")).string() +
                        "); run `gmat import ... --into " + repo.root().string() + " --part I/N` for every part first");
    if (by_count.size() > 1) {
        std::vector<std::string> problems{"partial stores of different splits; remove the stale ones:"};
        for (const auto &[count, folders] : by_count)
            problems.push_back("  " + std::to_string(folders.size()) + " of a " + std::to_string(count) +
                               "-part split, e.g. " + folders.front().second.string());
        refuse(problems);
    }
    const uint32_t parts = by_count.begin()->first;
    std::vector<fs::path> folder_of(parts);
    for (const auto &[index, folder] : by_count.begin()->second) folder_of[index] = folder;
    std::vector<std::string> problems;
    std::map<std::string, StoredTensor> imported; // uuid -> tensor
    for (uint32_t i = 0; i < parts; ++i) {
        const std::string label = "part " + std::to_string(i) + " of " + std::to_string(parts);
        const fs::path store_dir = repo.model_store(name + "." + part_suffix(i, parts));
        if (folder_of[i].empty() || !fs::exists(store_dir / "metadata.json")) {
            problems.push_back(store_dir.string() + ": missing (" + label + " has not finished; run `--part " +
                               std::to_string(i) + "/" + std::to_string(parts) + "` again)");
            continue;
        }
        std::optional<Store> partial;
        try {
            partial.emplace(Store::open(store_dir));
        } catch (const GmatError &e) {
            problems.push_back(std::string(e.what()) + " (" + label + "; run it again)");
            continue;
        }
        const std::vector<ImportItem> part_items = items_of_part(reader, items, i, parts);
        if (config_text(partial->metadata().config) != partial_config_text(config, part_items)) {
            problems.push_back(store_dir.string() + ": imported with another import config or block format (" + label +
                               "; run it again with this one)");
            continue;
        }
        std::set<std::string> expected;
        for (const auto &item : part_items) expected.insert(item.tensor.uuid);
        std::set<std::string> have;
        for (const auto &t : partial->tensors()) have.insert(t.uuid);
        if (have != expected) {
            problems.push_back(store_dir.string() + ": holds " + std::to_string(have.size()) + " tensors, " + label +
                               " of this checkpoint has " + std::to_string(expected.size()) +
                               " (another checkpoint or split); run it again");
            continue;
        }
        for (const auto &t : partial->tensors()) imported[t.uuid] = t;
    }
    if (!problems.empty()) refuse(problems);

    StoreMetadata metadata;
    uint64_t total_bytes = 0;
    for (const auto &item : items) {
        const StoredTensor &t = imported.at(item.tensor.uuid);
        if (t.name != item.tensor.name || t.dtype != item.tensor.dtype || t.shape != item.tensor.shape ||
            t.bytes != item.tensor.bytes)
            problems.push_back(item.tensor.uuid + " ('" + item.tensor.name + "'): the partial store's tensor differs "
                               "from the checkpoint's (name, dtype, shape or size); run its part again");
        metadata.tensors.push_back(t);
        total_bytes += t.bytes;
    }
    if (!problems.empty()) refuse(problems);
    fs::create_directories(target.store_dir.parent_path());
    TemporaryDirectory staged(temporary_sibling(target.store_dir));
    fs::create_directories(staged.path());
    copy_model_files(model_dir, staged.path(), metadata.model_files);
    metadata.config = std::move(config);
    metadata.blobs_dir =
        fs::relative(fs::canonical(repo.blobs_dir()), fs::weakly_canonical(target.store_dir)).string();
    // Every partial store of one repository recorded the same base, if any.
    if (options.base) {
        const Store first = Store::open(repo.model_store(name + "." + part_suffix(0, parts)));
        if (!first.metadata().base_store.empty())
            metadata.base_store = fs::relative(fs::weakly_canonical(first.dir() / first.metadata().base_store),
                                               fs::weakly_canonical(target.store_dir))
                                      .string();
    }
    write_store_metadata(staged.path(), metadata);
    install_store(staged, target.store_dir, options.force);
    for (uint32_t i = 0; i < parts; ++i) fs::remove_all(repo.models_dir() / (name + "." + part_suffix(i, parts)), ec);
    ImportSummary summary{target.store_dir, items.size(), total_bytes,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
    log << "Assembled " << target.store_dir.string() << " from " << parts << " parts: " << items.size()
        << " tensors, " << human_bytes(total_bytes) << "\n";
    return summary;
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
        long pid = 0;
        std::string host;
        if (!temporary_owner(entry.path().filename().string(), prefix, pid, host)) continue;
        // Another machine's pid says nothing here (a shared file system): its
        // temporaries wait for `gmat gc`, which runs when no import does.
        if (!host.empty() && host != this_host()) continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
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

    std::vector<ImportItem> items = plan_items(reader, config);
    if (options.assemble) return assemble_parts(reader, items, config, target, model_dir, options, log);
    if (options.part) items = items_of_part(reader, items, options.part->first, options.part->second);
    uint64_t total_bytes = 0;
    for (const auto &item : items) total_bytes += item.tensor.bytes;

    fs::create_directories(store_dir.parent_path()); // REPO/models/<name>, once the import is known to be valid
    TemporaryDirectory staged(temporary_sibling(store_dir));
    fs::create_directories(repository ? staged.path() : staged.path() / "tensors");
    log << "Importing " << items.size() << " tensors (" << human_bytes(total_bytes) << ") from "
        << options.model.string() << " into " << store_dir.string()
        << (options.part ? " (part " + std::to_string(options.part->first) + " of " + std::to_string(options.part->second) + ")"
                         : std::string())
        << (base ? " as deltas against " + options.base->string() : std::string()) << "\n";
    const TensorSink sink{staged.path() / "tensors", repository ? &*repository : nullptr, base.get(),
                          tensor_encoding_for_block_format(config.block_format)};

    StoreMetadata metadata;
    ProgressLine progress("import", items.size(), total_bytes, options.progress);
    metadata.tensors = copy_tensors(reader, items, sink, options.threads, progress);
    progress.finish();

    copy_model_files(model_dir, staged.path(), metadata.model_files);
    if (options.part) exclude_all_but(config, items);
    metadata.config = std::move(config);
    if (repository)
        metadata.blobs_dir = fs::relative(fs::canonical(repository->blobs_dir()), fs::weakly_canonical(store_dir)).string();
    if (base) metadata.base_store = base->relative_path();
    write_store_metadata(staged.path(), metadata);
    install_store(staged, store_dir, options.force || options.part.has_value()); // a part replaces its earlier attempt

    ImportSummary summary{store_dir, items.size(), total_bytes, progress.seconds()};
    log << "Done! " << summary.tensors << " tensors, " << human_bytes(total_bytes) << " in " << summary.seconds << " s\n";
    return summary;
}

} // namespace gmat
