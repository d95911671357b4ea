// NPY reader and writer: every supported dtype and format version, and every refusal.
#include <doctest/doctest.h>

#include <cmath>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/npy/npy.h"
#include "tests/support.h"

using namespace graphc;
using graphc::test::dataPath;

TEST_CASE("npy reads each supported dtype") {
  struct Case { const char* file; DType dtype; double first, last; };
  for (Case c : {Case{"f32_2x3.npy", DType::f32, -2.0, 5.5}, Case{"f64_2x3.npy", DType::f64, -2.0, 5.5},
                 Case{"i32_2x3.npy", DType::i32, -2, 3}, Case{"i64_2x3.npy", DType::i64, -2, 3}}) {
    CAPTURE(c.file);
    auto t = readNpy(dataPath(std::string("npy/") + c.file));
    REQUIRE(t.ok());
    CHECK(t->dtype() == c.dtype);
    CHECK(t->shape() == Shape{2, 3});
    CHECK(t->at(0) == c.first);
    CHECK(t->at(5) == c.last);
  }
  for (Case c : {Case{"f16.npy", DType::f16, 0, 2}, Case{"u8.npy", DType::u8, 0, 2}}) {
    CAPTURE(c.file);
    auto t = readNpy(dataPath(std::string("npy/") + c.file));
    REQUIRE(t.ok());
    CHECK(t->dtype() == c.dtype);
    CHECK(t->shape() == Shape{3});
    CHECK(t->at(0) == c.first);
    CHECK(t->at(2) == c.last);
  }
  auto b = readNpy(dataPath("npy/bool_4.npy"));
  REQUIRE(b.ok());
  CHECK(b->dtype() == DType::boolean);
  CHECK(b->at(0) == 1);
  CHECK(b->at(1) == 0);
}

TEST_CASE("npy reads the storage dtypes at their edges, as numpy wrote them") {
  auto h = readNpy(dataPath("npy/f16_edges.npy"));
  REQUIRE(h.ok());
  REQUIRE(h->dtype() == DType::f16);
  CHECK(h->at(0) == 65504);
  CHECK(h->at(1) == -INFINITY);
  CHECK(std::isnan(h->at(2)));
  CHECK((h->at(3) == 0 && std::signbit(h->at(3))));
  CHECK(h->at(4) == 0x1p-24);
  CHECK(h->at(5) == -3 * 0x1p-24);
  CHECK(h->at(6) == 1.0009765625);
  struct Case { const char* file; DType dtype; int64_t min, max; };
  for (Case c : {Case{"i8_edges.npy", DType::i8, -128, 127}, Case{"u8_edges.npy", DType::u8, 0, 255},
                 Case{"i16_edges.npy", DType::i16, -32768, 32767}, Case{"u16_edges.npy", DType::u16, 0, 65535}}) {
    CAPTURE(c.file);
    auto t = readNpy(dataPath(std::string("npy/") + c.file));
    REQUIRE(t.ok());
    CHECK(t->dtype() == c.dtype);
    CHECK(*t->ints() == std::vector<int64_t>{c.min, c.max, 0, 1, c.max - 1});
  }
}

TEST_CASE("npy reads format versions 1.0, 2.0 and 3.0, scalars and empty arrays") {
  for (const char* f : {"v1_f32.npy", "v2_f32.npy", "v3_f32.npy"}) {
    CAPTURE(f);
    auto t = readNpy(dataPath(std::string("npy/") + f));
    REQUIRE(t.ok());
    CHECK(t->shape() == Shape{3});
    CHECK(t->at(1) == -2.0);
  }
  auto s = readNpy(dataPath("npy/f32_scalar.npy"));
  REQUIRE(s.ok());
  CHECK(s->shape().empty());
  CHECK(s->at(0) == 3.25);
  auto e = readNpy(dataPath("npy/f32_empty.npy"));
  REQUIRE(e.ok());
  CHECK(e->shape() == Shape{0, 3});
}

TEST_CASE("npy refuses what graphc cannot hold, saying what it found") {
  struct Case { const char* file; const char* message; };
  for (Case c : {Case{"big_endian.npy", "'>f4' (big-endian data is not supported)"},
                 Case{"fortran.npy", "Fortran-ordered"},
                 Case{"c8.npy", "unsupported .npy dtype '<c8'"},
                 Case{"truncated.npy", "data is truncated"},
                 Case{"not_npy.npy", "not an .npy file"},
                 Case{"does_not_exist.npy", "cannot open file"}}) {
    CAPTURE(c.file);
    auto t = readNpy(dataPath(std::string("npy/") + c.file));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().message().find(c.message) != std::string::npos);
    CHECK(t.error().message().find(c.file) != std::string::npos);
  }
}

