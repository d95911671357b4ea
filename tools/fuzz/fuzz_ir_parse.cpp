// Fuzz target: the textual IR parser. Any text gives a graph or diagnostics; a graph it accepts
// must print back to text that parses to the same graph (the round-trip the printer promises).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "frontend/text/parser.h"
#include "frontend/text/printer.h"

using namespace graphc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Graph> parsed = parseGraph(text, "fuzz.graph");
  if (!parsed) {
    (void)parsed.error().render();
    return 0;
  }
  std::string printed = printGraph(*parsed);
  Result<Graph> reparsed = parseGraph(printed, "printed.graph");
  if (!reparsed) {
    std::fprintf(stderr, "round trip: the printed graph does not parse:\n%s\n%s\n", printed.c_str(),
                 reparsed.error().render().c_str());
    std::abort();
  }
  std::string reprinted = printGraph(*reparsed);
  if (reprinted != printed) {
    std::fprintf(stderr, "round trip: printed twice differently:\n%s\n---\n%s\n", printed.c_str(), reprinted.c_str());
    std::abort();
  }
  return 0;
}
