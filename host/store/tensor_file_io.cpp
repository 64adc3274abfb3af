#include "store/tensor_file_io.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "store/codec_chunk_cache.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gmat {

namespace {
void write_all(int fd, const void *data, uint64_t n, const std::filesystem::path &file) {
    const auto *p = static_cast<const uint8_t *>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw GmatError(file.string() + ": write failed: " + std::strerror(errno));
        p += w;
        n -= static_cast<uint64_t>(w);
    }
}

std::string mismatch_message(const TensorFileReader &r, uint64_t actual) {
    return r.file().string() + ": " + r.describe() + " is corrupt: payload checksum " +
           checksum_string(actual) + " differs from the recorded " + checksum_string(r.header().payload_checksum);
}

// A delta's decode reads its base's bytes; a base may itself be a delta, so
// each nesting level gets its own per-thread buffer.
struct BaseScratch {
    std::deque<std::vector<uint8_t>> by_depth; // growing keeps references to outer levels valid
    size_t depth = 0;
};
thread_local BaseScratch base_scratch;
struct DepthGuard {
    DepthGuard() { ++base_scratch.depth; }
    ~DepthGuard() { --base_scratch.depth; }
};
} // namespace

// ---- writing ----------------------------------------------------------------

TensorFileWriter::TensorFileWriter(const std::filesystem::path &file, TensorFileHeader header, TensorWriteOptions options)
    : file_(file), header_(std::move(header)) {
    if (options.base || options.encoding != TensorEncoding::raw) start_encoding(options);
    // Encoding first checks the header (name length, dimensions) before anything
    // exists: a constructor that throws later gets no destructor call.
    const auto placeholder = encode_tensor_header(header_);
    header_size_ = placeholder.size();
    fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw GmatError(file.string() + ": cannot create: " + std::strerror(errno));
    try {
        write_all(fd_, placeholder.data(), placeholder.size(), file_);
    } catch (...) {
        ::close(fd_);
        ::unlink(file_.c_str());
        throw;
    }
    hash_ = XXH3_createState();
    XXH3_64bits_reset(hash_);
}

void TensorFileWriter::start_encoding(const TensorWriteOptions &options) {
    const size_t element = dtype_size(header_.dtype);
    if (options.chunk_bytes == 0 || options.chunk_bytes > kMaxChunkBytes || options.chunk_bytes % element != 0)
        throw GmatError(file_.string() + ": chunk size " + std::to_string(options.chunk_bytes) +
                        " is not a positive multiple of the element size up to 64 MiB");
    header_.encoding = options.base ? TensorEncoding::zstd_planes_delta : options.encoding;
    if (header_.encoding == TensorEncoding::zstd_planes_delta && !options.base)
        throw GmatError(file_.string() + ": a delta tensor file needs a base tensor");
    header_.chunk_bytes = options.chunk_bytes;
    if (options.base) {
        const TensorFileHeader &b = options.base->header();
        if (b.payload_bytes != header_.payload_bytes)
            throw GmatError(file_.string() + ": tensor '" + header_.name + "' has " + std::to_string(header_.payload_bytes) +
                            " bytes but its base " + options.base->file().string() + " (" + options.base->describe() +
                            ") has " + std::to_string(b.payload_bytes) + "; a delta needs a base of the same size");
        header_.base_checksum = b.payload_checksum;
        header_.base_ref = options.base_ref;
        base_ = options.base;
    }
    encoder_ = std::make_unique<ChunkEncoder>(element, options.zstd_level);
    pending_.reserve(options.chunk_bytes);
}

TensorFileWriter::~TensorFileWriter() {
    if (hash_) XXH3_freeState(hash_);
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(file_.c_str());
    }
}

void TensorFileWriter::append(const void *data, uint64_t n_bytes) {
    if (written_ + n_bytes > header_.payload_bytes)
        throw GmatError(file_.string() + ": more payload than the declared " + std::to_string(header_.payload_bytes) + " bytes");
    XXH3_64bits_update(hash_, data, n_bytes);
    if (!encoder_) {
        write_all(fd_, data, n_bytes, file_);
        written_ += n_bytes;
        return;
    }
    const auto *p = static_cast<const uint8_t *>(data);
    const uint64_t chunk = header_.chunk_bytes;
    while (n_bytes > 0) {
        uint64_t take = chunk;
        if (pending_.empty() && n_bytes >= chunk) { // a whole chunk straight from the caller's buffer
            write_chunk(p, chunk);
        } else {
            take = std::min<uint64_t>(n_bytes, chunk - pending_.size());
            pending_.insert(pending_.end(), p, p + take);
            if (pending_.size() == chunk) {
                write_chunk(pending_.data(), chunk);
                pending_.clear();
            }
        }
        p += take, n_bytes -= take, written_ += take;
    }
}

