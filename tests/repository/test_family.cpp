// The acceptance family: a base checkpoint and three fine-tunes imported into
// one repository (fine-tunes with --base). The repository stores far less
// than four copies, `gmat du` reports exactly what is on disk, and every
// export of every model equals the export of a plain standalone store.
#include "repository_fixture.hpp"

#include <fstream>
#include <iterator>
#include <regex>

namespace fs = std::filesystem;

namespace gmat::repotest {
namespace {

// Values of `"key": <number>` in a metadata.json, read as text.
std::vector<uint64_t> metadata_numbers(const fs::path &store, const std::string &key) {
    std::ifstream in(store / "metadata.json");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<uint64_t> values;
    const std::regex pattern("\"" + key + "\": ([0-9]+)");
    for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it)
        values.push_back(std::stoull((*it)[1]));
    return values;
}

// A tensor file's encoding field (u32 at byte 20 of every version's header).
uint32_t file_encoding(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    in.seekg(20);
    uint32_t encoding = 0;
    in.read(reinterpret_cast<char *>(&encoding), sizeof encoding);
    return encoding;
}

// The family imported once per block format (raw, zstd) and shared by the
// tests of that format, which only read it.
struct ImportedFamily {
    fs::path repo, plain;
};

const ImportedFamily &imported_family(const std::string &block_format) {
    static std::map<std::string, ImportedFamily> done;
    auto it = done.find(block_format);
    if (it != done.end()) return it->second;
    const fs::path root = family().base.parent_path().parent_path() / ("imported-" + block_format);
    ImportedFamily f{root / "repo", root / "plain"};
    for (const auto &[name, checkpoint] : family().all()) {
        std::vector<std::string> args{"import", "-m", checkpoint.string(), "--into", f.repo.string(), "--name", name,
                                      "--block-format", block_format};
        if (name != "base") args.insert(args.end(), {"--base", (f.repo / "models" / "base" / "model.gmat").string()});
        expect_gmat(args);
        // The plain store's folder has the model's name, so general.name agrees.
        expect_gmat({"import", "-m", checkpoint.string(), "-o", (f.plain / name).string()});
    }
    return done.emplace(block_format, f).first->second;
}

class FamilyTest : public RepositoryTest, public ::testing::WithParamInterface<std::string> {
protected:
    void import_family() {
        repo_ = imported_family(GetParam()).repo;
        plain_ = imported_family(GetParam()).plain;
    }
    fs::path store(const std::string &name) const { return repo_ / "models" / name / "model.gmat"; }
    fs::path plain_store(const std::string &name) const { return plain_ / name / "model.gmat"; }

