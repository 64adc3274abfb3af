// What an HF model class needs to become a GGUF llama.cpp runs: tensor names,
// hyperparameter keys, and the tensor transforms of the GGUF convention.
// Adding an architecture is one file implementing this plus one line in
// architectures.cpp.
#pragma once

#include "arch/hf_config.hpp"
#include "metadata/metadata.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gmat {

// A tensor the converter adds that the checkpoint does not hold (e.g. Llama 3's rope_freqs).
struct GeneratedTensor {
    std::string gguf_name;
    std::vector<uint64_t> shape; // PyTorch order
    std::vector<float> values;
};

// Where an HF tensor goes when several of them are stacked into one GGUF
// tensor (MoE experts: blk.N.ffn_gate_exps.weight holds expert 0, 1, ...
// along its outermost dimension).
struct StackedSlot {
    std::string gguf_name;
    uint64_t index = 0; // position along the new outermost dimension
};

// Output row r of a tensor comes from source row source_row[r].
using RowPermutation = std::vector<uint64_t>;

// Rows taken block by block from a store tensor: output row r is source row
// (r / rows) * source_stride + source_offset + r % rows. A fused expert stack
// [experts, 2 * ff, hidden] gives its gate half as {ff, 2 * ff, 0} and its up
// half as {ff, 2 * ff, ff}. rows == 0: every row, in order.
// transposed: block b is instead the transpose of the source rows
// [b * source_stride + source_offset, + the slice's row length): output row j
// of the block is column j of those rows, so `rows` is the source's row
// length (DeepSeek's kv_b_proj -> k_b, transposed per head).
// column_stride / column_offset take every column_stride-th source column
// from column_offset on instead of every column: output value i of a row is
// source column column_offset + i * column_stride (transposed: output row j
// of a block is source column column_offset + j * column_stride). GPT-OSS
// interleaves gate and up columns in its [experts, hidden, 2 * ff]
// gate_up_proj: the gate slice is the transpose of the even columns.
struct RowBlocks {
    uint64_t rows = 0;
    uint64_t source_stride = 0;
    uint64_t source_offset = 0;
    bool transposed = false;
    uint64_t column_stride = 1;
    uint64_t column_offset = 0;
    bool strided_columns() const { return column_stride != 1 || column_offset != 0; }
    bool empty() const { return rows == 0; }
    uint64_t source_row(uint64_t r) const { return (r / rows) * source_stride + source_offset + r % rows; }
};

// One GGUF tensor cut out of a store tensor that holds several (fused
// gate_up_proj expert stacks).
struct TensorSlice {
    std::string gguf_name;
    std::vector<uint64_t> shape; // PyTorch order
    RowBlocks rows;
};

class Architecture {
public:
    virtual ~Architecture() = default;
    virtual std::string gguf_architecture() const = 0;     // general.architecture, e.g. "llama"
    virtual std::vector<std::string> hf_classes() const = 0; // e.g. LlamaForCausalLM
    // The GGUF name of an HF tensor; nullopt for tensors the GGUF does not keep
    // (e.g. rotary_emb.inv_freq); throws for a tensor it cannot place.
    virtual std::optional<std::string> gguf_tensor_name(const std::string &hf_name) const = 0;
    // Every hyperparameter key llama.cpp reads for this architecture.
    virtual void add_hyperparameters(const HfConfig &config, Metadata &out) const = 0;
    // Row reordering llama.cpp's kernels need (Llama's q/k rows for its RoPE);
    // empty (the default) = none.
    virtual RowPermutation row_permutation(const std::string & /*gguf_name*/, const std::vector<uint64_t> & /*shape*/,
                                           const HfConfig & /*config*/) const {
        return {};
    }
    // Tensors the GGUF needs that the checkpoint lacks (Llama 3's rope factors); default none.
    virtual std::vector<GeneratedTensor> generated_tensors(const HfConfig & /*config*/) const { return {}; }
    // Rewrites values in place where the GGUF convention differs from HF's
    // (e.g. Gemma stores norm weights as w, llama.cpp wants 1 + w). Called on
    // F32 rows of tensor gguf_name; the default changes nothing.
    virtual void transform_values(const std::string & /*gguf_name*/, float * /*values*/, uint64_t /*n*/,
                                  const HfConfig & /*config*/) const {}
    // Whether transform_values changes tensor gguf_name (then a float export
    // is no longer a byte copy of the source).
    virtual bool transforms_values(const std::string & /*gguf_name*/) const { return false; }
    // Where tensor hf_name lands inside a stacked GGUF tensor; nullopt (the
    // default) for a tensor exported on its own via gguf_tensor_name.
    virtual std::optional<StackedSlot> stacked_tensor(const std::string & /*hf_name*/) const { return std::nullopt; }
    // The GGUF tensors a store tensor of this shape is cut into (a fused
    // [experts, 2 * ff, hidden] gate_up_proj becomes ffn_gate_exps and
    // ffn_up_exps); empty (the default) when it is exported whole. Throws
    // naming the tensor when the shape cannot be cut as the class defines.
    virtual std::vector<TensorSlice> split_tensor(const std::string & /*hf_name*/,
                                                  const std::vector<uint64_t> & /*shape*/,
                                                  const HfConfig & /*config*/) const {
        return {};
    }
    // Why a checkpoint tensor is left out of the GGUF as llama.cpp's converter
    // leaves it out (DeepSeek's multi-token-prediction layer); nullopt (the
    // default) for tensors that are exported.
    virtual std::optional<std::string> left_out(const std::string & /*hf_name*/, const HfConfig & /*config*/) const {
        return std::nullopt;
    }
    // The layer count quantization mixes depend on; the default reads
    // config.json's num_hidden_layers.
    virtual uint32_t block_count(const HfConfig &config) const;
    // Where llama.cpp's converter writes this class's tokenizer differently
    // from what the tokenizer files alone say (a pre-tokenizer name it finds
    // by hashing, special tokens it picks by text): rewrites the tokenizer.*
    // keys of md. Roles in `pinned` (the profile's special_token_keys) stay
    // as they are. The default changes nothing.
    virtual void adjust_tokenizer(Metadata & /*md*/, const std::map<std::string, int64_t> & /*pinned*/) const {}
};

// The architecture for config.json's class; throws naming the class and the supported list.
const Architecture &architecture_for(const HfConfig &config);
std::vector<std::string> supported_hf_classes();

} // namespace gmat
