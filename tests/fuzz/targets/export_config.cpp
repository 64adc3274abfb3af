// export_config.json (host/config/export_config.cpp): parse, write with the
// --generate-config writer, parse again; an accepted profile must come back
// unchanged.
#include "fuzz_scratch.hpp"

#include "common/error.hpp"
#include "config/export_config.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace {

// Doubles within a relative 1e-14: RapidJSON's default parse may be a few ULP off (see json_equivalence.hpp).
bool close(double x, double y) { return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y)); }

bool same(const gmat::ExportConfig &a, const gmat::ExportConfig &b) {
    return a.target_format == b.target_format && a.default_type == b.default_type &&
           a.scale_optimization == b.scale_optimization && close(a.trellis_lambda, b.trellis_lambda) &&
           a.per_tensor == b.per_tensor && a.allow_unmatched == b.allow_unmatched && a.tensor_map == b.tensor_map && a.shard_size == b.shard_size &&
           a.special_token_keys == b.special_token_keys && a.target_bpw.has_value() == b.target_bpw.has_value() &&
           (!a.target_bpw || close(*a.target_bpw, *b.target_bpw)) && a.target_size == b.target_size &&
           a.auto_types == b.auto_types;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gmat::ExportConfig config;
    try {
        config = gmat::parse_export_config_text(std::string(reinterpret_cast<const char *>(data), size),
                                                "fuzz export_config.json");
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return 0;
    }
    const auto file = gmat::fuzz::scratch_dir() / "export_config.json";
    gmat::write_export_config(file, config);
    try {
        GMAT_FUZZ_CHECK(same(config, gmat::parse_export_config(file)));
    } catch (const gmat::GmatError &) {
        gmat::fuzz::invariant_failed("an accepted export config no longer parses after writing it back");
    }
    return 0;
}
