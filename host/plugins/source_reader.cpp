#include "plugins/source_reader.hpp"

#include "common/error.hpp"
#include "plugins/diagnostics_buffer.hpp"

namespace gmat {

SourceReader::SourceReader(std::shared_ptr<const LoadedLibrary> library, const gmat_reader_api *api,
                           std::string format, const std::filesystem::path &path)
    : library_(std::move(library)), api_(api), format_(std::move(format)), path_(path) {
    DiagnosticsBuffer diag;
    gmat_reader *raw = nullptr;
    diag.check(api_->open(path.c_str(), &raw, diag.get()), path.string());
    // The deleter captures the library so the handle is closed before it can unload.
    auto lib = library_;
    handle_ = std::shared_ptr<gmat_reader>(raw, [api = api_, lib](gmat_reader *r) { api->close(r); });
    const uint64_t count = api_->tensor_count(raw);
    tensors_.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        gmat_tensor_info info{};
        info.struct_size = sizeof(info);
        diag.check(api_->tensor_info(raw, i, &info, diag.get()), path.string() + ": tensor #" + std::to_string(i));
        SourceTensor t;
        t.name = info.name ? info.name : "";
        if (info.dtype >= GMAT_DTYPE_COUNT) // a reader built for a newer ABI minor than this gmat's
            throw GmatError(path.string() + ": tensor '" + (info.name ? info.name : "") + "' has dtype id " +
                            std::to_string(info.dtype) + ", unknown to this gmat (plugin ABI " +
                            std::to_string(GMAT_ABI_MAJOR) + "." + std::to_string(GMAT_ABI_MINOR) + ")");
        t.dtype = static_cast<gmat_dtype>(info.dtype);
        if (info.n_dims > GMAT_MAX_DIMS)
            throw GmatError(path.string() + ": tensor '" + t.name + "' has " + std::to_string(info.n_dims) +
                            " dimensions, more than " + std::to_string(GMAT_MAX_DIMS));
        t.shape.assign(info.shape, info.shape + info.n_dims);
        t.n_bytes = info.n_bytes;
        t.source_file = info.source_file ? info.source_file : path.string();
        tensors_.push_back(std::move(t));
    }
}

void SourceReader::read(uint64_t index, uint64_t offset, uint64_t n_bytes, void *dst) const {
    DiagnosticsBuffer diag;
    diag.check(api_->read(handle_.get(), index, offset, n_bytes, dst, diag.get()),
               path_.string() + ": reading tensor '" + tensors_.at(index).name + "'");
}

void SourceReader::release(uint64_t index) const {
    if (api_->release) api_->release(handle_.get(), index);
}

} // namespace gmat
