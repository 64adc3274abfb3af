// Super-blocks whose 256 values are all the same non-zero number. The
// searches handle them, but their error then is only the fp16 rounding of
// the scale, which a direct search over (code, level) pairs can beat: each
// pair gets the fp16 scale that best reaches the value, and the closest
// reconstruction wins (the pair ggml uses is among the candidates).
// Plain scalar code; `static` so each SIMD path keeps its own copy.
#pragma once

#include "../fp16.hpp"
#include "../kquant_formats.hpp"
#include "../superblock_plan.hpp"

namespace gmat::kquants {

static inline bool is_constant_superblock(const float *x) {
    for (int i = 1; i < kSuperBlock; ++i)
        if (!(x[i] == x[0])) return false;
    return x[0] != 0.0f;
}

static inline float distance(float a, float b) { return a > b ? a - b : b - a; }

// x^ = d * code * (level - L). Returns false unless x is a constant super-block.
static inline bool plan_constant_symmetric(const float *x, const SymmetricFormat &f, SymmetricPlan &plan) {
    if (!is_constant_superblock(x)) return false;
    const float value = x[0];
    float best = distance(value, 0.0f);
    int best_code = 0, best_level = 0;
    uint16_t best_d = 0;
    // The upper halves of the code and level ranges reach every value with the finest steps.
    for (int code = -f.neg_codes; code < f.neg_codes; ++code) {
        if (2 * (code < 0 ? -code : code) < f.neg_codes) continue;
        for (int level = -f.neg_levels; level < f.neg_levels; ++level) {
            if (2 * (level < 0 ? -level : level) < f.neg_levels) continue;
            const float wanted = value / float(code * level);
            const uint16_t magnitude = saturated_scale_bits(wanted < 0.0f ? -wanted : wanted);
            const uint16_t d = wanted < 0.0f ? uint16_t(magnitude | 0x8000u) : magnitude;
            const float error = distance(value, fp16_to_fp32(d) * float(code) * float(level));
            if (error < best) {
                best = error;
                best_code = code;
                best_level = level;
                best_d = d;
            }
        }
    }
    plan.d = best_d;
    for (int j = 0; j < f.sub_blocks; ++j) plan.codes[j] = int8_t(best_code);
    for (int i = 0; i < kSuperBlock; ++i) plan.levels[i] = uint8_t(best_level + f.neg_levels);
    return true;
}

// x^ = d * sc * l - dmin * m: a positive value through the scale, a negative one through the min.
static inline bool plan_constant_asymmetric(const float *x, const AsymmetricFormat &f, AsymmetricPlan &plan) {
    if (!is_constant_superblock(x)) return false;
    const float value = x[0];
    float best = distance(value, 0.0f);
    int best_code = 0, best_level = 0;
    uint16_t best_scale = 0;
    if (value > 0.0f) {
        for (int code = 1; code <= f.max_code; ++code) {
            for (int level = 1; level <= f.max_level; ++level) {
                const uint16_t d = saturated_scale_bits(value / float(code * level));
                const float error = distance(value, fp16_to_fp32(d) * float(code) * float(level));
                if (error < best) {
                    best = error;
                    best_code = code;
                    best_level = level;
                    best_scale = d;
                }
            }
        }
    } else {
        for (int code = 1; code <= f.max_code; ++code) {
            const uint16_t dmin = saturated_scale_bits(-value / float(code));
            const float error = distance(value, -(fp16_to_fp32(dmin) * float(code)));
            if (error < best) {
                best = error;
                best_code = code;
                best_scale = dmin;
            }
        }
    }
    const bool through_scale = value > 0.0f;
    plan.d = through_scale ? best_scale : 0;
    plan.dmin = through_scale ? 0 : best_scale;
    for (int j = 0; j < f.sub_blocks; ++j) {
        plan.scale_codes[j] = uint8_t(through_scale ? best_code : 0);
        plan.min_codes[j] = uint8_t(through_scale ? 0 : best_code);
    }
    for (int i = 0; i < kSuperBlock; ++i) plan.levels[i] = uint8_t(through_scale ? best_level : 0);
    return true;
}

} // namespace gmat::kquants
