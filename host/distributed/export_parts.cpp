#include "distributed/export_parts.hpp"

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "common/progress.hpp"
#include "distributed/balanced_split.hpp"
#include "distributed/part_file.hpp"
#include "pipeline/import_pipeline.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat {

namespace {

std::string hex128(const XXH128_hash_t &h) {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return text;
}

// XXH3-128 over length-prefixed fields, so ("ab","c") and ("a","bc") differ.
class IdHasher {
public:
    IdHasher() : state_(XXH3_createState()) {
        if (!state_) throw GmatError("cannot allocate an XXH3 state");
        XXH3_128bits_reset(state_);
    }
    ~IdHasher() { XXH3_freeState(state_); }
    IdHasher(const IdHasher &) = delete;
    IdHasher &operator=(const IdHasher &) = delete;
    void field(std::string_view bytes) {
        const uint64_t n = bytes.size();
        XXH3_128bits_update(state_, &n, sizeof n);
        XXH3_128bits_update(state_, bytes.data(), bytes.size());
    }
    std::string finish() const { return hex128(XXH3_128bits_digest(state_)); }

private:
    XXH3_state_t *state_;
};

std::string read_whole(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GmatError(file.string() + ": cannot open");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// XXH3-64 and size of a file, read in 8 MiB blocks.
std::pair<uint64_t, uint64_t> hash_file(const fs::path &file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw GmatError(file.string() + ": cannot open: " + std::strerror(errno));
    XXH3_state_t *state = XXH3_createState();
    XXH3_64bits_reset(state);
    std::vector<char> buffer(8u << 20);
    uint64_t total = 0;
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            XXH3_freeState(state);
            throw GmatError(file.string() + ": read failed: " + std::strerror(err));
        }
        if (n == 0) break;
        XXH3_64bits_update(state, buffer.data(), static_cast<size_t>(n));
        total += static_cast<uint64_t>(n);
    }
    ::close(fd);
    const uint64_t h = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return {total, h};
}

uint64_t parse_number(const std::string &text, const std::string &what, const std::string &ctx) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        throw GmatError(ctx + ": " + what + " '" + text + "' is not a whole number");
    return std::strtoull(text.c_str(), nullptr, 10);
}

// A metadata value's bytes for the plan id: the variant index, then the value.
void hash_metadata(IdHasher &hasher, const Metadata &metadata) {
    for (const auto &[key, value] : metadata.entries()) {
        hasher.field(key);
        hasher.field(std::to_string(value.index()));
        std::visit(
            [&](const auto &v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    hasher.field(v);
                } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    hasher.field(std::to_string(v.size()));
                    for (const auto &s : v) hasher.field(s);
                } else if constexpr (std::is_arithmetic_v<T>) {
                    hasher.field(std::string_view(reinterpret_cast<const char *>(&v), sizeof v));
                } else {
                    static_assert(std::is_arithmetic_v<typename T::value_type>);
                    if constexpr (std::is_same_v<typename T::value_type, bool>) {
                        std::string bits;
                        for (bool b : v) bits.push_back(b ? 1 : 0);
                        hasher.field(bits);
                    } else {
                        hasher.field(std::string_view(reinterpret_cast<const char *>(v.data()),
                                                      v.size() * sizeof(typename T::value_type)));
                    }
                }
            },
            value);
    }
}

uint32_t plan_alignment(const ExportPlan &plan) {
    const uint32_t *a = plan.metadata.get<uint32_t>("general.alignment");
    return a && *a ? *a : 32;
}

uint64_t padded(uint64_t n, uint32_t alignment) { return (n + alignment - 1) / alignment * alignment; }

