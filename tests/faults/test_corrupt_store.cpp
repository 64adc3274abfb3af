// One flipped byte anywhere in a store: a tensor file's header or payload, or
// metadata.json; for raw stores and for zstd stores (the codec's chunks and
// chunk index too). Every flip must be caught before an export hands out a file
// built from it: `inspect --verify` and export name the tensor (name and
// uuid), export refuses and leaves no output, unless the user skips that
// tensor. A flip export does not refuse must be harmless: the GGUF is
// byte-identical to the one from the intact store.
#include "fault_fixture.hpp"
#include "in_process_export.hpp"

#include "common/error.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

// A checkpoint small enough to export hundreds of times a second (f32 output).
const fs::path &tiny_checkpoint() {
    reference::CheckpointOptions o;
    o.hidden = 32;
    o.intermediate = 64;
    o.layers = 1;
    o.heads = 2;
    o.kv_heads = 1;
    o.vocab = 64;
    o.max_pos = 64;
    return checkpoint("tiny", o);
}

// Exports store to output in-process; the error message, or nothing on success.
std::optional<std::string> try_export(const fs::path &store_dir, const fs::path &output,
                                      const std::vector<std::string> &skip = {}) {
    try {
        test::InProcessExport options;
        options.threads = 1;
        options.plan.skip_tensors = skip;
        test::export_in_process(store_dir, test::default_type_config("f32"), output, options);
        return std::nullopt;
    } catch (const GmatError &e) {
        return std::string(e.what());
    }
}

// Store::open + verify(): the problems found, or the open error.
std::vector<std::string> verify_problems(const fs::path &store_dir) {
    try {
        return Store::open(store_dir).verify();
    } catch (const GmatError &e) {
        return {e.what()};
    }
}

std::string joined(const std::vector<std::string> &lines) {
    std::string s;
    for (const auto &l : lines) s += l + "\n";
    return s;
}

struct StoredFile {
    fs::path path;
    std::string tensor_name, uuid; // empty for metadata.json
};

// The parameter is the store's block format: "raw" or "zstd".
class CorruptStore : public FaultTest, public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override {
        FaultTest::SetUp();
        // Thousands of exports: on tmpfs their fsyncs cost nothing.
        if (fs::is_directory("/dev/shm")) {
            fs::remove_all(dir_);
            dir_ = fs::path("/dev/shm") / ("gmat-faults-" + std::to_string(::getpid())) / dir_.filename();
            fs::remove_all(dir_);
            fs::create_directories(dir_);
        }
        store_ = dir_ / "model.gmat";
        const ChildResult r =
            run_gmat({"import", "-m", tiny_checkpoint().string(), "-o", dir_.string(), "--block-format", GetParam()});
        ASSERT_EQ(r.exit_code, 0) << r.describe();
        ASSERT_FALSE(try_export(store_, dir_ / "reference.gguf").has_value());
        reference_ = file_bytes(dir_ / "reference.gguf");
        const Store store = Store::open(store_);
        for (const auto &t : store.tensors())
            tensors_.push_back({store_ / "tensors" / (t.uuid + ".gmat"), t.name, t.uuid});
    }

    void TearDown() override {
        FaultTest::TearDown();
        if (dir_.string().rfind("/dev/shm/", 0) == 0) fs::remove_all(dir_.parent_path());
    }

    // Flips the byte, checks what verify and export make of it, flips it back.
    // Broken promises are collected (one line each) rather than asserted one by one.
    void check_flip(const StoredFile &file, uint64_t offset, const std::string &entry_uuid = {});
    void fail(const std::string &rule, const std::string &detail) {
        if (++failed_[rule] <= 3) examples_ += "  " + rule + ": " + detail.substr(0, 600) + "\n";
    }
    // Fails the test listing how many flips broke each rule, with examples.
    void expect_no_broken_rules() {
        std::string summary;
        for (const auto &[rule, n] : failed_) summary += "  " + std::to_string(n) + " x " + rule + "\n";
        EXPECT_TRUE(failed_.empty()) << flips_ << " flips; broken rules:\n" << summary << "examples:\n" << examples_;
    }

    fs::path store_;
    std::vector<uint8_t> reference_;
    std::vector<StoredFile> tensors_;
    int flips_ = 0, refused_ = 0, harmless_ = 0;
    std::map<std::string, int> failed_;
    std::string examples_;
};