TEST_CASE("npy refuses a shape whose element count overflows, and a repeated key") {
  // Found by fuzz_npy (tests/data/fuzz/fuzz_npy/shape-overflow.npy): the count overflowed int64.
  for (const char* shape : {"(400000000000, 12233537679)", "(1099511627776, 1099511627776, 0)"}) {
    CAPTURE(shape);
    std::string header = fmt::format("{{'descr': '|b1', 'fortran_order': False, 'shape': {}, }}\n", shape);
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) + '\0' + header;
    auto t = parseNpy(std::span<const char>(bytes.data(), bytes.size()), "overflow.npy");
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().message().find("more elements than a 64-bit count holds") != std::string::npos);
  }
  // Found next (shape-repeated.npy): a second 'shape' key appended to the first one's dims.
  std::string header = "{'descr': '|b1', 'fortran_order': False, 'shape': (85971, 22), 'shape': (42, 22), }\n";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) + '\0' + header;
  auto t = parseNpy(std::span<const char>(bytes.data(), bytes.size()), "repeated.npy");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message().find("key 'shape' given twice") != std::string::npos);
}

TEST_CASE("npy survives arbitrary corruption of a valid file") {
  auto bytes = readFile(dataPath("npy/f32_2x3.npy"));
  REQUIRE(bytes.ok());
  uint64_t state = 12345;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string b = *bytes;
    for (int k = 0; k < 1 + iter % 4; ++k) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      b[(state >> 33) % b.size()] = char(state >> 17);
    }
    if (iter % 7 == 0) b.resize((state >> 40) % b.size());
    auto t = parseNpy(std::span<const char>(b.data(), b.size()), "fuzz");
    if (t.ok()) CHECK(t->bytes() + 10 <= b.size());
  }
}

TEST_CASE("npy writes what it reads, bit for bit, and numpy's header layout") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "graphc_npy_test";
  fs::create_directories(dir);
  for (DType dt : kAllDTypes) {  // bf16 as raw '<V2' bytes, which NumPy reads but has no type for
    for (Shape s : {Shape{}, Shape{5}, Shape{2, 3, 4}}) {
      Tensor t = test::randomTensor({dt, s}, 7, -10, 10);
      std::string p = (dir / "t.npy").string();
      REQUIRE(writeNpy(p, t).ok());
      auto back = readNpy(p);
      REQUIRE(back.ok());
      CHECK(back->bitEqual(t));
      CHECK(encodeNpy(t).size() % 64 == t.bytes() % 64);  // data starts on a 64-byte boundary
    }
  }
  // NumPy re-saves those raw bytes as '|V2': still bf16.
  Tensor bf = test::randomTensor({DType::bf16, {4}}, 3, -10, 10);
  std::string bytes = encodeNpy(bf);
  size_t at = bytes.find("'<V2'");
  REQUIRE(at != std::string::npos);
  bytes[at + 1] = '|';
  std::string p = (dir / "v2.npy").string();
  { std::ofstream(p, std::ios::binary) << bytes; }
  auto back = readNpy(p);
  REQUIRE(back.ok());
  CHECK(back->bitEqual(bf));
  fs::remove_all(dir);
}

TEST_CASE("npy output is written atomically and never into a missing folder") {
  Tensor t = Tensor::scalar(DType::f32, 1.0);
  auto s = writeNpy("/nonexistent-dir/x.npy", t);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message().find("/nonexistent-dir/x.npy") != std::string::npos);
}

TEST_CASE("writing to a device or pipe writes into it and leaves it in place") {
  // A FIFO stands for /dev/null and /dev/stdout (the machine's own /dev/null is shared with
  // other jobs). The read end is opened first, non-blocking, so that the write does not wait.
  namespace fs = std::filesystem;
  fs::path fifo = fs::temp_directory_path() / fmt::format("graphc-fifo-{}", ::getpid());
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  CHECK(writeFileAtomic(fifo.string(), "graphc").ok());
  CHECK(fs::is_fifo(fifo));  // not replaced by a regular file
  char buf[16] = {};
  CHECK(::read(reader, buf, sizeof buf) == 6);
  CHECK(std::string(buf) == "graphc");
  ::close(reader);
  fs::remove(fifo);
}
