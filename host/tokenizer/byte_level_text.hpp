// GPT-2's bytes_to_unicode: each byte as the printable character standing for
// it in byte-level BPE vocabularies (printable Latin-1 bytes as themselves,
// the other 68 as U+0100 upwards; a space is 'Ġ' U+0120). llama.cpp's "gpt2"
// tokenizer maps text bytes the same way before looking tokens up.
#pragma once

#include <string>
#include <string_view>

namespace gmat {

// The UTF-8 text of bytes in that alphabet.
std::string byte_level_text(std::string_view bytes);

} // namespace gmat
