#include "support/gguf_writer_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <random>

#include <unistd.h>

namespace gmat::test {

namespace fs = std::filesystem;

const PluginRegistry &registry() {
    static const PluginRegistry loaded = PluginRegistry::load({GMAT_GGUF_PLUGIN_DIR});
    return loaded;
}

std::vector<uint8_t> pattern_bytes(uint64_t n_bytes, uint32_t seed) {
    std::vector<uint8_t> bytes(n_bytes);
    std::mt19937 random(seed);
    for (uint8_t &b : bytes) b = static_cast<uint8_t>(random() >> 24);
    return bytes;
}

uint64_t TensorSpec::n_bytes() const {
    uint64_t rows = 1;
    for (size_t i = 1; i < ne.size(); ++i) rows *= ne[i];
    return ggml_row_size(type, static_cast<int64_t>(ne.at(0))) * rows;
}

std::vector<uint8_t> TensorSpec::data() const {
    return pattern_bytes(n_bytes(), static_cast<uint32_t>(std::hash<std::string>{}(name)));
}

void write_tensors(OutputWriter &writer, const std::vector<TensorSpec> &tensors, uint64_t chunk_bytes) {
    for (const TensorSpec &t : tensors) writer.add_tensor(t.name, t.type, t.ne, t.n_bytes(), t.shard);
    for (const TensorSpec &t : tensors) {
        const std::vector<uint8_t> data = t.data();
        for (uint64_t done = 0; done < data.size(); done += chunk_bytes)
            writer.write_tensor_data(data.data() + done, std::min<uint64_t>(chunk_bytes, data.size() - done));
    }
}

void GgufWriterTest::SetUp() {
    static std::atomic<int> counter{0};
    std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test_name.begin(), test_name.end(), '/', '_'); // parameterized names hold a '/'
    folder_ = fs::temp_directory_path() / ("gmat-gguf-writer-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(counter++) + "-" + test_name);
    fs::remove_all(folder_);
    fs::create_directories(folder_);
}

void GgufWriterTest::TearDown() { fs::remove_all(folder_); }

OutputWriter GgufWriterTest::create(const std::string &name, uint32_t shard_count) const {
    return registry().create_writer("gguf", path(name), shard_count);
}

std::vector<std::string> GgufWriterTest::folder_entries() const {
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(folder_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace gmat::test
