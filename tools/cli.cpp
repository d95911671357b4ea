// The shared CLI options and the error exit.
#include "tools/cli.h"

#include <iostream>

#include "driver/limits.h"
#include "driver/precision.h"

namespace graphc::tool {

int fail(const Error& e) {
  std::cerr << e.render();
  std::cerr.flush();
  return 1;
}

void addPassOptions(CLI::App& cmd, driver::PassOptions& passes) {
  cmd.add_flag("--time-passes", passes.timePasses, "Print the wall time of each pass (and of backend preparation)");
  cmd.add_flag("--print-after-all", passes.printAfterAll, "Print the IR after every pass");
  cmd.add_flag("--debug-rewrites", passes.debugRewrites, "Log every rewrite pattern that fires");
}

void addBucketOption(CLI::App& cmd, driver::PassOptions& passes) {
  cmd.add_option_function<double>(
         "--bucket-mb", [&passes](double mb) { passes.allreduceBucketBytes = (size_t)(mb * double(1 << 20)); },
         "Gradients averaged per allreduce, in MiB (buckets in reverse parameter order); default 25")
      ->check(CLI::PositiveNumber);
}

void addBackendOptions(CLI::App& cmd, CompileOptions& backend) {
  std::vector<std::string> names;
  for (const BackendInfo& b : allBackends()) names.emplace_back(b.name);
  backend.backend = driver::defaultBackend();
  cmd.add_option("--backend", backend.backend, "Backend to compile for")->check(CLI::IsMember(names))->capture_default_str();
  cmd.add_option("--threads", backend.threads, "Number of threads (0: all cores)")->check(CLI::Range(0, 1024));
  cmd.add_option_function<std::string>(
         "--max-memory",
         [&backend](const std::string& text) {
           auto bytes = driver::parseByteSize(text);
           if (!bytes) throw CLI::ValidationError("--max-memory", bytes.error().message());
           backend.maxMemory = *bytes;
         },
         "Refuse models and data that would need more memory than SIZE (e.g. 512M, 4G); default: 3/4 of this machine's")
      ->type_name("SIZE");
  auto precision = std::make_shared<std::string>("f32");
  cmd.add_option("--precision", *precision,
                 "Products (matmul, dense, convolution, their gradients) in f32, or with bf16 operands and f32 accumulation; "
                 "auto: bf16 where this CPU and backend run it natively")
      ->check(CLI::IsMember({"f32", "bf16", "auto"}))
      ->capture_default_str();
  // After every option: auto depends on --backend, wherever it stands on the command line.
  cmd.parse_complete_callback([&backend, precision] {
    bool otherTarget = !backend.targetCpu.empty() || !backend.targetTriple.empty();
    auto choice = driver::choosePrecision(*precision, backend.backend, otherTarget);
    if (!choice) throw CLI::ValidationError("--precision", choice.error().message());
    backend.precision = choice->precision;
    if (!choice->note.empty()) std::cerr << "graphc: note: " << choice->note << "\n";
  });
}

void TrainStepFlags::addTo(CLI::App& cmd) {
  cmd.add_flag("--train", train, "Use one training step (forward, loss, gradients, optimizer update) with one-hot labels");
  cmd.add_option("--loss", loss, "With --train: softmax_cross_entropy, cross_entropy or mse")
      ->check(CLI::IsMember({"softmax_cross_entropy", "cross_entropy", "mse"}))->capture_default_str();
  cmd.add_option("--optimizer", optimizer, "With --train: sgd, momentum or adam")
      ->check(CLI::IsMember({"sgd", "momentum", "adam"}))->capture_default_str();
  cmd.add_option("--lr", lr, "With --train: learning rate")->check(CLI::PositiveNumber)->capture_default_str();
}

driver::TrainStepOptions TrainStepFlags::options() const {
  return {train, *parseLoss(loss), *parseOptimizer(optimizer), lr};  // CLI11 checked both names
}

}  // namespace graphc::tool
