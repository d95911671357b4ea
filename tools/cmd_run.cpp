// graphc run: compile a model for the shapes of the given inputs, run it once, write outputs.
#include "driver/run.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs, consts;
  std::string outputDir = ".";
  CompileOptions backend;
  driver::PassOptions passes;
};

int runModel(const RunOptions& o) {
  auto inputs = driver::readInputFiles(o.inputs, o.backend.maxMemory);
  if (!inputs) return fail(inputs.error());
  auto consts = driver::readConstFiles(o.consts);
  if (!consts) return fail(consts.error());
  auto outputs = driver::runOnce({o.model, std::move(*inputs), o.backend, o.passes, std::move(*consts)});
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
  cmd->add_option("--const", o->consts, "Bind an input to a value when the model is read, as NAME=FILE.npy: a shape operand it feeds "
                                        "(a Reshape shape, Slice bounds) is then known (repeatable)")->take_all();
  cmd->add_option("--output-dir", o->outputDir, "Directory for the outputs, one NAME.npy each")->capture_default_str();
  addBackendOptions(*cmd, o->backend);
  addPassOptions(*cmd, o->passes);
  return [o] { return runModel(*o); };
}

}  // namespace graphc::tool
