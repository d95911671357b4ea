// NumPy .npy reader and writer. Only what graphc's tensors can hold is accepted; anything else
// is refused with a message that says what was found.
#include "frontend/npy/npy.h"

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace graphc {
namespace {

struct Header {
  std::string descr;
  bool fortran = false;
  Shape shape;
};

std::string_view skipSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  return s;
}

// Parses the Python dict literal of an .npy header: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
Result<Header> parseHeader(std::string_view h, const std::string& where) {
  auto bad = [&](std::string what) { return Error(ErrorCode::Parse, fmt::format("{}: malformed .npy header: {}", where, what)); };
  Header out;
  bool haveDescr = false, haveOrder = false, haveShape = false;
  h = skipSpace(h);
  if (h.empty() || h.front() != '{') return bad("expected '{'");
  h.remove_prefix(1);
  while (true) {
    h = skipSpace(h);
    if (h.empty()) return bad("unterminated dictionary");
    if (h.front() == '}') break;
    if (h.front() != '\'' && h.front() != '"') return bad("expected a quoted key");
    char q = h.front();
    size_t end = h.find(q, 1);
    if (end == std::string_view::npos) return bad("unterminated key");
    std::string key(h.substr(1, end - 1));
    h = skipSpace(h.substr(end + 1));
    if (h.empty() || h.front() != ':') return bad("expected ':' after key '" + key + "'");
    h = skipSpace(h.substr(1));
    // A second 'shape' would append to the first: refuse repeats of every key.
    if ((key == "descr" && haveDescr) || (key == "fortran_order" && haveOrder) || (key == "shape" && haveShape))
      return bad("key '" + key + "' given twice");
    if (key == "descr") {
      if (h.empty() || (h.front() != '\'' && h.front() != '"')) return bad("descr must be a string");
      char dq = h.front();
      size_t e = h.find(dq, 1);
      if (e == std::string_view::npos) return bad("unterminated descr");
      out.descr = std::string(h.substr(1, e - 1));
      h = h.substr(e + 1);
      haveDescr = true;
    } else if (key == "fortran_order") {
      if (h.starts_with("False")) out.fortran = false, h.remove_prefix(5);
      else if (h.starts_with("True")) out.fortran = true, h.remove_prefix(4);
      else return bad("fortran_order must be True or False");
      haveOrder = true;
    } else if (key == "shape") {
      if (h.empty() || h.front() != '(') return bad("shape must be a tuple");
      size_t e = h.find(')');
      if (e == std::string_view::npos) return bad("unterminated shape");
      std::string_view dims = h.substr(1, e - 1);
      h = h.substr(e + 1);
      int64_t count = 1;  // the element count so far, which a declared shape may overflow
      while (!(dims = skipSpace(dims)).empty()) {
        int64_t d = 0;
        size_t digits = 0;
        while (digits < dims.size() && dims[digits] >= '0' && dims[digits] <= '9') {
          if (d > (int64_t(1) << 40)) return bad("dimension too large");
          d = d * 10 + (dims[digits++] - '0');
        }
        if (digits == 0) return bad("shape entries must be non-negative integers");
        if (__builtin_mul_overflow(count, d, &count)) return bad("shape has more elements than a 64-bit count holds");
        out.shape.push_back(d);
        dims = skipSpace(dims.substr(digits));
        if (!dims.empty() && dims.front() == ',') dims.remove_prefix(1);
        else if (!dims.empty()) return bad("expected ',' in shape");
      }
      haveShape = true;
    } else {
      return bad("unexpected key '" + key + "'");
    }
    h = skipSpace(h);
    if (!h.empty() && h.front() == ',') h.remove_prefix(1);
  }
  if (!haveDescr || !haveOrder || !haveShape) return bad("needs descr, fortran_order and shape");
  return out;
}

Result<DType> dtypeFromDescr(const std::string& descr, const std::string& where) {
  static const std::pair<const char*, DType> known[] = {
      {"<f4", DType::f32}, {"<f8", DType::f64}, {"<i4", DType::i32}, {"<i8", DType::i64}, {"|b1", DType::boolean},
      {"<f2", DType::f16}, {"|i1", DType::i8},  {"|u1", DType::u8},  {"<i2", DType::i16}, {"<u2", DType::u16},
      // bf16, which NumPy has no type for: graphc writes '<V2', NumPy re-saves such bytes as '|V2'.
      {"<V2", DType::bf16}, {"|V2", DType::bf16}};
  for (auto [d, t] : known)
    if (descr == d) return t;
  std::string hint;
  if (!descr.empty() && descr[0] == '>') hint = " (big-endian data is not supported)";
  return Error(ErrorCode::Unsupported, fmt::format("{}: unsupported .npy dtype '{}'{}; graphc reads f32 '<f4', f64 '<f8', i32 '<i4', "
                           "i64 '<i8', bool '|b1', f16 '<f2', i8 '|i1', u8 '|u1', i16 '<i2', u16 '<u2' and bf16 '<V2'",
                           where, descr, hint));
}

std::string descrOf(DType t) {
  switch (t) {
    case DType::f32: return "<f4";
    case DType::f64: return "<f8";
    case DType::i32: return "<i4";
    case DType::i64: return "<i8";
    case DType::boolean: return "|b1";
    case DType::bf16: return "<V2";
    case DType::f16: return "<f2";
    case DType::i8: return "|i1";
    case DType::u8: return "|u1";
    case DType::i16: return "<i2";
    case DType::u16: return "<u2";
  }
  return "?";
}

}  // namespace

