// Printer for the textual IR: canonical, so print(parse(text)) == text for printed text.
#include "frontend/text/printer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "frontend/text/lexer.h"
#include "ir/convert.h"

namespace graphc {
namespace {

using text::formatName;
using text::quoteString;

std::string nonFinite(double v) { return std::isnan(v) ? "nan" : v < 0 ? "-inf" : "inf"; }

// Shortest text that reads back as the same double, always visibly a float so that
// re-parsing keeps the attribute's kind.
std::string floatAttr(double v) {
  if (!std::isfinite(v)) return nonFinite(v);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// printf's %.<digits>g without its locale: under a comma-decimal LC_NUMERIC, snprintf would
// write "1,5", which the parser (from_chars) rightly rejects.
std::string generalDigits(double v, int digits) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  return std::string(buf, r.ptr);
}

std::string dataElement(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::f32: {
      float f = t.data<float>()[i];
      if (!std::isfinite(f)) return nonFinite(f);
      return generalDigits(f, 9);
    }
    case DType::f64: {
      double d = t.data<double>()[i];
      if (!std::isfinite(d)) return nonFinite(d);
      return generalDigits(d, 17);
    }
    case DType::bf16: {
      // bf16 is the high half of an f32, so every bf16 prints exactly as an f32.
      float f = floatFromBf16(static_cast<const uint16_t*>(t.raw())[i]);
      if (!std::isfinite(f)) return nonFinite(f);
      return generalDigits(f, 9);
    }
    case DType::f16: {
      // Every f16 is exact in f32, and 9 digits give an f32 back exactly.
      float f = floatFromF16(static_cast<const uint16_t*>(t.raw())[i]);
      if (!std::isfinite(f)) return nonFinite(f);
      return generalDigits(f, 9);
    }
    case DType::i8: case DType::u8: case DType::i16: case DType::u16: return std::to_string(*t.intAt(i));
    case DType::i32: return std::to_string(t.data<int32_t>()[i]);
    case DType::i64: return std::to_string(t.data<int64_t>()[i]);
    case DType::boolean: return t.data<bool>()[i] ? "1" : "0";
  }
  return "?";
}

template <class T, class F>
std::string list(const std::vector<T>& xs, F&& f) {
  std::string out = "[";
  for (size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + f(xs[i]);
  return out + "]";
}

std::string valueRef(const Graph& g, ValueId v) { return "%" + formatName(g.value(v).name); }

}  // namespace

std::string printAttr(const Attr& a) {
  switch (attrKind(a)) {
    case AttrKind::Int: return std::to_string(std::get<int64_t>(a));
    case AttrKind::Float: return floatAttr(std::get<double>(a));
    case AttrKind::Str: return quoteString(std::get<std::string>(a));
    case AttrKind::Ints: return list(std::get<std::vector<int64_t>>(a), [](int64_t x) { return std::to_string(x); });
    case AttrKind::Floats: return list(std::get<std::vector<double>>(a), floatAttr);
  }
  return "?";
}

// All-zero bytes (so not -0.0) print as `zeros` beyond one element: optimizer state is large.
bool allZeroBytes(const Tensor& t) {
  const auto* p = static_cast<const unsigned char*>(t.raw());
  for (size_t i = 0; i < t.bytes(); ++i)
    if (p[i]) return false;
  return true;
}

std::string printData(const Value& v) {
  if (!v.file.empty()) return "file " + quoteString(v.file);
  if (v.data.numel() > 1 && allZeroBytes(v.data)) return "zeros";
  std::string out = "[";
  for (int64_t i = 0; i < v.data.numel(); ++i) out += (i ? ", " : "") + dataElement(v.data, i);
  return out + "]";
}

std::string printGraph(const Graph& g) {
  std::string out = "graph " + formatName(g.name) + " {\n";
  for (ValueId v : g.inputs) out += "  input " + valueRef(g, v) + " : " + g.type(v).str() + "\n";
  for (ValueId v : g.constants) {
    const Value& val = g.value(v);
    out += val.kind == ValueKind::Param ? "  param " : val.kind == ValueKind::State ? "  state " : "  const ";
    out += valueRef(g, v) + " : " + val.type.str() + " = " + printData(val) + "\n";
  }
  for (const Node& n : g.nodes) {
    if (n.dead) continue;
    std::string results, types, operands, attrs;
    for (ValueId r : n.results) {
      results += (results.empty() ? "" : ", ") + valueRef(g, r);
      types += (types.empty() ? "" : ", ") + g.type(r).str();
    }
    for (ValueId o : n.operands) operands += (operands.empty() ? "" : ", ") + valueRef(g, o);
    for (const auto& [name, value] : n.attrs) {
      const AttrSpec* spec = n.info().findAttr(name);
      if (spec && spec->defaultValue && *spec->defaultValue == value) continue;
      attrs += (attrs.empty() ? " {" : ", ") + formatName(name) + " = " + printAttr(value);
    }
    if (!attrs.empty()) attrs += "}";
    out += "  " + results + " = " + std::string(n.info().name) + "(" + operands + ")" + attrs + " : " + types + "\n";
  }
  for (const Output& o : g.outputs) out += "  output " + formatName(o.name) + " = " + valueRef(g, o.value) + "\n";
  for (const Update& u : g.updates) out += "  update " + valueRef(g, u.target) + " = " + valueRef(g, u.value) + "\n";
  return out + "}\n";
}

}  // namespace graphc
