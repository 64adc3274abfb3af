// What the reader lists for each layout: names, dtypes, shapes, sizes, files.
#include "plugin_under_test.hpp"
#include "safetensors_fixture.hpp"

#include <gtest/gtest.h>

#include <map>

namespace gmat::test {
namespace {

gmat_dtype dtype_id(const std::string &name) {
    static const std::map<std::string, gmat_dtype> ids = {
        {"F32", GMAT_DTYPE_F32},   {"F16", GMAT_DTYPE_F16},         {"BF16", GMAT_DTYPE_BF16},
        {"F64", GMAT_DTYPE_F64},   {"I8", GMAT_DTYPE_I8},           {"U8", GMAT_DTYPE_U8},
        {"I16", GMAT_DTYPE_I16},   {"U16", GMAT_DTYPE_U16},         {"I32", GMAT_DTYPE_I32},
        {"U32", GMAT_DTYPE_U32},   {"I64", GMAT_DTYPE_I64},         {"U64", GMAT_DTYPE_U64},
        {"BOOL", GMAT_DTYPE_BOOL}, {"F8_E4M3", GMAT_DTYPE_F8_E4M3}, {"F8_E5M2", GMAT_DTYPE_F8_E5M2},
        {"F8_E8M0", GMAT_DTYPE_F8_E8M0}};
    return ids.at(name);
}

// Every tensor of fixture is listed once with the right description and bytes.
void expect_lists(const SourceReader &reader, const SafetensorsFixture &fixture) {
    ASSERT_EQ(reader.tensors().size(), fixture.tensors().size());
    for (const auto &want : fixture.tensors()) {
        SCOPED_TRACE(want.name);
        const uint64_t i = index_of(reader, want.name);
        const SourceTensor &got = reader.tensors()[i];
        EXPECT_EQ(got.dtype, dtype_id(want.dtype));
        EXPECT_EQ(got.shape, want.shape);
        EXPECT_EQ(got.n_bytes, want.bytes.size());
        EXPECT_EQ(read_tensor(reader, i), want.bytes);
    }
}

SafetensorsFixture every_dtype() {
    SafetensorsFixture st;
    uint32_t seed = 1;
    for (const char *dtype : {"F32", "F16", "BF16", "F64", "I8", "U8", "I16", "U16", "I32", "U32", "I64", "U64", "BOOL",
                              "F8_E4M3", "F8_E5M2", "F8_E8M0"})
        st.add_random(std::string("t.") + dtype, dtype, {3, 5}, seed++);
    return st;
}

TEST(SafetensorsListing, SingleFileListsEveryDtypeWithItsElementSize) {
    TempDir dir;
    const SafetensorsFixture st = every_dtype();
    st.write_file(dir / "model.safetensors");
    const SourceReader reader = open_source(dir / "model.safetensors");
    EXPECT_EQ(reader.format(), "safetensors");
    expect_lists(reader, st);
    for (const SourceTensor &t : reader.tensors()) EXPECT_EQ(t.source_file, (dir / "model.safetensors").string());
    EXPECT_EQ(reader.tensors()[index_of(reader, "t.F64")].n_bytes, 15u * 8);
    EXPECT_EQ(reader.tensors()[index_of(reader, "t.F8_E5M2")].n_bytes, 15u * 1);
    EXPECT_EQ(reader.tensors()[index_of(reader, "t.F8_E8M0")].n_bytes, 15u * 1);
}

TEST(SafetensorsListing, ShardsWithIndexListEachTensorFromItsShard) {
    TempDir dir;
    const SafetensorsFixture st = every_dtype();
    const auto shards = st.write_sharded(dir.path(), 3, /*with_index=*/true);
    for (const auto &path : {dir.path(), dir / "model.safetensors.index.json"}) {
        SCOPED_TRACE(path);
        const SourceReader reader = open_source(path);
        expect_lists(reader, st);
        EXPECT_EQ(reader.tensors()[index_of(reader, "t.F32")].source_file, shards[0].string());
        EXPECT_EQ(reader.tensors()[index_of(reader, "t.F8_E5M2")].source_file, shards[2].string());
    }
}

TEST(SafetensorsListing, ShardsWithoutIndexListEveryFileInNameOrder) {
    TempDir dir;
    const SafetensorsFixture st = every_dtype();
    const auto shards = st.write_sharded(dir.path(), 4, /*with_index=*/false);
    const SourceReader reader = open_source(dir.path());
    expect_lists(reader, st);
    // Shards in file-name order, each shard's tensors in file order: the fixture's order.
    for (size_t i = 0; i < st.tensors().size(); ++i) EXPECT_EQ(reader.tensors()[i].name, st.tensors()[i].name);
    EXPECT_EQ(reader.tensors().back().source_file, shards.back().string());
}

TEST(SafetensorsListing, IndexGovernsAndOtherSafetensorsFilesAreIgnored) {
    TempDir dir;
    SafetensorsFixture st = every_dtype();
    st.write_sharded(dir.path(), 2, /*with_index=*/true);
    SafetensorsFixture().add_random("consolidated.only", "F32", {2}, 9).write_file(dir / "consolidated.safetensors");
    const SourceReader reader = open_source(dir.path());
    expect_lists(reader, st);
}

TEST(SafetensorsListing, TensorsAreListedInDataOffsetOrderNotHeaderOrder) {
    TempDir dir;
    // Header order b, c, a; offsets put a first, then the empty z (tied at 8 with c: header order kept), then c.
    const std::string header = R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},)"
                               R"("c":{"dtype":"U8","shape":[0],"data_offsets":[8,8]},)"
                               R"("z":{"dtype":"U8","shape":[2,0],"data_offsets":[8,8]},)"
                               R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("m":{"dtype":"I32","shape":[],"data_offsets":[8,12]}})";
    std::vector<uint8_t> data(16);
    for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i);
    SafetensorsFixture::write_raw(dir / "x.safetensors", header, data);
    const SourceReader reader = open_source(dir / "x.safetensors");
    std::vector<std::string> names;
    for (const SourceTensor &t : reader.tensors()) names.push_back(t.name);
    EXPECT_EQ(names, (std::vector<std::string>{"a", "c", "z", "m", "b"}));
    const SourceTensor &scalar = reader.tensors()[3];
    EXPECT_TRUE(scalar.shape.empty());
    EXPECT_EQ(scalar.n_bytes, 4u);
    EXPECT_EQ(read_tensor(reader, 3), (std::vector<uint8_t>{8, 9, 10, 11}));
    EXPECT_EQ(reader.tensors()[2].shape, (std::vector<uint64_t>{2, 0}));
    EXPECT_EQ(reader.tensors()[2].n_bytes, 0u);
}

