// runPipeline: argument checking, the verifier after each pass, printing and timing.
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

namespace {

Graph smallGraph() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3}));
  b.create(OpKind::Exp, {x});  // unused
  b.output("y", b.create(OpKind::Relu, {b.create(OpKind::Reshape, {x}, attrs({{"shape", Shape{3, 2}}}))}));
  return g;
}

// A deliberately broken pass: claims a result type that shape inference disagrees with.
Status breakTypes(Graph& g, PassContext&) {
  g.value(g.nodes.back().results[0]).type.shape = {6};
  return ok();
}
// Valid IR, wrong program: the output becomes the input, of another shape.
Status shortCircuit(Graph& g, PassContext&) {
  g.outputs[0].value = g.inputs[0];
  return g.finalize();
}
Status failing(Graph&, PassContext&) { return Error("nothing to do here"); }
constexpr PassInfo kTestPasses[] = {{"break-types", "test only", breakTypes},
                                    {"short-circuit", "test only", shortCircuit},
                                    {"failing", "test only", failing}};

}  // namespace

TEST_CASE("registry: every pass has a summary, a function, and is found by name") {
  CHECK(allPasses().size() >= 4);
  for (const PassInfo& p : allPasses()) {
    CHECK(!p.summary.empty());
    CHECK(static_cast<bool>(p.run));
    CHECK(findPass(p.name) == &p);
  }
  CHECK(findPass("nope") == nullptr);
  for (const std::string& name : defaultPipeline()) CHECK_MESSAGE(findPass(name), name);
}

TEST_CASE("parsePassList splits on commas and drops blanks") {
  CHECK(parsePassList("cse,dce") == std::vector<std::string>{"cse", "dce"});
  CHECK(parsePassList(" cse , ,dce,") == std::vector<std::string>{"cse", "dce"});
  CHECK(parsePassList("").empty());
}

TEST_CASE("an unknown pass fails before anything runs, listing the valid ones") {
  Graph g = smallGraph();
  Status s = runPipeline(g, {"dce", "nope"});
  REQUIRE(!s.ok());
  CHECK(s.error().message().find("unknown pass 'nope'") != std::string::npos);
  CHECK(s.error().code == ErrorCode::InvalidArgument);
  CHECK(s.error().message().find("canonicalize, constant_fold, cse, dce") != std::string::npos);
  CHECK(liveNodes(g) == 3);  // dce did not run
}

TEST_CASE("the verifier after each pass names the pass that broke the graph") {
  Graph g = smallGraph();
  PipelineOptions options;
  options.extraPasses = kTestPasses;
  Status s = runPipeline(g, {"dce", "break-types", "cse"}, options);
  REQUIRE(!s.ok());
  CHECK(s.error().message().rfind("after pass break-types: ", 0) == 0);
  CHECK(s.error().message().find("does not match the inferred type") != std::string::npos);
  CHECK(s.error().code == ErrorCode::Internal);  // the input verified: the pass is at fault

  Graph s2 = smallGraph();
  s = runPipeline(s2, {"short-circuit"}, options);
  REQUIRE(!s.ok());
  CHECK(s.error().message() == "after pass short-circuit: output y (f32[3,2]) became output y (f32[2,3])");
  CHECK(s.error().code == ErrorCode::Internal);

  Graph h = smallGraph();
  options.verifyEach = false;
  CHECK(runPipeline(h, {"break-types"}, options).ok());
}

TEST_CASE("a failing pass and an invalid input are reported as such") {
  Graph g = smallGraph();
  PipelineOptions options;
  options.extraPasses = kTestPasses;
  Status s = runPipeline(g, {"failing"}, options);
  REQUIRE(!s.ok());
  CHECK(s.error().message() == "in pass failing: nothing to do here");

  Graph bad = smallGraph();
  bad.outputs.clear();
  s = runPipeline(bad, {"dce"});
  REQUIRE(!s.ok());
  CHECK(s.error().message().rfind("pipeline input: ", 0) == 0);
}

TEST_CASE("print-after-all prints a banner and the IR after each pass, needs a printer") {
  Graph g = smallGraph();
  std::ostringstream out;
  PipelineOptions options;
  options.printAfterAll = true;
  options.out = &out;
  CHECK(!runPipeline(g, {"dce"}, options).ok());  // no printer
  CHECK(liveNodes(g) == 3);
  options.print = [](const Graph& g) { return std::to_string(g.nodes.size()) + " nodes"; };
  REQUIRE(runPipeline(g, {"cse", "dce"}, options).ok());
  CHECK(out.str() == "// -----// IR after cse //----- //\n3 nodes\n// -----// IR after dce //----- //\n2 nodes\n");
}

TEST_CASE("time-passes prints one row per pass and a total") {
  Graph g = smallGraph();
  std::ostringstream out;
  PipelineOptions options;
  options.timePasses = true;
  options.out = &out;
  REQUIRE(runPipeline(g, {"canonicalize", "dce"}, options).ok());
  std::string text = out.str();
  CHECK(text.find("ms") != std::string::npos);
  CHECK(text.find("canonicalize\n") != std::string::npos);
  CHECK(text.find("dce\n") != std::string::npos);
  CHECK(text.find("(verifier)\n") != std::string::npos);
  CHECK(text.find("total\n") != std::string::npos);
}
