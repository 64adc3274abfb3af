// Refuses, while planning (so `--dry-run` says it before any work), an export
// llama.cpp's quantizer would refuse for want of an importance matrix.
#pragma once

#include "pipeline/export_plan.hpp"
#include "quant_mix/mix.hpp"

#include <optional>
#include <string>

namespace gmat {

// True when a tensor of this name may not be written as `type` without an
// importance matrix: llama.cpp's tensor_requires_imatrix (see
// quant_mix/required_imatrix.hpp; `mix` decides it for q2_k) or a plugin type
// flagged GMAT_QUANT_REQUIRES_IMPORTANCE.
bool needs_importance(const std::string &gguf_name, const QuantType &type, std::optional<quant_mix::Mix> mix);

// Throws GmatError naming the tensor, its type and the flag to pass when a
// tensor's type needs an importance matrix (needs_importance) and
// plan.imatrix is null, or when the
// importance matrix given has no entry for that tensor. default_type is the
// export's (a mix name decides whether q2_k needs one).
void check_required_importance(const ExportPlan &plan, const std::string &default_type, const std::string &ctx);

} // namespace gmat
