#include "llama_runtime.hpp"

#include <ggml-backend.h>
#include <llama.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace oracle::detail {

namespace {

// Only the tail matters for an exception message; older text is dropped.
constexpr size_t kMaxKeptErrorBytes = 4096;

struct LogState {
    std::mutex mutex;
    std::string errors;
    bool in_error = false; // GGML_LOG_LEVEL_CONT continues the previous level
    bool verbose = false;
};

LogState &log_state() {
    static LogState state;
    return state;
}

void log_to_oracle(ggml_log_level level, const char *text, void * /*user_data*/) {
    LogState &state = log_state();
    std::lock_guard lock(state.mutex);
    if (level != GGML_LOG_LEVEL_CONT)
        state.in_error = level == GGML_LOG_LEVEL_ERROR;
    if (state.in_error) {
        state.errors += text;
        if (state.errors.size() > kMaxKeptErrorBytes)
            state.errors.erase(0, state.errors.size() - kMaxKeptErrorBytes);
    }
    if (state.verbose)
        std::fputs(text, stderr);
}

} // namespace

void init_logging() {
    static std::once_flag once;
    std::call_once(once, [] {
        log_state().verbose = std::getenv("GMAT_ORACLE_VERBOSE") != nullptr;
        llama_log_set(log_to_oracle, nullptr); // sets ggml's logger too
    });
}

void init_llama_runtime() {
    static std::once_flag once;
    std::call_once(once, [] {
        init_logging();
        llama_backend_init();
        ggml_backend_load_all_from_path(GMAT_ORACLE_LIB_DIR);
        // Without a CPU backend every model load fails later with a vaguer message.
        if (ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU) == nullptr)
            throw std::runtime_error("no ggml CPU backend could be loaded from " GMAT_ORACLE_LIB_DIR +
                                     logged_errors_suffix());
    });
}

std::string take_logged_errors() {
    LogState &state = log_state();
    std::lock_guard lock(state.mutex);
    std::string errors;
    errors.swap(state.errors);
    while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' '))
        errors.pop_back();
    return errors;
}

std::string logged_errors_suffix() {
    const std::string errors = take_logged_errors();
    return errors.empty() ? std::string() : " (llama.cpp: " + errors + ")";
}

} // namespace oracle::detail
