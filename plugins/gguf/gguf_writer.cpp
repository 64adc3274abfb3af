#include "gguf_writer.hpp"

#include "gguf_format.hpp"
#include "kv_encoding.hpp"
#include "shard_naming.hpp"

#include <climits>
#include <cstring>

namespace gmat::gguf {

namespace {

// The keys llama.cpp's loader reads to stitch shards together; the writer
// derives them from the shard count, so the host must not set them.
constexpr const char *kSplitNoKey = "split.no";
constexpr const char *kSplitCountKey = "split.count";
constexpr const char *kSplitTensorsKey = "split.tensors.count";

constexpr uint32_t kMaxShards = 65535; // split.count is a u16

[[noreturn]] void refuse(const std::string &context, const std::string &what) {
    throw sdk::Error(GMAT_ERROR_INVALID_ARGUMENT, context + ": " + what);
}

std::string text_or_empty(const char *s) { return s != nullptr ? s : ""; }

} // namespace

GgufWriter::GgufWriter(const char *path, uint32_t shard_count)
    : path_(text_or_empty(path)), shard_count_(shard_count), alignment_(kDefaultAlignment) {
    if (path_.empty()) refuse("gguf writer", "output path is empty");
    if (shard_count == 0 || shard_count > kMaxShards)
        refuse(path_.string(), "shard count " + std::to_string(shard_count) + " is out of range (1.." +
                                   std::to_string(kMaxShards) + ")");
    // Every shard's temporary file is created now, so an unwritable folder
    // fails here rather than after minutes of quantization.
    for (const auto &shard_path : shard_paths(path_, shard_count)) {
        shards_.emplace_back();
        shards_.back().file = std::make_unique<StagedFile>(shard_path);
    }
}

GgufWriter::~GgufWriter() { discard(); }

std::string GgufWriter::key_context(const std::string &key) const {
    return path_.string() + ": metadata key '" + key + "'";
}

std::string GgufWriter::tensor_context(const Tensor &tensor) const {
    return shards_[tensor.shard].file->final_path().string() + ": tensor '" + tensor.info.name + "'";
}

void GgufWriter::require_phase(Phase expected, const std::string &context, const char *action) const {
    if (phase_ == expected) return;
    switch (phase_) {
    case Phase::failed: refuse(context, std::string("cannot ") + action + ": an earlier write failed");
    case Phase::finished:
        refuse(context, std::string("cannot ") + action + ": the output was already committed or discarded");
    default:
        refuse(context, std::string("cannot ") + action +
                            " after tensor data started; set all metadata and declare all tensors first");
    }
}

void GgufWriter::check_new_key(const std::string &key, const std::string &context) const {
    if (key.empty()) refuse(context, "metadata key is empty");
    if (key == kSplitNoKey || key == kSplitCountKey || key == kSplitTensorsKey)
        refuse(context, "this key is written by the gguf writer itself from the shard count");
    if (keys_.contains(key)) refuse(context, "duplicate metadata key");
}

uint32_t GgufWriter::checked_alignment(gmat_value_type type, const void *value, const std::string &context) const {
    if (type != GMAT_VALUE_U32) refuse(context, "must be a u32 (value type " + std::to_string(GMAT_VALUE_U32) + ")");
    uint32_t alignment = 0;
    std::memcpy(&alignment, value, sizeof alignment);
    if (!is_power_of_two(alignment)) refuse(context, std::to_string(alignment) + " is not a power of two");
    return alignment;
}

void GgufWriter::set_value(const char *key, gmat_value_type type, const void *value) {
    const std::string name = text_or_empty(key);
    const std::string context = key_context(name);
    require_phase(Phase::declaring, context, "set metadata");
    check_new_key(name, context);
    std::vector<uint8_t> encoded = encode_scalar_kv(name, type, value, context);
    if (name == kAlignmentKey) alignment_ = checked_alignment(type, value, context);
    kvs_.push_back({name, std::move(encoded)});
    keys_.insert(name);
}

void GgufWriter::set_array(const char *key, gmat_value_type element_type, const void *elements, uint64_t count) {
    const std::string name = text_or_empty(key);
    const std::string context = key_context(name);
    require_phase(Phase::declaring, context, "set metadata");
    check_new_key(name, context);
    if (name == kAlignmentKey) refuse(context, "must be a u32 scalar, not an array");
    kvs_.push_back({name, encode_array_kv(name, element_type, elements, count, context)});
    keys_.insert(name);
}

void GgufWriter::check_tensor_declaration(const std::string &name, uint32_t n_dims, const uint64_t *ne,
                                          uint32_t shard, const std::string &context) const {
    if (name.empty()) refuse(context, "tensor name is empty");
    if (name.size() > kMaxNameBytes)
        refuse(context, "name is " + std::to_string(name.size()) + " bytes; GGUF readers accept at most " +
                            std::to_string(kMaxNameBytes));
    if (tensor_names_.contains(name)) refuse(context, "duplicate tensor name");
    if (n_dims == 0 || n_dims > kMaxDims)
        refuse(context, std::to_string(n_dims) + " dimensions; GGUF readers accept 1.." + std::to_string(kMaxDims));
    if (ne == nullptr) refuse(context, "shape pointer is null");
    if (shard >= shard_count_)
        refuse(context, "shard index " + std::to_string(shard) + " is out of range (the output has " +
                            std::to_string(shard_count_) + " shards, numbered from 0)");
}

void GgufWriter::add_tensor(const char *name, uint32_t gguf_type, uint32_t n_dims, const uint64_t *ne,
                            uint64_t n_bytes, uint32_t shard) {
    const std::string tensor_name = text_or_empty(name);
    const std::string context = path_.string() + ": tensor '" + tensor_name + "'";
    require_phase(Phase::declaring, context, "add a tensor");
    check_tensor_declaration(tensor_name, n_dims, ne, shard, context);
    if (shard_count_ > 1 && tensors_.size() >= INT32_MAX)
        refuse(context, "too many tensors for split.tensors.count (an i32)");
    tensors_.push_back({{tensor_name, gguf_type, std::vector<uint64_t>(ne, ne + n_dims), n_bytes, 0}, shard});
    shards_[shard].tensors.push_back(tensors_.size() - 1);
    tensor_names_.insert(tensor_name);
}

// Freezes the layout: from here on metadata and declarations are final, so
// every tensor's offset within its shard's data section is known.
void GgufWriter::start_data() {
    for (Shard &shard : shards_) {
        uint64_t offset = 0;
        for (size_t index : shard.tensors) {
            tensors_[index].info.offset = offset;
            offset += padded_size(tensors_[index].info.n_bytes, alignment_);
        }
    }
    phase_ = Phase::streaming;
}

std::vector<GgufWriter::Kv> GgufWriter::writer_kvs(uint32_t shard) const {
    if (shard_count_ == 1) return {};
    std::vector<Kv> kvs;
    kvs.push_back({kSplitNoKey, encode_kv(kSplitNoKey, GMAT_VALUE_U16, static_cast<uint16_t>(shard))});
    kvs.push_back({kSplitCountKey, encode_kv(kSplitCountKey, GMAT_VALUE_U16, static_cast<uint16_t>(shard_count_))});
    kvs.push_back(
        {kSplitTensorsKey, encode_kv(kSplitTensorsKey, GMAT_VALUE_I32, static_cast<int32_t>(tensors_.size()))});
    // The alignment is a property of each file's layout, not model metadata:
    // later shards repeat it so their data is laid out like the first's.
    if (shard != 0 && keys_.contains(kAlignmentKey))
        kvs.push_back({kAlignmentKey, encode_kv(kAlignmentKey, GMAT_VALUE_U32, alignment_)});
    return kvs;
}

void GgufWriter::write_header(uint32_t shard_index) {
    Shard &shard = shards_[shard_index];
    const std::vector<Kv> own_kvs = writer_kvs(shard_index);
    std::vector<const std::vector<uint8_t> *> kvs;
    if (shard_index == 0)
        for (const Kv &kv : kvs_) kvs.push_back(&kv.encoded);
    for (const Kv &kv : own_kvs) kvs.push_back(&kv.encoded);
    std::vector<const TensorInfo *> infos;
    for (size_t index : shard.tensors) infos.push_back(&tensors_[index].info);
    const std::vector<uint8_t> header = encode_header(kvs, infos, alignment_);
    shard.file->write(header.data(), header.size());
    shard.header_written = true;
}

void GgufWriter::skip_unwritten_tensors() {
    while (current_written_ == 0 && current_tensor_ < tensors_.size() &&
           (tensors_[current_tensor_].info.n_bytes == 0 || !shards_[tensors_[current_tensor_].shard].selected))
        ++current_tensor_;
}

void GgufWriter::select_shards(const uint32_t *shards, uint32_t count) {
    const std::string context = path_.string() + ": selecting shards";
    require_phase(Phase::declaring, context, "select shards");
    if (count > 0 && shards == nullptr) refuse(context, "shard list pointer is null");
    std::vector<bool> chosen(shard_count_, false);
    for (uint32_t i = 0; i < count; ++i) {
        if (shards[i] >= shard_count_)
            refuse(context, "shard index " + std::to_string(shards[i]) + " is out of range (the output has " +
                                std::to_string(shard_count_) + " shards, numbered from 0)");
        if (i > 0 && shards[i] <= shards[i - 1]) refuse(context, "shard indices must be ascending and distinct");
        chosen[shards[i]] = true;
    }
    for (uint32_t i = 0; i < shard_count_; ++i) {
        shards_[i].selected = chosen[i];
        if (!chosen[i]) shards_[i].file->remove(); // another machine writes it
    }
}

void GgufWriter::finish_current_tensor() {
    const Tensor &tensor = tensors_[current_tensor_];
    shards_[tensor.shard].file->write_zeros(padded_size(tensor.info.n_bytes, alignment_) - tensor.info.n_bytes);
    ++current_tensor_;
    current_written_ = 0;
}

void GgufWriter::write_tensor_data(const void *data, uint64_t n_bytes) {
    if (phase_ == Phase::declaring) start_data();
    require_phase(Phase::streaming, path_.string() + ": tensor data", "write tensor data");
    skip_unwritten_tensors();
    if (n_bytes == 0) return;
    if (current_tensor_ == tensors_.size())
        refuse(path_.string(), "received " + std::to_string(n_bytes) + " bytes of tensor data after all " +
                                   std::to_string(tensors_.size()) + " declared tensors were complete");
    const Tensor &tensor = tensors_[current_tensor_];
    const uint64_t remaining = tensor.info.n_bytes - current_written_;
    if (n_bytes > remaining)
        refuse(tensor_context(tensor), "received " + std::to_string(n_bytes) + " bytes but only " +
                                           std::to_string(remaining) + " of its declared " +
                                           std::to_string(tensor.info.n_bytes) + " bytes remain");
    if (data == nullptr) refuse(tensor_context(tensor), "data pointer is null");
    try {
        if (!shards_[tensor.shard].header_written) write_header(tensor.shard);
        shards_[tensor.shard].file->write(data, n_bytes);
        current_written_ += n_bytes;
        if (current_written_ == tensor.info.n_bytes) finish_current_tensor();
    } catch (...) {
        phase_ = Phase::failed; // a file may hold a partial write now
        throw;
    }
}

void GgufWriter::require_all_data() {
    skip_unwritten_tensors();
    if (current_tensor_ == tensors_.size()) return;
    const Tensor &tensor = tensors_[current_tensor_];
    const size_t later = tensors_.size() - current_tensor_ - 1;
    const std::string and_later =
        later > 0 ? " (and " + std::to_string(later) + " later tensors were not written)" : "";
    refuse(tensor_context(tensor), "received only " + std::to_string(current_written_) + " of its declared " +
                                       std::to_string(tensor.info.n_bytes) + " bytes before commit" + and_later);
}

void GgufWriter::commit() {
    if (phase_ == Phase::declaring) start_data();
    require_phase(Phase::streaming, path_.string(), "commit");
    try {
        require_all_data();
        std::vector<StagedFile *> files;
        for (uint32_t i = 0; i < shard_count_; ++i) {
            if (!shards_[i].selected) continue;
            if (!shards_[i].header_written) write_header(i); // a shard without tensor data
            shards_[i].file->finish();
            files.push_back(shards_[i].file.get());
        }
        publish_all(files);
        phase_ = Phase::finished;
    } catch (...) {
        phase_ = Phase::failed;
        throw;
    }
}

void GgufWriter::discard() noexcept {
    if (phase_ == Phase::finished) return;
    for (Shard &shard : shards_) shard.file->remove();
    phase_ = Phase::finished;
}

} // namespace gmat::gguf
