// The memory limit (--max-memory): what a model, its data and its plan may need before graphc
// refuses them with a message, rather than being killed by the kernel's OOM killer halfway.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace graphc::driver {

// Three quarters of this machine's physical memory: what a limit of 0 stands for.
size_t defaultMaxMemory();
// The limit `requested` stands for (0: the default).
size_t effectiveMaxMemory(size_t requested);

// "123", "512K", "1.5G", "2GiB", "64MB": bytes, with binary multiples (K = 1024).
Result<size_t> parseByteSize(std::string_view text);
// "6400000000 bytes (5.96 GiB)".
std::string describeBytes(size_t bytes);

// Refuses g when running it needs more than `limit` bytes at least: its intermediate values at
// their peak (the memory planner's lower bound, which no backend beats) plus its inputs and
// outputs. `what` names the model in the message.
Status checkMemoryNeed(const Graph& g, size_t limit, std::string_view what);
// Refuses a file larger than `limit` before reading it.
Status checkFileSize(const std::string& path, size_t limit);

}  // namespace graphc::driver
