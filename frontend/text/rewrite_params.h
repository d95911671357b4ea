// Writing trained weights back into a textual IR file: the file's own text with only the data
// of its params replaced, so that comments, layout and symbolic dimensions (f32[N,10]) survive.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace graphc {

// `text` (the file `filename`) with the data of each param named in `data` written inline, as
// the printer writes it (`[...]` or `zeros`); a param kept in a side file (`file "w.npy"`) gets
// its data inline too. Fails when a named param is not declared in the text.
Result<std::string> replaceParamData(std::string_view text, const std::string& filename,
                                     const std::map<std::string, Tensor>& data);

}  // namespace graphc
