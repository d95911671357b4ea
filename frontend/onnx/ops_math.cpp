// Importers of ONNX's math functions: Sin ... Atanh, Floor, Ceil, Round and Sign, one IR op each.
#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// The IR op has ONNX's semantics as it is (Round halves to even, Sign keeps NaN and takes
// integers); the op table refuses an integer operand for the float-only ones.
template <OpKind K>
Status mathOp(ImportCtx& c) {
  GRAPHC_ASSIGN(ValueId r, c.emit(K, {c.in(0)}));
  c.setOut(0, r);
  return ok();
}

}  // namespace

void registerMath(OpTable& t) {
  t["Sin"] = {mathOp<OpKind::Sin>, 1, 1};
  t["Cos"] = {mathOp<OpKind::Cos>, 1, 1};
  t["Tan"] = {mathOp<OpKind::Tan>, 1, 1};
  t["Asin"] = {mathOp<OpKind::Asin>, 1, 1};
  t["Acos"] = {mathOp<OpKind::Acos>, 1, 1};
  t["Atan"] = {mathOp<OpKind::Atan>, 1, 1};
  t["Sinh"] = {mathOp<OpKind::Sinh>, 1, 1};
  t["Cosh"] = {mathOp<OpKind::Cosh>, 1, 1};
  t["Asinh"] = {mathOp<OpKind::Asinh>, 1, 1};
  t["Acosh"] = {mathOp<OpKind::Acosh>, 1, 1};
  t["Atanh"] = {mathOp<OpKind::Atanh>, 1, 1};
  t["Floor"] = {mathOp<OpKind::Floor>, 1, 1};
  t["Ceil"] = {mathOp<OpKind::Ceil>, 1, 1};
  t["Round"] = {mathOp<OpKind::Round>, 1, 1};
  t["Sign"] = {mathOp<OpKind::Sign>, 1, 1};
}

}  // namespace graphc::onnxfe