void TensorFileWriter::write_chunk(const uint8_t *data, uint64_t n_bytes) {
    const uint64_t offset = index_.size() * static_cast<uint64_t>(header_.chunk_bytes);
    const uint8_t *base = nullptr;
    if (base_) {
        base_bytes_.resize(n_bytes);
        base_->read(offset, n_bytes, base_bytes_.data());
        base = base_bytes_.data();
    }
    const ChunkCoding coding = encoder_->encode(data, n_bytes, base, stored_);
    used_base_ |= coding == ChunkCoding::delta_planes_zstd;
    write_all(fd_, stored_.data(), stored_.size(), file_);
    index_.push_back({stored_offset_, static_cast<uint32_t>(stored_.size()), coding,
                      XXH3_64bits(stored_.data(), stored_.size()), XXH3_64bits(data, n_bytes)});
    stored_offset_ += stored_.size();
}

void TensorFileWriter::finish_encoded() {
    if (!pending_.empty()) write_chunk(pending_.data(), pending_.size());
    pending_.clear();
    const auto index = encode_chunk_index(index_);
    write_all(fd_, index.data(), index.size(), file_);
    header_.stored_bytes = stored_offset_ + index.size();
    header_.index_checksum = XXH3_64bits(index.data(), index.size());
    if (header_.encoding == TensorEncoding::zstd_planes_delta && !used_base_) {
        header_.encoding = TensorEncoding::zstd_planes; // no chunk gained: independent of the base
        header_.base_checksum = 0;
        header_.base_ref.clear();
    }
}

uint64_t TensorFileWriter::finish() {
    if (written_ != header_.payload_bytes)
        throw GmatError(file_.string() + ": payload has " + std::to_string(written_) + " of " +
                        std::to_string(header_.payload_bytes) + " bytes");
    if (encoder_) finish_encoded();
    header_.payload_checksum = XXH3_64bits_digest(hash_);
    const auto encoded = encode_tensor_header(header_, header_size_);
    if (encoded.size() != header_size_) throw GmatError(file_.string() + ": internal: the header changed size");
    if (::pwrite(fd_, encoded.data(), encoded.size(), 0) != static_cast<ssize_t>(encoded.size()))
        throw GmatError(file_.string() + ": cannot write header: " + std::strerror(errno));
    if (::fsync(fd_) != 0) throw GmatError(file_.string() + ": fsync failed: " + std::strerror(errno));
    if (::close(fd_) != 0) throw GmatError(file_.string() + ": close failed: " + std::strerror(errno));
    fd_ = -1;
    return header_.payload_checksum;
}

// ---- reading ----------------------------------------------------------------

TensorFileReader::TensorFileReader(const std::filesystem::path &file, std::string uuid, std::string expected_name)
    : file_(file), uuid_(std::move(uuid)), expected_name_(std::move(expected_name)), cache_id_(new_chunk_owner_id()) {
    const std::string who = (expected_name_.empty() ? "" : "tensor '" + expected_name_ + "', ") + "uuid " + uuid_;
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw GmatError(file.string() + ": cannot open tensor file (" + who + "): " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw GmatError(file.string() + ": cannot stat: " + std::strerror(errno));
    }
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ == 0) {
        ::close(fd);
        throw GmatError(file.string() + ": corrupt GMAT tensor file (" + who + "): empty file");
    }
    void *map = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) throw GmatError(file.string() + ": cannot map: " + std::strerror(errno));
    map_ = static_cast<uint8_t *>(map);
    try {
        payload_offset_ = decode_tensor_header(map_, size_, file.string() + " (" + who + ")", header_);
        if (size_ - payload_offset_ != header_.stored_bytes)
            throw_corrupt("file has " + std::to_string(size_) + " bytes, header says " +
                          std::to_string(payload_offset_ + header_.stored_bytes));
        if (encoded()) load_index();
    } catch (...) {
        ::munmap(map_, size_);
        throw;
    }
}

TensorFileReader::~TensorFileReader() {
    if (map_) ::munmap(map_, size_);
}

void TensorFileReader::throw_corrupt(const std::string &what) const {
    throw GmatError(file_.string() + ": " + describe() + " is corrupt: " + what);
}

