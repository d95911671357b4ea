// Memory plan report and SVG timeline.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "runtime/memory/memory_plan.h"
#include "tests/memplan/models.h"
#include "tests/memplan/traces.h"

using namespace graphc;
using graphc::test::buf;

static size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

TEST_CASE("the report states arena, bound, efficiency, no-reuse total and strategy") {
  MemoryPlan plan;
  plan.arenaBytes = 1603584, plan.lowerBound = 1574912, plan.noReuseBytes = 4812352;
  plan.strategy = "greedy-by-size";
  std::string r = memoryReport(plan);
  CHECK(r.find("arena: 1.53 MiB (1603584 bytes)\n") != std::string::npos);
  CHECK(r.find("lower bound: 1.50 MiB (1574912 bytes)\n") != std::string::npos);
  CHECK(r.find("efficiency: 98.2%\n") != std::string::npos);
  CHECK(r.find("no reuse: 4.59 MiB (4812352 bytes)") != std::string::npos);
  CHECK(r.find("strategy: greedy-by-size\n") != std::string::npos);
  CHECK(memoryReport(MemoryPlan{}).find("arena: 0 B\n") != std::string::npos);
}

TEST_CASE("the SVG has a rect with a tooltip per buffer, axis labels, and escapes names") {
  auto rs = test::named({buf(1000, 0, 2), buf(500, 1, 3), buf(0, 2, 2), buf(700, 3, 4, 1)});
  rs[1].name = "a<b>&\"c\"";
  MemoryPlan plan = planMemory(rs);
  std::string svg = memoryPlanSvg(rs, plan);
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(count(svg, "<svg") == 1);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(count(svg, "<rect") == 1 + 3);  // the background, and nothing for the empty buffer
  CHECK(count(svg, "<title>") == count(svg, "</title>"));
  CHECK(svg.find("a&lt;b&gt;&amp;&quot;c&quot;: 500 bytes, steps [1, 3]") != std::string::npos);
  CHECK(svg.find("a<b>") == std::string::npos);
  CHECK(svg.find("schedule step") != std::string::npos);
  CHECK(svg.find("offset (bytes)") != std::string::npos);
}

TEST_CASE("the SVG of a real graph parses as XML") {
  GraphBuffers gb = graphBuffers(test::bertBlock(1));
  MemoryPlan plan = planMemory(gb.requests);
  std::string svg = memoryPlanSvg(gb.requests, plan);
  CHECK(count(svg, "<rect") == 1 + gb.requests.size());
  if (!std::filesystem::exists("/usr/bin/python3")) return;
  auto path = std::filesystem::temp_directory_path() / ("graphc_memplan_" + std::to_string(::getpid()) + ".svg");
  std::ofstream(path) << svg;
  std::string cmd = "/usr/bin/python3 -c 'import sys, xml.dom.minidom; "
                    "d = xml.dom.minidom.parse(sys.argv[1]); "
                    "sys.exit(0 if d.documentElement.tagName == \"svg\" else 1)' " + path.string();
  int rc = std::system(cmd.c_str());
  std::filesystem::remove(path);
  CHECK(rc == 0);
}