void write_hashed(const rapidjson::Value &value, IdHasher &hasher) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    hasher.field(std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::string shard_suffix(uint32_t shard, uint32_t count) {
    if (count <= 1) return ".gguf";
    char name[64];
    std::snprintf(name, sizeof name, "-%05u-of-%05u.gguf", shard + 1, count);
    return name;
}

// The plan's content, which its id hashes (everything but the ids and the part table).
void add_plan_content(const ExportPlan &plan, const ExportConfig &config, rapidjson::Document &doc) {
    auto &a = doc.GetAllocator();
    auto str = [&](const std::string &s) { return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); };
    const uint32_t alignment = plan_alignment(plan);
    doc.AddMember("gmat_plan", kPlanFormatVersion, a);
    doc.AddMember("format", str(config.target_format), a);
    doc.AddMember("architecture", str(plan.architecture), a);
    doc.AddMember("alignment", alignment, a);
    doc.AddMember("tensor_count", static_cast<uint64_t>(plan.tensors.size()), a);
    doc.AddMember("total_bytes", plan.total_bytes, a);
    doc.AddMember("total_values", plan.total_elements, a);
    IdHasher metadata_hash;
    hash_metadata(metadata_hash, plan.metadata);
    doc.AddMember("metadata_keys", static_cast<uint64_t>(plan.metadata.size()), a);
    doc.AddMember("metadata_xxh3", str(metadata_hash.finish()), a);

    rapidjson::Value files(rapidjson::kArrayType), tensors(rapidjson::kArrayType);
    std::vector<uint64_t> offsets(plan.shard_count, 0);
    std::vector<uint64_t> first(plan.shard_count, 0), count(plan.shard_count, 0);
    for (size_t i = 0; i < plan.tensors.size(); ++i) {
        const PlannedTensor &t = plan.tensors[i];
        rapidjson::Value v(rapidjson::kObjectType);
        v.AddMember("name", str(t.gguf_name), a);
        v.AddMember("type", str(t.type->name()), a);
        v.AddMember("ggml_type", t.type->gguf_type(), a);
        rapidjson::Value shape(rapidjson::kArrayType);
        for (uint64_t d : t.shape) shape.PushBack(d, a);
        v.AddMember("shape", shape, a);
        v.AddMember("bytes", t.bytes, a);
        v.AddMember("file", t.shard, a);
        v.AddMember("offset", offsets[t.shard], a);
        rapidjson::Value sources(rapidjson::kArrayType);
        for (const StoredTensor *s : t.parts.empty() ? std::vector<const StoredTensor *>{t.stored} : t.parts)
            if (s) sources.PushBack(str(s->uuid), a);
        v.AddMember("sources", sources, a);
        tensors.PushBack(v, a);
        if (count[t.shard]++ == 0) first[t.shard] = i;
        offsets[t.shard] += padded(t.bytes, alignment);
    }
    for (uint32_t s = 0; s < plan.shard_count; ++s) {
        rapidjson::Value f(rapidjson::kObjectType);
        f.AddMember("index", s, a);
        f.AddMember("suffix", str(shard_suffix(s, plan.shard_count)), a);
        rapidjson::Value range(rapidjson::kArrayType);
        range.PushBack(first[s], a).PushBack(first[s] + count[s], a);
        f.AddMember("tensors", range, a);
        f.AddMember("data_bytes", offsets[s], a);
        files.PushBack(f, a);
    }
    doc.AddMember("files", files, a);
    doc.AddMember("tensors", tensors, a);
}

rapidjson::Document plan_content(const ExportPlan &plan, const ExportConfig &config) {
    rapidjson::Document doc(rapidjson::kObjectType);
    add_plan_content(plan, config, doc);
    return doc;
}

uint64_t range_bytes(const ExportPlan &plan, size_t first, size_t end) {
    uint64_t bytes = 0;
    for (size_t i = first; i < end; ++i) bytes += plan.tensors[i].bytes;
    return bytes;
}

