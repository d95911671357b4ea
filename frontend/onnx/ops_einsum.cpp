// Importer of ONNX's Einsum: diagonals (an index repeated inside one operand) as strided slices,
// then transposes, sums and batched matrix products. Operands are contracted left to
// right; each pair is one matmul over [batch, M, K] x [batch, K, N], where batch holds the
// indices both operands and the result keep, K those that end with the pair, and M and N
// those of one operand only. An ellipsis stands for the same broadcast axes in every operand.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// An operand's value and the index of each of its axes. Ellipsis axes get the indices 'A'.. from
// the right ('A' the last), so that they broadcast as NumPy aligns them.
struct Term {
  ValueId v;
  std::string idx;
};

Result<std::vector<std::string>> parseEquation(ImportCtx& c, std::string eq, std::string* out, bool* explicitOut) {
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  size_t arrow = eq.find("->");
  *explicitOut = arrow != std::string::npos;
  std::string lhs = eq.substr(0, arrow);
  *out = *explicitOut ? eq.substr(arrow + 2) : "";
  std::vector<std::string> terms;
  size_t start = 0;
  for (size_t comma; (comma = lhs.find(',', start)) != std::string::npos; start = comma + 1) terms.push_back(lhs.substr(start, comma - start));
  terms.push_back(lhs.substr(start));
  for (const std::string& t : terms) {
    std::string letters = t;
    if (size_t e = letters.find("..."); e != std::string::npos) letters.erase(e, 3);
    for (char ch : letters)
      if (!std::isalpha((unsigned char)ch))
        return c.malformed(fmt::format("equation '{}': '{}' is not an index letter", eq, ch));
  }
  return terms;
}

// Replaces "..." by the ellipsis axes of an operand of the given rank; `ellipsis` is how many
// axes it stands for in this operand.
Result<std::string> expandTerm(ImportCtx& c, const std::string& term, int64_t rank, int64_t* ellipsis) {
  size_t e = term.find("...");
  if (e == std::string::npos) {
    if ((int64_t)term.size() != rank) return c.malformed(fmt::format("subscripts '{}' name {} axes of a rank-{} operand", term, term.size(), rank));
    *ellipsis = 0;
    return term;
  }
  *ellipsis = rank - (int64_t)(term.size() - 3);
  if (*ellipsis < 0) return c.malformed(fmt::format("subscripts '{}' name more axes than the operand's {}", term, rank));
  std::string dots;
  for (int64_t k = *ellipsis - 1; k >= 0; --k) dots += char('A' + k);  // upper case is refused in equations, so free
  return term.substr(0, e) + dots + term.substr(e + 3);
}

Result<ValueId> transposed(ImportCtx& c, ValueId v, const std::string& from, const std::string& to) {
  if (from == to) return v;
  std::vector<int64_t> perm;
  for (char ch : to) perm.push_back((int64_t)from.find(ch));
  return c.emit(OpKind::Transpose, {v}, attrs(std::pair{"perm", perm}));
}

// Sums the axes of t whose index is not in `keep`.
Result<Term> sumAway(ImportCtx& c, Term t, const std::string& keep) {
  std::vector<int64_t> axes;
  std::string left;
  for (size_t d = 0; d < t.idx.size(); ++d) {
    if (keep.find(t.idx[d]) == std::string::npos) axes.push_back((int64_t)d);
    else left += t.idx[d];
  }
  if (axes.empty()) return t;
  GRAPHC_ASSIGN(ValueId v, c.emit(OpKind::ReduceSum, {t.v}, attrs(std::pair{"axes", axes}, std::pair{"keepdims", int64_t{0}})));
  return Term{v, left};
}

