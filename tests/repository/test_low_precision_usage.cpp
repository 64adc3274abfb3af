// `gmat inspect` and `gmat du` on stores of FP8 (block-128) and MXFP4
// checkpoints made by tests/reference's numpy encoder: inspect names each
// encoded tensor's logical dtype and shape and its source encoding with the
// scales, and its byte counts are the checkpoint's; du counts the bytes the
// store really holds (FP8 / MXFP4 data plus scales, not a dequantized size).
// Expected values come from the checkpoint's own safetensors header, read
// here, and from file sizes on disk.
#include "repository_fixture.hpp"

#include <reference/reference_scripts.hpp>

#include <rapidjson/document.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::repotest {
namespace {

struct HeaderEntry {
    std::string dtype;
    std::vector<uint64_t> shape;
    uint64_t bytes = 0;
};

// The safetensors header of dir/model.safetensors, by tensor name.
std::map<std::string, HeaderEntry> read_header(const fs::path &dir) {
    std::ifstream in(dir / "model.safetensors", std::ios::binary);
    uint64_t n = 0;
    in.read(reinterpret_cast<char *>(&n), 8);
    std::string text(n, '\0');
    in.read(text.data(), static_cast<std::streamsize>(n));
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << dir;
    std::map<std::string, HeaderEntry> entries;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        if (std::strcmp(it->name.GetString(), "__metadata__") == 0) continue;
        HeaderEntry e;
        e.dtype = it->value["dtype"].GetString();
        for (const auto &d : it->value["shape"].GetArray()) e.shape.push_back(d.GetUint64());
        e.bytes = it->value["data_offsets"][1].GetUint64() - it->value["data_offsets"][0].GetUint64();
        entries[it->name.GetString()] = e;
    }
    return entries;
}

std::string shape_text(const std::vector<uint64_t> &shape, const std::string &separator) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? separator : "") + std::to_string(shape[i]);
    return s;
}

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

uint64_t tensor_file_bytes(const fs::path &store) {
    uint64_t bytes = 0;
    for (const auto &e : fs::directory_iterator(store / "tensors")) bytes += e.file_size();
    return bytes;
}

// One random 2-layer Qwen3, encoded as FP8 block-128 and as MXFP4, each imported raw.
struct Checkpoints {
    fs::path fp8, mxfp4, fp8_store, mxfp4_store;
};

const Checkpoints &checkpoints() {
    static const Checkpoints c = [] {
        const fs::path root = test::process_root() / "low-precision";
        Checkpoints c{root / "fp8", root / "mxfp4", root / "fp8-out" / "model.gmat", root / "mxfp4-out" / "model.gmat"};
        const fs::path src = root / "src";
        reference::run_reference_script("make_arch_checkpoint.py", {src.string(), "--architecture", "Qwen3ForCausalLM",
                                                                    "--layers", "2", "--head-dim", "128", "--vocab",
                                                                    "512"});
        reference::run_reference_script("make_low_precision_checkpoint.py",
                                        {src.string(), c.fp8.string(), "--method", "fp8", "--block", "128"});
        reference::run_reference_script("make_low_precision_checkpoint.py",
                                        {src.string(), c.mxfp4.string(), "--method", "mxfp4"});
        expect_gmat({"import", "-m", c.fp8.string(), "-o", (root / "fp8-out").string()});
        expect_gmat({"import", "-m", c.mxfp4.string(), "-o", (root / "mxfp4-out").string()});
        return c;
    }();
    return c;
}

// The table row of `name` and its line under "Source encodings", from `gmat inspect`'s output.
std::pair<std::string, std::string> inspect_lines(const std::string &out, const std::string &name) {
    std::pair<std::string, std::string> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string uuid, first;
        words >> uuid >> first;
        if (first == name) lines.first = line;
        if (line.rfind("  " + name + ": ", 0) == 0) lines.second = line;
    }
    return lines;
}

