// Inputs at or past every limit: a safetensors header over the size bound,
// shapes whose element count overflows, a million tiny tensors, a 1 MB tensor
// name, JSON nested a million deep, configs naming UUIDs or tensors that do
// not exist. Each is a clear error (or works) within bounded memory and time,
// measured on the child with getrusage.
#include "fault_fixture.hpp"

#include "store/tensor_uuid.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;

namespace gmat::faults {
namespace {

// Under AddressSanitizer (scripts/sanitize.sh) gmat needs about twice the
// memory and time: shadow memory, redzones and a quarantine of freed blocks.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kSanitizerFactor = 3;
#else
constexpr long kSanitizerFactor = 1;
#endif
// 1 GiB: far above what any of these needs when handled well.
constexpr long kMaxRssKb = 1024 * 1024 * kSanitizerFactor;

void write_safetensors(const fs::path &file, const std::string &header, uint64_t data_bytes, uint64_t declared = 0) {
    std::ofstream out(file, std::ios::binary);
    const uint64_t length = declared ? declared : header.size();
    out.write(reinterpret_cast<const char *>(&length), 8);
    out << header;
    const std::vector<char> zeros(1 << 16, 0);
    for (uint64_t left = data_bytes; left > 0;) {
        const uint64_t n = std::min<uint64_t>(left, zeros.size());
        out.write(zeros.data(), static_cast<std::streamsize>(n));
        left -= n;
    }
}

void expect_clear_error(const ChildResult &r, const std::vector<std::string> &fragments) {
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, "gmat: error: ")) << r.err;
    for (const auto &f : fragments) EXPECT_TRUE(contains(r.err, f)) << "missing '" << f << "' in: " << r.err.substr(0, 2000);
    EXPECT_LT(r.peak_rss_kb, kMaxRssKb);
}

class Limits : public FaultTest {};

TEST_F(Limits, HeaderLongerThanTheBoundIsRefusedBeforeReadingIt) {
    const fs::path file = dir_ / "big-header.safetensors";
    write_safetensors(file, "{}", 0, 100'000'001);
    expect_clear_error(run_gmat({"inspect", file.string()}), {file.string(), "exceeds the limit of 100000000 bytes"});
    expect_clear_error(run_gmat({"import", "-m", file.string(), "-o", (dir_ / "out").string()}),
                       {"exceeds the limit"});
    EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
}

TEST_F(Limits, ShapesWhoseElementCountOverflowsAreRefused) {
    const fs::path file = dir_ / "overflow.safetensors";
    write_safetensors(file, R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,2],"data_offsets":[0,4]}})", 4);
    expect_clear_error(run_gmat({"inspect", file.string()}), {"tensor 'w'", "overflows 64 bits"});
    write_safetensors(file, R"({"w":{"dtype":"BF16","shape":[18446744073709551615,2],"data_offsets":[0,4]}})", 4);
    expect_clear_error(run_gmat({"import", "-m", file.string(), "-o", (dir_ / "out").string()}), {"overflows 64 bits"});
}

// {"t0000000":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},...}: about 60 MB of header.
std::string million_tensor_header(size_t count) {
    std::string h = "{";
    h.reserve(count * 64);
    char entry[128];
    for (size_t i = 0; i < count; ++i) {
        std::snprintf(entry, sizeof entry, "%s\"t%07zu\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[%zu,%zu]}",
                      i ? "," : "", i, 4 * i, 4 * i + 4);
        h += entry;
    }
    return h + "}";
}

