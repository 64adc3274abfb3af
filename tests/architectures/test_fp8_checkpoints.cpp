// FP8 checkpoints (DeepSeek-style block scales and compressed-tensors), built
// from a random Qwen3 checkpoint by tests/reference's numpy encoder: the store
// keeps the source bytes and scales exactly, the F32 export equals numpy's
// dequantization bit for bit, BF16/F16 round that F32 to nearest even, and
// llama.cpp computes the HF forward pass of the dequantized model.
#include "arch_model.hpp"
#include "llama_cpp_checks.hpp"
#include "safetensors_fixture.hpp" // f32_to_bf16_bits, f32_to_f16_bits

#include "common/dtype.hpp"
#include "common/json.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"
#include "quant_mix/mix_names.hpp"
#include "store/store.hpp"
#include "store/tensor_file_io.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>
#include <oracle/quantize_model.hpp>
#include <reference/reference_scripts.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

// GGUF role -> the HF projection it comes from (Qwen3: no row permutation).
const std::map<std::string, std::string> &projections() {
    static const std::map<std::string, std::string> roles{
        {"attn_q", "self_attn.q_proj"}, {"attn_k", "self_attn.k_proj"}, {"attn_v", "self_attn.v_proj"},
        {"attn_output", "self_attn.o_proj"}, {"ffn_gate", "mlp.gate_proj"}, {"ffn_up", "mlp.up_proj"},
        {"ffn_down", "mlp.down_proj"}};
    return roles;
}

struct Fp8Model {
    fs::path dir, encoded, dequantized, store;
    ArchModel arch; // hf = the dequantized checkpoint, store = the encoded one's store
};

fs::path scratch(const std::string &name) {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("gmat-fp8-" + std::to_string(::getpid()));
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-fp8-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root / name;
}

fs::path import_store(const fs::path &hf, const fs::path &out, const std::string &block_format) {
    ImportOptions import;
    import.model = hf;
    import.output_dir = out;
    import.block_format = block_format;
    import.progress = false;
    std::ostringstream log;
    return run_import(build_plugins(), import, log).store;
}

// A 4-layer Qwen3 (hidden 256, head dim 128) encoded with encoder_args; imported raw.
const Fp8Model &model(const std::string &name, const std::vector<std::string> &encoder_args) {
    static std::map<std::string, Fp8Model> models;
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto it = models.find(name); it != models.end()) return it->second;
    Fp8Model m;
    m.dir = scratch(name);
    const fs::path src = m.dir / "src";
    m.encoded = m.dir / "encoded";
    m.dequantized = m.dir / "dequantized";
    reference::run_reference_script("make_arch_checkpoint.py",
                                    {src.string(), "--architecture", "Qwen3ForCausalLM", "--head-dim", "128", "--vocab", "512"});
    std::vector<std::string> args{src.string(), m.encoded.string(), "--dequantized", m.dequantized.string()};
    args.insert(args.end(), encoder_args.begin(), encoder_args.end());
    reference::run_reference_script("make_low_precision_checkpoint.py", args);
    m.store = import_store(m.encoded, m.dir, "raw");
    m.arch.hf_class = "Qwen3ForCausalLM";
    m.arch.dir = m.dir;
    m.arch.hf = m.dequantized;
    m.arch.store = m.store;
    for (int i = 0; i < 32; ++i) m.arch.tokens.push_back((i * 97 + 3) % 512);
    return models.emplace(name, std::move(m)).first->second;
}

std::vector<uint8_t> source_bytes(const SourceReader &reader, const std::string &name) {
    for (size_t i = 0; i < reader.tensors().size(); ++i)
        if (reader.tensors()[i].name == name) {
            std::vector<uint8_t> bytes(reader.tensors()[i].n_bytes);
            reader.read(i, 0, bytes.size(), bytes.data());
            return bytes;
        }
    throw std::runtime_error("no source tensor " + name);
}

