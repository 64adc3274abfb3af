#include "pipeline/export_plan.hpp"

#include "auto/auto_types.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "pipeline/tensor_types.hpp"
#include "pipeline/model_metadata.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/recommendations.hpp"
#include "pipeline/required_importance.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace gmat {

std::vector<uint64_t> PlannedTensor::ggml_ne() const { return {shape.rbegin(), shape.rend()}; }

namespace {

// llama.cpp's tensor order: non-layer tensors first, then blk.N by N, output tensors last.
int order_group(const std::string &name, uint64_t *layer) {
    if (name.rfind("blk.", 0) == 0) {
        *layer = std::strtoull(name.c_str() + 4, nullptr, 10);
        return 1;
    }
    return name.rfind("output", 0) == 0 ? 2 : 0;
}

void sort_for_output(std::vector<PlannedTensor> &tensors) {
    std::stable_sort(tensors.begin(), tensors.end(), [](const PlannedTensor &a, const PlannedTensor &b) {
        uint64_t la = 0, lb = 0;
        const int ga = order_group(a.gguf_name, &la), gb = order_group(b.gguf_name, &lb);
        if (ga != gb) return ga < gb;
        if (la != lb) return la < lb;
        if (ga == 2) return a.gguf_name.size() > b.gguf_name.size(); // output_norm before output
        return false;
    });
}

std::map<std::string, std::string> explicit_names(const Store &store, const ExportConfig &config, const std::string &ctx) {
    std::map<std::string, std::string> by_uuid;
    std::set<std::string> targets;
    for (size_t i = 0; i < config.tensor_map.size(); ++i) {
        const auto &[uuid, name] = config.tensor_map[i];
        const std::string where = ctx + ": tensor_map[" + std::to_string(i) + "]";
        const StoredTensor *t = store.find_uuid(uuid);
        if (!t) throw GmatError(where + ".source: no tensor with UUID " + uuid + " in " + store.dir().string());
        if (name.empty()) throw GmatError(where + ".target: empty GGUF tensor name");
        if (!targets.insert(name).second) throw GmatError(where + ".target: GGUF name '" + name + "' is used twice");
        by_uuid[t->uuid] = name;
    }
    return by_uuid;
}

// The UUIDs of the tensors --skip-tensor names, by UUID or source name.
std::set<std::string> skipped_uuids(const Store &store, const std::vector<std::string> &skip) {
    std::set<std::string> uuids;
    for (const auto &key : skip) {
        const StoredTensor *t = store.find_uuid(key);
        if (!t) t = store.find_name(key);
        if (!t) throw GmatError("--skip-tensor '" + key + "': no tensor with that UUID or name in " + store.dir().string());
        uuids.insert(t->uuid);
    }
    return uuids;
}

// Store tensors an architecture stacks into one GGUF tensor, by GGUF name then slot.
using StackedParts = std::map<std::string, std::map<uint64_t, const StoredTensor *>>;

// One PlannedTensor per stacked GGUF tensor: slots 0..n-1 all present, one dtype and shape.
void plan_stacked(const StackedParts &stacked, const Architecture &arch, const std::string &ctx,
                  std::vector<PlannedTensor> &out) {
    for (const auto &[gguf_name, slots] : stacked) {
        PlannedTensor t;
        t.gguf_name = gguf_name;
        for (const auto &[index, part] : slots) {
            if (index != t.parts.size())
                throw GmatError(ctx + ": '" + gguf_name + "' stacks " + std::to_string(slots.size()) +
                                " store tensors but slot " + std::to_string(t.parts.size()) + " has none ('" +
                                part->name + "' is slot " + std::to_string(index) + ")");
            const StoredTensor *first = t.parts.empty() ? part : t.parts.front();
            if (part->dtype != first->dtype || part->shape != first->shape || part->source != first->source)
                throw GmatError(ctx + ": '" + gguf_name + "' stacks '" + first->name + "' (" + dtype_name(first->dtype) +
                                " [" + shape_string(first->shape) + "]) with '" + part->name + "' (" +
                                dtype_name(part->dtype) + " [" + shape_string(part->shape) +
                                "]); stacked tensors need one dtype and shape");
            t.parts.push_back(part);
        }
        t.stored = t.parts.front();
        t.shape = t.stored->shape;
        t.shape.insert(t.shape.begin(), t.parts.size());
        t.transform_values = arch.transforms_values(gguf_name);
        out.push_back(std::move(t));
    }
}

void assign_shards(ExportPlan &plan, std::optional<uint64_t> shard_size) {
    uint64_t in_shard = 0;
    uint32_t shard = 0;
    for (auto &t : plan.tensors) {
        if (shard_size && in_shard > 0 && in_shard + t.bytes > *shard_size) {
            ++shard;
            in_shard = 0;
        }
        t.shard = shard;
        in_shard += t.bytes;
    }
    plan.shard_count = shard + 1;
}

// llama-imatrix records the inputs of matrix multiplications; the token
// embedding is looked up, not multiplied, so no imatrix has an entry for it
// (unless tied to the output) and its absence is no sign of a wrong file.
bool imatrix_never_records(const std::string &gguf_name) { return gguf_name == "token_embd.weight"; }

std::string first_names(const std::vector<std::string> &names, size_t n) {
    std::string out;
    for (size_t i = 0; i < names.size() && i < n; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > n) out += ", ... (" + std::to_string(names.size() - n) + " more)";
    return out;
}

// Gives each tensor whose type uses the loaded importance matrix its column
// weights. The file must cover at least one of those tensors (else it was made
// for another model: an error); the ones it misses are quantized without
// importance, said in one note and per tensor in the plan. The metadata
// records it as llama-quantize does, plus how many tensors used it, only when
// some tensor did.
void attach_importance(ExportPlan &plan) {
    if (!plan.imatrix) return;
    const std::string file = plan.imatrix->file().string();
    std::vector<std::string> wanted, missing;
    for (auto &t : plan.tensors) {
        if (!t.type->uses_importance() || t.shape.size() < 2) continue;
        wanted.push_back(t.gguf_name);
        t.importance = plan.imatrix->for_tensor(t.gguf_name, t.n_cols);
        // One row of importance per matrix: an expert stack [experts, rows, cols]
        // takes expert e's values for its slice e, as llama.cpp's quantizer does.
        const uint64_t matrices = t.shape.size() >= 3 ? t.n_rows / t.shape[t.shape.size() - 2] : 1;
        if (t.importance && t.importance->size() != matrices * t.n_cols)
            throw GmatError(file + ": the entry for '" + t.gguf_name + "' holds " +
                            std::to_string(t.importance->size() / t.n_cols) + " matrices of " + std::to_string(t.n_cols) +
                            " columns, but the tensor has " + std::to_string(matrices) +
                            (matrices == 1 ? " matrix" : " (one per expert)"));
        if (t.importance) continue;
        t.reason += imatrix_never_records(t.gguf_name)
                        ? "; no imatrix entry (llama-imatrix never records the embedding lookup)"
                        : "; no imatrix entry: quantized without importance";
        if (!imatrix_never_records(t.gguf_name)) missing.push_back(t.gguf_name);
    }
    const size_t used = static_cast<size_t>(std::count_if(plan.tensors.begin(), plan.tensors.end(),
                                                          [](const PlannedTensor &t) { return t.importance != nullptr; }));
    if (wanted.empty()) {
        plan.notes.push_back("importance matrix " + file + " not used: no tensor's type takes importance; "
                             "no quantize.imatrix.* keys written");
        return;
    }
    if (used == 0)
        throw GmatError(file + ": the importance matrix covers none of the " + std::to_string(wanted.size()) +
                        " tensors this export quantizes with importance (" + first_names(wanted, 3) +
                        "); was it made for another model? Its " + std::to_string(plan.imatrix->size()) +
                        " entries are named like " + first_names(plan.imatrix->names(), 3));
    plan.metadata.set("quantize.imatrix.file", file);
    if (!plan.imatrix->datasets().empty()) plan.metadata.set("quantize.imatrix.dataset", plan.imatrix->datasets().front());
    plan.metadata.set("quantize.imatrix.entries_count", static_cast<uint32_t>(plan.imatrix->size()));
    if (plan.imatrix->chunk_count() > 0) plan.metadata.set("quantize.imatrix.chunks_count", plan.imatrix->chunk_count());
    plan.metadata.set("quantize.imatrix.tensors_used", static_cast<uint32_t>(used));
    plan.notes.push_back("importance matrix " + file + ": " + std::to_string(used) + " of " +
                         std::to_string(wanted.size()) + " tensors whose type takes importance use it");
    if (!missing.empty())
        plan.notes.push_back("warning: importance matrix " + file + " has no entry for " +
                             std::to_string(missing.size()) + " quantized tensors, quantized without importance: " +
                             first_names(missing, 5) + (missing.size() > 5 ? "; --dry-run lists each" : ""));
}

// The architecture's GGUF name for a store tensor; errors name its uuid and the store's metadata.json.
std::optional<std::string> gguf_name_of(const Architecture &arch, const StoredTensor &t, const Store &store) {
    try {
        return arch.gguf_tensor_name(t.name);
    } catch (const GmatError &e) {
        throw GmatError((store.dir() / "metadata.json").string() + ": uuid " + t.uuid + ": " + e.what());
    }
}

// The GGUF tensors a store tensor is cut into; errors name its uuid and the store's metadata.json.
std::vector<TensorSlice> split_of(const Architecture &arch, const StoredTensor &t, const HfConfig &hf, const Store &store) {
    try {
        return arch.split_tensor(t.name, t.shape, hf);
    } catch (const GmatError &e) {
        throw GmatError((store.dir() / "metadata.json").string() + ": uuid " + t.uuid + ": " + e.what());
    }
}

// config.json's vocab_size sizes the GGUF vocabulary (the tokenizer is padded
// to it): it must be the embedding's row count, or llama.cpp cannot load the file.
void check_vocab_size(const ExportPlan &plan, const HfConfig &hf, const Store &store) {
    const auto vocab = hf.optional_uint("vocab_size");
    if (!vocab) return;
    for (const auto &t : plan.tensors)
        if (t.gguf_name == "token_embd.weight" && t.shape.size() == 2 && t.shape[0] != *vocab)
            throw GmatError(hf.source() + ": vocab_size is " + std::to_string(*vocab) + " but token_embd.weight has " +
                            std::to_string(t.shape[0]) + " rows (uuid " + t.stored->uuid + " in " +
                            (store.dir() / "metadata.json").string() + "); they must agree");
}

} // namespace

