// The memory limit: the machine's default, the --max-memory syntax, and the checks.
#include "driver/limits.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

#include "runtime/memory/memory_plan.h"

namespace graphc::driver {

size_t defaultMaxMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return size_t(8) << 30;  // unknown: a modest machine's
  return (size_t)pages / 4 * 3 * (size_t)page;
}

size_t effectiveMaxMemory(size_t requested) { return requested ? requested : defaultMaxMemory(); }

Result<size_t> parseByteSize(std::string_view text) {
  auto bad = [&] {
    return Error(ErrorCode::InvalidArgument,
                 fmt::format("'{}' is not a size: a number of bytes, optionally with K, M, G or T (e.g. 512M, 1.5G)", text));
  };
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);  // locale-independent
  if (ec != std::errc() || !(value >= 0)) return bad();
  std::string_view unit(end, size_t(text.data() + text.size() - end));
  if (unit.ends_with("iB")) unit.remove_suffix(2);
  else if (unit.size() == 2 && unit.back() == 'B') unit.remove_suffix(1);
  else if (unit == "B") unit = {};
  double scale = 1;
  if (unit.size() > 1) return bad();
  if (unit.size() == 1) {
    switch (unit[0]) {
      case 'K': case 'k': scale = 0x1p10; break;
      case 'M': case 'm': scale = 0x1p20; break;
      case 'G': case 'g': scale = 0x1p30; break;
      case 'T': case 't': scale = 0x1p40; break;
      default: return bad();
    }
  }
  double bytes = std::floor(value * scale);
  if (bytes < 1 || bytes >= 0x1p63) return bad();
  return (size_t)bytes;
}

std::string describeBytes(size_t bytes) { return fmt::format("{} bytes ({:.2f} GiB)", bytes, (double)bytes / 0x1p30); }

Status checkMemoryNeed(const Graph& g, size_t limit, std::string_view what) {
  // Saturating sums: declared shapes can overflow size_t when multiplied out.
  auto add = [](size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; };
  auto bytesOf = [](const TensorType& t) {
    size_t n = dtypeSize(t.dtype);
    for (int64_t d : t.shape) {
      if (d > 0 && n > SIZE_MAX / (size_t)d) return SIZE_MAX;
      n *= (size_t)std::max<int64_t>(d, 0);
    }
    return n;
  };
  size_t io = 0;
  for (ValueId v : g.inputs) io = add(io, bytesOf(g.type(v)));
  for (const Output& o : g.outputs) io = add(io, bytesOf(g.type(o.value)));
  for (const Value& v : g.values)
    if (bytesOf(v.type) == SIZE_MAX)
      return Error(ErrorCode::OutOfMemory, fmt::format("{}: value %{} of type {} has more bytes than memory can address", what,
                                                       v.name, v.type.str()));
  if (io > limit)
    return Error(ErrorCode::OutOfMemory, fmt::format("{}: its inputs and outputs need {}, over the memory limit of {} "
                                                     "(--max-memory)", what, describeBytes(io), describeBytes(limit)));
  size_t peak = memoryLowerBound(graphBuffers(g).requests);
  if (add(peak, io) > limit)
    return Error(ErrorCode::OutOfMemory,
                 fmt::format("{}: running it needs at least {} ({} for intermediate values at their peak, {} for inputs "
                             "and outputs), over the memory limit of {} (--max-memory)",
                             what, describeBytes(add(peak, io)), describeBytes(peak), describeBytes(io), describeBytes(limit)));
  return ok();
}

Status checkFileSize(const std::string& path, size_t limit) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > limit)
    return Error(ErrorCode::OutOfMemory, fmt::format("{}: the file is {}, over the memory limit of {} (--max-memory)", path,
                                                     describeBytes((size_t)size), describeBytes(limit)));
  return ok();
}

}  // namespace graphc::driver
