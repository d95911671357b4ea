// The C header of an ahead-of-time bundle: the entry point, the inputs and outputs, the blocks.
#include "backend/llvm/bundle_header.h"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/abi.h"

namespace graphc::llvmjit {
namespace {

// runtime/abi.h's text, embedded when the build is configured (abi_text.inc.in): the bundle's
// header carries the same definitions under the same include guard, so that a program may
// include both.
const char kAbiText[] =
#include "abi_text.inc"
    ;

std::string_view cType(DType t) {
  switch (t) {
    case DType::f32: return "float";
    case DType::f64: return "double";
    case DType::i32: return "int32_t";
    case DType::i64: return "int64_t";
    case DType::boolean: return "uint8_t";
    case DType::bf16: case DType::f16: case DType::u16: return "uint16_t";
    case DType::i8: return "int8_t";
    case DType::u8: return "uint8_t";
    case DType::i16: return "int16_t";
  }
  return "uint8_t";
}

std::string cString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if ((unsigned char)c < 0x20) out += fmt::format("\\{:03o}", (unsigned char)c);
    else out += c;
  }
  return out + "\"";
}

// A comment's text with "*/" broken up.
std::string commentText(std::string text) {
  for (size_t at; (at = text.find("*/")) != std::string::npos;) text.replace(at, 2, "* /");
  return text;
}

// One input's or output's macros: NAME_INPUT_0_NAME, _DTYPE, _CTYPE, _RANK, _SHAPE, _ELEMENTS, _BYTES.
std::string valueMacros(const std::string& prefix, const std::string& name, const TensorType& type) {
  std::string out = fmt::format("/* {}: \"{}\", {} */\n", prefix, commentText(name), type.str());
  out += fmt::format("#define {}_NAME {}\n", prefix, cString(name));
  out += fmt::format("#define {}_DTYPE \"{}\"\n", prefix, dtypeName(type.dtype));
  out += fmt::format("#define {}_CTYPE {}\n", prefix, cType(type.dtype));
  out += fmt::format("#define {}_RANK {}\n", prefix, type.rank());
  if (type.rank() > 0) out += fmt::format("#define {}_SHAPE {{{}}}\n", prefix, fmt::join(type.shape, ", "));
  out += fmt::format("#define {}_ELEMENTS {}\n", prefix, type.numel());
  out += fmt::format("#define {}_BYTES {}\n\n", prefix, type.bytes());
  return out;
}

}  // namespace

