// Embeds graphc from C++: run an ONNX model, then train the seed MLP (examples/seed) for a few
// steps on a batch of a learnable rule. Usage: embed_cpp MODEL.onnx SEED.graph [BACKEND]
#include <graphc/graphc.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.onnx SEED.graph [BACKEND]\n", argv[0]);
    return 2;
  }
  try {
    std::printf("graphc %s\n", graphc::version().c_str());
    graphc::Options options;
    if (argc > 3) options.backend(argv[3]);
    options.bindDim("N", 4);

    // Inference: spans over the caller's vectors, read and written in place.
    graphc::Model model = graphc::Model::compileFile(argv[1], options);
    graphc::TensorInfo in = model.inputs()[0], out = model.outputs()[0];
    std::vector<float> x(in.elements()), y(out.elements());
    for (size_t i = 0; i < x.size(); ++i) x[i] = (float)std::cos(0.05 * (double)i);
    graphc::Session session(model);
    graphc_input inputs[] = {graphc::input(std::span<const float>(x))};
    graphc_output outputs[] = {graphc::output(std::span<float>(y))};
    session.run(inputs, outputs);
    size_t cols = y.size() / (size_t)out.dims[0];
    std::printf("%.*s[0]:", (int)out.name.size(), out.name.data());
    for (size_t c = 0; c < cols; ++c) std::printf(" %.4f", y[c]);
    std::printf("\n");

    // Training: the seed MLP ends in softmax, so the loss is cross-entropy on class indices.
    graphc::Options trainOptions;
    if (argc > 3) trainOptions.backend(argv[3]);
    trainOptions.bindDim("N", 32);
    auto trainer = graphc::Trainer::fromFile(argv[2], trainOptions, GRAPHC_LOSS_CROSS_ENTROPY, GRAPHC_OPTIMIZER_ADAM, 0.02);
    graphc::TensorInfo data = trainer.data();
    int64_t batch = data.dims[0], features = data.dims[1];
    std::vector<float> samples((size_t)data.elements());
    std::vector<int64_t> labels((size_t)batch);
    for (int64_t i = 0; i < batch; ++i) {
      float sum = 0;
      for (int64_t f = 0; f < features; ++f) {
        float v = (float)std::sin(1.7 * (double)(i * features + f));
        samples[(size_t)(i * features + f)] = v;
        sum += v;
      }
      labels[(size_t)i] = sum > 0 ? 1 : 3;  // a rule the MLP can learn: the sign of the sum
    }
    double first = 0, last = 0;
    for (int step = 1; step <= 20; ++step) {
      last = trainer.step(std::span<const float>(samples), std::span<const int64_t>(labels));
      if (step == 1) first = last;
      if (step % 5 == 0 || step == 1) std::printf("step %d: loss %.4f\n", step, last);
    }
    std::printf("loss %s: %.4f -> %.4f\n", last < first ? "fell" : "did not fall", first, last);
    return last < first ? 0 : 1;
  } catch (const graphc::Error& e) {
    std::fprintf(stderr, "graphc error (%s): %s\n", graphc_status_name(e.status()), e.what());
    return 1;
  }
}
