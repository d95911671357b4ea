// --split-input-file chunks and MLIR-style `// expected-error` checking of diagnostics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/diag.h"

namespace graphc {

struct SourceChunk {
  std::string_view text;  // without the separator lines
  int firstLine;          // 1-based line of text's first line in the whole file
};

// Splits on lines that start with "// -----"; a file without separators is one chunk.
std::vector<SourceChunk> splitInputFile(std::string_view text);

// Checks the diagnostics produced for a chunk against its annotations:
//   // expected-error {{substring}}        an error on this line
//   // expected-error@+N {{substring}}     ... N lines below
//   // expected-error@-N {{substring}}     ... N lines above
// Every annotation must be met by an error on that line whose message contains the
// substring, and every error must be expected. Mismatches come back as one Error.
Status verifyDiagnostics(std::string_view text, const std::string& filename, int firstLine, const Error& produced);

}  // namespace graphc
