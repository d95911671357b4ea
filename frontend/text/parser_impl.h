// The textual-IR parser's class, shared by the files that implement it (parser.cpp for the
// grammar, parse_data.cpp for constant data). Private to frontend/text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "frontend/text/dims.h"
#include "frontend/text/lexer.h"
#include "ir/graph.h"

namespace graphc::text {

constexpr int kMaxErrors = 50;

struct Named {
  std::string name;
  Loc loc;
};

struct ParsedAttr {
  std::string name;
  Attr value;
  bool emptyList = false;  // "[]" fits ints and floats alike
  Loc nameLoc, valueLoc;
};

// A node statement as written, before any check of what it means.
struct ParsedNode {
  Loc start;
  std::vector<Named> results, operands;
  Token op, colon;
  std::vector<ParsedAttr> attrs;
  std::vector<SymType> types;
};

class Parser {
 public:
  // The input declarations alone, read ahead (no symbol is bound, nothing is reported).
  std::vector<InputDecl> scanInputs();
  Parser(std::string_view text, const std::string& file, int firstLine, const ParseOptions& options)
      : text_(text), file_(file), firstLine_(firstLine), options_(options), lex_(text, firstLine) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') lineStarts_.push_back(i + 1);
  }

  Result<Graph> run();

 private:
  // Diagnostics.
  Loc loc(const Token& t) const { return Loc{file_, t.line, t.col}; }
  std::string sourceLine(int line) const;
  void error(Loc at, std::string msg);
  void errorAt(const Token& t, std::string msg) { error(loc(t), t.is(Tok::Error) ? t.str : std::move(msg)); }
  void report(Error e);  // every diagnostic of e (none when it was reported before)
  static std::string describe(const Token& t);
  bool expect(Tok kind, std::string_view what);
  bool expectWord(std::string_view word);

  // Grammar.
  bool statement();
  bool input();
  bool constant();
  bool node();
  bool nodeSyntax(ParsedNode& n);
  bool nodeResultsAreNew(const ParsedNode& n);
  bool nodeAttrs(const OpInfo& info, ParsedNode& n, AttrMap& map);
  bool checkInferredTypes(const ParsedNode& n, OpKind kind, const std::vector<ValueId>& ids, const AttrMap& map,
                          const std::vector<TensorType>& declared);
  bool output();
  bool update();
  std::optional<Named> valueName();
  std::optional<std::string> plainName(std::string_view what);
  std::optional<SymType> type();
  bool data(Value& v, const Token& at);
  bool skipData();
  bool attribute(ParsedAttr& a);

  // Symbols.
  bool checkNew(const Named& n);
  bool declare(const Named& n);
  bool resolve(const Named& n, ValueId& out);  // false for undefined (reported) or poisoned names

  std::string_view text_;
  std::string file_;
  int firstLine_;
  const ParseOptions& options_;
  std::optional<DimScope> dims_;
  bool quiet_ = false;  // a pre-scan reports nothing
  Lexer lex_;
  Graph g_;
  Error errors_;
  bool tooMany_ = false;
  std::vector<size_t> lineStarts_;
  std::unordered_map<std::string, int> defLine_;    // every name defined so far, and where
  std::unordered_set<std::string> poisoned_;         // names whose definition failed
  std::unordered_set<std::string> outputNames_;
  std::vector<std::string> inputNames_;              // every declared input, in file order
};

}  // namespace graphc::text
