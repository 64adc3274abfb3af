// default_type "auto" end to end: random Llama checkpoints (whole K blocks,
// and odd widths where only float types fit some rows) and a Mixtral (stacked
// experts, F32 routers) planned and exported under many budgets; the files are
// read back by ggml's GGUF reader and loaded by llama.cpp.
#include "arch_model.hpp"

#include "auto/auto_types.hpp"
#include "auto/predicted_file_size.hpp"
#include "common/error.hpp"
#include "config/export_config.hpp"
#include "pipeline/export_pipeline.hpp"
#include "pipeline/export_plan.hpp"
#include "pipeline/import_pipeline.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <oracle/gguf_file.hpp>
#include <oracle/llama.hpp>
#include <reference/reference_scripts.hpp>

#include <tbb/task_arena.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace gmat::test {
namespace {

fs::path scratch() {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("gmat-auto-" + std::to_string(::getpid()));
        fs::remove_all(p);
        fs::create_directories(p);
        std::atexit([] { fs::remove_all(fs::temp_directory_path() / ("gmat-auto-" + std::to_string(::getpid()))); });
        return p;
    }();
    return root;
}

fs::path llama_store(const std::string &name, const reference::CheckpointOptions &options) {
    const fs::path dir = scratch() / name;
    reference::make_llama_checkpoint(dir / "hf", options);
    ImportOptions import;
    import.model = dir / "hf";
    import.output_dir = dir;
    import.progress = false;
    std::ostringstream log;
    return run_import(build_plugins(), import, log).store;
}

// Whole K super-blocks everywhere (hidden 256, intermediate 512), untied output.
const fs::path &llama() {
    static const fs::path store = [] {
        reference::CheckpointOptions o;
        o.hidden = 256;
        o.intermediate = 512;
        o.layers = 2;
        o.heads = 4;
        o.kv_heads = 2;
        o.vocab = 512;
        o.seed = 5;
        return llama_store("llama", o);
    }();
    return store;
}

// Odd widths: rows of 96 (32-blocks only) and ffn_down rows of 100 (float types only).
const fs::path &odd_llama() {
    static const fs::path store = [] {
        reference::CheckpointOptions o;
        o.hidden = 96;
        o.intermediate = 100;
        o.layers = 2;
        o.heads = 4;
        o.kv_heads = 2;
        o.vocab = 300;
        o.tied = true;
        o.seed = 6;
        return llama_store("odd-llama", o);
    }();
    return store;
}

const fs::path &mixtral() {
    static const ArchModel model =
        make_arch_model("MixtralForCausalLM", {"--layers", "2", "--experts", "4", "--experts-used", "2"});
    return model.store;
}

std::string auto_bpw(double bpw) {
    std::ostringstream s;
    s.precision(17);
    s << R"({"quantization": {"default_type": "auto", "target_bpw": )" << bpw << "}}";
    return s.str();
}
std::string auto_size(uint64_t bytes) {
    return R"({"quantization": {"default_type": "auto", "target_size": )" + std::to_string(bytes) + "}}";
}

ExportPlan plan(const fs::path &store_dir, const std::string &config_json, int threads = 2,
                const ExportPlanOptions &options = {}) {
    const Store store = Store::open(store_dir);
    const ExportConfig config = parse_export_config_text(config_json, "test config");
    tbb::task_arena arena(threads);
    return arena.execute([&] { return plan_export(store, config, "test config", build_plugins(), options); });
}

std::vector<std::string> types_of(const ExportPlan &p) {
    std::vector<std::string> out;
    for (const auto &t : p.tensors) out.push_back(t.gguf_name + "=" + t.type->name());
    return out;
}

std::string bytes_of(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string error_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const GmatError &e) {
        return e.what();
    }
    return "";
}

// The smallest bits per weight auto can reach on a store, from its refusal of a lower target.
double smallest_bpw(const fs::path &store_dir) {
    const std::string e = error_of([&] { plan(store_dir, auto_bpw(0.01)); });
    EXPECT_NE(e.find("below the smallest auto can make, "), std::string::npos) << e;
    return std::stod(e.substr(e.find("can make, ") + 10));
}

