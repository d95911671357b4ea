// A whole file's bytes without copying them: memory-mapped read-only (a 100 MB ONNX model is
// parsed straight from the page cache), or read into memory when the file cannot be mapped (a
// pipe, an empty file). A mapped file must not shrink while it is read (a SIGBUS): graphc's
// inputs are files that no one rewrites during the run.
#pragma once

#include <string>
#include <string_view>

#include "ir/diag.h"

namespace graphc {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept { *this = std::move(o); }
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return map_ ? std::string_view(static_cast<const char*>(map_), size_) : std::string_view(copy_); }

 private:
  friend Result<MappedFile> mapFile(const std::string& path);
  void* map_ = nullptr;
  size_t size_ = 0;
  std::string copy_;  // when not mapped
};

Result<MappedFile> mapFile(const std::string& path);

}  // namespace graphc
