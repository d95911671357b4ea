// Rendering of diagnostics in the "file:line:col: error:" form with a source line and caret.
#include "ir/diag.h"

#include <fstream>

namespace graphc {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::Parse: return "parse";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Shape: return "shape";
    case ErrorCode::IO: return "I/O";
    case ErrorCode::OutOfMemory: return "out of memory";
    case ErrorCode::Internal: return "internal";
  }
  return "unknown";
}

static std::string sourceLine(const std::string& file, int line) {
  std::ifstream in(file);
  std::string text;
  for (int i = 1; in && std::getline(in, text); ++i)
    if (i == line) return text;
  return {};
}

std::string Error::render() const {
  std::string out;
  for (const Diag& d : diags) {
    if (!d.loc.file.empty()) {
      out += d.loc.file;
      if (d.loc.known()) out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col);
      out += ": ";
    }
    out += "error: " + d.message + "\n";
    if (d.loc.known() && !d.loc.file.empty()) {
      std::string src = d.sourceLine.empty() ? sourceLine(d.loc.file, d.loc.line) : d.sourceLine;
      if (!src.empty()) {
        // Control bytes (a binary file given as IR) would garble the terminal; keep columns.
        for (char& c : src)
          if ((unsigned char)c < 0x20 && c != '\t') c = '?';
        out += src + "\n";
        std::string caret;
        for (int i = 1; i < d.loc.col && i <= (int)src.size(); ++i) caret += src[i - 1] == '\t' ? '\t' : ' ';
        out += caret + "^\n";
      }
    }
  }
  return out;
}

}  // namespace graphc
