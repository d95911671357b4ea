// The on-disk cache of JIT-compiled code: a file per key, the object behind a magic and a
// checksum, so that a truncated or foreign file is a miss and never reaches the linker.
#include "backend/llvm/object_cache.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/xxhash.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace graphc::llvmjit {
namespace {

constexpr char kMagic[8] = {'G', 'R', 'A', 'P', 'H', 'C', 'O', '1'};

// The file this code was loaded from (graphc, or the library an application links), by size and
// modification time: any rebuild of the compiler, whose passes shape the code as much as the IR
// does, starts a fresh set of keys.
std::string buildStamp() {
  Dl_info info{};
  struct stat st{};
  if (dladdr(reinterpret_cast<void*>(&buildStamp), &info) && info.dli_fname && stat(info.dli_fname, &st) == 0)
    return fmt::format("{}:{}:{}", info.dli_fname, (long long)st.st_size, (long long)st.st_mtime);
  return "unknown build";
}

}  // namespace

ObjectCache ObjectCache::fromEnvironment() {
  ObjectCache cache;
  if (const char* off = std::getenv("GRAPHC_CACHE"); off && (std::string(off) == "off" || std::string(off) == "0")) return cache;
  if (const char* dir = std::getenv("GRAPHC_CACHE_DIR"); dir && *dir) cache.dir_ = dir;
  else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) cache.dir_ = std::string(xdg) + "/graphc";
  else if (const char* home = std::getenv("HOME"); home && *home) cache.dir_ = std::string(home) + "/.cache/graphc";
  return cache;
}

std::string ObjectCache::key(const llvm::Module& m, const CodeTarget& target) {
  static const std::string stamp = buildStamp();
  // Bitcode: the module exactly, and several times faster to write than its text.
  llvm::SmallVector<char, 0> bitcode;
  llvm::BitcodeWriter writer(bitcode);
  writer.writeModule(m);
  writer.writeSymtab();
  writer.writeStrtab();
  std::string text(bitcode.data(), bitcode.size());
  llvm::SHA256 hash;
  for (const std::string& part : {text, target.triple, target.cpu, target.features, std::string(LLVM_VERSION_STRING), stamp}) {
    hash.update(part);
    hash.update(llvm::StringRef("\0", 1));  // no two splits of the same bytes collide
  }
  std::string key;
  for (uint8_t byte : hash.final()) key += fmt::format("{:02x}", byte);
  return key;
}

std::optional<std::string> ObjectCache::find(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(dir_ + "/" + key + ".o", std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string file = bytes.str();
  if (file.size() < sizeof kMagic + 8 || file.compare(0, sizeof kMagic, kMagic, sizeof kMagic) != 0) return std::nullopt;
  uint64_t checksum = 0;
  for (int i = 0; i < 8; ++i) checksum |= (uint64_t)(uint8_t)file[sizeof kMagic + i] << (8 * i);
  std::string object = file.substr(sizeof kMagic + 8);
  if (llvm::xxHash64(object) != checksum) return std::nullopt;
  return object;
}

void ObjectCache::store(const std::string& key, const std::string& object) const {
  if (!enabled()) return;
  // The folder and its parents (~/.cache may not exist yet); failures surface at the open below.
  for (size_t at = dir_.find('/', 1); ; at = dir_.find('/', at + 1)) {
    ::mkdir(dir_.substr(0, at).c_str(), 0755);
    if (at == std::string::npos) break;
  }
  std::string path = dir_ + "/" + key + ".o";
  static std::atomic<unsigned> writes{0};  // threads of one process never share a file aside
  std::string aside = fmt::format("{}.{}.{}.tmp", path, (long)::getpid(), writes++);
  {
    std::ofstream out(aside, std::ios::binary);
    uint64_t checksum = llvm::xxHash64(object);
    char sum[8];
    for (int i = 0; i < 8; ++i) sum[i] = (char)(checksum >> (8 * i));
    out.write(kMagic, sizeof kMagic).write(sum, 8).write(object.data(), (std::streamsize)object.size());
    if (!out.flush()) {
      out.close();
      std::remove(aside.c_str());
      return;
    }
  }
  if (std::rename(aside.c_str(), path.c_str()) != 0) std::remove(aside.c_str());
}

}  // namespace graphc::llvmjit