// Checks the index against its checksum and every entry against the layout,
// so read() can trust offsets and sizes.
void TensorFileReader::load_index() {
    const uint64_t chunk = header_.chunk_bytes, stored = header_.stored_bytes;
    const uint64_t n_chunks = header_.payload_bytes / chunk + (header_.payload_bytes % chunk != 0);
    if (n_chunks > stored / kChunkIndexEntryBytes)
        throw_corrupt(std::to_string(n_chunks) + " chunks do not fit in " + std::to_string(stored) + " stored bytes");
    const uint64_t index_bytes = n_chunks * kChunkIndexEntryBytes, chunks_end = stored - index_bytes;
    const uint8_t *index = map_ + payload_offset_ + chunks_end;
    if (XXH3_64bits(index, index_bytes) != header_.index_checksum) throw_corrupt("chunk index checksum mismatch");
    index_ = decode_chunk_index(index, n_chunks);
    uint64_t expected_offset = 0;
    for (uint64_t k = 0; k < n_chunks; ++k) {
        const ChunkIndexEntry &e = index_[k];
        const bool delta_ok = header_.encoding == TensorEncoding::zstd_planes_delta;
        const bool coding_ok = e.coding == ChunkCoding::stored || e.coding == ChunkCoding::planes_zstd ||
                               (e.coding == ChunkCoding::delta_planes_zstd && delta_ok);
        const bool size_ok = e.coding == ChunkCoding::stored ? e.stored_bytes == chunk_length(k)
                                                             : e.stored_bytes > 0 && e.stored_bytes <= chunk_length(k);
        if (e.offset != expected_offset || !coding_ok || !size_ok)
            throw_corrupt("chunk index entry " + std::to_string(k) + " is inconsistent");
        expected_offset += e.stored_bytes;
    }
    if (expected_offset != chunks_end) throw_corrupt("chunks end at " + std::to_string(expected_offset) + ", index starts at " + std::to_string(chunks_end));
}

uint64_t TensorFileReader::chunk_length(uint64_t chunk) const {
    return std::min<uint64_t>(header_.chunk_bytes, header_.payload_bytes - chunk * header_.chunk_bytes);
}

std::string TensorFileReader::describe() const {
    return "tensor '" + (expected_name_.empty() ? header_.name : expected_name_) + "' (uuid " + uuid_ + ")";
}

const uint8_t *TensorFileReader::payload() const {
    if (encoded())
        throw GmatError(file_.string() + ": " + describe() + " is stored " + tensor_encoding_name(header_.encoding) +
                        "-encoded; its bytes are only available through read()");
    return map_ + payload_offset_;
}

void TensorFileReader::attach_base(std::unique_ptr<TensorFileReader> base) {
    if (header_.encoding != TensorEncoding::zstd_planes_delta)
        throw GmatError(file_.string() + ": " + describe() + " is not a delta; it has no base to attach");
    const TensorFileHeader &b = base->header();
    if (b.payload_checksum != header_.base_checksum || b.payload_bytes != header_.payload_bytes)
        throw GmatError(file_.string() + ": " + describe() + " is a delta against a base of " +
                        std::to_string(header_.payload_bytes) + " bytes with checksum " +
                        checksum_string(header_.base_checksum) + " (base_ref '" + header_.base_ref + "'), but " +
                        base->file().string() + " (" + base->describe() + ") has " + std::to_string(b.payload_bytes) +
                        " bytes with checksum " + checksum_string(b.payload_checksum) + ": wrong base");
    base_reader_ = std::move(base);
}

std::string TensorFileReader::chunk_where(uint64_t chunk) const {
    const uint64_t begin = chunk * header_.chunk_bytes;
    return "chunk " + std::to_string(chunk) + " of " + std::to_string(index_.size()) + " (payload bytes " +
           std::to_string(begin) + "-" + std::to_string(begin + chunk_length(chunk)) + ")";
}

const uint8_t *TensorFileReader::base_bytes(uint64_t chunk) const {
    if (!base_reader_)
        throw GmatError(file_.string() + ": " + describe() + " is a delta and its base (base_ref '" + header_.base_ref +
                        "') was not attached");
    if (base_scratch.by_depth.size() < base_scratch.depth) base_scratch.by_depth.resize(base_scratch.depth);
    std::vector<uint8_t> &buffer = base_scratch.by_depth[base_scratch.depth - 1];
    buffer.resize(chunk_length(chunk));
    base_reader_->read(chunk * header_.chunk_bytes, buffer.size(), buffer.data());
    return buffer.data();
}

