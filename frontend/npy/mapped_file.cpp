// Read-only memory maps of whole files, read through where a file cannot be mapped.
#include "frontend/npy/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace graphc {

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  std::swap(map_, o.map_);
  std::swap(size_, o.size_);
  std::swap(copy_, o.copy_);
  return *this;
}

MappedFile::~MappedFile() {
  if (map_) munmap(map_, size_);
}

// Protobuf parses at most 2 GiB, and no .npy input is larger in practice.
constexpr size_t kLargest = size_t(1) << 31;

Result<MappedFile> mapFile(const std::string& path) {
  MappedFile f;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(ErrorCode::IO, fmt::format("{}: cannot open file ({})", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    close(fd);
    return Error(ErrorCode::IO, fmt::format("{}: {}", path, S_ISDIR(st.st_mode) ? "is a directory" : "cannot stat file"));
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* p = mmap(nullptr, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);  // parsed front to back, once
      f.map_ = p;
      f.size_ = (size_t)st.st_size;
      close(fd);
      return f;
    }
  }
  // A pipe or a device: read what this open gives (opening a pipe again would wait forever).
  char chunk[1 << 16];
  for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return Error(ErrorCode::IO, fmt::format("{}: read error ({})", path, std::strerror(errno)));
    }
    f.copy_.append(chunk, (size_t)n);
    if (f.copy_.size() > kLargest) {  // /dev/zero would never end
      close(fd);
      return Error(ErrorCode::IO, fmt::format("{}: larger than 2 GiB, the most a model or tensor file may hold", path));
    }
  }
  close(fd);
  return f;
}

}  // namespace graphc