// A file opened for a part file's temporary name; writes through a buffer.
class PartSink {
public:
    explicit PartSink(const fs::path &final_path) : final_(final_path), tmp_(temporary_sibling(final_path)) {
        fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd_ < 0) throw GmatError(final_.string() + ": cannot create: " + std::strerror(errno));
        buffer_.reserve(kBuffer);
    }
    ~PartSink() {
        if (fd_ >= 0) ::close(fd_);
        if (!published_) ::unlink(tmp_.c_str());
    }
    PartSink(const PartSink &) = delete;
    PartSink &operator=(const PartSink &) = delete;
    void write(const void *data, uint64_t n) {
        const auto *p = static_cast<const char *>(data);
        if (buffer_.size() + n > kBuffer) flush();
        if (n >= kBuffer) return write_all(p, n);
        buffer_.insert(buffer_.end(), p, p + n);
    }
    void rewrite_start(const std::string &bytes) {
        flush();
        if (::pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size()))
            throw GmatError(final_.string() + ": write failed: " + std::strerror(errno));
    }
    void publish() {
        flush();
        if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
            fd_ = -1;
            throw GmatError(final_.string() + ": write failed: " + std::strerror(errno));
        }
        fd_ = -1;
        if (::rename(tmp_.c_str(), final_.c_str()) != 0)
            throw GmatError(final_.string() + ": cannot rename into place: " + std::strerror(errno));
        published_ = true;
        sync_path(final_.has_parent_path() ? final_.parent_path() : fs::path("."));
    }

private:
    static constexpr size_t kBuffer = 8u << 20;
    void flush() {
        write_all(buffer_.data(), buffer_.size());
        buffer_.clear();
    }
    void write_all(const char *p, uint64_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) throw GmatError(final_.string() + ": write failed: " + std::strerror(errno));
            p += w, n -= static_cast<uint64_t>(w);
        }
    }
    fs::path final_, tmp_;
    int fd_ = -1;
    bool published_ = false;
    std::vector<char> buffer_;
};

// Temporaries of a killed earlier run are removed for `own` files only: on a
// shared file system another machine's live writer has a pid unknown here.
OutputWriter declare_output(const ExportPlan &plan, const ExportConfig &config, const PluginRegistry &registry,
                            const fs::path &output, const std::vector<uint32_t> &own) {
    const auto files = output_files(output, plan.shard_count);
    for (uint32_t shard : own) remove_stale_temporaries(files[shard]);
    OutputWriter writer = registry.create_writer(config.target_format, output, plan.shard_count);
    writer.set_all(plan.metadata);
    for (const auto &t : plan.tensors) writer.add_tensor(t.gguf_name, t.type->gguf_type(), t.ggml_ne(), t.bytes, t.shard);
    return writer;
}

std::string part_label(uint32_t part, uint32_t parts) {
    return "part " + std::to_string(part) + " of " + std::to_string(parts);
}

} // namespace

std::optional<std::string> process_env(const char *name) {
    const char *v = std::getenv(name);
    if (!v) return std::nullopt;
    return std::string(v);
}

