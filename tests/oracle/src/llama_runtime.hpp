// Process-wide llama.cpp set-up shared by every oracle entry point.
#pragma once

#include <string>

namespace oracle::detail {

// Routes ggml/llama.cpp logging through the oracle: silent unless the
// GMAT_ORACLE_VERBOSE environment variable is set, but error lines are always
// kept so exceptions can quote what llama.cpp said. Idempotent.
void init_logging();

// init_logging, llama_backend_init and the CPU backends from GMAT_ORACLE_LIB_DIR
// (ggml picks the best-scoring build for this CPU). Idempotent.
void init_llama_runtime();

// Error text llama.cpp/ggml logged since the previous call (empty if none).
std::string take_logged_errors();

// " (llama.cpp: <errors>)" or "" - appended to exception messages.
std::string logged_errors_suffix();

} // namespace oracle::detail