TEST_F(Limits, AMillionTinyTensorsAreListedWithBoundedMemoryAndTime) {
    const fs::path file = dir_ / "million.safetensors";
    write_safetensors(file, million_tensor_header(1'000'000), 4'000'000);
    const ChildResult r = run_gmat({"inspect", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.describe().substr(0, 2000);
    EXPECT_TRUE(contains(r.out, "1000000 tensors")) << r.out.substr(r.out.size() > 200 ? r.out.size() - 200 : 0);
    EXPECT_LT(r.peak_rss_kb, kMaxRssKb);
    EXPECT_LT(r.seconds, 60 * kSanitizerFactor);
    RecordProperty("million_inspect_seconds", std::to_string(r.seconds));
    RecordProperty("million_inspect_peak_rss_kb", std::to_string(r.peak_rss_kb));
    std::printf("inspect of 1,000,000 tensors: %.1f s, peak RSS %ld MB\n", r.seconds, r.peak_rss_kb / 1024);
}

TEST_F(Limits, ImportingMoreThanAMillionTensorsIsRefusedBeforeWritingAnything) {
    const fs::path file = dir_ / "too-many.safetensors";
    write_safetensors(file, million_tensor_header(1'100'000), 4'400'000);
    const fs::path out = dir_ / "out";
    const ChildResult r = run_gmat({"import", "-m", file.string(), "-o", out.string()});
    EXPECT_EQ(r.exit_code, 1) << r.describe().substr(0, 2000);
    EXPECT_TRUE(contains(r.err, "lists 1100000 tensors; gmat imports at most 1048576")) << r.err.substr(0, 2000);
    EXPECT_TRUE(contains(r.err, file.string())) << r.err.substr(0, 2000);
    EXPECT_FALSE(fs::exists(out / "model.gmat"));
    EXPECT_LT(r.peak_rss_kb, kMaxRssKb);
    EXPECT_LT(r.seconds, 60 * kSanitizerFactor);
}

// metadata.json of a store listing n tensors (the tensor files need not exist to list it).
std::string store_metadata(size_t n) {
    std::string map, tensors, names;
    char uuid[40];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(uuid, sizeof uuid, "00000000-0000-8000-8000-%012zx", i);
        const std::string name = "t" + std::to_string(i), sep = i ? "," : "";
        map += sep + R"({"source":")" + name + R"(","target":")" + uuid + R"(","include":true})";
        names += sep + "\"" + name + R"(":")" + uuid + "\"";
        tensors += sep + "\"" + uuid + R"(":{"name":")" + name +
                   R"(","dtype":"F32","shape":[1],"bytes":4,"checksum":"xxh3:0000000000000000"})";
    }
    return R"({"format":"gmat-store","format_version":1,"gmat_version":"0.1.0","config":{"source_format":"safetensors",)"
           R"("block_format":"raw","tensor_map":[)" + map + R"(],"metadata":{}},"tensor_name_map":{)" + names +
           R"(},"total_tensors":)" + std::to_string(n) + R"(,"tensors":{)" + tensors + R"(},"model_files":[]})";
}

TEST_F(Limits, AStoreListingAHundredThousandTensorsOpensInLinearTime) {
    const fs::path store = dir_ / "big.gmat";
    fs::create_directories(store / "tensors");
    std::ofstream(store / "metadata.json") << store_metadata(100'000);
    ChildProcess child(gmat_binary(), {"-q", "inspect", store.string()});
    const ChildResult r = child.wait_for(std::chrono::seconds(60 * kSanitizerFactor));
    EXPECT_EQ(r.exit_code, 0) << "inspect of a 100,000-tensor store did not finish in time (quadratic look-ups?)\n"
                              << r.describe().substr(0, 1000);
    EXPECT_TRUE(contains(r.out, "100000 tensors"));
    EXPECT_LT(r.peak_rss_kb, kMaxRssKb);
    std::printf("inspect of a 100,000-tensor store: %.1f s, peak RSS %ld MB\n", r.seconds, r.peak_rss_kb / 1024);
}

TEST_F(Limits, AMegabyteTensorNameIsAClearImportError) {
    const fs::path file = dir_ / "long-name.safetensors";
    const std::string name(1 << 20, 'n');
    write_safetensors(file, "{\"" + name + R"(":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 8);
    const ChildResult listed = run_gmat({"inspect", file.string()});
    EXPECT_EQ(listed.exit_code, 0) << listed.describe().substr(0, 1000);
    EXPECT_LT(listed.peak_rss_kb, kMaxRssKb);
    const ChildResult r = run_gmat({"import", "-m", file.string(), "-o", (dir_ / "out").string()});
    expect_clear_error(r, {"longer than 4096 bytes"});
    EXPECT_LT(r.err.size(), 10000u) << "the error repeats the whole name";
    EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
    EXPECT_TRUE(temporaries_in(dir_ / "out").empty());
}

TEST_F(Limits, JsonNestedAMillionDeepIsAClearErrorNotAStackOverflow) {
    const fs::path config = dir_ / "deep.json";
    std::ofstream(config) << "{\"quantization\": " << std::string(1'000'000, '[') << std::string(1'000'000, ']') << "}";
    expect_clear_error(run_gmat({"export", "-m", small_store().string(), "-c", config.string(), "-o",
                                 (dir_ / "m.gguf").string()}),
                       {config.string()});
    EXPECT_FALSE(fs::exists(dir_ / "m.gguf"));
    const fs::path header = dir_ / "deep.safetensors";
    write_safetensors(header, "{\"__metadata__\": " + std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}", 0);
    expect_clear_error(run_gmat({"inspect", header.string()}), {header.string()});
}

TEST_F(Limits, DeeplyNestedImportConfigMetadataIsAClearError) {
    // The metadata object is copied into the store's metadata.json: code that
    // copies or pretty-prints JSON recurses once per level, and indentation
    // makes the written file grow with the square of the depth.
    const fs::path config = dir_ / "deep-import.json";
    std::ofstream(config) << R"({"tensor_map": [], "metadata": {"a": )" << std::string(100'000, '[')
                          << std::string(100'000, ']') << "}}";
    ChildProcess child(gmat_binary(), {"-q", "import", "-m", small_checkpoint().string(), "-c", config.string(), "-o",
                                       (dir_ / "out").string()});
    expect_clear_error(child.wait_for(std::chrono::seconds(60 * kSanitizerFactor), kMaxRssKb), {config.string()});
    EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));
}

TEST_F(Limits, AnAbsurdVocabSizeInConfigJsonIsAClearErrorNotGigabytes) {
    // A 256-row embedding whose config.json claims four billion tokens: the
    // tokenizer must not be padded to that size.
    const fs::path model = dir_ / "model";
    fs::copy(small_checkpoint(), model);
    std::ofstream(model / "tokenizer.json")
        << R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}, "decoder": {"type": "ByteLevel"}})";
    std::string config;
    {
        std::ifstream in(model / "config.json");
        config.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const size_t at = config.find("\"vocab_size\": 256");
    ASSERT_NE(at, std::string::npos) << config;
    config.replace(at, 17, "\"vocab_size\": 4000000000");
    std::ofstream(model / "config.json") << config;
    ASSERT_EQ(run_gmat({"import", "-m", model.string(), "-o", (dir_ / "out").string()}).exit_code, 0);
    ChildProcess child(gmat_binary(), {"-q", "export", "-m", (dir_ / "out" / "model.gmat").string(), "-o",
                                       (dir_ / "m.gguf").string()});
    const ChildResult r = child.wait_for(std::chrono::seconds(60 * kSanitizerFactor), kMaxRssKb);
    expect_clear_error(r, {"vocab_size"});
    EXPECT_FALSE(fs::exists(dir_ / "m.gguf"));
}