PartSpec parse_part_spec(const std::string &text, const EnvLookup &env) {
    const std::string ctx = "--part " + text;
    const size_t slash = text.find('/');
    const std::string index_text = text.substr(0, slash);
    std::optional<uint64_t> count;
    if (slash != std::string::npos) count = parse_number(text.substr(slash + 1), "part count", ctx);
    uint64_t index = 0;
    if (index_text == "auto") {
        if (const auto slurm = env("SLURM_ARRAY_TASK_ID")) {
            index = parse_number(*slurm, "SLURM_ARRAY_TASK_ID", ctx);
            // auto/N wins: re-running some indices (sbatch --array=2) makes a smaller array.
            if (!count)
                if (const auto n = env("SLURM_ARRAY_TASK_COUNT")) count = parse_number(*n, "SLURM_ARRAY_TASK_COUNT", ctx);
        } else if (const auto k8s = env("JOB_COMPLETION_INDEX")) {
            index = parse_number(*k8s, "JOB_COMPLETION_INDEX", ctx);
        } else {
            throw GmatError(ctx + ": neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a "
                                  "Kubernetes Indexed Job) is set; give the part as I/N");
        }
        if (!count)
            throw GmatError(ctx + ": the part count is unknown (no SLURM_ARRAY_TASK_COUNT); give it as auto/N, N = "
                                  "the array size or the Job's completions");
    } else {
        index = parse_number(index_text, "part index", ctx);
        if (!count) throw GmatError(ctx + ": expected I/N (part I of N, I counted from 0), auto or auto/N");
    }
    if (*count == 0) throw GmatError(ctx + ": the part count N must be at least 1");
    if (*count > kMaxParts) throw GmatError(ctx + ": at most " + std::to_string(kMaxParts) + " parts");
    if (index >= *count)
        throw GmatError(ctx + ": part index " + std::to_string(index) + " is out of range: parts of " +
                        std::to_string(*count) + " are numbered 0.." + std::to_string(*count - 1));
    return {static_cast<uint32_t>(index), static_cast<uint32_t>(*count)};
}

std::string store_identity(const Store &store) {
    IdHasher hasher;
    hasher.field("gmat-store");
    hasher.field(read_whole(store.dir() / "metadata.json"));
    for (const auto &name : store.metadata().model_files) {
        hasher.field(name);
        const fs::path file = store.model_file(name);
        if (file.empty() || !fs::is_directory(file)) {
            hasher.field(file.empty() ? std::string() : read_whole(file));
            continue;
        }
        std::vector<fs::path> inside; // a folder of files (additional_chat_templates): sorted, by relative name
        for (const auto &e : fs::recursive_directory_iterator(file))
            if (e.is_regular_file()) inside.push_back(e.path());
        std::sort(inside.begin(), inside.end());
        for (const auto &f : inside) {
            hasher.field(fs::relative(f, file).string());
            hasher.field(read_whole(f));
        }
    }
    return hasher.finish();
}

PlanIdentity plan_identity(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                           const ProfileSource &profile) {
    PlanIdentity ids;
    ids.store_id = store_identity(store);
    IdHasher p;
    p.field("gmat-profile");
    p.field(profile.config_bytes.empty() ? std::string("generated defaults") : profile.config_bytes);
    p.field(profile.shard_size_override ? std::to_string(*profile.shard_size_override) : std::string("-"));
    for (const auto &s : profile.skip_tensors) p.field(s);
    if (const std::string *imatrix = plan.metadata.get<std::string>("quantize.imatrix.file")) {
        p.field(*imatrix);
        p.field(read_whole(*imatrix));
    }
    ids.profile_id = p.finish();
    // The plan's content depends on nothing but store, profile and this gmat's
    // plan format; hashing it too makes any difference in the resolved plan count.
    IdHasher id;
    id.field("gmat-plan");
    id.field(std::to_string(kPlanFormatVersion));
    id.field(ids.store_id);
    id.field(ids.profile_id);
    write_hashed(plan_content(plan, config), id);
    ids.plan_id = id.finish();
    return ids;
}

PartAssignment assign_part(const ExportPlan &plan, uint32_t part, uint32_t parts) {
    PartAssignment a;
    if (plan.shard_count > 1) {
        std::vector<uint64_t> shard_bytes(plan.shard_count, 0);
        for (const auto &t : plan.tensors) shard_bytes[t.shard] += t.bytes;
        const auto [first, end] = balanced_range(shard_bytes, part, parts);
        for (size_t s = first; s < end; ++s) a.shards.push_back(static_cast<uint32_t>(s));
        a.first_tensor = a.end_tensor = plan.tensors.size();
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            if (plan.tensors[i].shard >= first && a.first_tensor == plan.tensors.size()) a.first_tensor = i;
            if (plan.tensors[i].shard >= end) {
                a.end_tensor = i;
                break;
            }
        }
        if (a.first_tensor > a.end_tensor) a.first_tensor = a.end_tensor;
        if (a.shards.empty()) a.first_tensor = a.end_tensor = 0;
    } else {
        std::vector<uint64_t> bytes;
        for (const auto &t : plan.tensors) bytes.push_back(t.bytes);
        std::tie(a.first_tensor, a.end_tensor) = balanced_range(bytes, part, parts);
    }
    a.bytes = range_bytes(plan, a.first_tensor, a.end_tensor);
    return a;
}

