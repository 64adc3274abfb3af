// `gmat report`'s page: one self-contained HTML file (inline CSS and SVG, no
// script, nothing fetched) comparing export profiles of one store: size and
// bits per weight per profile, a layers x roles map of the chosen types and
// of the predicted error, bits per role (where auto spent its bits), and the
// per-tensor table.
#pragma once

#include "report/report_data.hpp"

#include <string>
#include <vector>

namespace gmat {

std::string render_report_html(const std::string &title, const std::vector<ReportProfile> &profiles);

} // namespace gmat
