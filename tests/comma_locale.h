// A comma-decimal locale for the length of a test: de_DE.UTF-8 (or fr_FR) when installed, which
// also switches the C library's LC_NUMERIC (strtod, printf), else a C++ numpunct with ','.
#pragma once

#include <clocale>
#include <locale>
#include <stdexcept>
#include <string>

namespace graphc::test {

class CommaDecimalLocale {
 public:
  CommaDecimalLocale() : savedCxx_(std::locale()), savedC_(std::setlocale(LC_ALL, nullptr)) {
    for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"}) {
      try {
        std::locale::global(std::locale(name));  // a named locale: setlocale(LC_ALL, name) too
        cLibrary_ = true;
        return;
      } catch (const std::runtime_error&) {
        // not installed here: try the next one
      }
    }
    std::locale::global(std::locale(std::locale::classic(), new Comma));
  }
  ~CommaDecimalLocale() {
    std::locale::global(savedCxx_);
    std::setlocale(LC_ALL, savedC_.c_str());
  }
  CommaDecimalLocale(const CommaDecimalLocale&) = delete;
  CommaDecimalLocale& operator=(const CommaDecimalLocale&) = delete;

  // Whether strtod and printf read and write ',' too, not only the C++ streams.
  bool cLibrary() const { return cLibrary_; }

 private:
  struct Comma : std::numpunct<char> {
    char do_decimal_point() const override { return ','; }
  };
  std::locale savedCxx_;
  std::string savedC_;
  bool cLibrary_ = false;
};

}  // namespace graphc::test