// Every projection's stored payload is its F8 bytes followed by its companions' bytes.
void expect_store_keeps_source(const fs::path &store_dir, const fs::path &hf, const std::string &scale_suffix,
                               bool input_scale) {
    const Store store = Store::open(store_dir);
    const SourceReader reader = build_plugins().open_reader(hf);
    size_t encoded = 0;
    for (const auto &t : store.tensors()) {
        EXPECT_FALSE(t.name.ends_with("_scale_inv") || t.name.ends_with("_scale") || t.name.ends_with("input_scale"))
            << t.name << " is a companion, not a store tensor";
        if (!t.source.encoded()) continue;
        ++encoded;
        SCOPED_TRACE(t.name);
        EXPECT_EQ(t.dtype, GMAT_DTYPE_F8_E4M3);
        std::vector<uint8_t> want = source_bytes(reader, t.name);
        const auto scales = source_bytes(reader, t.name + scale_suffix);
        want.insert(want.end(), scales.begin(), scales.end());
        if (input_scale) {
            const auto input = source_bytes(reader, t.name.substr(0, t.name.size() - 6) + "input_scale");
            want.insert(want.end(), input.begin(), input.end());
        }
        const auto file = store.open_tensor(t);
        std::vector<uint8_t> got(file->header().payload_bytes);
        file->read(0, got.size(), got.data());
        EXPECT_EQ(got, want);
        file->verify();
    }
    EXPECT_EQ(encoded, 4u * projections().size());
}

// F32 of every projection equals the numpy dequantization's bytes; other tensors are the source's F32.
void expect_f32_equals_reference(const fs::path &gguf, const fs::path &dequantized) {
    const SourceReader reference = build_plugins().open_reader(dequantized);
    const oracle::GgufFile file(gguf);
    size_t compared = 0;
    for (int layer = 0; layer < 4; ++layer)
        for (const auto &[role, hf] : projections()) {
            const std::string name = "blk." + std::to_string(layer) + "." + role + ".weight";
            SCOPED_TRACE(name);
            const auto info = file.tensor(name);
            EXPECT_EQ(info.type, 0u); // GGML_TYPE_F32
            const auto want = source_bytes(reference, "model.layers." + std::to_string(layer) + "." + hf + ".weight");
            EXPECT_TRUE(file.read_tensor_data(info) == want) << "F32 export differs from numpy's dequantization";
            ++compared;
        }
    EXPECT_EQ(compared, 28u);
}

TEST(Fp8BlockCheckpoint, StoreKeepsTheFp8BytesAndScalesExactly) {
    // Block 96 leaves partial edge blocks (256 = 2 x 96 + 64); BF16 scales as some releases ship them.
    const Fp8Model &m = model("block96-bf16", {"--method", "fp8", "--block", "96", "--scale-dtype", "BF16"});
    expect_store_keeps_source(m.store, m.encoded, "_scale_inv", false);
    const fs::path zstd = import_store(m.encoded, m.dir / "zstd", "zstd");
    expect_store_keeps_source(zstd, m.encoded, "_scale_inv", false);
    const Store store = Store::open(m.store);
    const StoredTensor *q = store.find_name("model.layers.0.self_attn.q_proj.weight");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->shape, (std::vector<uint64_t>{512, 256}));
    EXPECT_EQ(q->source.block_rows, 96u);
    ASSERT_EQ(q->source.companions.size(), 1u);
    EXPECT_EQ(q->source.companions[0].dtype, GMAT_DTYPE_BF16);
    EXPECT_EQ(q->source.companions[0].shape, (std::vector<uint64_t>{6, 3}));
}

TEST(Fp8BlockCheckpoint, F32ExportEqualsTheNumpyDequantizationBitForBit) {
    const Fp8Model &m = model("block96-bf16", {"--method", "fp8", "--block", "96", "--scale-dtype", "BF16"});
    expect_f32_equals_reference(export_model(m.arch, "f32"), m.dequantized);
    const fs::path zstd = m.dir / "zstd-export" / "model.gmat";
    if (!fs::exists(zstd)) import_store(m.encoded, m.dir / "zstd-export", "zstd");
    const fs::path out = m.dir / "zstd-f32.gguf";
    export_in_process(zstd, default_type_config("f32"), out);
    expect_f32_equals_reference(out, m.dequantized);
}

TEST(Fp8BlockCheckpoint, Bf16AndF16ExportsRoundTheF32ToNearestEven) {
    const Fp8Model &m = model("block96-bf16", {"--method", "fp8", "--block", "96", "--scale-dtype", "BF16"});
    const SourceReader reference = build_plugins().open_reader(m.dequantized);
    for (const std::string type : {"bf16", "f16"}) {
        SCOPED_TRACE(type);
        const oracle::GgufFile file(export_model(m.arch, type));
        const std::string name = "model.layers.1.mlp.down_proj.weight";
        const auto raw = source_bytes(reference, name);
        std::vector<float> values(raw.size() / 4);
        std::memcpy(values.data(), raw.data(), raw.size());
        std::vector<uint16_t> want;
        for (float v : values) want.push_back(type == "bf16" ? f32_to_bf16_bits(v) : f32_to_f16_bits(v));
        const auto got = file.read_tensor_data(file.tensor("blk.1.ffn_down.weight"));
        ASSERT_EQ(got.size(), want.size() * 2);
        EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size()), 0);
    }
}

