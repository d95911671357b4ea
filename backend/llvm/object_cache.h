// Internal to backend/llvm: the on-disk cache of JIT-compiled code. A module's object file is
// kept under a key that hashes its unoptimized IR and everything else the code depends on (the
// target, LLVM's version, the graphc build), so that compiling the same model again skips the
// O3 pipeline and code generation, which are nearly all of a compile's time.
#pragma once

#include <optional>
#include <string>

#include "backend/llvm/jit.h"

namespace llvm {
class Module;
}

namespace graphc::llvmjit {

class ObjectCache {
 public:
  // Where the environment says: off when GRAPHC_CACHE is "off" or "0"; else GRAPHC_CACHE_DIR,
  // $XDG_CACHE_HOME/graphc or $HOME/.cache/graphc, the first that is set.
  static ObjectCache fromEnvironment();
  bool enabled() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }

  static std::string key(const llvm::Module& m, const CodeTarget& target);
  // The object stored under key, if there is one whose checksum holds.
  std::optional<std::string> find(const std::string& key) const;
  // Best effort: a cache that cannot be written (full disk, no permission) only costs time.
  // The file appears at once, complete (written aside, then renamed), so concurrent compiles
  // of one model never read half an object.
  void store(const std::string& key, const std::string& object) const;

 private:
  std::string dir_;
};

}  // namespace graphc::llvmjit
