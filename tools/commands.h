// The graphc subcommands. Each registers its options on the CLI11 app and returns the function
// that runs it once the command line has been parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace graphc::tool {

using Runner = std::function<int()>;

Runner addOptCommand(CLI::App& app);
Runner addRunCommand(CLI::App& app);
Runner addCompileCommand(CLI::App& app);
Runner addBenchCommand(CLI::App& app);
Runner addTrainCommand(CLI::App& app);

}  // namespace graphc::tool