rapidjson::Document plan_document(const ExportPlan &plan, const PlanIdentity &ids, const ExportConfig &config,
                                  uint32_t parts) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto &a = doc.GetAllocator();
    doc.AddMember("plan_id", rapidjson::Value(ids.plan_id.c_str(), a), a);
    doc.AddMember("store_id", rapidjson::Value(ids.store_id.c_str(), a), a);
    doc.AddMember("profile_id", rapidjson::Value(ids.profile_id.c_str(), a), a);
    add_plan_content(plan, config, doc);
    const uint64_t max_parts = plan.shard_count > 1 ? plan.shard_count : std::max<uint64_t>(1, plan.tensors.size());
    doc.AddMember("max_useful_parts", max_parts, a);
    if (parts > 0) {
        rapidjson::Value table(rapidjson::kArrayType);
        for (uint32_t i = 0; i < parts; ++i) {
            const PartAssignment pa = assign_part(plan, i, parts);
            rapidjson::Value v(rapidjson::kObjectType);
            v.AddMember("part", i, a);
            rapidjson::Value range(rapidjson::kArrayType);
            range.PushBack(static_cast<uint64_t>(pa.first_tensor), a).PushBack(static_cast<uint64_t>(pa.end_tensor), a);
            v.AddMember("tensors", range, a);
            rapidjson::Value files(rapidjson::kArrayType);
            for (uint32_t s : pa.shards) files.PushBack(s, a);
            v.AddMember("files", files, a);
            v.AddMember("bytes", pa.bytes, a);
            table.PushBack(v, a);
        }
        doc.AddMember("parts", table, a);
    }
    return doc;
}

namespace {

void write_single_file_part(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                            const PlanIdentity &ids, const PartSpec &part, const PartAssignment &assigned,
                            const ExportRunOptions &options, std::ostream &log) {
    const fs::path file = part_file_path(options.output, part.index, part.count);
    remove_stale_temporaries(file);
    PartHeader header;
    header.plan_id = ids.plan_id, header.store_id = ids.store_id, header.profile_id = ids.profile_id;
    header.part = part.index, header.parts = part.count;
    header.first_tensor = assigned.first_tensor, header.end_tensor = assigned.end_tensor;
    header.payload_bytes = assigned.bytes;
    PartSink sink(file);
    sink.write(encode_part_header(header).data(), encode_part_header(header).size()); // xxh3 filled in below
    XXH3_state_t *state = XXH3_createState();
    const std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t *)> owned(state, XXH3_freeState);
    XXH3_64bits_reset(state);
    uint64_t written = 0;
    quantize_tensors(store, plan, config, assigned.first_tensor, assigned.end_tensor, options.threads, options.progress,
                     log, [&](const void *data, uint64_t n) {
                         XXH3_64bits_update(state, data, n);
                         sink.write(data, n);
                         written += n;
                     });
    if (written != header.payload_bytes)
        throw GmatError(file.string() + ": wrote " + std::to_string(written) + " bytes of tensor data, the plan says " +
                        std::to_string(header.payload_bytes));
    header.payload_xxh3 = XXH3_64bits_digest(state);
    sink.rewrite_start(encode_part_header(header)); // same length: the checksum is fixed-width hex
    sink.publish();
    log << "Wrote " << file.string() << " (" << part_label(part.index, part.count) << ": tensors "
        << assigned.first_tensor << ".." << assigned.end_tensor << " of " << plan.tensors.size() << ", "
        << human_bytes(assigned.bytes) << ")\n";
}