// a and b contracted over the indices `keep` does not hold; the result's indices: batch, a's, b's.
Result<Term> contract(ImportCtx& c, Term a, Term b, const std::string& keep, std::map<char, int64_t>& size) {
  std::string batch, onlyA, onlyB, summed;
  for (char ch : a.idx) {
    bool inB = b.idx.find(ch) != std::string::npos, kept = keep.find(ch) != std::string::npos;
    (inB ? (kept ? batch : summed) : onlyA) += ch;
  }
  for (char ch : b.idx)
    if (a.idx.find(ch) == std::string::npos) onlyB += ch;
  // A shared axis of size 1 on one side broadcasts: expand it to the other's size first.
  for (Term* t : {&a, &b}) {
    Shape want = c.graph().type(t->v).shape;
    bool grow = false;
    for (size_t d = 0; d < t->idx.size(); ++d)
      if (want[d] != size[t->idx[d]]) want[d] = size[t->idx[d]], grow = true;
    if (grow) {
      GRAPHC_ASSIGN(t->v, c.emit(OpKind::Expand, {t->v}, attrs(std::pair{"shape", want})));
    }
  }
  auto extent = [&](const std::string& s) {
    int64_t n = 1;
    for (char ch : s) n *= size[ch];
    return n;
  };
  Shape batchShape;
  for (char ch : batch) batchShape.push_back(size[ch]);
  auto matrix = [&](Term t, const std::string& rows, const std::string& cols) -> Result<ValueId> {
    GRAPHC_ASSIGN(ValueId v, transposed(c, t.v, t.idx, batch + rows + cols));
    Shape s = batchShape;
    s.push_back(extent(rows));
    s.push_back(extent(cols));
    return reshaped(c, v, s);
  };
  GRAPHC_ASSIGN(ValueId ma, matrix(a, onlyA, summed));
  GRAPHC_ASSIGN(ValueId mb, matrix(b, summed, onlyB));
  ValueId product;
  if (isFloat(c.graph().type(ma).dtype)) {
    GRAPHC_ASSIGN(product, c.emit(OpKind::MatMul, {ma, mb}));
  } else {  // matmul is for floats: integers multiply [.., M, K, 1] by [.., 1, K, N] and sum K, exactly
    Shape sa = c.graph().type(ma).shape, sb = c.graph().type(mb).shape;
    sa.push_back(1);
    sb.insert(sb.end() - 2, 1);
    GRAPHC_ASSIGN(ma, reshaped(c, ma, sa));
    GRAPHC_ASSIGN(mb, reshaped(c, mb, sb));
    GRAPHC_ASSIGN(product, c.emit(OpKind::Mul, {ma, mb}));
    GRAPHC_ASSIGN(product, c.emit(OpKind::ReduceSum, {product}, attrs(std::pair{"axes", std::vector<int64_t>{-2}}, std::pair{"keepdims", int64_t{0}})));
  }
  Shape out = batchShape;
  for (char ch : onlyA + onlyB) out.push_back(size[ch]);
  GRAPHC_ASSIGN(product, reshaped(c, product, out));
  return Term{product, batch + onlyA + onlyB};
}

// The diagonal over each index that repeats within one operand ("ii->i", "bii->bi", "iii"): the
// two axes moved last and flattened, every (n+1)-th of the n*n elements taken.
Result<Term> diagonals(ImportCtx& c, Term t, const std::string& equation, size_t operand) {
  for (;;) {
    size_t p = std::string::npos, q = 0;
    for (size_t d = 0; d < t.idx.size() && p == std::string::npos; ++d)
      if (size_t later = t.idx.find(t.idx[d], d + 1); later != std::string::npos) p = d, q = later;
    if (p == std::string::npos) return t;
    const Shape shape = c.graph().type(t.v).shape;
    const int64_t n = shape[p];
    if (shape[q] != n)
      return c.malformed(fmt::format("equation '{}': index '{}' repeats in operand #{} over axes of {} and {}", equation, t.idx[p], operand, n, shape[q]));
    std::string rest;
    std::vector<int64_t> perm;
    Shape flat;
    for (size_t d = 0; d < t.idx.size(); ++d)
      if (d != p && d != q) rest += t.idx[d], perm.push_back((int64_t)d), flat.push_back(shape[d]);
    perm.push_back((int64_t)p), perm.push_back((int64_t)q);
    flat.push_back(n * n);
    ValueId v = t.v;
    if (!std::is_sorted(perm.begin(), perm.end())) {
      GRAPHC_ASSIGN(v, c.emit(OpKind::Transpose, {v}, attrs(std::pair{"perm", perm})));
    }
    GRAPHC_ASSIGN(v, reshaped(c, v, flat));
    GRAPHC_ASSIGN(v, c.emit(OpKind::Slice, {v}, attrs(std::pair{"starts", std::vector<int64_t>{0}}, std::pair{"ends", std::vector<int64_t>{n * n}},
                                                      std::pair{"axes", std::vector<int64_t>{(int64_t)flat.size() - 1}},
                                                      std::pair{"steps", std::vector<int64_t>{n + 1}})));
    t = Term{v, rest + t.idx[p]};
  }
}