void TensorFileReader::decode_chunk_into(uint64_t chunk, uint8_t *dst) const {
    const ChunkIndexEntry &e = index_[chunk];
    const uint64_t n = chunk_length(chunk);
    const uint8_t *stored = map_ + payload_offset_ + e.offset;
    if (XXH3_64bits(stored, e.stored_bytes) != e.stored_checksum)
        throw_corrupt(chunk_where(chunk) + ": stored bytes differ from their checksum");
    DepthGuard depth;
    const uint8_t *base = e.coding == ChunkCoding::delta_planes_zstd ? base_bytes(chunk) : nullptr;
    const std::string error = decode_chunk(e.coding, stored, e.stored_bytes, dtype_size(header_.dtype), base, dst, n);
    if (!error.empty()) throw_corrupt(chunk_where(chunk) + " does not decode: " + error);
    if (XXH3_64bits(dst, n) != e.checksum) throw_corrupt(chunk_where(chunk) + " decodes to bytes that differ from its checksum");
}

void TensorFileReader::read(uint64_t offset, uint64_t n_bytes, uint8_t *dst) const {
    if (const uint8_t *mapped = view(offset, n_bytes)) { // a raw payload (view() checks the range)
        if (n_bytes) std::memcpy(dst, mapped, n_bytes);
        return;
    }
    const uint64_t chunk_bytes = header_.chunk_bytes;
    while (n_bytes > 0) {
        const uint64_t chunk = offset / chunk_bytes, within = offset % chunk_bytes, length = chunk_length(chunk);
        const uint64_t take = std::min(n_bytes, length - within);
        if (take == length) decode_chunk_into(chunk, dst); // a whole chunk: straight into the caller's buffer
        else
            copy_from_decoded_chunk(cache_id_, chunk, length, within, take, dst,
                                    [&](uint8_t *buffer) { decode_chunk_into(chunk, buffer); });
        offset += take, dst += take, n_bytes -= take;
    }
}

const uint8_t *TensorFileReader::view(uint64_t offset, uint64_t n_bytes) const {
    if (offset > header_.payload_bytes || n_bytes > header_.payload_bytes - offset)
        throw GmatError(file_.string() + ": internal: payload bytes " + std::to_string(offset) + "+" +
                        std::to_string(n_bytes) + " past the end of " + describe());
    return encoded() ? nullptr : map_ + payload_offset_ + offset;
}

void TensorFileReader::verify() const {
    if (!encoded()) {
        const uint64_t actual = XXH3_64bits(payload(), header_.payload_bytes);
        if (actual != header_.payload_checksum) throw GmatError(mismatch_message(*this, actual));
        return;
    }
    PayloadVerifier verifier(*this);
    verifier.update(0, header_.payload_bytes);
    verifier.finish();
}

void TensorFileReader::release_pages(uint64_t offset, uint64_t n_bytes) const {
    if (offset >= header_.payload_bytes) return;
    n_bytes = std::min(n_bytes, header_.payload_bytes - offset);
    if (n_bytes == 0) return;
    uint64_t first = payload_offset_ + offset, last = payload_offset_ + offset + n_bytes; // file bytes
    if (encoded()) {
        const ChunkIndexEntry &a = index_[offset / header_.chunk_bytes];
        const ChunkIndexEntry &b = index_[(offset + n_bytes - 1) / header_.chunk_bytes];
        first = payload_offset_ + a.offset;
        last = payload_offset_ + b.offset + b.stored_bytes;
    }
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t begin = (first + page - 1) / page * page;
    uint64_t end = last / page * page;
    if (last >= size_) end = (size_ + page - 1) / page * page;
    if (end > begin) ::madvise(map_ + begin, end - begin, MADV_DONTNEED);
}

PayloadVerifier::PayloadVerifier(const TensorFileReader &reader) : reader_(reader), state_(XXH3_createState()) {
    XXH3_64bits_reset(state_);
}

PayloadVerifier::~PayloadVerifier() { XXH3_freeState(state_); }

void PayloadVerifier::update(uint64_t offset, uint64_t n_bytes) {
    if (offset != next_) throw GmatError("internal: payload verified out of order for " + reader_.describe());
    if (!reader_.encoded()) {
        XXH3_64bits_update(state_, reader_.payload() + offset, n_bytes);
    } else {
        thread_local std::vector<uint8_t> buffer;
        const uint64_t piece = std::max<uint64_t>(reader_.header().chunk_bytes, 1);
        for (uint64_t at = offset, end = offset + n_bytes; at < end; at += piece) {
            const uint64_t n = std::min(piece, end - at);
            buffer.resize(n);
            reader_.read(at, n, buffer.data());
            XXH3_64bits_update(state_, buffer.data(), n);
        }
    }
    next_ += n_bytes;
}

void PayloadVerifier::finish() const {
    if (next_ != reader_.header().payload_bytes)
        throw GmatError("internal: payload of " + reader_.describe() + " only partly verified");
    const uint64_t actual = XXH3_64bits_digest(state_);
    if (actual != reader_.header().payload_checksum) throw GmatError(mismatch_message(reader_, actual));
}

} // namespace gmat