void CorruptStore::check_flip(const StoredFile &file, uint64_t offset, const std::string &entry_uuid) {
    const uint8_t mask = static_cast<uint8_t>(1u << (offset % 8));
    flip_byte(file.path, offset, mask);
    ++flips_;
    const fs::path out = dir_ / "out" / "model.gguf";
    fs::create_directories(out.parent_path());
    const auto error = try_export(store_, out);
    const auto problems = verify_problems(store_);
    const std::string where = file.path.filename().string() + " byte " + std::to_string(offset) + " ^ " +
                              std::to_string(mask) + ": ";
    // The tensor a message must name: the file's own, or the metadata entry the byte lies in.
    const std::string uuid = file.uuid.empty() ? entry_uuid : file.uuid;
    if (error) {
        ++refused_;
        if (fs::exists(out)) fail("a refused export left its output", where + *error);
        if (!file.uuid.empty() && !(contains(*error, uuid) && contains(*error, file.tensor_name)))
            fail("export error does not name the tensor (name and uuid)", where + *error);
        // metadata.json: the error names the file, or the uuid of the tensor entry the byte lies in.
        if (file.uuid.empty() && !contains(*error, "metadata.json") && (uuid.empty() || !contains(*error, uuid)))
            fail("export error names neither metadata.json nor the tensor's uuid", where + *error);
    } else {
        ++harmless_;
        if (file_bytes(out) != reference_)
            fail("export accepted the flip and wrote a GGUF that differs from the intact store's", where);
    }
    if (!file.uuid.empty()) { // a tensor file: its checksums cover every byte
        if (!error) fail("export did not notice a flip in a tensor file", where);
        if (problems.empty()) fail("inspect --verify did not notice a flip in a tensor file", where);
        else if (!contains(joined(problems), file.uuid) || !contains(joined(problems), file.tensor_name))
            fail("verify does not name the tensor (name and uuid)", where + joined(problems));
    }
    if (!temporaries_in(out.parent_path()).empty()) fail("temporaries left", where);
    fs::remove_all(out.parent_path());
    flip_byte(file.path, offset, mask);
}

// Where a tensor file's header ends and (encoded files) its chunk index begins.
std::pair<uint64_t, uint64_t> header_and_index_offsets(const Store &store, const StoredFile &t) {
    const auto reader = store.open_tensor(*store.find_uuid(t.uuid));
    const TensorFileHeader &h = reader->header();
    const uint64_t size = fs::file_size(t.path), header = size - reader->stored_payload_bytes();
    if (!reader->encoded()) return {header, size};
    const uint64_t chunks = (h.payload_bytes + h.chunk_bytes - 1) / h.chunk_bytes;
    return {header, size - chunks * kChunkIndexEntryBytes};
}

TEST_P(CorruptStore, EveryHeaderByteAndSampledPayloadBytesOfEveryTensorFile) {
    const Store store = Store::open(store_);
    for (const auto &t : tensors_) {
        const uint64_t size = fs::file_size(t.path);
        const auto [header, index] = header_and_index_offsets(store, t);
        for (uint64_t at = 0; at < header; ++at) check_flip(t, at);
        for (uint64_t at = index; at < size; ++at) check_flip(t, at); // an encoded file's chunk index
        for (uint64_t at : {header, header + 1, (header + index) / 2, index - 2, index - 1}) check_flip(t, at);
    }
    expect_no_broken_rules();
    RecordProperty("corruptions", flips_);
    std::printf("tensor files: %d flips, %d refused\n", flips_, refused_);
}

// The span of each tensor's entry in metadata.json's "tensors" object, to
// know which tensor a flipped byte belongs to.
struct EntrySpan {
    uint64_t begin, end;
    std::string uuid;
};

