// Shared set-up for fault tests: the built gmat binary, random HF checkpoints
// made once per process, a scratch folder per test, and helpers to compare
// folder trees and corrupt files.
#pragma once

#include "child_process.hpp"
#include "scratch_folder.hpp"

#include <reference/reference_scripts.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gmat::faults {

using test::ChildOptions;
using test::ChildProcess;
using test::ChildResult;
using test::contains;
using test::file_bytes;
using test::temporaries_in;
// A fresh scratch folder per test (see tests/support/scratch_folder.hpp).
using FaultTest = test::ScratchFolderTest;

// build/bin/gmat, which finds the build's plugins in ../lib/gmat/plugins.
std::filesystem::path gmat_binary();

// Runs `gmat -q args...` to completion.
ChildResult run_gmat(const std::vector<std::string> &args, const ChildOptions &options = {});

// A random Llama checkpoint written once per process under `key`.
const std::filesystem::path &checkpoint(const std::string &key, const reference::CheckpointOptions &options);
// The default small checkpoint (2 layers, hidden 64, f32: about 1.7 MB).
const std::filesystem::path &small_checkpoint();
// A checkpoint big enough that import and export take a noticeable while
// (4 layers, hidden 256, vocab 4096, f32: about 25 MB), for kill tests.
const std::filesystem::path &large_checkpoint();
// Stores of small_checkpoint() and large_checkpoint(), imported once per
// process (read-only: copy one before corrupting it).
const std::filesystem::path &small_store();
const std::filesystem::path &large_store();

using FileTree = std::map<std::string, std::vector<uint8_t>>; // relative path -> bytes
FileTree tree_bytes(const std::filesystem::path &dir);
// XORs the byte at offset with mask.
void flip_byte(const std::filesystem::path &file, uint64_t offset, uint8_t mask = 0x01);

} // namespace gmat::faults
