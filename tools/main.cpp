// graphc: the command-line driver. Every error ends in a message on stderr and exit status 1.
#include <malloc.h>

#include <csignal>

#include <algorithm>
#include <iostream>

#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace graphc::tool;
  // Loading a model allocates and frees many MB (file bytes, protobuf strings, weight copies,
  // packed weights). glibc would map each large block fresh and unmap it on free, so every
  // stage paid a page fault per 4 KiB again; keeping freed memory in the heap lets the next
  // stage reuse pages already mapped. W1 compile: 4871 -> 3220 page faults.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // Past a file-size limit (ulimit -f) a write should fail with EFBIG and be reported like any
  // full disk, not kill the process halfway through a file.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"graphc: a static computation-graph compiler and executor for neural networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "graphc 0.1.0");
  std::vector<std::pair<std::string, Runner>> commands = {
      {"opt", addOptCommand(app)},
      {"run", addRunCommand(app)},
      {"train", addTrainCommand(app)},
      {"compile", addCompileCommand(app)},
      {"bench", addBenchCommand(app)},
  };
  // CLI11 would only say "a subcommand is required"; name the unknown command instead.
  if (argc > 1 && argv[1][0] != '-' && !std::any_of(commands.begin(), commands.end(), [&](const auto& c) { return c.first == argv[1]; })) {
    std::string names;
    for (const auto& c : commands) names += (names.empty() ? "" : ", ") + c.first;
    std::cerr << "error: unknown command '" << argv[1] << "' (commands: " << names << "; see graphc --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    for (auto& [name, run] : commands)
      if (app.got_subcommand(name)) return run();
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    // A bug, not bad input: still no crash, and the message says so.
    std::cerr << "error: internal error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