std::vector<std::string> words_of(const std::string &line) {
    std::istringstream in(line);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

TEST(LowPrecisionInspect, Fp8TensorsShowLogicalDtypeEncodingAndScales) {
    const Checkpoints &c = checkpoints();
    const ChildResult shown = expect_gmat({"inspect", c.fp8_store.string()});
    const auto header = read_header(c.fp8);
    size_t checked = 0;
    for (const auto &[name, e] : header) {
        if (e.dtype != "F8_E4M3") continue;
        SCOPED_TRACE(name);
        const HeaderEntry &scales = header.at(name + "_scale_inv");
        const auto [row, encoding] = inspect_lines(shown.out, name);
        // UUID NAME DTYPE SHAPE BYTES ENCODING STORED
        const auto w = words_of(row);
        ASSERT_EQ(w.size(), 7u) << row;
        EXPECT_EQ(w[2], "F8_E4M3");
        EXPECT_EQ(w[3], shape_text(e.shape, "x"));
        EXPECT_EQ(w[4], std::to_string(e.bytes + scales.bytes));
        EXPECT_EQ(encoding, "  " + name + ": logical F8_E4M3 [" + shape_text(e.shape, "x") +
                                "], encoding fp8-block 128x128, scales F32 [" + shape_text(scales.shape, ",") + "]; " +
                                std::to_string(e.bytes + scales.bytes) + " bytes (data " + std::to_string(e.bytes) +
                                ", scales " + std::to_string(scales.bytes) + ")")
            << shown.out;
        ++checked;
    }
    EXPECT_EQ(checked, 14u); // 7 projections x 2 layers
    EXPECT_TRUE(contains(shown.out, "14 encoded tensors")) << shown.out;
}

TEST(LowPrecisionInspect, Mxfp4TensorsShowE2M1LogicalShapeEncodingAndScales) {
    const Checkpoints &c = checkpoints();
    const ChildResult shown = expect_gmat({"inspect", c.mxfp4_store.string()});
    const auto header = read_header(c.mxfp4);
    size_t checked = 0;
    for (const auto &[source, blocks] : header) {
        if (!ends_with(source, "_blocks")) continue;
        const std::string name = source.substr(0, source.size() - 7);
        SCOPED_TRACE(name);
        const HeaderEntry &scales = header.at(name + "_scales");
        // [rows, cols/32, 16] bytes hold rows x cols E2M1 values.
        ASSERT_EQ(blocks.shape.size(), 3u);
        const std::vector<uint64_t> logical{blocks.shape[0], blocks.shape[1] * 32};
        const auto [row, encoding] = inspect_lines(shown.out, name);
        const auto w = words_of(row);
        ASSERT_EQ(w.size(), 7u) << row;
        EXPECT_EQ(w[2], "E2M1");
        EXPECT_EQ(w[3], shape_text(logical, "x"));
        EXPECT_EQ(w[4], std::to_string(blocks.bytes + scales.bytes));
        EXPECT_EQ(encoding, "  " + name + ": logical E2M1 [" + shape_text(logical, "x") +
                                "], encoding mxfp4 1x32, scales U8 [" + shape_text(scales.shape, ",") + "]; " +
                                std::to_string(blocks.bytes + scales.bytes) + " bytes (data " +
                                std::to_string(blocks.bytes) + ", scales " + std::to_string(scales.bytes) + ")")
            << shown.out;
        ++checked;
    }
    EXPECT_EQ(checked, 14u);
}

// du's logical bytes are the checkpoint's tensor bytes (data and scales, each
// logical tensor once), its stored bytes the tensor files on disk: within 2%
// of the checkpoint file, far from the BF16 size the values would take.
void expect_du_counts_source_bytes(const fs::path &checkpoint, const fs::path &store, size_t logical_tensors) {
    SCOPED_TRACE(store.string());
    uint64_t payload = 0;
    for (const auto &[name, e] : read_header(checkpoint)) payload += e.bytes;
    const ChildResult du = expect_gmat({"du", "--bytes", store.string()});
    const DuReport report = parse_du(du.out);
    ASSERT_EQ(report.models.size(), 1u) << du.out;
    const std::vector<uint64_t> &row = report.models.begin()->second; // tensors, logical, stored, shared, delta
    EXPECT_EQ(row[0], logical_tensors) << du.out;
    EXPECT_EQ(row[1], payload) << du.out;
    EXPECT_EQ(row[2], tensor_file_bytes(store)) << du.out;
    EXPECT_EQ(report.totals.at("logical"), payload);
    EXPECT_EQ(report.totals.at("stored"), row[2]);
    const double over_checkpoint =
        static_cast<double>(row[2]) / static_cast<double>(fs::file_size(checkpoint / "model.safetensors"));
    EXPECT_LE(over_checkpoint, 1.02) << du.out;
    EXPECT_GE(over_checkpoint, 0.98) << du.out;
}

TEST(LowPrecisionDu, Fp8StoreCountsItsFp8DataAndScales) {
    const Checkpoints &c = checkpoints();
    // 2 layers x (7 projections + 2 norms + 2 q/k norms) + embedding, final norm, lm_head.
    expect_du_counts_source_bytes(c.fp8, c.fp8_store, 25);
}

TEST(LowPrecisionDu, Mxfp4StoreCountsItsBlocksAndScales) {
    const Checkpoints &c = checkpoints();
    expect_du_counts_source_bytes(c.mxfp4, c.mxfp4_store, 25);
}

} // namespace
} // namespace gmat::repotest
