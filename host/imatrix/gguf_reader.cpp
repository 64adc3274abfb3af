#include "imatrix/gguf_reader.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gmat {

namespace {

constexpr uint64_t kMaxItems = 1ull << 24; // sane bound on counts read from the file

class Cursor {
public:
    Cursor(const uint8_t *bytes, uint64_t size, const std::string &file) : bytes_(bytes), size_(size), file_(file) {}
    template <class T> T read(const char *what) {
        need(sizeof(T), what);
        T value;
        std::memcpy(&value, bytes_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return value;
    }
    std::string string(const char *what) {
        const uint64_t n = read<uint64_t>(what);
        need(n, what);
        std::string s(reinterpret_cast<const char *>(bytes_ + pos_), n);
        pos_ += n;
        return s;
    }
    uint64_t count(const char *what) {
        const uint64_t n = read<uint64_t>(what);
        if (n > kMaxItems) fail(std::string(what) + " of " + std::to_string(n) + " is implausibly large");
        return n;
    }
    void need(uint64_t n, const char *what) {
        if (n > size_ - pos_) fail(std::string("truncated while reading ") + what);
    }
    [[noreturn]] void fail(const std::string &why) const { throw GmatError(file_ + ": not a valid GGUF file: " + why); }
    uint64_t position() const { return pos_; }

private:
    const uint8_t *bytes_;
    uint64_t size_;
    const std::string &file_;
    uint64_t pos_ = 0;
};

template <class T> std::vector<T> read_array(Cursor &c, uint64_t n, const char *what) {
    c.need(n * sizeof(T), what); // before reserving: the file must hold them (n <= 2^24)
    std::vector<T> out;
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i) out.push_back(c.read<T>(what));
    return out;
}

MetadataValue read_value(Cursor &c, uint32_t type, bool in_array = false) {
    switch (type) {
    case 0: return c.read<uint8_t>("u8");
    case 1: return c.read<int8_t>("i8");
    case 2: return c.read<uint16_t>("u16");
    case 3: return c.read<int16_t>("i16");
    case 4: return c.read<uint32_t>("u32");
    case 5: return c.read<int32_t>("i32");
    case 6: return c.read<float>("f32");
    case 7: return c.read<uint8_t>("bool") != 0;
    case 8: return c.string("string");
    case 10: return c.read<uint64_t>("u64");
    case 11: return c.read<int64_t>("i64");
    case 12: return c.read<double>("f64");
    case 9: {
        if (in_array) c.fail("nested arrays");
        const uint32_t element = c.read<uint32_t>("array type");
        const uint64_t n = c.count("array length");
        switch (element) {
        case 0: return read_array<uint8_t>(c, n, "array");
        case 1: return read_array<int8_t>(c, n, "array");
        case 2: return read_array<uint16_t>(c, n, "array");
        case 3: return read_array<int16_t>(c, n, "array");
        case 4: return read_array<uint32_t>(c, n, "array");
        case 5: return read_array<int32_t>(c, n, "array");
        case 6: return read_array<float>(c, n, "array");
        case 7: return read_array<uint8_t>(c, n, "array");
        case 10: return read_array<uint64_t>(c, n, "array");
        case 11: return read_array<int64_t>(c, n, "array");
        case 12: return read_array<double>(c, n, "array");
        case 8: {
            c.need(n * 8, "array string"); // each string takes at least its 8-byte length
            std::vector<std::string> out;
            for (uint64_t i = 0; i < n; ++i) out.push_back(c.string("array string"));
            return out;
        }
        default: c.fail("unknown array element type " + std::to_string(element));
        }
    }
    default: c.fail("unknown value type " + std::to_string(type));
    }
}

} // namespace

bool GgufReader::looks_like_gguf(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in && std::memcmp(magic, "GGUF", 4) == 0;
}

GgufReader::~GgufReader() = default;

GgufReader::MappedFile::MappedFile(const std::filesystem::path &file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw GmatError(file.string() + ": cannot open for reading: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw GmatError(file.string() + ": not a regular file");
    }
    size = static_cast<uint64_t>(st.st_size);
    if (size > 0) {
        void *p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            ::close(fd);
            throw GmatError(file.string() + ": cannot map for reading: " + std::strerror(errno));
        }
        data = static_cast<const uint8_t *>(p);
    }
    ::close(fd);
}

GgufReader::MappedFile::~MappedFile() {
    if (data) ::munmap(const_cast<uint8_t *>(data), size);
}

GgufReader::GgufReader(const std::filesystem::path &file) : file_(file), map_(std::make_unique<MappedFile>(file)) {
    const std::string name = file.string();
    Cursor c(map_->data, map_->size, name);
    if (c.read<uint32_t>("magic") != 0x46554747u) c.fail("bad magic");
    version_ = c.read<uint32_t>("version");
    if (version_ != 2 && version_ != 3) c.fail("unsupported version " + std::to_string(version_));
    const uint64_t n_tensors = c.count("tensor count");
    const uint64_t n_kv = c.count("key/value count");
    for (uint64_t i = 0; i < n_kv; ++i) {
        const std::string key = c.string("key");
        const uint32_t type = c.read<uint32_t>("value type");
        metadata_.set(key, read_value(c, type));
    }
    uint64_t alignment = 32;
    if (const auto *a = metadata_.get<uint32_t>("general.alignment")) alignment = *a;
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) c.fail("general.alignment is not a power of two");
    for (uint64_t i = 0; i < n_tensors; ++i) {
        GgufTensorEntry t;
        t.name = c.string("tensor name");
        const uint32_t n_dims = c.read<uint32_t>("tensor dimensions");
        if (n_dims == 0 || n_dims > 4) c.fail("tensor '" + t.name + "' has " + std::to_string(n_dims) + " dimensions");
        for (uint32_t d = 0; d < n_dims; ++d) t.ne.push_back(c.read<uint64_t>("tensor shape"));
        t.type = c.read<uint32_t>("tensor type");
        t.offset = c.read<uint64_t>("tensor offset");
        tensors_.push_back(std::move(t));
    }
    alignment_ = alignment;
    data_offset_ = (c.position() + alignment - 1) / alignment * alignment;
    if (data_offset_ > map_->size) c.fail("data section beyond the end of the file");
}

std::vector<float> GgufReader::read_f32(const GgufTensorEntry &t) const {
    if (t.type != 0) throw GmatError(file_.string() + ": tensor '" + t.name + "' is not F32");
    uint64_t n = 1;
    for (uint64_t d : t.ne) {
        if (d != 0 && n > (kMaxItems << 8) / d) throw GmatError(file_.string() + ": tensor '" + t.name + "' is too large");
        n *= d;
    }
    const uint64_t begin = data_offset_ + t.offset;
    if (begin > map_->size || n * 4 > map_->size - begin)
        throw GmatError(file_.string() + ": tensor '" + t.name + "' data lies beyond the end of the file");
    std::vector<float> out(n);
    if (n > 0) std::memcpy(out.data(), map_->data + begin, n * 4); // an empty vector's data() may be null
    return out;
}

} // namespace gmat