Status einsumOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::string equation, c.attrStr("equation", ""));
  std::string out;
  bool explicitOut = false;
  GRAPHC_ASSIGN(std::vector<std::string> subscripts, parseEquation(c, equation, &out, &explicitOut));
  if (subscripts.size() != c.numInputs())
    return c.malformed(fmt::format("equation '{}' has {} operands, the node {}", equation, subscripts.size(), c.numInputs()));
  for (char ch : equation)
    if (std::isupper((unsigned char)ch)) return c.unsupported(fmt::format("Einsum equation '{}' with upper-case indices", equation));
  std::vector<Term> terms;
  std::map<char, int64_t> size;
  std::map<char, int> occurrences;  // in the equation: "ii" sums i (a trace) in implicit mode
  int64_t dots = 0;
  for (size_t i = 0; i < subscripts.size(); ++i) {
    const TensorType t = c.type(i);
    if (!isFloat(t.dtype) && !isInteger(t.dtype)) return c.unsupported(fmt::format("Einsum of {}", t.str()));
    if (t.dtype != c.type(0).dtype) return c.malformed(fmt::format("operand #{} is {}, operand #0 {}", i, t.str(), c.type(0).str()));
    int64_t ellipsis = 0;
    GRAPHC_ASSIGN(std::string idx, expandTerm(c, subscripts[i], t.rank(), &ellipsis));
    dots = std::max(dots, ellipsis);
    for (char ch : idx) ++occurrences[ch];
    GRAPHC_ASSIGN(Term term, diagonals(c, Term{c.in(i), idx}, equation, i));
    const Shape& shape = c.graph().type(term.v).shape;
    for (size_t d = 0; d < term.idx.size(); ++d) {
      int64_t& n = size.try_emplace(term.idx[d], shape[d]).first->second;
      if (n == 1) n = shape[d];
      else if (shape[d] != n && shape[d] != 1)
        return c.malformed(fmt::format("index '{}' is {} in operand #{} and {} elsewhere", term.idx[d], shape[d], i, n));
    }
    terms.push_back(term);
  }
  std::string result;
  if (explicitOut) {
    size_t e = out.find("...");
    std::string ellipsis;
    for (int64_t k = dots - 1; k >= 0; --k) ellipsis += char('A' + k);
    result = e == std::string::npos ? out : out.substr(0, e) + ellipsis + out.substr(e + 3);
    for (char ch : result) {
      if (!size.count(ch)) return c.malformed(fmt::format("equation '{}': the result's index '{}' is in no operand", equation, ch));
      if (std::count(result.begin(), result.end(), ch) > 1) return c.malformed(fmt::format("equation '{}': index '{}' repeats in the result", equation, ch));
    }
    if (e == std::string::npos && dots > 0) return c.malformed(fmt::format("equation '{}': the result drops the ellipsis", equation));
  } else {  // implicit: the ellipsis, then the indices that appear once, in alphabetical order
    for (int64_t k = dots - 1; k >= 0; --k) result += char('A' + k);
    std::string once;
    for (auto [ch, n] : size)
      if (std::islower((unsigned char)ch) && occurrences[ch] == 1) once += ch;
    result += once;
  }
  // Sum what no later operand and not the result needs, then contract left to right.
  auto needed = [&](size_t from) {
    std::string s = result;
    for (size_t j = from; j < terms.size(); ++j) s += terms[j].idx;
    return s;
  };
  GRAPHC_ASSIGN(Term acc, sumAway(c, terms[0], needed(1)));
  for (size_t i = 1; i < terms.size(); ++i) {
    GRAPHC_ASSIGN(Term next, sumAway(c, terms[i], needed(i + 1) + acc.idx));
    GRAPHC_ASSIGN(acc, contract(c, acc, next, needed(i + 1), size));
  }
  GRAPHC_ASSIGN(acc, sumAway(c, acc, result));
  GRAPHC_ASSIGN(ValueId y, transposed(c, acc.v, acc.idx, result));
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerEinsum(OpTable& t) { t["Einsum"] = {einsumOp, 1, -1}; }

}  // namespace graphc::onnxfe