void write_sharded_part(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                        const PluginRegistry &registry, const PlanIdentity &ids, const PartSpec &part,
                        const PartAssignment &assigned, const ExportRunOptions &options, std::ostream &log) {
    const std::vector<fs::path> files = output_files(options.output, plan.shard_count);
    if (!assigned.shards.empty()) {
        OutputWriter writer = declare_output(plan, config, registry, options.output, assigned.shards);
        writer.select_shards(assigned.shards);
        quantize_tensors(store, plan, config, assigned.first_tensor, assigned.end_tensor, options.threads,
                         options.progress, log, [&](const void *data, uint64_t n) { writer.write_tensor_data(data, n); });
        writer.commit();
    }
    PartHeader header;
    header.plan_id = ids.plan_id, header.store_id = ids.store_id, header.profile_id = ids.profile_id;
    header.part = part.index, header.parts = part.count;
    header.first_tensor = assigned.first_tensor, header.end_tensor = assigned.end_tensor;
    for (uint32_t s : assigned.shards) {
        const auto [bytes, xxh3] = hash_file(files[s]);
        header.files.push_back({files[s].filename().string(), bytes, xxh3});
        log << "Wrote " << files[s].string() << " (" << human_bytes(bytes) << ")\n";
    }
    const fs::path record = part_file_path(options.output, part.index, part.count);
    remove_stale_temporaries(record);
    write_file_atomically(record, encode_part_header(header));
    log << "Wrote " << record.string() << " (" << part_label(part.index, part.count) << ": "
        << assigned.shards.size() << " of " << plan.shard_count << " split files)\n";
}

struct FoundPart {
    fs::path file;
    uint32_t index = 0, count = 0; // from the name, index 0-based
};

// Every "<output>.part-I-of-N.gmatpart" next to output.
std::vector<FoundPart> find_parts(const fs::path &output) {
    const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
    const std::string prefix = output.filename().string() + ".part-";
    std::vector<FoundPart> found;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || !name.ends_with(".gmatpart")) continue;
        unsigned index = 0, count = 0;
        char tail[16] = {};
        if (std::sscanf(name.c_str() + prefix.size(), "%u-of-%u%15s", &index, &count, tail) != 3 ||
            std::string(tail) != ".gmatpart" || index == 0 || count == 0 || index > count)
            continue;
        found.push_back({entry.path(), index - 1, count});
    }
    std::sort(found.begin(), found.end(), [](const FoundPart &a, const FoundPart &b) { return a.file < b.file; });
    return found;
}

[[noreturn]] void refuse_parts(const fs::path &output, const std::vector<std::string> &problems) {
    std::string message = "cannot assemble " + output.string() + "; nothing was written:";
    for (const auto &p : problems) message += "\n  " + p;
    throw GmatError(message);
}

} // namespace

void run_export_part(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                     const PluginRegistry &registry, const PlanIdentity &ids, const PartSpec &part,
                     const ExportRunOptions &options, std::ostream &log) {
    const auto start = std::chrono::steady_clock::now();
    const PartAssignment assigned = assign_part(plan, part.index, part.count);
    log << "Exporting " << part_label(part.index, part.count) << " of plan " << ids.plan_id << " to "
        << options.output.string() << ": " << (plan.shard_count > 1 ? std::to_string(assigned.shards.size()) + " of " +
                                                                            std::to_string(plan.shard_count) + " split files, "
                                                                      : std::string())
        << (assigned.end_tensor - assigned.first_tensor) << " of " << plan.tensors.size() << " tensors, "
        << human_bytes(assigned.bytes) << "\n";
    for (const auto &note : plan.notes) log << "Note: " << note << "\n";
    if (plan.shard_count > 1)
        write_sharded_part(store, plan, config, registry, ids, part, assigned, options, log);
    else
        write_single_file_part(store, plan, config, ids, part, assigned, options, log);
    log << "Done in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
}

