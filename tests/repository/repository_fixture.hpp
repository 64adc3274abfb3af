// Shared set-up for repository tests: the built gmat binary, a fine-tune
// family made once per process (a tied BF16 base and three fine-tunes), a
// scratch folder per test, and helpers that read what a repository holds
// independently of the code under test (metadata.json and file sizes).
#pragma once

#include "child_process.hpp"
#include "scratch_folder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gmat::repotest {

using test::ChildProcess;
using test::ChildResult;
using test::contains;
using test::file_bytes;
using test::temporaries_in;
using RepositoryTest = test::ScratchFolderTest;

// Runs `gmat -q args...` to completion.
ChildResult run_gmat(const std::vector<std::string> &args);
// Runs it and fails the test (with its output) unless it exits 0.
ChildResult expect_gmat(const std::vector<std::string> &args);
std::filesystem::path gmat_binary();

// base: tied Llama, BF16, 2 layers, hidden 128, vocab 1024. The fine-tunes
// come from make_finetune.py: frozen (embeddings and norms kept), noisy
// (every tensor changed slightly), added (unchanged plus lm_head.weight).
struct Family {
    std::filesystem::path base, frozen, noisy, added;
    std::vector<std::pair<std::string, std::filesystem::path>> all() const {
        return {{"base", base}, {"frozen", frozen}, {"noisy", noisy}, {"added", added}};
    }
};
const Family &family();
// An F32 checkpoint of about 25 MB, for imports that must take a while.
const std::filesystem::path &large_checkpoint();

// Exports store with every tensor as `type` to out and returns the file's bytes.
std::vector<uint8_t> export_bytes(const std::filesystem::path &store, const std::string &type,
                                  const std::filesystem::path &out);

// Blob names under REPO/blobs (temporaries excluded).
std::set<std::string> blob_names(const std::filesystem::path &repo);
// Blob names a model's metadata.json references.
std::set<std::string> model_blobs(const std::filesystem::path &store);
std::filesystem::path blob_file(const std::filesystem::path &repo, const std::string &blob);

// `gmat du --bytes` output: per model {tensors, logical, stored, shared, delta}, totals by key.
struct DuReport {
    std::map<std::string, std::vector<uint64_t>> models;
    std::map<std::string, uint64_t> totals; // models, blobs, logical, stored_on_disk / stored, unreferenced
};
DuReport parse_du(const std::string &text);

} // namespace gmat::repotest