std::vector<EntrySpan> entry_spans(const std::string &text, const std::vector<StoredFile> &tensors) {
    std::vector<EntrySpan> spans;
    const size_t tensors_at = text.find("\"tensors\": {");
    for (const auto &t : tensors) {
        const size_t begin = text.find("\"" + t.uuid + "\"", tensors_at);
        spans.push_back({begin, text.find('}', begin) + 1, t.uuid});
    }
    return spans;
}

TEST_P(CorruptStore, EveryByteOfMetadataJson) {
    if (GetParam() != "raw") GTEST_SKIP() << "metadata.json does not depend on the tensor encoding";
    const StoredFile metadata{store_ / "metadata.json", "", ""};
    const auto bytes = file_bytes(metadata.path);
    const auto spans = entry_spans(std::string(bytes.begin(), bytes.end()), tensors_);
    for (uint64_t at = 0; at < bytes.size(); ++at) {
        std::string uuid;
        for (const auto &s : spans)
            if (at >= s.begin && at < s.end) uuid = s.uuid;
        check_flip(metadata, at, uuid);
    }
    expect_no_broken_rules();
    RecordProperty("corruptions", flips_);
    RecordProperty("refused", refused_);
    RecordProperty("harmless", harmless_);
    std::printf("metadata.json: %d flips, %d refused, %d harmless (identical GGUF)\n", flips_, refused_, harmless_);
}

TEST_P(CorruptStore, TheCliNamesTheTensorAndExportsWithoutItWhenSkipped) {
    const StoredFile &victim = tensors_.at(3);
    const uint64_t size = fs::file_size(victim.path);
    flip_byte(victim.path, size - 7);
    const ChildResult verify = run_gmat({"inspect", "--verify", store_.string()});
    EXPECT_EQ(verify.exit_code, 1) << verify.describe();
    EXPECT_TRUE(contains(verify.out, "CORRUPT") && contains(verify.out, victim.uuid) &&
                contains(verify.out, victim.tensor_name))
        << verify.out;

    const fs::path out = dir_ / "cli" / "model.gguf";
    const ChildResult refused = run_gmat({"export", "-m", store_.string(), "-o", out.string()});
    EXPECT_EQ(refused.exit_code, 1) << refused.describe();
    EXPECT_TRUE(contains(refused.err, victim.uuid) && contains(refused.err, victim.tensor_name)) << refused.err;
    EXPECT_TRUE(!fs::exists(out.parent_path()) || fs::is_empty(out.parent_path()));

    for (const std::string &key : {victim.uuid, victim.tensor_name}) {
        const ChildResult skipped = run_gmat({"export", "-m", store_.string(), "-o", out.string(), "--skip-tensor", key});
        EXPECT_EQ(skipped.exit_code, 0) << skipped.describe();
        EXPECT_TRUE(fs::exists(out));
        fs::remove(out);
    }
    const ChildResult unknown =
        run_gmat({"export", "-m", store_.string(), "-o", out.string(), "--skip-tensor", "no.such.tensor"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_TRUE(contains(unknown.err, "--skip-tensor 'no.such.tensor': no tensor with that UUID or name")) << unknown.err;
}

TEST_P(CorruptStore, SkippingTheCorruptTensorGivesTheSameFileAsSkippingItFromAnIntactStore) {
    const StoredFile &victim = tensors_.at(2);
    ASSERT_FALSE(try_export(store_, dir_ / "intact-skipped.gguf", {victim.uuid}).has_value());
    flip_byte(victim.path, fs::file_size(victim.path) / 2);
    const auto error = try_export(store_, dir_ / "corrupt.gguf");
    ASSERT_TRUE(error.has_value());
    ASSERT_FALSE(try_export(store_, dir_ / "corrupt-skipped.gguf", {victim.tensor_name}).has_value());
    EXPECT_TRUE(file_bytes(dir_ / "corrupt-skipped.gguf") == file_bytes(dir_ / "intact-skipped.gguf"));
    EXPECT_FALSE(file_bytes(dir_ / "corrupt-skipped.gguf") == reference_);
}

INSTANTIATE_TEST_SUITE_P(BlockFormats, CorruptStore, ::testing::Values("raw", "zstd"),
                         [](const auto &info) { return info.param; });

} // namespace
} // namespace gmat::faults