std::vector<uint8_t> file_bytes(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A copy of the checkpoint with one FP8 byte of `tensor` changed: a fine-tune for delta storage.
fs::path tuned_copy(const fs::path &hf, const fs::path &out, const std::string &tensor) {
    fs::create_directories(out);
    fs::copy_file(hf / "config.json", out / "config.json", fs::copy_options::overwrite_existing);
    std::vector<uint8_t> bytes = file_bytes(hf / "model.safetensors");
    uint64_t header = 0;
    std::memcpy(&header, bytes.data(), 8);
    const auto doc = json::parse_text(std::string_view(reinterpret_cast<const char *>(bytes.data() + 8), header), "header");
    const uint64_t begin = doc[tensor.c_str()]["data_offsets"][0].GetUint64();
    bytes[8 + header + begin + 100] ^= 0x01; // a mantissa bit: still a finite FP8 value
    std::ofstream(out / "model.safetensors", std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return out;
}

uint64_t folder_bytes(const fs::path &dir) {
    uint64_t bytes = 0;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) bytes += e.file_size();
    return bytes;
}

TEST(Fp8BlockCheckpoint, StoreIsWithinTwoPercentOfTheCheckpoint) {
    const Fp8Model &m = model("block128", {"--method", "fp8", "--block", "128"});
    const double ratio = double(folder_bytes(m.store)) / double(folder_bytes(m.encoded));
    std::printf("FP8 store / checkpoint: %.4f\n", ratio);
    ::testing::Test::RecordProperty("store_over_checkpoint", std::to_string(ratio));
    EXPECT_LE(ratio, 1.02);
    EXPECT_GE(ratio, 0.98);
}

TEST(Fp8BlockCheckpoint, GeneratedProfileNeverUpcastsFp8AndSaysWhy) {
    const Fp8Model &m = model("block128", {"--method", "fp8", "--block", "128"});
    const Store store = Store::open(m.store);
    std::vector<std::pair<std::string, std::string>> comments;
    const ExportConfig config = default_export_config(store, build_plugins(), &comments);
    size_t fp8 = 0;
    for (const auto &[key, type] : config.per_tensor) {
        const StoredTensor *t = store.find_uuid(key);
        if (!t || !t->source.encoded()) continue;
        ++fp8;
        EXPECT_TRUE(type != "f16" && type != "bf16" && type != "f32") << t->name << " -> " << type;
    }
    EXPECT_EQ(fp8, 28u);
    size_t explained = 0;
    for (const auto &[uuid, why] : comments)
        if (why.find("q8_0 is the natural floor") != std::string::npos) ++explained;
    EXPECT_EQ(explained, 28u);
}

TEST(Fp8BlockCheckpoint, RepositoryAndBaseDeltasKeepTheBytesAndExportTheSameFile) {
    const Fp8Model &m = model("block96-bf16", {"--method", "fp8", "--block", "96", "--scale-dtype", "BF16"});
    const fs::path repo = m.dir / "repo";
    auto import_into = [&](const fs::path &hf, const std::string &name, std::optional<fs::path> base) {
        ImportOptions import;
        import.model = hf;
        import.repository = repo;
        import.model_name = name;
        import.base = base;
        import.block_format = "zstd";
        import.progress = false;
        std::ostringstream log;
        return run_import(build_plugins(), import, log).store;
    };
    const fs::path base = import_into(m.encoded, "base", std::nullopt);
    const std::string changed = "model.layers.1.mlp.down_proj.weight";
    const fs::path tuned_hf = tuned_copy(m.encoded, m.dir / "tuned", changed);
    const fs::path tuned = import_into(tuned_hf, "tuned", base);
    expect_store_keeps_source(base, m.encoded, "_scale_inv", false);
    expect_store_keeps_source(tuned, tuned_hf, "_scale_inv", false);
    const Store tuned_store = Store::open(tuned);
    const StoredTensor *delta = tuned_store.find_name(changed);
    ASSERT_NE(delta, nullptr);
    EXPECT_FALSE(delta->base.empty()) << "the changed FP8 tensor is stored as a delta on the base's";
    EXPECT_EQ(tuned_store.open_tensor(*delta)->header().encoding, TensorEncoding::zstd_planes_delta);
    // The unchanged tensors are the base's blobs; the export of the base equals a plain store's.
    EXPECT_EQ(tuned_store.find_name("model.layers.0.self_attn.q_proj.weight")->blob,
              Store::open(base).find_name("model.layers.0.self_attn.q_proj.weight")->blob);
    export_in_process(base, default_type_config("f32"), m.dir / "repo-f32.gguf");
    expect_f32_equals_reference(m.dir / "repo-f32.gguf", m.dequantized);
}

TEST(Fp8BlockCheckpoint, Qwen3F32ExportMatchesTheFloat64ForwardOfTheDequantizedWeights) {
    const Fp8Model &m = model("block128", {"--method", "fp8", "--block", "128"});
    expect_store_keeps_source(m.store, m.encoded, "_scale_inv", false);
    expect_f32_matches_hf(m.arch);
}

// A llama.cpp mix exported straight from the FP8 store has, tensor by tensor,
// the types llama_model_quantize picks on the BF16 GGUF of the same model (the
// numpy-dequantized checkpoint imported and exported as BF16, as a user of
// llama.cpp's converter would start from). The q8_0 floor is a recommendation
// of --generate-config only; an explicit mix is llama.cpp's.
void expect_mix_like_llama_cpp_on_bf16(const Fp8Model &m, const std::string &mix) {
    SCOPED_TRACE(mix);
    const fs::path bf16 = m.dir / "dequantized-bf16.gguf";
    if (!fs::exists(bf16)) export_in_process(import_store(m.dequantized, m.dir / "dequantized-store", "raw"),
                                             default_type_config("bf16"), bf16);
    const fs::path theirs = m.dir / ("llama-" + mix + "-from-bf16.gguf");
    oracle::quantize_model(bf16, theirs, static_cast<int32_t>(llama_ftype_of(mix)), 2);
    const auto our_types = gguf_tensor_types(export_model(m.arch, mix));
    const auto their_types = gguf_tensor_types(theirs);
    EXPECT_EQ(our_types.size(), their_types.size());
    std::set<uint32_t> projection_types;
    for (const auto &[name, type] : their_types) {
        const auto it = our_types.find(name);
        if (it == our_types.end()) {
            ADD_FAILURE() << name << " is missing from our " << mix << " export of the FP8 store";
            continue;
        }
        EXPECT_EQ(it->second, type) << name << ": ggml type of our FP8-store export vs llama_model_quantize's on BF16";
        for (const auto &[role, hf] : projections())
            if (name.ends_with("." + role + ".weight")) projection_types.insert(type);
    }
    // The mix gives the projections more than one type (q6_k/q5_k on attn_v and ffn_down), so
    // a floor or a single default type would show.
    EXPECT_GE(projection_types.size(), 2u) << mix << " gave every projection one type";
}

TEST(Fp8BlockCheckpoint, Q4KMAndQ3KMResolveAsLlamaCppOnTheBf16ConversionOfTheModel) {
    const Fp8Model &m = model("block128", {"--method", "fp8", "--block", "128"});
    for (const std::string mix : {"q4_k_m", "q3_k_m"}) expect_mix_like_llama_cpp_on_bf16(m, mix);
}

TEST(CompressedTensorsFp8, PerChannelScalesAndInputScaleAreKeptAndF32IsExact) {
    const Fp8Model &m = model("ct-channel", {"--method", "compressed-tensors", "--per-channel", "--input-scale"});
    expect_store_keeps_source(m.store, m.encoded, "_scale", true);
    const Store store = Store::open(m.store);
    const StoredTensor *down = store.find_name("model.layers.2.mlp.down_proj.weight");
    ASSERT_NE(down, nullptr);
    EXPECT_EQ(down->source.block_rows, 1u);
    EXPECT_EQ(down->source.block_cols, 512u);
    ASSERT_EQ(down->source.companions.size(), 2u); // the scale and the input_scale, which is not applied
    expect_f32_equals_reference(export_model(m.arch, "f32"), m.dequantized);
}

TEST(CompressedTensorsFp8, PerTensorScaleF32IsExact) {
    const Fp8Model &m = model("ct-tensor", {"--method", "compressed-tensors"});
    expect_store_keeps_source(m.store, m.encoded, "_scale", false);
    expect_f32_equals_reference(export_model(m.arch, "f32"), m.dequantized);
}

} // namespace
} // namespace gmat::test
