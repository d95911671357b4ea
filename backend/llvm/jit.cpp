// The JIT core: host detection, the O3 pass pipeline and ORC LLJIT loading.
#include "backend/llvm/jit.h"

#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/SubtargetFeature.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/DynamicLibrary.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include <fmt/format.h>

#include <deque>
#include <string>
#include <vector>


namespace graphc::llvmjit {

static Error toError(llvm::Error e, const std::string& what) {
  return Error("llvm: " + what + ": " + llvm::toString(std::move(e)));
}

const CodeTarget& hostTarget() {
  static const CodeTarget target = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    CodeTarget t;
    t.triple = llvm::sys::getProcessTriple();
    t.cpu = llvm::sys::getHostCPUName().str();
    llvm::StringMap<bool> features;
    llvm::SubtargetFeatures list;
    if (llvm::sys::getHostCPUFeatures(features))
      for (const auto& f : features) list.AddFeature(f.first(), f.second);
    t.features = list.getString();
    t.avx512 = features.lookup("avx512f");
    t.avx512bf16 = t.avx512 && features.lookup("avx512bf16");
    // The vectorizer maps llvm.exp/log/pow onto libmvec's _ZGV* functions, which the JIT then
    // resolves from the process; without the library those loops stay scalar.
    t.vectorMath = llvm::Triple(t.triple).getArch() == llvm::Triple::x86_64 && features.lookup("avx2") &&
                   !llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
    t.vectorMathErf = t.vectorMath && llvm::sys::DynamicLibrary::SearchForAddressOfSymbol("_ZGVdN8v_erff");
    return t;
  }();
  return target;
}

Result<CodeTarget> resolveTarget(const std::string& triple, const std::string& cpu) {
  const CodeTarget& host = hostTarget();
  std::string normalized = triple.empty() ? host.triple : llvm::Triple::normalize(triple);
  if (normalized == host.triple && (cpu.empty() || cpu == host.cpu)) return host;
  static const bool allTargets = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)allTargets;
  std::string message;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(normalized, message);
  if (!target) return Error(ErrorCode::InvalidArgument, fmt::format("--target-triple '{}': {}", triple, message));
  llvm::Triple parsed(normalized);
  // graphc_run_buffers is read at its LP64 offsets (runtime/abi.h).
  if (!parsed.isArch64Bit())
    return Error(ErrorCode::Unsupported, fmt::format("--target-triple '{}': only 64-bit targets are supported (the run buffers' layout is LP64)", triple));
  CodeTarget t;
  t.triple = normalized;
  t.cpu = cpu.empty() ? "generic" : cpu;
  // Checked on the target's generic subtarget first: LLVM would print a warning of its own.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(target->createMCSubtargetInfo(normalized, "", ""));
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget;
  if (generic && generic->isCPUStringValid(t.cpu)) subtarget.reset(target->createMCSubtargetInfo(normalized, t.cpu, ""));
  if (!subtarget)
    return Error(ErrorCode::InvalidArgument, fmt::format("--target-cpu '{}': not a CPU of target '{}' (see llc-16 -mtriple={} -mcpu=help)",
                                                         t.cpu, normalized, normalized));
  t.avx512 = parsed.getArch() == llvm::Triple::x86_64 && subtarget->checkFeatures("+avx512f");
  t.avx512bf16 = t.avx512 && subtarget->checkFeatures("+avx512bf16");
  t.vectorMath = parsed.getArch() == llvm::Triple::x86_64 && parsed.isOSLinux() && subtarget->checkFeatures("+avx2");
  t.vectorMathErf = t.vectorMath && host.vectorMathErf;  // glibc's version as on this machine
  return t;
}

void setTargetAttributes(llvm::Function& f, const CodeTarget& t) {
  f.addFnAttr("target-cpu", t.cpu);
  if (!t.features.empty()) f.addFnAttr("target-features", t.features);
  if (t.avx512) f.addFnAttr("prefer-vector-width", "512");
}

// A machine for the target: position-independent code, -O3 code generation.
static Result<std::unique_ptr<llvm::TargetMachine>> machineFor(const CodeTarget& t) {
  std::string message;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(t.triple, message);
  if (!target) return Error("llvm: target " + t.triple + ": " + message);
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      t.triple, t.cpu, t.features, llvm::TargetOptions(), llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOpt::Aggressive));
  if (!machine) return Error("llvm: no target machine for " + t.triple + " " + t.cpu);
  return machine;
}

static llvm::orc::JITTargetMachineBuilder hostMachineBuilder() {
  const CodeTarget& t = hostTarget();
  llvm::orc::JITTargetMachineBuilder builder{llvm::Triple(t.triple)};
  builder.setCPU(t.cpu);
  builder.addFeatures(llvm::SubtargetFeatures(t.features).getFeatures());
  builder.setCodeGenOptLevel(llvm::CodeGenOpt::Aggressive);
  return builder;
}

// The libmvec functions of glibc 2.35 that LLVM 16's table predates: erf, tanh and expm1 (gelu,
// tanh, elu), tan, and the inverse trigonometric and hyperbolic functions. AVX2 variants ('d'),
// and AVX-512 ones ('e', twice as wide). LLVM's table has exp, log, sin, cos and pow in SSE and
// AVX2 widths only, so a loop mixing exp with erf or tanh would vectorize at 8 lanes: their
// AVX-512 variants (glibc 2.22) are `avx512Base`. A VecDesc keeps StringRefs: the names live here.
struct VectorMathTable {
  std::deque<std::string> names;  // a deque never moves its strings
  std::vector<llvm::VecDesc> avx2, avx512, avx512Base;
};