ExportPlan plan_export(const Store &store, const ExportConfig &config, const std::string &ctx,
                       const PluginRegistry &registry, const ExportPlanOptions &options) {
    if (is_auto_type(config)) return plan_auto_export(store, config, ctx, registry, options); // resolves, then plans here
    const auto formats = registry.writer_formats();
    if (std::find(formats.begin(), formats.end(), config.target_format) == formats.end())
        registry.create_writer(config.target_format, {}, 1); // throws, listing the formats available
    auto hf_config = std::make_shared<const HfConfig>(HfConfig::load(store.model_file("config.json")));
    const HfConfig &hf = *hf_config;
    const Architecture &arch = architecture_for(hf);

    ExportPlan plan;
    plan.architecture = arch.gguf_architecture();
    plan.architecture_module = &arch;
    plan.hf_config = hf_config;
    plan.generated = arch.generated_tensors(hf);
    const auto named = explicit_names(store, config, ctx);
    const auto skipped = skipped_uuids(store, options.skip_tensors);
    std::set<std::string> used_names;
    StackedParts stacked;
    std::map<std::string, std::vector<std::string>> left_out; // reason -> store tensors (one note per reason)
    for (const auto &stored : store.tensors()) {
        if (skipped.contains(stored.uuid)) {
            plan.notes.push_back("skipped '" + stored.name + "' (uuid " + stored.uuid + "): --skip-tensor");
            if (auto name = arch.gguf_tensor_name(stored.name)) plan.skipped_gguf_names.push_back(*name);
            continue;
        }
        PlannedTensor t;
        auto it = named.find(stored.uuid);
        if (it != named.end()) {
            t.gguf_name = it->second;
        } else if (auto why = arch.left_out(stored.name, hf)) {
            left_out[*why].push_back(stored.name);
            continue;
        } else if (auto slices = split_of(arch, stored, hf, store); !slices.empty()) {
            for (auto &slice : slices) {
                if (!used_names.insert(slice.gguf_name).second)
                    throw GmatError(ctx + ": two store tensors map to the GGUF name '" + slice.gguf_name + "'");
                PlannedTensor part;
                part.gguf_name = std::move(slice.gguf_name);
                part.stored = &stored;
                part.shape = std::move(slice.shape);
                part.row_blocks = slice.rows;
                part.transform_values = arch.transforms_values(part.gguf_name);
                plan.tensors.push_back(std::move(part));
            }
            continue;
        } else if (auto slot = arch.stacked_tensor(stored.name)) {
            if (!stacked[slot->gguf_name].emplace(slot->index, &stored).second)
                throw GmatError(ctx + ": two store tensors fill slot " + std::to_string(slot->index) + " of '" +
                                slot->gguf_name + "' (one is '" + stored.name + "')");
            continue;
        } else if (auto name = gguf_name_of(arch, stored, store)) {
            t.gguf_name = *name;
        } else {
            plan.notes.push_back("skipped '" + stored.name + "': llama.cpp recomputes it");
            continue;
        }
        if (!used_names.insert(t.gguf_name).second)
            throw GmatError(ctx + ": two store tensors map to the GGUF name '" + t.gguf_name + "'");
        t.stored = &stored;
        t.shape = stored.shape;
        t.permutation = arch.row_permutation(t.gguf_name, t.shape, hf);
        t.transform_values = arch.transforms_values(t.gguf_name);
        plan.tensors.push_back(std::move(t));
    }
    for (const auto &[why, names] : left_out)
        plan.notes.push_back("skipped " + (names.size() == 1 ? "'" + names[0] + "'"
                                                              : std::to_string(names.size()) + " tensors ('" + names[0] +
                                                                    "', ...)") +
                             ": " + why);
    for (const auto &[gguf_name, slots] : stacked)
        if (!used_names.insert(gguf_name).second)
            throw GmatError(ctx + ": a store tensor and stacked tensors both map to the GGUF name '" + gguf_name + "'");
    plan_stacked(stacked, arch, ctx, plan.tensors);
    for (const auto &g : plan.generated) {
        PlannedTensor t;
        t.gguf_name = g.gguf_name;
        t.generated = &g;
        t.shape = g.shape;
        plan.tensors.push_back(std::move(t));
    }
    sort_for_output(plan.tensors);
    for (auto &t : plan.tensors) {
        if (t.shape.empty()) t.shape = {1};
        t.n_cols = t.shape.back();
        t.n_rows = element_count(t.shape) / std::max<uint64_t>(t.n_cols, 1);
    }

    check_vocab_size(plan, hf, store);
    // Loaded before the types are chosen: llama.cpp's mix rules differ when an importance matrix is given.
    if (const auto file = options.imatrix ? std::optional<std::string>(options.imatrix->string()) : config.imatrix)
        plan.imatrix = std::make_shared<const ImportanceMatrix>(ImportanceMatrix::load(*file));
    assign_tensor_types(plan, store, config, ctx, registry, arch, hf);
    check_required_importance(plan, config.default_type, ctx);
    for (auto &t : plan.tensors) {
        t.bytes = t.n_rows * t.type->row_bytes(t.n_cols);
        plan.total_bytes += t.bytes;
        plan.total_elements += t.n_rows * t.n_cols;
    }
    assign_shards(plan, options.shard_size_bytes ? options.shard_size_bytes : config.shard_size);
    plan.metadata = model_metadata(store, config, arch, hf, options.allow_unknown_pre_tokenizer);
    attach_importance(plan);
    add_provenance(plan, store, config, registry);
    return plan;
}

} // namespace gmat

namespace gmat {

ExportConfig default_export_config(const Store &store, const PluginRegistry &registry,
                                   std::vector<std::pair<std::string, std::string>> *comments, double importance_high,
                                   double importance_medium) {
    ExportConfig config;
    config.default_type = registry.find_quant_type("q4_k") ? "q4_k_m" : "q8_0";
    const HfConfig hf = HfConfig::load(store.model_file("config.json"));
    const Architecture &arch = architecture_for(hf);
    for (const auto &t : store.tensors()) {
        if (arch.stacked_tensor(t.name)) continue; // planned as one stacked tensor, not named one by one
        if (!arch.split_tensor(t.name, t.shape, hf).empty()) continue; // cut into several GGUF tensors by the plan
        if (arch.left_out(t.name, hf)) continue;
        const auto name = arch.gguf_tensor_name(t.name);
        if (!name) continue;
        config.tensor_map.emplace_back(t.uuid, *name);
    }
    if (comments)
        for (const auto &r : recommend_types(store, {importance_high, importance_medium})) {
            config.per_tensor.emplace_back(r.tensor->uuid, r.type);
            comments->emplace_back(r.tensor->uuid, r.why);
        }
    return config;
}

} // namespace gmat
