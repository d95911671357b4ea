// graphc opt: parse textual IR, run the named passes, print the IR (the tool behind pass tests).
#include <fmt/format.h>
#include <iostream>

#include "frontend/text/parser.h"
#include "frontend/text/printer.h"
#include "frontend/text/split.h"
#include "frontend/npy/npy.h"
#include "passes/pass.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct OptOptions {
  std::string file;
  std::string passes;
  bool split = false;
  bool verifyDiagnostics = false;
  driver::PassOptions passOptions;
};

std::vector<std::string> splitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

// Parses and transforms one chunk; returns the printed IR or the diagnostics.
Result<std::string> processChunk(const OptOptions& o, std::string_view text, int firstLine) {
  GRAPHC_ASSIGN(Graph g, parseGraph(text, o.file, firstLine));
  GRAPHC_TRY(driver::optimize(g, o.passOptions, splitCommas(o.passes)));
  return printGraph(g);
}

int runOpt(const OptOptions& o) {
  auto text = readFile(o.file);
  if (!text) return fail(text.error());
  std::vector<SourceChunk> chunks;
  if (o.split)
    chunks = splitInputFile(*text);
  else
    chunks.push_back({std::string_view(*text), 1});
  int status = 0;
  std::string out;
  for (size_t i = 0; i < chunks.size(); ++i) {
    auto r = processChunk(o, chunks[i].text, chunks[i].firstLine);
    if (o.verifyDiagnostics) {
      Error produced = r ? Error() : r.takeError();
      auto check = verifyDiagnostics(chunks[i].text, o.file, chunks[i].firstLine, produced);
      if (!check) status = fail(check.error());
      continue;
    }
    if (!r) {
      status = fail(r.error());
      continue;
    }
    if (i) out += "// -----\n";
    out += *r;
  }
  std::cout << out;
  return status;
}

}  // namespace

Runner addOptCommand(CLI::App& app) {
  auto o = std::make_shared<OptOptions>();
  CLI::App* cmd = app.add_subcommand("opt", "Parse textual IR, run passes, print the IR");
  cmd->add_option("file", o->file, "Textual IR file")->required();
  cmd->add_option("--passes", o->passes, "Comma-separated pass names (see 'graphc opt --list-passes')");
  cmd->add_flag("--split-input-file", o->split, "Treat '// -----' lines as separating independent graphs");
  cmd->add_flag("--verify-diagnostics", o->verifyDiagnostics,
                "Check the errors against '// expected-error {{...}}' lines in the input");
  addPassOptions(*cmd, o->passOptions);
  addBucketOption(*cmd, o->passOptions);
  cmd->add_flag_callback("--list-passes", [] {
    for (const PassInfo& p : allPasses()) std::cout << fmt::format("  {:<24} {}\n", p.name, p.summary);
    throw CLI::Success();
  }, "List the passes and exit");
  return [o] { return runOpt(*o); };
}

}  // namespace graphc::tool
