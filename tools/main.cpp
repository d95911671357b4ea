// graphc: the command-line driver. Every error ends in a message on stderr and exit status 1.
#include <iostream>
#include <map>

#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace graphc::tool;
  CLI::App app{"graphc: a static computation-graph compiler and executor for neural networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "graphc 0.1.0");
  std::vector<std::pair<std::string, Runner>> commands = {
      {"opt", addOptCommand(app)},
      {"run", addRunCommand(app)},
      {"compile", addCompileCommand(app)},
      {"bench", addBenchCommand(app)},
  };
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
