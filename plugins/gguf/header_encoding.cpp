#include "header_encoding.hpp"

#include "byte_sink.hpp"
#include "gguf_format.hpp"

namespace gmat::gguf {
namespace {

void put_tensor_info(ByteSink &sink, const TensorInfo &info) {
    sink.put_string(info.name);
    sink.put<uint32_t>(static_cast<uint32_t>(info.ne.size()));
    for (uint64_t n : info.ne) sink.put<uint64_t>(n);
    sink.put<uint32_t>(info.gguf_type);
    sink.put<uint64_t>(info.offset);
}

} // namespace

std::vector<uint8_t> encode_header(const std::vector<const std::vector<uint8_t> *> &kvs,
                                   const std::vector<const TensorInfo *> &tensors, uint64_t alignment) {
    ByteSink sink;
    sink.put<uint32_t>(kMagic);
    sink.put<uint32_t>(kVersion);
    sink.put<uint64_t>(tensors.size());
    sink.put<uint64_t>(kvs.size());
    for (const std::vector<uint8_t> *kv : kvs) sink.put_bytes(kv->data(), kv->size());
    for (const TensorInfo *info : tensors) put_tensor_info(sink, *info);
    sink.pad_to(alignment);
    return sink.take();
}

} // namespace gmat::gguf
