#include "oracle/gguf_builder.hpp"

#include "llama_runtime.hpp"

#include <ggml.h>
#include <gguf.h>

#include <cstring>
#include <stdexcept>

namespace oracle {

namespace {

gguf_context *empty_context_with_alignment(size_t alignment) {
    gguf_context *empty = gguf_init_empty();
    if (alignment == GGUF_DEFAULT_ALIGNMENT)
        return empty;
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw std::invalid_argument("GgufBuilder: alignment " + std::to_string(alignment) + " is not a power of 2");
    gguf_set_val_u32(empty, GGUF_KEY_GENERAL_ALIGNMENT, static_cast<uint32_t>(alignment));
    std::vector<uint8_t> meta(gguf_get_meta_size(empty));
    gguf_get_meta_data(empty, meta.data());
    gguf_free(empty);
    return gguf_init_from_buffer(meta.data(), meta.size(), gguf_init_params{/*no_alloc=*/true, nullptr});
}

} // namespace

void GgufBuilder::GgufDeleter::operator()(gguf_context *ctx) const { gguf_free(ctx); }
void GgufBuilder::GgmlDeleter::operator()(ggml_context *ctx) const { ggml_free(ctx); }

GgufBuilder::GgufBuilder(size_t alignment, size_t max_tensors) {
    detail::init_logging();
    gguf_.reset(empty_context_with_alignment(alignment));
    ggml_init_params params{max_tensors * ggml_tensor_overhead(), nullptr, /*no_alloc=*/true};
    tensors_.reset(ggml_init(params));
    if (!gguf_ || !tensors_)
        throw std::runtime_error("GgufBuilder: ggml could not create its contexts" + detail::logged_errors_suffix());
}

GgufBuilder::~GgufBuilder() = default;

void GgufBuilder::add_tensor(const std::string &name, uint32_t ggml_type, const std::vector<int64_t> &ne,
                             std::vector<uint8_t> data) {
    if (ne.empty() || ne.size() > GGML_MAX_DIMS)
        throw std::invalid_argument("GgufBuilder: tensor '" + name + "' needs 1 to 4 dimensions");
    if (ggml_type >= GGML_TYPE_COUNT || ggml_blck_size(static_cast<enum ggml_type>(ggml_type)) == 0 ||
        ne[0] % ggml_blck_size(static_cast<enum ggml_type>(ggml_type)) != 0)
        throw std::invalid_argument("GgufBuilder: tensor '" + name + "' has a bad type or row length");
    if (name.size() >= GGML_MAX_NAME)
        throw std::invalid_argument("GgufBuilder: tensor name '" + name + "' is too long for ggml");
    if (gguf_find_tensor(gguf_.get(), name.c_str()) >= 0)
        throw std::invalid_argument("GgufBuilder: tensor '" + name + "' added twice");
    ggml_tensor *tensor =
        ggml_new_tensor(tensors_.get(), static_cast<enum ggml_type>(ggml_type), static_cast<int>(ne.size()), ne.data());
    if (tensor == nullptr)
        throw std::runtime_error("GgufBuilder: more tensors than the builder was sized for");
    if (data.size() != ggml_nbytes(tensor))
        throw std::invalid_argument("GgufBuilder: tensor '" + name + "' needs " + std::to_string(ggml_nbytes(tensor)) +
                                    " bytes, got " + std::to_string(data.size()));
    ggml_set_name(tensor, name.c_str());
    tensor->data = data_.emplace_back(std::move(data)).data();
    gguf_add_tensor(gguf_.get(), tensor);
}

void GgufBuilder::add_f32_tensor(const std::string &name, const std::vector<int64_t> &ne,
                                 const std::vector<float> &values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(float));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    add_tensor(name, GGML_TYPE_F32, ne, std::move(bytes));
}

void GgufBuilder::write(const std::filesystem::path &path) const {
    if (!gguf_write_to_file(gguf_.get(), path.c_str(), /*only_meta=*/false))
        throw std::runtime_error(path.string() + ": gguf_write_to_file failed" + detail::logged_errors_suffix());
}

} // namespace oracle
