// graphc train: compiles one training step (forward, loss, gradients, optimizer update) for the
// model at a fixed batch and runs it over the data set for some epochs (CONTRACT.md).
#include <atomic>
#include <csignal>
#include <cstdio>

#include "driver/save_trained.h"
#include "driver/trainer.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/distributed.h"
#include "tools/train_report.h"

namespace graphc::tool {
namespace {

struct TrainCmdOptions {
  std::string model, data, labels, loss, optimizer, logJson, save, onNan = "stop";
  double lr = 0.01;
  int epochs = 10;
  int64_t batch = 32;
  bool noShuffle = false, distributed = false;
  double watchdog = 120;  // seconds a collective may take before this rank gives up on the others
  uint64_t seed = 0;
  CompileOptions backend;
  driver::PassOptions passes;
};

// Set by SIGINT: the epoch ends after the step under way, and nothing is written.
std::atomic<bool> interrupted{false};
extern "C" void onInterrupt(int) { interrupted.store(true); }

// SIGINT handled for the lifetime of this scope, the previous handler restored after.
class InterruptScope {
 public:
  InterruptScope() {
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &saved_);
  }
  ~InterruptScope() { sigaction(SIGINT, &saved_, nullptr); }

 private:
  struct sigaction saved_ {};
};

int train(const TrainCmdOptions& o) {
  auto joined = joinDistributedRun(o.distributed, o.watchdog);
  if (!joined) return fail(joined.error());
  Communicator* comm = joined->get();
  bool lead = !comm || comm->rank() == 0;  // rank 0 logs and writes; the others only train
  if (!lead && !std::freopen("/dev/null", "w", stdout)) return failRank(comm, Error("cannot silence stdout on this rank"));
  if (!o.save.empty() && lead)
    if (auto s = driver::checkSavePath(o.save); !s) return failRank(comm, s.error());
  driver::TrainOptions options{o.model, o.data, o.labels, *parseLoss(o.loss), *parseOptimizer(o.optimizer),  // CLI11 checked both
                               o.lr, o.batch, !o.noShuffle, o.seed, o.backend, o.passes,
                               o.onNan == "warn" ? driver::OnNan::Warn : driver::OnNan::Stop, comm};
  auto trainer = driver::Trainer::create(options);
  if (!trainer) return failRank(comm, trainer.error());

  int64_t samples = trainer->samples(), steps = trainer->stepsPerEpoch();
  std::printf("training %s: %lld samples, batch %lld (%lld steps per epoch), %s lr %g, loss %s, backend %s\n",
              o.model.c_str(), (long long)samples, (long long)o.batch, (long long)steps, o.optimizer.c_str(), o.lr,
              o.loss.c_str(), o.backend.backend.c_str());
  if (comm)
    std::printf("distributed: %d ranks, each %lld rows of every global batch of %lld\n", comm->size(), (long long)o.batch,
                (long long)trainer->globalBatch());
  if (trainer->droppedPerEpoch() > 0)
    std::printf("note: %lld samples, batch %lld: the last %lld samples of each epoch are dropped\n", (long long)samples,
                (long long)trainer->globalBatch(), (long long)trainer->droppedPerEpoch());
  std::fflush(stdout);

  std::vector<driver::EpochStats> log;
  ProgressBar bar;
  InterruptScope sigint;
  double trainSeconds = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    auto stats = trainer->epoch(
        [&](int64_t step, int64_t total) {
          if (!comm) bar.update(epoch, o.epochs, step, total);  // mpirun gives ranks a pseudo-terminal: no bar there
          if (comm) maybeDieForTest(*comm, (epoch - 1) * total + step);
        },
        &interrupted);
    bar.clear();
    if (!stats) return failRank(comm, stats.error());
    if (auto agree = trainer->checkParamsAgree(); !agree) return failRank(comm, agree.error());
    trainSeconds += stats->seconds;
    if (stats->interruptedAfter >= 0) {
      // Abandoning the run: a model saved now would be neither the last epoch's nor the final one.
      std::fprintf(stderr, "error: interrupted in epoch %d after %lld of %lld steps; nothing was saved or logged\n", epoch,
                   (long long)stats->interruptedAfter, (long long)steps);
      return 130;
    }
    if (stats->nonFiniteLosses)
      std::fprintf(stderr, "warning: epoch %d: %lld of %lld steps had a NaN or infinite loss (--on-nan=warn)\n", epoch,
                   (long long)stats->nonFiniteLosses, (long long)steps);
    std::printf("%s\n", epochLine(*stats, o.epochs).c_str());
    std::fflush(stdout);
    log.push_back(*stats);
  }

