#include "pipeline/export_pipeline.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/progress.hpp"
#include "common/uninitialized_vector.hpp"
#include "pipeline/import_pipeline.hpp"
#include "store/mxfp4_repack.hpp"
#include "store/tensor_file_io.hpp"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>

namespace fs = std::filesystem;

namespace gmat {

namespace {

constexpr uint64_t kChunkValues = 1ull << 20; // 4 MiB of F32 per chunk in flight

// A chunk never crosses a part boundary of a stacked tensor, so one reader serves it.
struct Chunk {
    size_t tensor = 0;
    size_t part = 0;            // which store tensor of a stacked one; 0 otherwise
    uint64_t part_row_begin = 0; // row_begin within that part
    uint64_t row_begin = 0, row_end = 0;
    bool part_last = false;     // the part's payload is fully read after this chunk
    bool last = false;
    // Payload bytes of the part this chunk's rows stand for (in proportion to
    // its rows, as the verifier reads them): their mapped pages are given back
    // once the chunk is written, so resident memory is the chunks in flight,
    // not the largest tensor.
    uint64_t payload_from = 0, payload_to = 0;
    UninitializedVector<uint8_t> output; // every byte written by the quantizer
};

// Chunks belong to this pool, not to TBB: a pipeline cancelled by an
// exception does not destroy the items in flight (oneTBB 2021.8), so raw
// pointers cross it and the pool frees everything when the export ends.
class ChunkPool {
public:
    Chunk *take() {
        std::lock_guard lock(mutex_);
        if (free_.empty()) return owned_.emplace_back(std::make_unique<Chunk>()).get();
        Chunk *chunk = free_.back();
        free_.pop_back();
        Chunk fresh;
        fresh.output = std::move(chunk->output); // keeps its capacity
        *chunk = std::move(fresh);
        return chunk;
    }
    void give_back(Chunk *chunk) {
        std::lock_guard lock(mutex_);
        free_.push_back(chunk);
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Chunk>> owned_;
    std::vector<Chunk *> free_;
};

// Opens store tensors on first use. A raw payload is hashed here as chunks
// pass in order (verifier); an encoded one needs no verifier: read() checks
// every chunk it decodes against the chunk's checksum.
struct TensorSource {
    std::unique_ptr<TensorFileReader> reader;
    std::unique_ptr<PayloadVerifier> verifier;
};

// The store tensors behind t, in stacking order (one unless stacked; none if generated).
std::vector<const StoredTensor *> parts_of(const PlannedTensor &t) {
    if (!t.parts.empty()) return t.parts;
    if (t.stored) return {t.stored};
    return {};
}

uint64_t rows_per_part(const PlannedTensor &t) {
    return std::max<uint64_t>(1, t.n_rows / std::max<size_t>(1, t.parts.size()));
}

// Rows of one matrix: an expert's slice of a 3-D stack, else the whole tensor.
// Chunks never cross a matrix, so each quantizes with its own importance row.
uint64_t rows_per_matrix(const PlannedTensor &t) {
    return t.shape.size() >= 3 ? std::max<uint64_t>(1, t.shape[t.shape.size() - 2]) : std::max<uint64_t>(1, t.n_rows);
}

// Rows [row_begin, row_end) of the tensor; for a stacked tensor, rows of the
// chunk's part (reader) counted from part_row_begin. A raw payload is read
// in place from the mapped file; an encoded one through read(), which decodes
// only the chunks these rows lie in, so memory stays bounded by the rows of
// one pipeline chunk.
void fill_rows(const PlannedTensor &t, const TensorFileReader *reader, uint64_t row_begin, uint64_t row_end,
               uint64_t part_row_begin, UninitializedVector<float> &values) {
    values.resize((row_end - row_begin) * t.n_cols);
    if (t.generated) {
        std::copy(t.generated->values.begin() + row_begin * t.n_cols, t.generated->values.begin() + row_end * t.n_cols,
                  values.begin());
        return;
    }
    const gmat_dtype dtype = t.stored->dtype;
    if (t.stored->source.encoded()) { // FP8 / MXFP4 as shipped: dequantized here, row by row
        const SourceLayout &layout = t.stored->source;
        const uint64_t n = row_end - row_begin;
        if (!t.row_blocks.empty()) { // whole source rows of a fused tensor (GPT-OSS's MXFP4 gate_up_proj)
            if (t.row_blocks.transposed || t.row_blocks.strided_columns())
                throw GmatError(t.gguf_name + ": a transposed or column-strided slice of an encoded source tensor (uuid " +
                                t.stored->uuid + ") is not supported");
            for (uint64_t r = row_begin; r < row_end;) {
                const uint64_t run = std::min(row_end - r, t.row_blocks.rows - r % t.row_blocks.rows);
                const uint64_t from = t.row_blocks.source_row(r);
                decode_source_rows(layout, dtype, t.stored->shape, *reader, from, from + run,
                                   values.data() + (r - row_begin) * t.n_cols);
                r += run;
            }
            return;
        }
        if (t.permutation.empty()) {
            decode_source_rows(layout, dtype, t.stored->shape, *reader, part_row_begin, part_row_begin + n, values.data());
            return;
        }
        for (uint64_t r = row_begin; r < row_end; ++r)
            decode_source_rows(layout, dtype, t.stored->shape, *reader, t.permutation[r], t.permutation[r] + 1,
                               values.data() + (r - row_begin) * t.n_cols);
        return;
    }
    thread_local UninitializedVector<uint8_t> raw;
    const uint64_t row_bytes = t.n_cols * dtype_size(dtype);
    const size_t value_bytes = dtype_size(dtype);
    const uint64_t source_cols = t.stored->shape.back();
    const uint64_t column_stride = t.row_blocks.column_stride, column_offset = t.row_blocks.column_offset;
    if (t.row_blocks.transposed) { // rows of a block are columns of source rows
        // Only the source columns these output rows come from: a strip of
        // width columns out of each of the block's n_cols source rows.
        thread_local std::vector<float> strip;
        for (uint64_t r = row_begin; r < row_end;) {
            const uint64_t b = r / t.row_blocks.rows, first = r % t.row_blocks.rows;
            const uint64_t run = std::min(row_end - r, t.row_blocks.rows - first);
            const uint64_t first_column = column_offset + first * column_stride, width = (run - 1) * column_stride + 1;
            const uint64_t first_row = b * t.row_blocks.source_stride + t.row_blocks.source_offset;
            strip.resize(t.n_cols * width);
            for (uint64_t i = 0; i < t.n_cols; ++i)
                convert_to_f32(dtype,
                               reader->bytes(((first_row + i) * source_cols + first_column) * value_bytes,
                                            width * value_bytes, raw),
                               width, strip.data() + i * width);
            for (uint64_t j = 0; j < run; ++j)
                for (uint64_t i = 0; i < t.n_cols; ++i)
                    values[(r - row_begin + j) * t.n_cols + i] = strip[i * width + j * column_stride];
            r += run;
        }
        return;
    }
    if (!t.row_blocks.empty() && t.row_blocks.strided_columns()) { // every column_stride-th value of source rows
        thread_local std::vector<float> source_row;
        source_row.resize(source_cols);
        for (uint64_t r = row_begin; r < row_end; ++r) {
            convert_to_f32(dtype,
                           reader->bytes(t.row_blocks.source_row(r) * source_cols * value_bytes,
                                        source_cols * value_bytes, raw),
                           source_cols, source_row.data());
            float *out = values.data() + (r - row_begin) * t.n_cols;
            for (uint64_t i = 0; i < t.n_cols; ++i) out[i] = source_row[column_offset + i * column_stride];
        }
        return;
    }
    if (!t.row_blocks.empty()) { // a slice of a fused tensor: read each block's contiguous run at once
        for (uint64_t r = row_begin; r < row_end;) {
            const uint64_t run = std::min(row_end - r, t.row_blocks.rows - r % t.row_blocks.rows);
            convert_to_f32(dtype, reader->bytes(t.row_blocks.source_row(r) * row_bytes, run * row_bytes, raw),
                           run * t.n_cols, values.data() + (r - row_begin) * t.n_cols);
            r += run;
        }
        return;
    }
    if (t.permutation.empty()) {
        convert_to_f32(dtype, reader->bytes(part_row_begin * row_bytes, (row_end - row_begin) * row_bytes, raw),
                       values.size(), values.data());
        return;
    }
    for (uint64_t r = row_begin; r < row_end; ++r) // rows of one head: read() decodes their chunk once
        convert_to_f32(dtype, reader->bytes(t.permutation[r] * row_bytes, row_bytes, raw), t.n_cols,
                       values.data() + (r - row_begin) * t.n_cols);
}

// An MXFP4 source exported as MXFP4: its bytes are repacked, never requantized.
bool repacks_mxfp4(const PlannedTensor &t) {
    return t.stored && !t.generated && t.stored->source.scheme == SourceScheme::mxfp4 &&
           t.type->gguf_type() == kGgufTypeMxfp4 && t.permutation.empty() && !t.transform_values &&
           !t.row_blocks.transposed && !t.row_blocks.strided_columns();
}

std::string type_label(const QuantType &type) {
    std::string s = type.name();
    std::transform(s.begin(), s.end(), s.begin(), ::toupper);
    return s;
}

} // namespace

std::vector<fs::path> output_files(const fs::path &output, uint32_t shard_count) {
    if (shard_count <= 1) return {output};
    std::vector<fs::path> files;
    std::string stem = output.filename().string();
    if (stem.size() > 5 && stem.ends_with(".gguf")) stem.resize(stem.size() - 5);
    for (uint32_t i = 1; i <= shard_count; ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "-%05u-of-%05u.gguf", i, shard_count);
        files.push_back(output.parent_path() / (stem + name));
    }
    return files;
}

void quantize_tensors(const Store &store, const ExportPlan &plan, const ExportConfig &config, size_t begin, size_t end,
                      unsigned thread_count, bool progress, std::ostream &log, const TensorDataSink &sink) {
    QuantOptions quant;
    quant.strategy = config.scale_optimization == "standard" ? GMAT_SCALE_STANDARD : GMAT_SCALE_TRELLIS;
    quant.trellis_lambda = static_cast<float>(config.trellis_lambda);
    std::vector<std::vector<TensorSource>> sources(plan.tensors.size()); // [tensor][part]
    size_t next_tensor = begin;
    uint64_t next_row = 0;
    const int threads = thread_count ? static_cast<int>(thread_count) : tbb::this_task_arena::max_concurrency();
    ChunkPool pool;
    tbb::task_arena arena(threads);
    arena.execute([&] {
        tbb::parallel_pipeline(
            static_cast<size_t>(2 * threads),
            tbb::make_filter<void, Chunk *>(
                tbb::filter_mode::serial_in_order,
                [&](tbb::flow_control &fc) -> Chunk * {
                    if (next_tensor >= end) {
                        fc.stop();
                        return nullptr;
                    }
                    const PlannedTensor &t = plan.tensors[next_tensor];
                    const std::vector<const StoredTensor *> parts = parts_of(t);
                    const uint64_t part_rows = rows_per_part(t);
                    Chunk *chunk = pool.take();
                    chunk->tensor = next_tensor;
                    chunk->part = static_cast<size_t>(next_row / part_rows);
                    chunk->part_row_begin = next_row - chunk->part * part_rows;
                    const uint64_t part_end = std::min(t.n_rows, (chunk->part + 1) * part_rows);
                    if (sources[next_tensor].size() < parts.size()) sources[next_tensor].resize(parts.size());
                    TensorSource *src = parts.empty() ? nullptr : &sources[next_tensor][chunk->part];
                    if (src && !src->reader) {
                        const StoredTensor &part = *parts[chunk->part];
                        src->reader = store.open_tensor(part);
                        if (part.source.encoded() && !src->reader->encoded())
                            src->reader->verify(); // scales are read out of row order: check the whole payload first
                        else if (!src->reader->encoded())
                            src->verifier = std::make_unique<PayloadVerifier>(*src->reader);
                    }
                    const uint64_t rows_per_chunk = std::max<uint64_t>(1, kChunkValues / t.n_cols);
                    chunk->row_begin = next_row;
                    const uint64_t matrix_rows = rows_per_matrix(t);
                    const uint64_t matrix_end = (next_row / matrix_rows + 1) * matrix_rows;
                    chunk->row_end = std::min({part_end, matrix_end, next_row + rows_per_chunk});
                    chunk->part_last = chunk->row_end == part_end;
                    chunk->last = chunk->row_end == t.n_rows;
                    chunk->payload_from = chunk->payload_to = 0;
                    if (src) {
                        // The part's payload in proportion to the rows done, so a tensor that
                        // reads only some of its source rows (a fused slice) still checks all.
                        const uint64_t payload = parts[chunk->part]->bytes;
                        const uint64_t rows = part_end - (chunk->part * part_rows);
                        const auto at = [&](uint64_t row) {
                            return static_cast<uint64_t>(static_cast<unsigned __int128>(row) * payload / rows);
                        };
                        const uint64_t end_row = chunk->part_row_begin + (chunk->row_end - chunk->row_begin);
                        chunk->payload_from = at(chunk->part_row_begin);
                        chunk->payload_to = chunk->part_last ? payload : at(end_row);
                    }
                    if (src && src->verifier) {
                        src->verifier->update(chunk->payload_from, chunk->payload_to - chunk->payload_from);
                        if (chunk->part_last) src->verifier->finish(); // a corrupt tensor stops the export here
                    }
                    next_row = chunk->row_end;
                    if (chunk->last) ++next_tensor, next_row = 0;
                    return chunk;
                }) &
                tbb::make_filter<Chunk *, Chunk *>(
                    tbb::filter_mode::parallel,
                    [&](Chunk *chunk) {
                        thread_local UninitializedVector<float> values;
                        const PlannedTensor &t = plan.tensors[chunk->tensor];
                        const auto &tensor_sources = sources[chunk->tensor];
                        const TensorFileReader *reader =
                            tensor_sources.empty() ? nullptr : tensor_sources[chunk->part].reader.get();
                        if (repacks_mxfp4(t)) {
                            const uint64_t rows = chunk->row_end - chunk->row_begin, row_bytes = t.type->row_bytes(t.n_cols);
                            chunk->output.resize(rows * row_bytes);
                            if (t.row_blocks.empty()) {
                                repack_mxfp4_rows(t.stored->source, t.stored->shape, *reader, chunk->part_row_begin,
                                                  chunk->part_row_begin + rows, chunk->output.data());
                                return chunk;
                            }
                            for (uint64_t r = chunk->row_begin; r < chunk->row_end;) { // whole source rows of a slice
                                const uint64_t run =
                                    std::min(chunk->row_end - r, t.row_blocks.rows - r % t.row_blocks.rows);
                                const uint64_t from = t.row_blocks.source_row(r);
                                repack_mxfp4_rows(t.stored->source, t.stored->shape, *reader, from, from + run,
                                                  chunk->output.data() + (r - chunk->row_begin) * row_bytes);
                                r += run;
                            }
                            return chunk;
                        }
                        fill_rows(t, reader, chunk->row_begin, chunk->row_end, chunk->part_row_begin, values);
                        if (t.transform_values)
                            plan.architecture_module->transform_values(t.gguf_name, values.data(), values.size(),
                                                                       *plan.hf_config);
                        const uint64_t rows = chunk->row_end - chunk->row_begin;
                        chunk->output.resize(rows * t.type->row_bytes(t.n_cols));
                        QuantOptions options = quant;
                        if (t.importance)
                            options.importance = t.importance->data() + (t.importance->size() == t.n_cols
                                                                             ? 0
                                                                             : chunk->row_begin / rows_per_matrix(t) * t.n_cols);
                        try {
                            t.type->quantize_rows(values.data(), rows, t.n_cols, options, chunk->output.data());
                        } catch (const GmatError &e) {
                            const StoredTensor *part = t.stored ? parts_of(t)[chunk->part] : nullptr;
                            throw GmatError(t.gguf_name + (part ? " (uuid " + part->uuid + ")" : std::string()) +
                                            ", rows " + std::to_string(chunk->row_begin) + "-" +
                                            std::to_string(chunk->row_end) + ": " + e.what());
                        }
                        return chunk;
                    }) &
                tbb::make_filter<Chunk *, void>(
                    tbb::filter_mode::serial_in_order, [&](Chunk *chunk) {
                        const std::unique_ptr<Chunk, std::function<void(Chunk *)>> returned(
                            chunk, [&](Chunk *c) { pool.give_back(c); });
                        sink(chunk->output.data(), chunk->output.size());
                        const PlannedTensor &t = plan.tensors[chunk->tensor];
                        if (!sources[chunk->tensor].empty()) {
                            TensorSource &src = sources[chunk->tensor][chunk->part];
                            if (src.reader && !chunk->part_last && chunk->payload_to > chunk->payload_from)
                                src.reader->release_pages(chunk->payload_from, chunk->payload_to - chunk->payload_from);
                            if (chunk->part_last) {
                                if (src.reader) src.reader->release_pages(0, parts_of(t)[chunk->part]->bytes);
                                src = {};
                            }
                        }
                        if (!chunk->last) return;
                        sources[chunk->tensor].clear();
                        if (progress)
                            log << "[" << chunk->tensor + 1 << "/" << plan.tensors.size() << "] " << t.gguf_name << " ["
                                << shape_string(t.shape) << "] -> " << type_label(*t.type)
                                << (t.fallback ? " (fallback)" : "") << std::endl;
                    }));
    });
}

ExportSummary run_export(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                         const PluginRegistry &registry, const ExportRunOptions &options, std::ostream &log) {
    const auto start = std::chrono::steady_clock::now();
    QuantOptions quant;
    quant.strategy = config.scale_optimization == "standard" ? GMAT_SCALE_STANDARD : GMAT_SCALE_TRELLIS;
    quant.trellis_lambda = static_cast<float>(config.trellis_lambda);

    log << "Exporting to " << config.target_format << ": " << options.output.string()
        << (plan.shard_count > 1 ? " (" + std::to_string(plan.shard_count) + " shards)" : std::string()) << "\n"
        << "Scale optimization: " << config.scale_optimization
        << (quant.strategy == GMAT_SCALE_TRELLIS ? " { lambda: " + std::to_string(config.trellis_lambda).substr(0, 4) + " }" : "")
        << "\n";
    for (const auto &note : plan.notes) log << "Note: " << note << "\n";
    log << "\nProcessing " << plan.tensors.size() << " tensors...\n";

    for (const auto &file : output_files(options.output, plan.shard_count)) remove_stale_temporaries(file);
    OutputWriter writer = registry.create_writer(config.target_format, options.output, plan.shard_count);
    writer.set_all(plan.metadata);
    for (const auto &t : plan.tensors) writer.add_tensor(t.gguf_name, t.type->gguf_type(), t.ggml_ne(), t.bytes, t.shard);

    quantize_tensors(store, plan, config, 0, plan.tensors.size(), options.threads, options.progress, log,
                     [&](const void *data, uint64_t n) { writer.write_tensor_data(data, n); });
    writer.commit();

    ExportSummary summary;
    summary.files = output_files(options.output, plan.shard_count);
    summary.tensors = plan.tensors.size();
    summary.bytes = plan.total_bytes;
    summary.bits_per_weight = plan.bits_per_weight();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char bpw[32];
    std::snprintf(bpw, sizeof bpw, "%.2f", summary.bits_per_weight);
    log << "Done! " << summary.tensors << " tensors, " << summary.bytes << " bytes (" << human_bytes(summary.bytes)
        << ", " << bpw << " bits per weight) in " << summary.seconds << " s\n";
    for (const auto &f : summary.files) log << "Wrote " << f.string() << "\n";
    return summary;
}

} // namespace gmat