// A target between the smallest and the largest, where auto has to choose (4.5 unless the rows allow no less).
double mid_bpw(const fs::path &store_dir) { return std::max(4.5, smallest_bpw(store_dir) + 1.0); }

struct Model {
    const char *name;
    const fs::path &(*store)();
};
const Model kModels[] = {{"llama", llama}, {"odd-llama", odd_llama}, {"mixtral", mixtral}};

TEST(AutoTypes, BitsPerWeightBudgetIsNeverExceeded) {
    for (const Model &m : kModels) {
        const double smallest = smallest_bpw(m.store());
        for (double bpw : {smallest + 0.0001, 3.0, 4.37, 5.0, 6.6, 8.5, 16.0, 24.0}) {
            if (bpw < smallest) continue;
            const ExportPlan p = plan(m.store(), auto_bpw(bpw));
            EXPECT_LE(p.bits_per_weight(), bpw) << m.name << " target " << bpw;
            bool any_auto = false;
            for (const auto &t : p.tensors) any_auto |= t.reason.rfind("auto: ", 0) == 0;
            EXPECT_TRUE(any_auto) << m.name;
        }
    }
}

TEST(AutoTypes, SizeBudgetIsNeverExceededAndFilesHaveThePredictedSize) {
    for (const Model &m : kModels) {
        const ExportPlan f16 = plan(m.store(), default_type_config("f16"));
        const uint64_t full = predicted_output_bytes(f16);
        int exported = 0;
        for (double share : {0.05, 0.27, 0.33, 0.4, 0.61, 0.9, 1.3}) {
            const uint64_t target = static_cast<uint64_t>(full * share);
            const std::string e = error_of([&] { plan(m.store(), auto_size(target)); });
            if (!e.empty()) {
                EXPECT_NE(e.find("quantization.target_size: " + std::to_string(target) +
                                 " bytes is below the smallest file auto can make"),
                          std::string::npos) << e;
                continue;
            }
            const ExportPlan p = plan(m.store(), auto_size(target));
            const uint64_t predicted = predicted_output_bytes(p);
            EXPECT_LE(predicted, target) << m.name;
            if (share <= 0.75) { // above, only large steps (f16 experts) may be left, so more can stay unspent
                EXPECT_GT(predicted, target - target / 20) << m.name << ": well under the target";
            }
            if (exported++ < 2) {
                const fs::path out = scratch() / (std::string(m.name) + "-size-" + std::to_string(target) + ".gguf");
                export_in_process(m.store(), auto_size(target), out);
                EXPECT_EQ(fs::file_size(out), predicted) << m.name;
                const oracle::GgufFile file(out); // ggml reads it, every tensor inside the file
                for (const auto &t : p.tensors) EXPECT_TRUE(file.find_tensor(t.gguf_name)) << t.gguf_name;
            }
        }
        EXPECT_GE(exported, 2) << m.name;
    }
}

TEST(AutoTypes, ShardedOutputStaysWithinTheSize) {
    const ExportPlan f16 = plan(llama(), default_type_config("f16"));
    const uint64_t target = predicted_output_bytes(f16) / 2;
    ExportPlanOptions options;
    options.shard_size_bytes = 150000;
    const ExportPlan p = plan(llama(), auto_size(target), 2, options);
    ASSERT_GT(p.shard_count, 2u);
    EXPECT_LE(predicted_output_bytes(p), target);
    InProcessExport run;
    run.plan = options;
    const fs::path out = scratch() / "sharded.gguf";
    export_in_process(llama(), auto_size(target), out, run);
    uint64_t total = 0;
    for (const auto &f : output_files(out, p.shard_count)) total += fs::file_size(f);
    EXPECT_EQ(total, predicted_output_bytes(p));
    EXPECT_LE(total, target);
}