  if (comm) printCommunication(*comm, steps * o.epochs, trainSeconds);
  if (!lead) return 0;
  if (!o.logJson.empty())
    if (auto s = driver::writeLogJson(o.logJson, log); !s) return failRank(comm, s.error());
  if (!o.save.empty()) {
    if (auto s = trainer->save(o.save); !s) return failRank(comm, s.error());
    std::printf("saved the trained model to %s\n", o.save.c_str());
  }
  return 0;
}

}  // namespace

Runner addTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainCmdOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train every float parameter of a model on .npy data with one compiled training step");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR); its first input takes the data")->required();
  cmd->add_option("--data", o->data, "Samples, .npy with the samples along the first dimension")->required();
  cmd->add_option("--labels", o->labels, "Labels, .npy: i64 class indices [N], or float targets of the output's shape")->required();
  cmd->add_option("--loss", o->loss, "softmax_cross_entropy (output is logits), cross_entropy (output is probabilities) or mse")
      ->required()->check(CLI::IsMember({"softmax_cross_entropy", "cross_entropy", "mse"}));
  cmd->add_option("--optimizer", o->optimizer, "sgd, momentum (0.9) or adam (0.9, 0.999, eps 1e-8), as PyTorch defines them")
      ->required()->check(CLI::IsMember({"sgd", "momentum", "adam"}));
  cmd->add_option("--lr", o->lr, "Learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--epochs", o->epochs, "Passes over the data")->check(CLI::Range(1, 1000000))->capture_default_str();
  cmd->add_option("--batch", o->batch, "Samples per step; a last smaller batch is dropped")->check(CLI::Range(int64_t{1}, int64_t{1} << 40))->capture_default_str();
  cmd->add_flag("--no-shuffle", o->noShuffle, "Take the batches in file order");
  cmd->add_option("--seed", o->seed, "Seed of the shuffle (a fixed mt19937_64 permutation per epoch)")->capture_default_str();
  cmd->add_option("--log-json", o->logJson, "Write {\"epochs\": [{\"epoch\", \"loss\", \"accuracy\", \"seconds\"}, ...]} to FILE");
  cmd->add_option("--on-nan", o->onNan, "stop: a NaN or infinity in the data or the loss ends training with an error "
                                         "naming the sample or epoch and step; warn: report it and train on")
      ->check(CLI::IsMember({"stop", "warn"}))->capture_default_str();
  cmd->add_option("--save", o->save, "Write the trained model: ONNX when OUT ends in .onnx, else textual IR");
  cmd->add_flag("--distributed", o->distributed, "Data-parallel training on MPI: run under mpirun -np K; each rank trains on its "
                                                 "shard of every global batch of K x --batch rows (automatic under an MPI launcher)");
  cmd->add_option("--watchdog", o->watchdog, "With --distributed: seconds a collective may wait for the other ranks before this "
                                              "one gives up (0: forever)")->check(CLI::NonNegativeNumber)->capture_default_str();
  addBucketOption(*cmd, o->passes);
  addBackendOptions(*cmd, o->backend);
  addPassOptions(*cmd, o->passes);
  return [o] { return train(*o); };
}

}  // namespace graphc::tool

