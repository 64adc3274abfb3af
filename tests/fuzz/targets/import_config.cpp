// import_config.json (host/config/import_config.cpp): parse, write back, parse
// again. A config gmat accepts must survive its own writer unchanged.
#include "fuzz_scratch.hpp"
#include "json_equivalence.hpp"

#include "common/error.hpp"
#include "common/json.hpp"
#include "config/import_config.hpp"

#include <string_view>

namespace {

bool same_mappings(const gmat::ImportConfig &a, const gmat::ImportConfig &b) {
    if (a.tensor_map.size() != b.tensor_map.size()) return false;
    for (size_t i = 0; i < a.tensor_map.size(); ++i) {
        const auto &x = a.tensor_map[i], &y = b.tensor_map[i];
        if (x.source != y.source || x.target != y.target || x.include != y.include) return false;
        if (x.encoding.has_value() != y.encoding.has_value()) return false;
        if (x.encoding && (x.encoding->scheme != y.encoding->scheme || x.encoding->block_rows != y.encoding->block_rows ||
                           x.encoding->block_cols != y.encoding->block_cols || x.encoding->scales != y.encoding->scales ||
                           x.encoding->input_scale != y.encoding->input_scale))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    gmat::ImportConfig config;
    try {
        const rapidjson::Document doc = gmat::json::parse_text(text, "fuzz import_config.json");
        config = gmat::parse_import_config_json(doc, "fuzz import_config.json");
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return 0;
    }
    const std::string written = gmat::json::to_pretty_string(gmat::import_config_to_json(config));
    try {
        const rapidjson::Document again = gmat::json::parse_text(written, "rewritten import_config.json");
        const gmat::ImportConfig reread = gmat::parse_import_config_json(again, "rewritten import_config.json");
        GMAT_FUZZ_CHECK(reread.source_format == config.source_format && reread.block_format == config.block_format);
        GMAT_FUZZ_CHECK(same_mappings(config, reread));
        GMAT_FUZZ_CHECK(gmat::fuzz::json_equivalent(reread.metadata, config.metadata));
    } catch (const gmat::GmatError &) {
        gmat::fuzz::invariant_failed("an accepted import config no longer parses after writing it back");
    }
    return 0;
}
