// FP8 / MXFP4 source encodings (host/store/source_encoding.cpp,
// host/config/source_encodings.cpp). The first input byte picks a mode:
//   even: the rest is a tensor file header's source-encoding bytes, then four
//         bytes of logical shape (u16 rows, u16 cols) and one of dtype; a
//         layout that decodes must encode to the same bytes, and one that is
//         consistent with the shape is written as a raw tensor file whose
//         payload repeats the input, then every row is dequantized through
//         the reader (scales at partial edge blocks, nibble unpacking).
//   odd:  the rest is JSON: a metadata.json "source_encoding" object and an
//         import config "source_encoding" request; each accepted value must
//         survive its own writer unchanged.
#include "fuzz_scratch.hpp"

#include "common/dtype.hpp"
#include "common/error.hpp"
#include "common/json.hpp"
#include "config/source_encodings.hpp"
#include "store/source_encoding.hpp"
#include "store/tensor_file_io.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstring>
#include <vector>

namespace {

constexpr uint64_t kMaxElements = 1u << 16;

std::string json_text(const rapidjson::Value &v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v.Accept(writer);
    return buffer.GetString();
}

void decode_rows(const gmat::SourceLayout &layout, gmat_dtype dtype, const std::vector<uint64_t> &shape,
                 const uint8_t *fill, size_t fill_size) {
    const uint64_t payload = gmat::source_payload_bytes(layout, dtype, shape);
    if (payload > 4 * kMaxElements || fill_size == 0) return;
    std::vector<uint8_t> bytes(payload);
    for (uint64_t i = 0; i < payload; ++i) bytes[i] = fill[i % fill_size];
    gmat::TensorFileHeader header;
    header.dtype = dtype;
    header.shape = shape;
    header.name.assign(1, 'w'); // (GCC 12 warns falsely about -Wrestrict on assigning a literal here)
    header.payload_bytes = payload;
    header.source = layout;
    const auto file = gmat::fuzz::scratch_dir() / "source.gmat";
    std::filesystem::remove(file);
    {
        gmat::TensorFileWriter writer(file, header);
        writer.append(bytes.data(), bytes.size());
        writer.finish();
    }
    gmat::TensorFileReader reader(file, "00000000-0000-8000-8000-000000000000");
    GMAT_FUZZ_CHECK(reader.header().source == layout);
    const uint64_t cols = shape.back(), rows = cols ? gmat::element_count(shape) / cols : 0;
    std::vector<float> values(cols);
    for (uint64_t r = 0; r < rows; ++r) gmat::decode_source_rows(layout, dtype, shape, reader, r, r + 1, values.data());
    if (rows > 1) { // several rows at once decode to the same values as one by one
        std::vector<float> all(rows * cols);
        gmat::decode_source_rows(layout, dtype, shape, reader, 0, rows, all.data());
        GMAT_FUZZ_CHECK(std::memcmp(all.data() + (rows - 1) * cols, values.data(), cols * sizeof(float)) == 0);
    }
}

void binary_mode(const uint8_t *data, size_t size) {
    if (size < 5) return;
    const size_t layout_size = size - 5;
    gmat::SourceLayout layout;
    try {
        layout = gmat::decode_source_layout(data, layout_size);
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return;
    }
    GMAT_FUZZ_CHECK(gmat::encode_source_layout(layout) == std::vector<uint8_t>(data, data + layout_size));
    uint16_t rows, cols;
    std::memcpy(&rows, data + layout_size, 2);
    std::memcpy(&cols, data + layout_size + 2, 2);
    const gmat_dtype dtypes[] = {GMAT_DTYPE_F8_E4M3, GMAT_DTYPE_F8_E5M2, GMAT_DTYPE_U8, GMAT_DTYPE_F32};
    const gmat_dtype dtype = dtypes[data[layout_size + 4] % 4];
    const std::vector<uint64_t> shape = layout.scheme == gmat::SourceScheme::mxfp4
                                            ? std::vector<uint64_t>{2, rows % 64u, cols % 256u}
                                            : std::vector<uint64_t>{rows % 512u, cols % 512u};
    try {
        if (gmat::element_count(shape) > kMaxElements) return;
        const std::string problem = gmat::source_layout_problem(layout, dtype, shape);
        if (!problem.empty()) return;
        decode_rows(layout, dtype, shape, data, size);
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
    }
}

void json_mode(const uint8_t *data, size_t size) {
    rapidjson::Document doc;
    try {
        doc = gmat::json::parse_text(std::string_view(reinterpret_cast<const char *>(data), size), "fuzz");
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
        return;
    }
    rapidjson::Document out;
    try {
        const gmat::SourceLayout layout = gmat::source_layout_from_json(doc, "fuzz");
        const rapidjson::Value written = gmat::source_layout_to_json(layout, out.GetAllocator());
        GMAT_FUZZ_CHECK(gmat::source_layout_from_json(written, "again") == layout);
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
    }
    try {
        const gmat::SourceEncodingRequest r = gmat::parse_source_encoding_request(doc, "fuzz");
        const rapidjson::Value written = gmat::source_encoding_request_to_json(r, out.GetAllocator());
        const gmat::SourceEncodingRequest again = gmat::parse_source_encoding_request(written, "again");
        GMAT_FUZZ_CHECK(again.scheme == r.scheme && again.block_rows == r.block_rows && again.block_cols == r.block_cols &&
                        again.scales == r.scales && again.input_scale == r.input_scale);
        GMAT_FUZZ_CHECK(json_text(written) == json_text(gmat::source_encoding_request_to_json(again, out.GetAllocator())));
    } catch (const gmat::GmatError &e) {
        gmat::fuzz::note_refusal(e);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    if (data[0] % 2 == 0) binary_mode(data + 1, size - 1);
    else json_mode(data + 1, size - 1);
    return 0;
}
