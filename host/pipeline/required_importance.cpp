#include "pipeline/required_importance.hpp"

#include "common/error.hpp"
#include "quant_mix/required_imatrix.hpp"

namespace gmat {

bool needs_importance(const std::string &gguf_name, const QuantType &type, std::optional<quant_mix::Mix> mix) {
    return (type.flags() & GMAT_QUANT_REQUIRES_IMPORTANCE) != 0 || quant_mix::requires_imatrix(gguf_name, type.name(), mix);
}

void check_required_importance(const ExportPlan &plan, const std::string &default_type, const std::string &ctx) {
    const std::optional<quant_mix::Mix> mix = quant_mix::parse_mix(default_type);
    std::vector<const PlannedTensor *> needing;
    for (const auto &t : plan.tensors) {
        if (t.shape.size() >= 2 && t.type && needs_importance(t.gguf_name, *t.type, mix)) needing.push_back(&t);
    }
    if (needing.empty()) return;
    const PlannedTensor &first = *needing.front();
    if (!plan.imatrix) {
        const std::string more =
            needing.size() > 1 ? " (and " + std::to_string(needing.size() - 1) + " more tensors)" : std::string();
        throw GmatError(ctx + ": tensor " + first.gguf_name + more + " is " + first.type->name() +
                        ", which needs an importance matrix (llama.cpp refuses to write it without one): pass "
                        "--imatrix FILE or set \"imatrix\" in the export config");
    }
    for (const PlannedTensor *t : needing)
        if (!plan.imatrix->has(t->gguf_name))
            throw GmatError(ctx + ": importance matrix " + plan.imatrix->file().string() + " has no entry for tensor " +
                            t->gguf_name + ", whose type " + t->type->name() +
                            " needs one (llama.cpp refuses it too); use an imatrix computed for this model");
}

} // namespace gmat