TEST_F(Limits, ConfigsNamingMissingUuidsOrTensorsAreClearErrors) {
    const std::string missing = "99ff4033-4060-8b3a-b2ad-ec48d5abd1c0";
    const fs::path export_config = dir_ / "export.json";
    std::ofstream(export_config) << R"({"tensor_map": [{"source": ")" << missing << R"(", "target": "output.weight"}]})";
    expect_clear_error(run_gmat({"export", "-m", small_store().string(), "-c", export_config.string(), "-o",
                                 (dir_ / "m.gguf").string()}),
                       {"tensor_map[0].source", missing});
    expect_clear_error(run_gmat({"export", "-m", small_store().string(), "--skip-tensor", missing, "-o",
                                 (dir_ / "m.gguf").string()}),
                       {"--skip-tensor", missing});
    EXPECT_FALSE(fs::exists(dir_ / "m.gguf"));

    const fs::path import_config = dir_ / "import.json";
    std::ofstream(import_config) << R"({"tensor_map": [{"source": "model.no_such.weight", "target": ")" << missing
                                 << R"("}]})";
    expect_clear_error(run_gmat({"import", "-m", small_checkpoint().string(), "-c", import_config.string(), "-o",
                                 (dir_ / "out").string()}),
                       {"model.no_such.weight"});
    EXPECT_FALSE(fs::exists(dir_ / "out" / "model.gmat"));

    // A store whose metadata.json lists a tensor its tensors/ folder lacks.
    const fs::path store = dir_ / "store" / "model.gmat";
    fs::create_directories(store.parent_path());
    fs::copy(small_store(), store, fs::copy_options::recursive);
    const fs::path victim = *fs::directory_iterator(store / "tensors");
    fs::remove(victim);
    const std::string uuid = victim.stem().string();
    const ChildResult verify = run_gmat({"inspect", "--verify", store.string()});
    EXPECT_EQ(verify.exit_code, 1);
    EXPECT_TRUE(contains(verify.out, uuid)) << verify.out;
    expect_clear_error(run_gmat({"export", "-m", store.string(), "-o", (dir_ / "m.gguf").string()}), {uuid});
    EXPECT_FALSE(fs::exists(dir_ / "m.gguf"));
}

} // namespace
} // namespace gmat::faults
