// Builds ONNX models in code with the protobuf classes, for the importer's error tests, and
// checks that an import fails with a message that says what and where.
#pragma once

#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "frontend/onnx/onnx_import.h"

namespace graphc::test {

struct ModelBuilder {
  onnx::ModelProto m;
  explicit ModelBuilder(int64_t opset = 13) {
    m.set_ir_version(8);
    auto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
  }
  onnx::GraphProto& g() { return *m.mutable_graph(); }
  ModelBuilder& input(const std::string& name, std::vector<int64_t> dims, std::vector<std::string> params = {},
                      int32_t elemType = onnx::TensorProto::FLOAT) {
    auto* vi = g().add_input();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elemType);
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < dims.size(); ++i) {
      auto* d = shape->add_dim();
      if (i < params.size() && !params[i].empty()) d->set_dim_param(params[i]);
      else d->set_dim_value(dims[i]);
    }
    return *this;
  }
  onnx::NodeProto& node(const std::string& op, std::vector<std::string> ins, std::vector<std::string> outs,
                        const std::string& name = "", const std::string& domain = "") {
    auto* n = g().add_node();
    n->set_op_type(op);
    n->set_name(name);
    n->set_domain(domain);
    for (auto& i : ins) n->add_input(i);
    for (auto& o : outs) n->add_output(o);
    return *n;
  }
  ModelBuilder& output(const std::string& name) {
    g().add_output()->set_name(name);
    return *this;
  }
  ModelBuilder& init(const std::string& name, std::vector<int64_t> dims, std::vector<float> data) {
    auto* t = g().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float f : data) t->add_float_data(f);
    return *this;
  }
  // An initializer of any element type, its values given as little-endian raw bytes.
  template <class T>
  ModelBuilder& rawInit(const std::string& name, int32_t type, std::vector<int64_t> dims, std::vector<T> data) {
    auto* t = g().add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (int64_t d : dims) t->add_dims(d);
    t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T)));
    return *this;
  }
  std::string bytes() const { return m.SerializeAsString(); }
  Result<Graph> import(OnnxImportOptions o = {}) const { return importOnnxBytes(bytes(), "m.onnx", o); }
};

inline void setAttr(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
inline void setAttr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
inline void setFloatAttr(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
inline void setAttr(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

inline void setAttr(onnx::NodeProto& n, const std::string& name, const std::vector<std::string>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRINGS);
  for (const std::string& s : v) a->add_strings(s);
}

inline std::string errorOf(const Result<Graph>& r) {
  REQUIRE(!r);
  return r.error().message();
}

inline bool has(const std::string& msg, const std::string& part) {
  if (msg.find(part) == std::string::npos) {
    MESSAGE("message: " << msg << "\nlacks: " << part);
    return false;
  }
  return true;
}

}  // namespace graphc::test
