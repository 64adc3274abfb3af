#include "store/tensor_file_io.hpp"

#include "common/error.hpp"

#include <cerrno>
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
} // namespace

TensorFileWriter::TensorFileWriter(const std::filesystem::path &file, TensorFileHeader header)
    : file_(file), header_(std::move(header)) {
    fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw GmatError(file.string() + ": cannot create: " + std::strerror(errno));
    hash_ = XXH3_createState();
    XXH3_64bits_reset(hash_);
    const auto placeholder = encode_tensor_header(header_);
    write_all(fd_, placeholder.data(), placeholder.size(), file_);
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
    write_all(fd_, data, n_bytes, file_);
    written_ += n_bytes;
}

uint64_t TensorFileWriter::finish() {
    if (written_ != header_.payload_bytes)
        throw GmatError(file_.string() + ": payload has " + std::to_string(written_) + " of " +
                        std::to_string(header_.payload_bytes) + " bytes");
    header_.payload_checksum = XXH3_64bits_digest(hash_);
    const auto encoded = encode_tensor_header(header_);
    if (::pwrite(fd_, encoded.data(), encoded.size(), 0) != static_cast<ssize_t>(encoded.size()))
        throw GmatError(file_.string() + ": cannot write header: " + std::strerror(errno));
    if (::fsync(fd_) != 0) throw GmatError(file_.string() + ": fsync failed: " + std::strerror(errno));
    if (::close(fd_) != 0) throw GmatError(file_.string() + ": close failed: " + std::strerror(errno));
    fd_ = -1;
    return header_.payload_checksum;
}

TensorFileReader::TensorFileReader(const std::filesystem::path &file, std::string uuid, std::string expected_name)
    : file_(file), uuid_(std::move(uuid)), expected_name_(std::move(expected_name)) {
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
    base_ = static_cast<uint8_t *>(map);
    try {
        payload_offset_ = decode_tensor_header(base_, size_, file.string() + " (" + who + ")", header_);
        if (size_ != payload_offset_ + header_.payload_bytes)
            throw GmatError(file.string() + ": " + describe() + " is corrupt: file has " + std::to_string(size_) +
                            " bytes, header says " + std::to_string(payload_offset_ + header_.payload_bytes));
    } catch (...) {
        ::munmap(base_, size_);
        throw;
    }
}

TensorFileReader::~TensorFileReader() {
    if (base_) ::munmap(base_, size_);
}

std::string TensorFileReader::describe() const {
    return "tensor '" + (expected_name_.empty() ? header_.name : expected_name_) + "' (uuid " + uuid_ + ")";
}

void TensorFileReader::verify() const {
    const uint64_t actual = XXH3_64bits(payload(), header_.payload_bytes);
    if (actual != header_.payload_checksum) throw GmatError(mismatch_message(*this, actual));
}

void TensorFileReader::release_pages(uint64_t offset, uint64_t n_bytes) const {
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    uint64_t begin = (payload_offset_ + offset + page - 1) / page * page;
    uint64_t end = (payload_offset_ + offset + n_bytes) / page * page;
    if (payload_offset_ + offset + n_bytes >= size_) end = (size_ + page - 1) / page * page;
    if (end > begin) ::madvise(base_ + begin, end - begin, MADV_DONTNEED);
}

PayloadVerifier::PayloadVerifier(const TensorFileReader &reader) : reader_(reader), state_(XXH3_createState()) {
    XXH3_64bits_reset(state_);
}

PayloadVerifier::~PayloadVerifier() { XXH3_freeState(state_); }

void PayloadVerifier::update(uint64_t offset, uint64_t n_bytes) {
    if (offset != next_) throw GmatError("internal: payload verified out of order for " + reader_.describe());
    XXH3_64bits_update(state_, reader_.payload() + offset, n_bytes);
    next_ += n_bytes;
}

void PayloadVerifier::finish() const {
    if (next_ != reader_.header().payload_bytes)
        throw GmatError("internal: payload of " + reader_.describe() + " only partly verified");
    const uint64_t actual = XXH3_64bits_digest(state_);
    if (actual != reader_.header().payload_checksum) throw GmatError(mismatch_message(reader_, actual));
}

} // namespace gmat