TEST(AutoTypes, ChoiceAndFileAreTheSameForAnyThreadCount) {
    for (const Model &m : kModels) {
        const double bpw = mid_bpw(m.store());
        EXPECT_EQ(types_of(plan(m.store(), auto_bpw(bpw), 1)), types_of(plan(m.store(), auto_bpw(bpw), 2))) << m.name;
    }
    const fs::path one = scratch() / "threads-1.gguf", two = scratch() / "threads-2.gguf";
    InProcessExport run;
    run.threads = 1;
    {
        tbb::task_arena arena(1);
        arena.execute([&] { export_in_process(mixtral(), auto_bpw(4.5), one, run); });
    }
    run.threads = 2;
    export_in_process(mixtral(), auto_bpw(4.5), two, run);
    EXPECT_EQ(bytes_of(one), bytes_of(two));
}

TEST(AutoTypes, GeneratedProfileReproducesTheExportByteForByte) {
    for (const Model &m : kModels) {
        const Store store = Store::open(m.store());
        ExportConfig config = default_export_config(store, build_plugins());
        config.default_type = "auto";
        config.target_bpw = mid_bpw(m.store());
        const AutoResolution r = resolve_auto_types(store, config, "test config", build_plugins(), {});
        const fs::path profile = scratch() / (std::string(m.name) + "-generated.json");
        write_export_config(profile, r.config, r.comments);
        const ExportConfig generated = parse_export_config(profile);
        EXPECT_FALSE(is_auto_type(generated));
        EXPECT_FALSE(generated.target_bpw);

        const fs::path a = scratch() / (std::string(m.name) + "-auto.gguf"), b = scratch() / (std::string(m.name) + "-gen.gguf");
        ExportRunOptions run;
        run.progress = false;
        std::ostringstream log;
        run.output = a;
        run_export(store, plan_export(store, config, "auto", build_plugins(), {}), config, build_plugins(), run, log);
        run.output = b;
        run_export(store, plan_export(store, generated, profile.string(), build_plugins(), {}), generated, build_plugins(),
                   run, log);
        EXPECT_EQ(bytes_of(a), bytes_of(b)) << m.name;
        EXPECT_LE(plan_export(store, generated, "g", build_plugins(), {}).bits_per_weight(), *config.target_bpw);
    }
}

TEST(AutoTypes, LlamaCppLoadsTheFileWithTheChosenTypes) {
    for (const Model &m : {kModels[0], kModels[2]}) {
        const ExportPlan p = plan(m.store(), auto_bpw(4.2));
        const fs::path out = scratch() / (std::string(m.name) + "-load.gguf");
        export_in_process(m.store(), auto_bpw(4.2), out);
        const oracle::GgufFile file(out);
        std::set<uint32_t> distinct;
        for (const auto &t : p.tensors) {
            EXPECT_EQ(file.tensor(t.gguf_name).type, t.type->gguf_type()) << t.gguf_name;
            if (t.shape.size() >= 2) distinct.insert(t.type->gguf_type());
        }
        EXPECT_GE(distinct.size(), 2u) << m.name << ": auto should mix types at 4.2 bits per weight";
        oracle::Llama llama(out);
        std::vector<int32_t> tokens;
        for (int i = 0; i < 16; ++i) tokens.push_back((i * 37 + 11) % 256);
        for (float v : llama.logits(tokens)) ASSERT_TRUE(std::isfinite(v));
    }
}

TEST(AutoTypes, PinnedTensorsKeepTheirTypeAndCountAgainstTheBudget) {
    const ExportPlan p = plan(llama(), R"({"quantization": {"default_type": "auto", "target_bpw": 4.5,
        "per_tensor": {"output.weight": "q8_0", "blk\\.1\\.attn_q\\.weight": "q2_k"}}})");
    EXPECT_LE(p.bits_per_weight(), 4.5);
    for (const auto &t : p.tensors) {
        if (t.gguf_name == "output.weight") {
            EXPECT_EQ(t.type->name(), "q8_0");
        }
        if (t.gguf_name == "blk.1.attn_q.weight") {
            EXPECT_EQ(t.type->name(), "q2_k");
        }
    }
}

