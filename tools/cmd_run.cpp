// graphc run: compile a model for the shapes of the given inputs, run it once, write outputs.
#include "driver/run.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string outputDir = ".";
  CompileOptions backend;
  driver::PassOptions passes;
};

int runModel(const RunOptions& o) {
  auto inputs = driver::readInputFiles(o.inputs, o.backend.maxMemory);
  if (!inputs) return fail(inputs.error());
  auto outputs = driver::runOnce({o.model, std::move(*inputs), o.backend, o.passes});
  if (!outputs) return fail(outputs.error());
  if (auto s = driver::writeOutputs(*outputs, o.outputDir); !s) return fail(s.error());
  return 0;
}

}  // namespace

Runner addRunCommand(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Compile a model for the given inputs, run it once, write its outputs");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR)")->required();
  cmd->add_option("--input", o->inputs, "An input as NAME=FILE.npy (repeat for each input)")->take_all();
  cmd->add_option("--output-dir", o->outputDir, "Directory for the outputs, one NAME.npy each")->capture_default_str();
  addBackendOptions(*cmd, o->backend);
  addPassOptions(*cmd, o->passes);
  return [o] { return runModel(*o); };
}

}  // namespace graphc::tool
