// graphc run: compile a model for the shapes of the given inputs, run it once, write outputs.
#include <fmt/format.h>

#include <iostream>

#include "driver/precision.h"
#include "driver/run.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs, consts;
  std::string outputDir = ".";
  std::string compare;  // "f32": also run in f32 and report each output's error against it
  CompileOptions backend;
  driver::PassOptions passes;
};

int runModel(const RunOptions& o) {
  auto inputs = driver::readInputFiles(o.inputs, o.backend.maxMemory);
  if (!inputs) return fail(inputs.error());
  auto consts = driver::readConstFiles(o.consts);
  if (!consts) return fail(consts.error());
  auto outputs = driver::runOnce({o.model, *inputs, o.backend, o.passes, *consts});
  if (!outputs) return fail(outputs.error());
  if (auto s = driver::writeOutputs(*outputs, o.outputDir); !s) return fail(s.error());
  if (o.compare.empty()) return 0;
  CompileOptions f32 = o.backend;
  f32.precision = Precision::f32;
  auto reference = driver::runOnce({o.model, std::move(*inputs), f32, o.passes, std::move(*consts)});
  if (!reference) return fail(reference.error());
  for (size_t i = 0; i < outputs->names.size(); ++i) {
    auto error = driver::compareOutput(outputs->values[i], reference->values[i]);
    if (!error) return fail(Error(fmt::format("--compare f32: output '{}': {}", outputs->names[i], error.error().message())));
    std::cout << fmt::format("compare f32: output '{}': {}\n", outputs->names[i], driver::describe(*error));
  }
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
  cmd->add_option("--compare", o->compare, "Also run in f32 and print each output's max and mean relative error against it "
                                            "(with --precision bf16)")->check(CLI::IsMember({"f32"}));
  addBackendOptions(*cmd, o->backend);
  addPassOptions(*cmd, o->passes);
  return [o] { return runModel(*o); };
}

}  // namespace graphc::tool