TEST(SafetensorsListing, MetadataAndHeaderPaddingAreAccepted) {
    TempDir dir;
    SafetensorsFixture st;
    st.metadata("format", "pt").metadata("note", "\"quoted\" \\ and \n newline").add_f32("w", {2, 2}, {1, 2, 3, 4});
    st.write_file(dir / "m.safetensors");
    const SourceReader reader = open_source(dir / "m.safetensors");
    expect_lists(reader, st);
}

TEST(SafetensorsListing, HeaderWithNoTensorsAndNoDataIsAnEmptyCheckpoint) {
    TempDir dir;
    SafetensorsFixture::write_raw(dir / "empty.safetensors", R"({"__metadata__":{}}   )", {});
    EXPECT_TRUE(open_source(dir / "empty.safetensors").tensors().empty());
}

TEST(SafetensorsListing, UnicodeTensorNamesSurviveTheBoundary) {
    TempDir dir;
    SafetensorsFixture st;
    st.add_f32("décodeur.权重.🙂", {1}, {2.5f});
    st.write_file(dir / "u.safetensors");
    const SourceReader reader = open_source(dir / "u.safetensors");
    ASSERT_EQ(reader.tensors().size(), 1u);
    EXPECT_EQ(reader.tensors()[0].name, "décodeur.权重.🙂");
}

} // namespace
} // namespace gmat::test