// The lattice types cost tens of times a K-quant's time per value: auto leaves
// them out unless the profile lists them, and then chooses only among the list.
TEST(AutoTypes, SlowSearchTypesAreOfferedOnlyWhenListed) {
    const PluginRegistry &registry = build_plugins();
    ASSERT_NE(registry.find_quant_type("iq3_s"), nullptr) << "the iq-lattice plugin is part of the build";
    ASSERT_TRUE(registry.find_quant_type("iq3_s")->is_slow_search());
    for (double bpw : {3.0, 3.6, 4.5}) {
        const ExportPlan by_default = plan(llama(), auto_bpw(bpw));
        for (const auto &t : by_default.tensors) EXPECT_FALSE(t.type->is_slow_search()) << t.gguf_name << " " << bpw;
        bool noted = false;
        for (const auto &n : by_default.notes) noted |= n.find("left out the slow-search types iq3_s") != std::string::npos;
        EXPECT_TRUE(noted);

        const std::set<std::string> listed{"q2_k", "q3_k", "iq3_s", "q4_k", "q8_0"};
        const std::string profile = R"({"quantization": {"default_type": "auto", "target_bpw": )" + std::to_string(bpw) +
                                    R"(, "auto_types": ["q2_k", "Q3_K", "iq3_s", "q4_k", "q8_0"]}})";
        const ExportPlan listed_plan = plan(llama(), profile);
        EXPECT_LE(listed_plan.bits_per_weight(), bpw);
        size_t chosen = 0;
        for (const auto &t : listed_plan.tensors) {
            if (t.reason.rfind("auto: ", 0) != 0) continue;
            ++chosen;
            EXPECT_EQ(listed.count(t.type->name()), 1u) << t.gguf_name << " got " << t.type->name();
            EXPECT_NE(t.reason.find("best of 5 types"), std::string::npos) << t.reason;
        }
        EXPECT_GT(chosen, 0u);
        for (const auto &n : listed_plan.notes) EXPECT_EQ(n.find("left out"), std::string::npos) << n;
    }
    // The resolved profile is an ordinary one: no auto_types left in it.
    const Store store = Store::open(llama());
    ExportConfig config = parse_export_config_text(
        R"({"quantization": {"default_type": "auto", "target_bpw": 3.6, "auto_types": ["q3_k", "iq3_s", "q8_0"]}})", "p");
    const AutoResolution r = resolve_auto_types(store, config, "p", registry, {});
    EXPECT_TRUE(r.config.auto_types.empty());
    EXPECT_EQ(export_config_text(r.config).find("auto_types"), std::string::npos);
}

TEST(AutoTypes, BadAutoTypesAreClearErrors) {
    auto err = [](const std::string &types) {
        return error_of([&] {
            plan(llama(), R"({"quantization": {"default_type": "auto", "target_bpw": 4.5, "auto_types": )" + types + "}}");
        });
    };
    const std::string unknown = err(R"(["q4_k", "q9_k"])");
    EXPECT_NE(unknown.find("test config: quantization.auto_types[1]: 'q9_k' is not a type auto can choose (loaded: "),
              std::string::npos) << unknown;
    EXPECT_NE(unknown.find("iq3_s"), std::string::npos) << unknown;
    EXPECT_NE(err(R"(["q4_k_m"])").find("quantization.auto_types[0]: 'q4_k_m' is a mix; auto chooses block types (such as q4_k)"),
              std::string::npos);
    EXPECT_NE(err(R"(["f32"])").find("'f32' is not a type auto can choose"), std::string::npos);
    EXPECT_NE(err(R"(["q4_k", "Q4_K"])").find("quantization.auto_types[1]: 'Q4_K' is listed twice"), std::string::npos);
}

TEST(AutoTypes, BadBudgetsAreClearErrors) {
    EXPECT_NE(error_of([] { plan(llama(), R"({"quantization": {"default_type": "auto"}})"); })
                  .find("test config: quantization.default_type: \"auto\" needs a budget: target_bpw"),
              std::string::npos);
    EXPECT_NE(error_of([] { plan(llama(), auto_bpw(1.0)); })
                  .find("test config: quantization.target_bpw: 1 bits per weight is below the smallest auto can make, "),
              std::string::npos);
    EXPECT_NE(error_of([] { plan(llama(), auto_size(1000)); })
                  .find("test config: quantization.target_size: 1000 bytes is below the smallest file auto can make, "),
              std::string::npos);
}

} // namespace
} // namespace gmat::test
