// Symbolic dimensions in textual-IR types: types as written (f32[N,10]) and the scope that binds
// their symbols from ParseOptions and resolves them to static types.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontend/text/parser.h"

namespace graphc::text {

// Larger types are surely typos, and rejecting them keeps element counts far from overflow.
constexpr int64_t kMaxElements = int64_t{1} << 48;

struct Dim {
  int64_t size = 0;    // when not symbolic
  std::string symbol;  // "N"; empty for a literal size
  Loc loc;
  bool symbolic() const { return !symbol.empty(); }
};

// A type as written in the text.
struct SymType {
  DType dtype = DType::f32;
  std::vector<Dim> dims;
  Loc loc;  // the dtype

  const Dim* firstSymbol() const;
  std::string str() const;  // "f32[N,10]"
};

struct InputDecl {
  std::string name;
  SymType type;
};

// The symbols of one graph. Problems come back as Errors whose diagnostics carry locations; an
// Error without diagnostics means the problem was reported before (an unbound symbol is reported
// once, where it first appears).
class DimScope {
 public:
  // Binds options.dims, then the symbols of every input in `inputs` (all of the file's inputs, in
  // file order) whose shape is given and fits; the first binding of a symbol wins, and the
  // inputs that disagree with it are reported by bindInput.
  DimScope(const ParseOptions& options, std::vector<InputDecl> inputs);

  // The static type of input `name`: its given shape, checked against `declared` and the
  // bindings; or, without a given shape, `declared` resolved.
  Result<TensorType> bindInput(const std::string& name, const SymType& declared);
  // The static type of a param, const or node result.
  Result<TensorType> resolve(const SymType& t);

 private:
  struct Binding {
    int64_t value;
    std::string origin;  // "input 'x' (line 2)"
  };
  Error unbound(const Dim& d);

  const ParseOptions& options_;
  std::vector<InputDecl> inputs_;
  std::map<std::string, Binding> bound_;
  std::set<std::string> reported_;
};

}  // namespace graphc::text
