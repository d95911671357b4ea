// TEMPORARY stand-in for ir/npy.cpp (being written on main): just enough of readNpy for these
// tests. Delete this file once main's NPY reader is merged.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "ir/diag.h"  // ir/npy.h uses Result without including it
#include "ir/npy.h"

namespace graphc {

Result<Tensor> readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) return Error(path + ": not an .npy file");
  size_t headerLen = (uint8_t)bytes[8] | ((uint8_t)bytes[9] << 8), start = 10;
  if (bytes[6] >= 2) headerLen |= ((size_t)(uint8_t)bytes[10] << 16) | ((size_t)(uint8_t)bytes[11] << 24), start = 12;
  std::string header = bytes.substr(start, headerLen);
  auto field = [&](const std::string& key) {
    size_t at = header.find("'" + key + "':");
    return at == std::string::npos ? std::string() : header.substr(at + key.size() + 3);
  };
  std::string descr = field("descr");
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  DType dtype;
  if (descr == "<f4") dtype = DType::f32;
  else if (descr == "<f8") dtype = DType::f64;
  else if (descr == "<i4") dtype = DType::i32;
  else if (descr == "<i8") dtype = DType::i64;
  else if (descr == "|b1") dtype = DType::boolean;
  else return Error(fmt::format("{}: unsupported descr '{}'", path, descr));
  if (field("fortran_order").rfind(" False", 0) != 0) return Error(path + ": fortran order");
  std::string shapeText = field("shape");
  shapeText = shapeText.substr(shapeText.find('(') + 1, shapeText.find(')') - shapeText.find('(') - 1);
  Shape shape;
  std::stringstream dims(shapeText);
  for (std::string d; std::getline(dims, d, ',');)
    if (d.find_first_not_of(' ') != std::string::npos) shape.push_back(std::stoll(d));
  Tensor t(TensorType{dtype, shape});
  size_t offset = start + headerLen;
  if (bytes.size() - offset != t.bytes()) return Error(path + ": wrong data size");
  std::memcpy(t.raw(), bytes.data() + offset, t.bytes());
  return t;
}

}  // namespace graphc