void assemble_export(const Store &store, const ExportPlan &plan, const ExportConfig &config,
                     const PluginRegistry &registry, const PlanIdentity &ids, const ExportRunOptions &options,
                     std::ostream &log) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<FoundPart> found = find_parts(options.output);
    if (found.empty())
        throw GmatError("cannot assemble " + options.output.string() + ": no part files (" +
                        options.output.filename().string() +
                        ".part-0000I-of-0000N.gmatpart) next to it; run `gmat export ... --part I/N` for every part "
                        "first");
    std::map<uint32_t, std::vector<fs::path>> by_count;
    for (const auto &f : found) by_count[f.count].push_back(f.file);
    std::vector<std::string> problems;
    if (by_count.size() > 1) {
        std::string list;
        for (const auto &[count, files] : by_count)
            list += "\n    " + std::to_string(files.size()) + " part file(s) of a " + std::to_string(count) +
                    "-part split, e.g. " + files.front().string();
        refuse_parts(options.output, {"part files of different splits lie next to the output; remove the stale "
                                      "ones:" + list});
    }
    const uint32_t parts = by_count.begin()->first;
    std::vector<std::optional<PartHeader>> headers(parts);
    std::vector<size_t> payload_offsets(parts, 0);
    std::vector<fs::path> claimed_by(parts);
    std::vector<bool> named(parts, false);
    for (const auto &f : found) named[f.index] = true;
    for (const auto &f : found) {
        PartHeader h;
        size_t header_end = 0;
        try {
            h = read_part_header(f.file, &header_end);
        } catch (const GmatError &e) {
            problems.push_back(e.what());
            continue;
        }
        const std::string name = f.file.string();
        if (h.parts == parts && h.part < parts && headers[h.part]) {
            problems.push_back(name + ": duplicate of " + part_label(h.part, parts) + ", which " +
                               claimed_by[h.part].string() + " holds too");
            continue;
        }
        if (h.parts != parts || h.part != f.index) {
            problems.push_back(name + ": its header says " + part_label(h.part, h.parts) + ", its name " +
                               part_label(f.index, parts) + " (a renamed or copied part file)");
            continue;
        }
        if (h.plan_id != ids.plan_id) {
            if (h.store_id != ids.store_id)
                problems.push_back(name + ": written from another store or the store changed since (store id " +
                                   h.store_id + ", now " + ids.store_id + " for " + store.dir().string() +
                                   "); run the part again");
            else if (h.profile_id != ids.profile_id)
                problems.push_back(name + ": written with another profile (profile id " + h.profile_id + ", now " +
                                   ids.profile_id + "); run the part again with this profile");
            else
                problems.push_back(name + ": belongs to plan " + h.plan_id + ", not " + ids.plan_id +
                                   " (another gmat version or plan format); run the part again");
            continue;
        }
        const PartAssignment expected = assign_part(plan, h.part, parts);
        if (h.first_tensor != expected.first_tensor || h.end_tensor != expected.end_tensor)
            problems.push_back(name + ": covers tensors " + std::to_string(h.first_tensor) + ".." +
                               std::to_string(h.end_tensor) + ", the plan gives this part " +
                               std::to_string(expected.first_tensor) + ".." + std::to_string(expected.end_tensor));
        if (plan.shard_count > 1) {
            const auto files = output_files(options.output, plan.shard_count);
            std::vector<std::string> want;
            for (uint32_t s : expected.shards) want.push_back(files[s].filename().string());
            std::vector<std::string> have;
            for (const auto &r : h.files) have.push_back(r.name);
            if (want != have) problems.push_back(name + ": records other split files than the plan gives this part");
        } else {
            std::error_code ec;
            const uint64_t size = fs::file_size(f.file, ec);
            if (!h.files.empty() || h.payload_bytes != expected.bytes || ec || size != header_end + h.payload_bytes)
                problems.push_back(name + ": holds " + (ec ? std::string("?") : std::to_string(size - std::min<uint64_t>(size, header_end))) +
                                   " bytes of tensor data, the plan gives this part " + std::to_string(expected.bytes));
        }
        headers[h.part] = std::move(h);
        payload_offsets[f.index] = header_end;
        claimed_by[f.index] = f.file;
    }
    for (uint32_t i = 0; i < parts; ++i)
        if (!named[i])
            problems.push_back(part_file_path(options.output, i, parts).string() + ": missing (" +
                               part_label(i, parts) + " has not finished; run `--part " + std::to_string(i) + "/" +
                               std::to_string(parts) + "` again)");
    if (!problems.empty()) refuse_parts(options.output, problems);

    if (plan.shard_count > 1) {
        const fs::path dir = options.output.has_parent_path() ? options.output.parent_path() : fs::path(".");
        for (uint32_t i = 0; i < parts; ++i)
            for (const auto &r : headers[i]->files) {
                const fs::path file = dir / r.name;
                if (!fs::exists(file)) {
                    problems.push_back(file.string() + ": missing (written by " + part_label(i, parts) +
                                       "; run it again)");
                    continue;
                }
                const auto [bytes, xxh3] = hash_file(file);
                if (bytes != r.bytes || xxh3 != r.xxh3)
                    problems.push_back(file.string() + ": differs from what " + part_label(i, parts) +
                                       " wrote (" + std::to_string(bytes) + " bytes, XXH3 " + hex64(xxh3) +
                                       "; recorded " + std::to_string(r.bytes) + " bytes, " + hex64(r.xxh3) +
                                       "); run that part again");
            }
        if (!problems.empty()) refuse_parts(options.output, problems);
        log << "Verified " << plan.shard_count << " split files of " << options.output.string() << " from " << parts
            << " parts (plan " << ids.plan_id << ")\n";
    } else {
        OutputWriter writer = declare_output(plan, config, registry, options.output, {0});
        std::vector<char> buffer(8u << 20);
        for (uint32_t i = 0; i < parts; ++i) {
            const fs::path file = part_file_path(options.output, i, parts);
            std::ifstream in(file, std::ios::binary);
            if (!in) throw GmatError(file.string() + ": cannot open");
            in.seekg(static_cast<std::streamoff>(payload_offsets[i]));
            XXH3_state_t *state = XXH3_createState();
            const std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t *)> owned(state, XXH3_freeState);
            XXH3_64bits_reset(state);
            // Tensor by tensor: each write_tensor_data call belongs to one tensor.
            for (uint64_t t = headers[i]->first_tensor; t < headers[i]->end_tensor; ++t)
                for (uint64_t left = plan.tensors[t].bytes; left > 0;) {
                    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
                    in.read(buffer.data(), static_cast<std::streamsize>(n));
                    if (static_cast<size_t>(in.gcount()) != n) throw GmatError(file.string() + ": truncated tensor data");
                    XXH3_64bits_update(state, buffer.data(), n);
                    writer.write_tensor_data(buffer.data(), n);
                    left -= n;
                }
            if (XXH3_64bits_digest(state) != headers[i]->payload_xxh3)
                throw GmatError("cannot assemble " + options.output.string() + "; nothing was written: " +
                                file.string() + ": tensor data checksum mismatch (the file is damaged); run " +
                                part_label(i, parts) + " again");
        }
        writer.commit();
        log << "Assembled " << options.output.string() << " from " << parts << " parts (plan " << ids.plan_id
            << ", " << human_bytes(plan.total_bytes) << " of tensor data)\n";
    }
    for (uint32_t i = 0; i < parts; ++i) {
        std::error_code ec;
        fs::remove(part_file_path(options.output, i, parts), ec);
    }
    log << "Done in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
}

} // namespace gmat
