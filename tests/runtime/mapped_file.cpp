// mapFile: a file's bytes mapped, or read when it cannot be mapped (empty, a pipe), and the
// errors of a missing file or a directory.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "frontend/npy/mapped_file.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

TEST_CASE("mapFile gives a file's bytes, maps or not") {
  auto dir = std::filesystem::temp_directory_path() / ("graphc-map-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "data.bin").string(), empty = (dir / "empty.bin").string(), fifo = (dir / "fifo").string();
  std::string content(70000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = char(i * 7);
  std::ofstream(path, std::ios::binary) << content;
  std::ofstream(empty, std::ios::binary).flush();
  auto mapped = mapFile(path);
  REQUIRE(mapped.ok());
  CHECK(mapped->bytes() == content);
  MappedFile moved = std::move(*mapped);  // the mapping moves with it
  CHECK(moved.bytes() == content);
  auto none = mapFile(empty);
  REQUIRE(none.ok());
  CHECK(none->bytes().empty());
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);  // not mappable: read through
  pid_t writer = fork();
  if (writer == 0) {
    std::ofstream(fifo, std::ios::binary) << "through a pipe";
    _exit(0);
  }
  auto piped = mapFile(fifo);
  waitpid(writer, nullptr, 0);
  REQUIRE(piped.ok());
  CHECK(piped->bytes() == "through a pipe");
  CHECK(!mapFile((dir / "missing").string()).ok());
  auto directory = mapFile(dir.string());
  REQUIRE(!directory.ok());
  CHECK(directory.error().message().find("is a directory") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace graphc::test
