// `gmat report`: profiles of a store compared in one HTML page (host/report).
#pragma once

#include "cli/commands.hpp"

namespace gmat::cli {

void add_report_command(CLI::App &app, GlobalOptions &global);

} // namespace gmat::cli
