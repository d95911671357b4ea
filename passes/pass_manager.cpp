// The pass registry (expanded from passes.def) and the pipeline runner.
#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "ir/verifier.h"
#include "passes/pass.h"

namespace graphc {

namespace {

constexpr PassInfo kPasses[] = {
#define PASS(name, summary, runFn) {#name, summary, &runFn},
#include "passes/passes.def"
#undef PASS
};

const PassInfo* lookup(std::string_view name, std::span<const PassInfo> extra) {
  for (const PassInfo& p : extra)
    if (p.name == name) return &p;
  return findPass(name);
}

std::string validNames(std::span<const PassInfo> extra) {
  std::string names;
  for (const PassInfo& p : extra) names += (names.empty() ? "" : ", ") + std::string(p.name);
  for (const PassInfo& p : allPasses()) names += (names.empty() ? "" : ", ") + std::string(p.name);
  return names;
}

// What callers bind and read: input names and types, output names and types. The verifier
// checks a graph against itself, so a pass that changes this would otherwise go unnoticed.
std::vector<std::pair<std::string, TensorType>> signature(const Graph& g) {
  std::vector<std::pair<std::string, TensorType>> sig;
  for (ValueId v : g.inputs) sig.emplace_back("input %" + g.value(v).name, g.type(v));
  for (const Output& o : g.outputs) sig.emplace_back("output " + o.name, g.type(o.value));
  return sig;
}

Status checkSignature(const Graph& g, const std::vector<std::pair<std::string, TensorType>>& before) {
  auto after = signature(g);
  if (after.size() != before.size())
    return Error(fmt::format("the graph now has {} inputs and outputs, it had {}", after.size(), before.size()));
  for (size_t i = 0; i < after.size(); ++i)
    if (after[i] != before[i])
      return Error(fmt::format("{} ({}) became {} ({})", before[i].first, before[i].second.str(), after[i].first,
                               after[i].second.str()));
  return ok();
}

void printTimings(std::ostream& os, const std::vector<std::pair<std::string, double>>& rows) {
  double total = 0;
  for (const auto& [name, ms] : rows) total += ms;
  os << "// ----- pass timing (wall) -----\n";
  for (const auto& [name, ms] : rows)
    os << fmt::format("// {:>10.3f} ms {:>6.1f}%  {}\n", ms, total > 0 ? 100 * ms / total : 0.0, name);
  os << fmt::format("// {:>10.3f} ms {:>6.1f}%  total\n", total, 100.0);
}

}  // namespace

std::span<const PassInfo> allPasses() { return kPasses; }

const PassInfo* findPass(std::string_view name) {
  for (const PassInfo& p : kPasses)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<std::string> parsePassList(std::string_view text) {
  std::vector<std::string> names;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) names.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return names;
}

Status runPipeline(Graph& g, const std::vector<std::string>& passNames, const PipelineOptions& options) {
  // Check every argument before changing anything.
  std::vector<const PassInfo*> passes;
  for (const std::string& name : passNames) {
    const PassInfo* p = lookup(name, options.extraPasses);
    if (!p) return Error(fmt::format("unknown pass '{}'; valid passes: {}", name, validNames(options.extraPasses)));
    passes.push_back(p);
  }
  if (options.printAfterAll && !options.print) return Error("print-after-all needs a printer (PipelineOptions::print)");

  std::ostream& out = options.out ? *options.out : std::cerr;
  std::ostream* log = options.log ? options.log : &out;
  using Clock = std::chrono::steady_clock;
  auto msSince = [](Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); };
  std::vector<std::pair<std::string, double>> timings;
  double verifyMs = 0;

  // Verifying the input first means a bad input is never blamed on the first pass.
  if (options.verifyEach) {
    auto t0 = Clock::now();
    Status s = verify(g);
    verifyMs += msSince(t0);
    if (!s) return s.takeError().prefixed("pipeline input: ");
  }
  const auto interface = signature(g);
  for (const PassInfo* p : passes) {
    PassContext ctx{options.debugRewrites, log, p->name, options.allreduceBucketBytes, options.bf16Supported, options.bf16WeightCopies};
    auto t0 = Clock::now();
    Status s = p->run(g, ctx);
    timings.emplace_back(std::string(p->name), msSince(t0));
    if (!s) return s.takeError().prefixed(fmt::format("in pass {}: ", p->name));
    if (options.verifyEach) {
      auto t1 = Clock::now();
      Status v = verify(g);
      if (v) v = checkSignature(g, interface);
      verifyMs += msSince(t1);
      if (!v) {
        // The input verified, so the pass broke the graph: a bug in graphc, not bad input.
        Error e = v.takeError().prefixed(fmt::format("after pass {}: ", p->name));
        e.code = ErrorCode::Internal;
        return e;
      }
    }
    if (options.printAfterAll) {
      std::string text = options.print(g);
      if (!text.empty() && text.back() != '\n') text += '\n';
      out << fmt::format("// -----// IR after {} //----- //\n", p->name) << text;
    }
  }
  if (options.timePasses) {
    if (options.verifyEach) timings.emplace_back("(verifier)", verifyMs);
    printTimings(out, timings);
  }
  return ok();
}

}  // namespace graphc