Result<Tensor> parseNpy(std::span<const char> bytes, const std::string& where) {
  static const char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || std::string_view(bytes.data(), 6) != std::string_view(magic, 6))
    return Error(ErrorCode::Parse, fmt::format("{}: not an .npy file (bad magic)", where));
  int major = (unsigned char)bytes[6], minor = (unsigned char)bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    return Error(ErrorCode::Unsupported, fmt::format("{}: unsupported .npy format version {}.{} (graphc reads 1.0 to 3.0)", where, major, minor));
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = (unsigned char)bytes[8] | ((unsigned char)bytes[9] << 8);
    offset = 10;
  } else {
    if (bytes.size() < 12) return Error(ErrorCode::Parse, fmt::format("{}: truncated .npy header", where));
    headerLen = 0;
    for (int i = 3; i >= 0; --i) headerLen = (headerLen << 8) | (unsigned char)bytes[8 + i];
    offset = 12;
  }
  if (offset + headerLen > bytes.size()) return Error(ErrorCode::Parse, fmt::format("{}: truncated .npy header", where));
  GRAPHC_ASSIGN(Header h, parseHeader(std::string_view(bytes.data() + offset, headerLen), where));
  if (h.fortran) return Error(ErrorCode::Unsupported, fmt::format("{}: Fortran-ordered .npy arrays are not supported (use C order)", where));
  GRAPHC_ASSIGN(DType dtype, dtypeFromDescr(h.descr, where));
  TensorType type{dtype, h.shape};
  size_t dataStart = offset + headerLen;
  size_t available = bytes.size() - dataStart;
  // Compare in element counts first so a huge declared shape cannot overflow the byte count.
  if ((double)type.numel() * dtypeSize(dtype) > (double)available || type.bytes() > available)
    return Error(ErrorCode::Parse, fmt::format("{}: .npy data is truncated: shape ({}) of {} needs {} bytes, file has {}", where,
                             shapeStr(h.shape), h.descr, (double)type.numel() * dtypeSize(dtype), available));
  if (type.bytes() < available)
    return Error(ErrorCode::Parse, fmt::format("{}: .npy file has {} trailing bytes after the data", where, available - type.bytes()));
  Tensor t(type);
  if (type.bytes()) std::memcpy(t.raw(), bytes.data() + dataStart, type.bytes());
  if (dtype == DType::boolean)
    for (int64_t i = 0; i < t.numel(); ++i)
      if ((unsigned char)t.data<char>()[i] > 1) return Error(ErrorCode::Parse, fmt::format("{}: bool data holds a value other than 0 or 1", where));
  return t;
}

Result<std::string> readFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error(ErrorCode::IO, fmt::format("{}: is a directory", path));
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Error(ErrorCode::IO, fmt::format("{}: cannot open file", path));
  std::streamoff size = in.tellg();
  std::string bytes;
  if (size > 0) {  // read in one go; a stream of unknown size (a pipe) falls back to chunks
    bytes.resize((size_t)size);
    in.seekg(0);
    in.read(bytes.data(), size);
    if (in.gcount() != size) return Error(ErrorCode::IO, fmt::format("{}: read error", path));
  } else {
    in.clear();
    in.seekg(0);
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  return bytes;
}

Result<Tensor> readNpy(const std::string& path) {
  GRAPHC_ASSIGN(std::string bytes, readFile(path));
  return parseNpy(std::span<const char>(bytes.data(), bytes.size()), path);
}

std::string encodeNpy(const Tensor& t) {
  std::string shape = "(";
  for (int64_t d : t.shape()) shape += std::to_string(d) + ", ";
  if (t.shape().size() > 1) shape.resize(shape.size() - 1), shape.back() = ')';
  else if (t.shape().size() == 1) shape.pop_back(), shape += ")";
  else shape += ")";
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descrOf(t.dtype()), shape);
  // Pad so that the data starts on a 64-byte boundary, as numpy does.
  bool v2 = dict.size() + 11 > 65535;
  size_t prefix = v2 ? 12 : 10;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';
  std::string out("\x93NUMPY", 6);
  out += char(v2 ? 2 : 1);
  out += char(0);
  size_t len = dict.size();
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += char((len >> (8 * i)) & 0xff);
  out += dict;
  out.append(static_cast<const char*>(t.raw()), t.bytes());
  return out;
}

// Writes all of bytes to fd; false on a failed write.
static bool writeAll(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return false;
    done += (size_t)n;
  }
  return true;
}

Status writeFileAtomic(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  // A device or pipe (/dev/null, /dev/stdout) is written as it is: renaming a temporary over it
  // would replace /dev/null itself with a regular file.
  std::error_code ec;
  if (fs::file_status st = fs::status(target, ec); !ec && fs::exists(st) && !fs::is_regular_file(st)) {
    int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) return Error(ErrorCode::IO, fmt::format("{}: cannot open for writing", path));
    bool written = writeAll(fd, bytes);
    if (::close(fd) != 0 || !written) return Error(ErrorCode::IO, fmt::format("{}: write failed", path));
    return ok();
  }
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmpXXXXXX")).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return Error(ErrorCode::IO, fmt::format("{}: cannot create a temporary file in '{}'", path, dir.string()));
  if (!writeAll(fd, bytes)) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return Error(ErrorCode::IO, fmt::format("{}: write failed", path));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    return Error(ErrorCode::IO, fmt::format("{}: write failed", path));
  }
  ::chmod(tmpl.c_str(), 0644);
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    ::unlink(tmpl.c_str());
    return Error(ErrorCode::IO, fmt::format("{}: cannot replace the file", path));
  }
  return ok();
}

Status writeNpy(const std::string& path, const Tensor& t) { return writeFileAtomic(path, encodeNpy(t)); }

}  // namespace graphc