std::string bundleHeader(const Graph& g, const BundleLayout& layout, const std::vector<std::string>& errors) {
  std::string upper = layout.name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return (char)std::toupper(c); });
  std::string out = fmt::format(
      "/* {0}.h: the ahead-of-time bundle of graph \"{2}\", written by graphc compile --emit bundle\n"
      " * for {3} (CPU {4}).\n"
      " * Link {0}.o and -lm, nothing else: no graphc, LLVM or OpenMP library.{5}\n"
      " * The code runs on the calling thread alone; the weights (the initial ones of a training step)\n"
      " * are read-only data (.rodata) of {0}.o.\n"
      " *\n"
      " * A run: fill a graphc_run_buffers (abi_version = GRAPHC_ABI_VERSION; the inputs and outputs in\n"
      " * the order below, with their byte sizes; an arena of {1}_ARENA_BYTES bytes aligned to\n"
      " * {1}_ARENA_ALIGNMENT; {6}scratch unused) and call {0}_run. It makes no heap allocation\n"
      " * and no system call, and returns 0, or an error code i > 0 whose message is\n"
      " * {1}_ERROR_MESSAGES[i - 1] (wrong buffers are refused before anything is written).\n"
      " * Runs on several threads at once need an arena each.{7} */\n"
      "#ifndef GRAPHC_BUNDLE_{1}_H\n#define GRAPHC_BUNDLE_{1}_H\n\n",
      layout.name, upper, commentText(g.name), layout.triple, layout.cpu,
      layout.usesVectorMath ? "\n * (glibc's -lm also links libmvec, whose vector exp, log, ... the code calls.)" : "",
      layout.stateBytes ? fmt::format("a state block of {}_STATE_BYTES bytes, aligned like the arena;\n * ", upper) : "state and ",
      layout.stateBytes ? fmt::format("\n *\n"
                                      " * A training step: each run is one step that updates the params and optimizer state in\n"
                                      " * the state block in place. {0}_init_state writes their initial values into a\n"
                                      " * block; {1}_PARAM_i_OFFSET says where param i lies in it, to read the trained\n"
                                      " * weights or to set them between steps. Each model being trained needs a block of its own.",
                                      layout.name, upper)
                        : "");
  out += "/* ---- graphc's runtime/abi.h ---- */\n";
  out += kAbiText;
  out += "/* ---- end of runtime/abi.h ---- */\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  out += fmt::format("#define {}_ABI_VERSION {}\n", upper, GRAPHC_ABI_VERSION);
  out += fmt::format("#define {}_ARENA_BYTES {}\n", upper, layout.arenaBytes);
  out += fmt::format("#define {}_ARENA_ALIGNMENT {}\n", upper, GRAPHC_ABI_ALIGNMENT);
  if (layout.stateBytes) out += fmt::format("#define {}_STATE_BYTES {}\n#define {}_STATE_ALIGNMENT {}\n", upper, layout.stateBytes, upper, GRAPHC_ABI_ALIGNMENT);
  else out += fmt::format("#define {}_STATE_BYTES 0 /* not a training step */\n", upper);
  out += fmt::format("#define {}_NUM_INPUTS {}\n", upper, g.inputs.size());
  out += fmt::format("#define {}_NUM_OUTPUTS {}\n\n", upper, g.outputs.size());
  for (size_t i = 0; i < g.inputs.size(); ++i)
    out += valueMacros(fmt::format("{}_INPUT_{}", upper, i), g.value(g.inputs[i]).name, g.type(g.inputs[i]));
  for (size_t i = 0; i < g.outputs.size(); ++i)
    out += valueMacros(fmt::format("{}_OUTPUT_{}", upper, i), g.outputs[i].name, g.type(g.outputs[i].value));
  // The state block's params (what a caller reads as the trained model), then the optimizer's own state.
  std::vector<BundleLayout::StateSlot> params, optimizer;
  for (const BundleLayout::StateSlot& slot : layout.state)
    (g.value(slot.value).kind == ValueKind::Param ? params : optimizer).push_back(slot);
  if (layout.stateBytes) {
    out += fmt::format("#define {}_NUM_PARAMS {}\n#define {}_NUM_OPTIMIZER_STATES {}\n\n", upper, params.size(), upper, optimizer.size());
    auto slotMacros = [&](const char* what, const std::vector<BundleLayout::StateSlot>& slots) {
      for (size_t i = 0; i < slots.size(); ++i) {
        std::string prefix = fmt::format("{}_{}_{}", upper, what, i);
        out += valueMacros(prefix, g.value(slots[i].value).name, g.type(slots[i].value));
        out.insert(out.size() - 1, fmt::format("#define {}_OFFSET {} /* bytes into the state block */\n", prefix, slots[i].offset));
      }
    };
    slotMacros("PARAM", params);
    slotMacros("OPTIMIZER_STATE", optimizer);
  }
  std::vector<std::string> messages;
  for (const std::string& e : errors) messages.push_back(cString(e));
  out += fmt::format("/* The message of error code i is element i - 1. */\n#define {}_ERROR_MESSAGES {{ \\\n  {} }}\n\n", upper,
                     fmt::join(messages, ", \\\n  "));
  out += fmt::format("/* Runs the graph once on the caller's buffers: 0 on success, else an error code. */\n"
                     "int32_t {}_run(const graphc_run_buffers* buffers);\n\n",
                     layout.name);
  if (layout.stateBytes)
    out += fmt::format("/* Writes the initial params and optimizer state into a state block of {}_STATE_BYTES bytes. */\n"
                       "void {}_init_state(void* state);\n\n",
                       upper, layout.name);
  out += fmt::format("#ifdef __cplusplus\n}}\n#endif\n\n#endif /* GRAPHC_BUNDLE_{}_H */\n", upper);
  return out;
}

}  // namespace graphc::llvmjit
