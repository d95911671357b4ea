// Diagnostics and errors-as-values: every fallible function returns Result<T>.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace graphc {

// A position in a source file; line and col are 1-based, 0 means "unknown".
struct Loc {
  std::string file;
  int line = 0;
  int col = 0;
  bool known() const { return line > 0; }
};

struct Diag {
  Loc loc;
  std::string message;
  std::string sourceLine;  // the line loc points into, when the producer had the text at hand
};

// What kind of failure an Error is, so that a program (the CLI, the C API) can act on it without
// reading the message.
enum class ErrorCode {
  InvalidArgument,  // a bad option, name or value given by the caller
  Parse,            // malformed input text or file (textual IR, protobuf, .npy header)
  Unsupported,      // well-formed, but uses an op, attribute or dtype graphc does not handle
  Shape,            // types or shapes that do not fit (shape inference, verifier)
  IO,               // a file that cannot be read or written
  OutOfMemory,      // an allocation failed or would exceed the limit
  Internal,         // a bug in graphc
};
// "invalid argument", "parse", "unsupported", "shape", "I/O", "out of memory", "internal".
std::string_view errorCodeName(ErrorCode code);

// One or more diagnostics. A parse may report several errors at once.
struct Error {
  ErrorCode code = ErrorCode::InvalidArgument;
  std::vector<Diag> diags;

  Error() = default;
  explicit Error(std::string message, Loc loc = {}) { diags.push_back({std::move(loc), std::move(message), {}}); }
  Error(ErrorCode code, std::string message, Loc loc = {}) : code(code) {
    diags.push_back({std::move(loc), std::move(message), {}});
  }

  const std::string& message() const { return diags.front().message; }
  // Puts `context` (e.g. "model.onnx: ") before every message, keeping the code.
  Error prefixed(std::string_view context) && {
    for (Diag& d : diags) d.message.insert(0, context);
    return std::move(*this);
  }
  // "FILE:LINE:COL: error: message" lines, one per diagnostic, with source and caret when the
  // file can be read.
  std::string render() const;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error takeError() { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok() { return Ok{}; }

// Propagate an error from an expression returning Result<...>.
#define GRAPHC_TRY(expr)                          \
  do {                                            \
    auto graphc_try_r = (expr);                   \
    if (!graphc_try_r) return graphc_try_r.takeError(); \
  } while (0)

#define GRAPHC_CONCAT_(a, b) a##b
#define GRAPHC_CONCAT(a, b) GRAPHC_CONCAT_(a, b)
#define GRAPHC_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                         \
  if (!tmp) return tmp.takeError();          \
  lhs = std::move(tmp.value())
// GRAPHC_ASSIGN(auto x, f()) binds x to f()'s value or returns its error.
#define GRAPHC_ASSIGN(lhs, expr) GRAPHC_ASSIGN_IMPL_(GRAPHC_CONCAT(graphc_r_, __LINE__), lhs, expr)

}  // namespace graphc