static const VectorMathTable& glibcVectorMath() {
  static const VectorMathTable table = [] {
    VectorMathTable t;
    auto add = [&t](std::vector<llvm::VecDesc>& to, std::string scalar, std::string vector, unsigned lanes) {
      const std::string& s = t.names.emplace_back(std::move(scalar));
      const std::string& v = t.names.emplace_back(std::move(vector));
      to.push_back({s, v, llvm::ElementCount::getFixed(lanes)});
    };
    for (std::string f : {"erf", "tanh", "expm1", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh"}) {
      add(t.avx2, f + "f", "_ZGVdN8v_" + f + "f", 8);
      add(t.avx2, f, "_ZGVdN4v_" + f, 4);
      add(t.avx512, f + "f", "_ZGVeN16v_" + f + "f", 16);
      add(t.avx512, f, "_ZGVeN8v_" + f, 8);
    }
    for (std::string f : {"exp", "log", "sin", "cos", "pow"}) {
      std::string args = f == "pow" ? "vv_" : "v_";
      for (const std::string& scalar : {f + "f", "llvm." + f + ".f32"}) add(t.avx512Base, scalar, "_ZGVeN16" + args + f + "f", 16);
      for (const std::string& scalar : {f, "llvm." + f + ".f64"}) add(t.avx512Base, scalar, "_ZGVeN8" + args + f, 8);
    }
    return t;
  }();
  return table;
}

Status optimizeModule(llvm::Module& m, const CodeTarget& target) {
  GRAPHC_ASSIGN(std::unique_ptr<llvm::TargetMachine> machine, machineFor(target));
  llvm::TargetMachine& tm = *machine;
  m.setTargetTriple(tm.getTargetTriple().str());
  m.setDataLayout(tm.createDataLayout());
  std::string broken;
  llvm::raw_string_ostream os(broken);
  if (llvm::verifyModule(m, &os)) return Error("llvm: internal error: generated IR is invalid: " + os.str());

  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder pb(&tm, tuning);
  llvm::TargetLibraryInfoImpl libraryInfo(tm.getTargetTriple());
  if (target.vectorMath) {
    libraryInfo.addVectorizableFunctionsFromVecLib(llvm::TargetLibraryInfoImpl::LIBMVEC_X86, tm.getTargetTriple());
    const VectorMathTable& glibc = glibcVectorMath();
    if (target.avx512) libraryInfo.addVectorizableFunctions(glibc.avx512Base);
    if (target.vectorMathErf) {
      libraryInfo.addVectorizableFunctions(glibc.avx2);
      if (target.avx512) libraryInfo.addVectorizableFunctions(glibc.avx512);
    }
  }
  // Registered before the defaults, which would otherwise install a library info without it.
  fam.registerPass([&] { return llvm::TargetLibraryAnalysis(libraryInfo); });
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager passes = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  passes.run(m, mam);
  return ok();
}

Result<std::string> emitObject(llvm::Module& m, const CodeTarget& target, bool assembly) {
  GRAPHC_ASSIGN(std::unique_ptr<llvm::TargetMachine> machine, machineFor(target));
  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream os(bytes);
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, os, nullptr, assembly ? llvm::CGFT_AssemblyFile : llvm::CGFT_ObjectFile))
    return Error("llvm: target " + target.triple + " cannot write " + (assembly ? "assembly" : "object files"));
  passes.run(m);
  return std::string(bytes.data(), bytes.size());
}

struct JitCode::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

JitCode::JitCode(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JitCode::~JitCode() = default;

Result<std::unique_ptr<JitCode>> JitCode::load(const std::string& object, std::span<const JitSymbol> symbols) {
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(hostMachineBuilder()).create();
  if (!jit) return toError(jit.takeError(), "creating the JIT");
  llvm::orc::JITDylib& dylib = (*jit)->getMainJITDylib();
  // libm's scalar functions (expf, erff, ...) and libmvec's vector ones come from the process.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess((*jit)->getDataLayout().getGlobalPrefix());
  if (!process) return toError(process.takeError(), "process symbols");
  dylib.addGenerator(std::move(*process));
  llvm::orc::SymbolMap defined;
  for (const JitSymbol& symbol : symbols)
    defined[(*jit)->mangleAndIntern(symbol.name)] = llvm::JITEvaluatedSymbol::fromPointer(symbol.address, llvm::JITSymbolFlags::Exported);
  if (!defined.empty())
    if (llvm::Error e = dylib.define(llvm::orc::absoluteSymbols(std::move(defined)))) return toError(std::move(e), "defining symbols");
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(object, "graphc.o");
  if (llvm::Error e = (*jit)->addObjectFile(std::move(buffer))) return toError(std::move(e), "adding the object");
  auto impl = std::make_unique<Impl>();
  impl->jit = std::move(*jit);
  return std::unique_ptr<JitCode>(new JitCode(std::move(impl)));
}

Result<void*> JitCode::lookup(const std::string& name) const {
  auto address = impl_->jit->lookup(name);
  if (!address) return toError(address.takeError(), "looking up " + name);
  return address->toPtr<void*>();
}

}  // namespace graphc::llvmjit
