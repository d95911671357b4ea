// Ahead-of-time bundles: the code prepare would JIT, with the weights as read-only globals and a
// per-bundle entry name, written as an object file for a chosen target, plus its C header.
#include <fmt/format.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include <cctype>

#include "backend/llvm/bundle_header.h"
#include "backend/llvm/codegen.h"
#include "backend/llvm/executable.h"
#include "backend/llvm/jit.h"
#include "ir/verifier.h"

namespace graphc::llvmjit {

std::string bundleIdentifier(const std::string& name) {
  std::string id;
  for (char c : name) id += (std::isalnum((unsigned char)c) || c == '_') ? c : '_';
  if (id.empty() || std::isdigit((unsigned char)id[0])) id.insert(id.begin(), '_');
  return id;
}

Result<BundleFiles> emitBundle(const Graph& g, const CompileOptions& options, const std::string& name, BundleForm form) {
  GRAPHC_TRY(verify(g));
  for (const Node& n : g.nodes)
    if (!n.dead && n.info().has(kSideEffect))
      return Error(ErrorCode::Unsupported, fmt::format("a bundle cannot run {}: collectives need a communicator, which only graphc "
                                                       "train --distributed (or the C API's trainer) gives a run", opName(n.op)));
  if (options.threads > 1)
    return Error(ErrorCode::InvalidArgument,
                 fmt::format("--threads {}: a bundle runs on its caller's thread alone (it needs no OpenMP runtime); use --threads 1", options.threads));
  GRAPHC_ASSIGN(CodeTarget target, resolveTarget(options.targetTriple, options.targetCpu));
  Graph graph = g.clone();
  GRAPHC_TRY(expandForLoops(graph));
  GRAPHC_ASSIGN(PlannedArena planned, planArena(graph));
  planned.layout.selfContained = true;
  GRAPHC_ASSIGN(GeneratedCode generated, generate(graph, /*threads=*/1, planned.layout, target));
  GRAPHC_TRY(optimizeModule(*generated.module, target));
  BundleFiles files;
  files.name = bundleIdentifier(name);
  llvm::Function* entry = generated.module->getFunction("graphc_run");
  if (!entry) return Error("llvm: internal error: the module has no entry point");
  entry->setName(files.name + "_run");
  if (llvm::Function* init = generated.module->getFunction("graphc_init_state")) init->setName(files.name + "_init_state");
  // A run needs nothing but libc and libm: a parallel region would pull in libgomp.
  for (const char* runtime : {"GOMP_parallel", "omp_get_thread_num", "omp_get_num_threads"})
    if (generated.module->getFunction(runtime))
      return Error(fmt::format("llvm: internal error: the bundle calls {} although it was generated for one thread", runtime));
  if (form == BundleForm::LlvmIR) {
    llvm::raw_string_ostream os(files.text);
    generated.module->print(os, nullptr);
    return files;
  }
  if (form == BundleForm::Assembly) {
    GRAPHC_ASSIGN(files.text, emitObject(*generated.module, target, /*assembly=*/true));
    return files;
  }
  GRAPHC_ASSIGN(files.object, emitObject(*generated.module, target));
  BundleLayout layout{files.name, target.triple, target.cpu, planned.layout.arenaBytes, target.vectorMath, planned.layout.stateBytes, {}};
  for (const Update& u : graph.updates) layout.state.push_back({u.target, (size_t)planned.layout.slots[u.target].at});
  files.header = bundleHeader(graph, layout, generated.errors);
  return files;
}

}  // namespace graphc::llvmjit
