// The row loops of every K type for one SIMD path: plan each super-block,
// pack it, copy it out.
//
// ISA header: include only after a lanes header, with GMAT_KQ_ISA naming its namespace.
#pragma once

#include "../block_packing.hpp"
#include "../search/asymmetric_plan.hpp"
#include "../search/symmetric_plan.hpp"
#include "../type_recipes.hpp"
#include "row_kernels.hpp"

#include <cstring>

namespace gmat::kquants::GMAT_KQ_ISA {

template <class Block, class Plan, void (*PlanFn)(const float *, const SearchOptions &, Plan &),
          void (*Pack)(const Plan &, Block &)>
static void quantize_row(const float *x, uint64_t n_blocks, const SearchOptions &options, void *out) {
    auto *dst = static_cast<unsigned char *>(out);
    SearchOptions block_options = options;
    block_options.row_mean_square = mean_square(x, n_blocks * kSuperBlock); // the weights' scale
    for (uint64_t b = 0; b < n_blocks; ++b) {
        if (options.importance) block_options.importance = options.importance + b * kSuperBlock;
        Plan plan;
        PlanFn(x + b * kSuperBlock, block_options, plan);
        Block block;
        Pack(plan, block);
        std::memcpy(dst + b * sizeof(Block), &block, sizeof(Block));
    }
}

// Rows with an importance vector use the type's importance recipe.
template <class Recipe>
static const Recipe &pick(const SearchOptions &o, const Recipe &plain, const Recipe &weighted) {
    return o.importance ? weighted : plain;
}

static void plan_q2_k(const float *x, const SearchOptions &o, AsymmetricPlan &p) {
    plan_asymmetric<16, 2>(x, o, pick(o, kQ2KRecipe, kQ2KImportanceRecipe), p);
}
static void plan_q4_k(const float *x, const SearchOptions &o, AsymmetricPlan &p) {
    plan_asymmetric<32, 1>(x, o, pick(o, kQ4KRecipe, kQ4KImportanceRecipe), p);
}
static void plan_q5_k(const float *x, const SearchOptions &o, AsymmetricPlan &p) {
    plan_asymmetric<32, 1>(x, o, pick(o, kQ5KRecipe, kQ5KImportanceRecipe), p);
}
static void plan_q3_k(const float *x, const SearchOptions &o, SymmetricPlan &p) {
    plan_symmetric<16, 2>(x, o, pick(o, kQ3KRecipe, kQ3KImportanceRecipe), p);
}
static void plan_q6_k(const float *x, const SearchOptions &o, SymmetricPlan &p) {
    plan_symmetric<16, 2>(x, o, pick(o, kQ6KRecipe, kQ6KImportanceRecipe), p);
}

static const RowKernels kRowKernels = {
    kIsaName,
    &quantize_row<Q2KBlock, AsymmetricPlan, &plan_q2_k, &pack_q2_k>,
    &quantize_row<Q3KBlock, SymmetricPlan, &plan_q3_k, &pack_q3_k>,
    &quantize_row<Q4KBlock, AsymmetricPlan, &plan_q4_k, &pack_q4_k>,
    &quantize_row<Q5KBlock, AsymmetricPlan, &plan_q5_k, &pack_q5_k>,
    &quantize_row<Q6KBlock, SymmetricPlan, &plan_q6_k, &pack_q6_k>,
};

} // namespace gmat::kquants::GMAT_KQ_ISA