    fs::path repo_, plain_;
};

TEST_P(FamilyTest, StoresFarLessThanFourCopiesAndDuCountsExactly) {
    import_family();
    const ChildResult du = expect_gmat({"du", "--bytes", repo_.string()});
    const DuReport report = parse_du(du.out);
    ASSERT_EQ(report.models.size(), 4u) << du.out;

    std::map<std::string, std::set<std::string>> blobs;
    std::map<std::string, int> users;
    for (const auto &[name, _] : family().all()) {
        blobs[name] = model_blobs(store(name));
        for (const auto &b : blobs[name]) ++users[b];
    }
    uint64_t logical_total = 0, plain_total = 0;
    for (const auto &[name, _] : family().all()) {
        SCOPED_TRACE(name);
        uint64_t logical = 0, stored = 0, shared = 0, delta = 0;
        for (uint64_t b : metadata_numbers(store(name), "bytes")) logical += b;
        for (const auto &b : blobs[name]) {
            const uint64_t size = fs::file_size(blob_file(repo_, b));
            stored += size;
            if (users[b] > 1) shared += size;
            if (file_encoding(blob_file(repo_, b)) == 2) delta += size;
        }
        const std::vector<uint64_t> expected{metadata_numbers(store(name), "total_tensors").at(0), logical, stored,
                                             shared, delta};
        EXPECT_EQ(report.models.at(name), expected) << du.out;
        logical_total += logical;
        for (const auto &e : fs::recursive_directory_iterator(plain_store(name) / "tensors"))
            plain_total += e.file_size();
    }
    uint64_t on_disk = 0;
    for (const auto &b : blob_names(repo_)) on_disk += fs::file_size(blob_file(repo_, b));
    EXPECT_EQ(report.totals.at("logical"), logical_total);
    EXPECT_EQ(report.totals.at("stored_on_disk"), on_disk);
    EXPECT_EQ(report.totals.at("unreferenced"), 0u);
    EXPECT_GT(report.models.at("noisy")[4], 0u) << "noisy is stored as deltas";
    EXPECT_GT(report.models.at("frozen")[3], 0u) << "frozen shares its embeddings and norms";
    // Four plain copies take plain_total; the repository must take well under half.
    EXPECT_LT(on_disk * 2, plain_total) << du.out;
    const DuReport one = parse_du(expect_gmat({"du", "--bytes", store("noisy").string()}).out);
    EXPECT_EQ(one.models.at("noisy"), report.models.at("noisy")) << "du of one model of a repository";
    std::cout << "[ family " << GetParam() << " ] four plain stores " << plain_total << " bytes; repository " << on_disk
              << " bytes on disk\n"
              << du.out;
}

TEST_P(FamilyTest, EveryExportEqualsThePlainStoresExport) {
    import_family();
    for (const auto &[name, _] : family().all())
        for (const std::string type : {"f32", "q8_0", "bf16"}) {
            SCOPED_TRACE(name + " " + type);
            const auto from_repo = export_bytes(store(name), type, dir_ / (name + "-repo-" + type + ".gguf"));
            const auto from_plain = export_bytes(plain_store(name), type, dir_ / (name + "-plain-" + type + ".gguf"));
            ASSERT_FALSE(from_plain.empty());
            EXPECT_TRUE(from_repo == from_plain);
        }
    const ChildResult verify = expect_gmat({"inspect", "--verify", store("noisy").string()});
    EXPECT_TRUE(contains(verify.out, "Verified")) << verify.out;
}

TEST_P(FamilyTest, FrozenTensorsAreTheBasesBlobs) {
    import_family();
    const auto base = model_blobs(store("base"));
    const auto frozen = model_blobs(store("frozen"));
    const auto added = model_blobs(store("added"));
    size_t common = 0;
    for (const auto &b : frozen) common += base.count(b);
    EXPECT_EQ(common, 2u * 2 + 2) << "embedding, final norm and two norms per layer";
    for (const auto &b : base) EXPECT_TRUE(added.count(b)) << "added keeps every base tensor: " << b;
    EXPECT_EQ(added.size(), base.size() + 1);
}

TEST_P(FamilyTest, StandaloneStoreWithABaseExportsIdenticallyAndNamesAMissingBase) {
    import_family();
    const fs::path own_base = dir_ / "plain" / "base";
    expect_gmat({"import", "-m", family().base.string(), "-o", own_base.string(), "--block-format", GetParam()});
    const fs::path deltas = dir_ / "deltas" / "noisy";
    expect_gmat({"import", "-m", family().noisy.string(), "-o", deltas.string(), "--base",
                 (own_base / "model.gmat").string()});
    EXPECT_TRUE(export_bytes(deltas / "model.gmat", "f32", dir_ / "d.gguf") ==
                export_bytes(plain_store("noisy"), "f32", dir_ / "p.gguf"));
    const DuReport du = parse_du(expect_gmat({"du", "--bytes", (deltas / "model.gmat").string()}).out);
    const auto &row = du.models.begin()->second;
    EXPECT_GT(row[4], 0u);
    EXPECT_LT(row[2] * 2, row[1]) << "deltas take less than half the logical size";

    fs::rename(own_base, dir_ / "moved-base");
    const ChildResult missing = run_gmat({"export", "-m", (deltas / "model.gmat").string(), "-o", (dir_ / "x.gguf").string()});
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_TRUE(contains(missing.err, (deltas / "model.gmat").string())) << missing.err;
    EXPECT_TRUE(contains(missing.err, "is stored as a delta on tensor")) << missing.err;
    EXPECT_TRUE(contains(missing.err, "plain/base/model.gmat")) << missing.err;

    // A different checkpoint under the base's path: the delta's base checksum catches it.
    expect_gmat({"import", "-m", family().frozen.string(), "-o", own_base.string()});
    const ChildResult changed = run_gmat({"inspect", "--verify", (deltas / "model.gmat").string()});
    EXPECT_NE(changed.exit_code, 0);
    EXPECT_TRUE(contains(changed.out + changed.err, "which has changed")) << changed.out << changed.err;
}

TEST_P(FamilyTest, ARepositoryImportRefusesABaseOutsideTheRepository) {
    import_family();
    const ChildResult r = run_gmat({"import", "-m", family().noisy.string(), "--into", (dir_ / "other").string(),
                                    "--base", plain_store("base").string()});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, "must name a model of the same repository")) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "other" / "models" / "noisy"));
}

INSTANTIATE_TEST_SUITE_P(BlockFormats, FamilyTest, ::testing::Values("raw", "zstd"));

} // namespace
} // namespace gmat::repotest
