// Reading inputs and publishing outputs safely (sim/core/input_file.cpp).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/core/errors.hpp"
#include "sim/core/input_file.hpp"

using namespace motsim;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path dir;
  TempDir() {
    char tmpl[] = "/tmp/motsim-test-XXXXXX";
    dir = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};
}  // namespace

TEST_CASE("input files: regular files are read, special files refused before opening") {
  TempDir t;
  CHECK(read_regular_file(t.file("a.toml", "x = 1\n"), "scenario") == "x = 1\n");
  const std::string fifo = (t.dir / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& p : {fifo, std::string("/dev/zero"), std::string("/dev/null"), t.dir.string()}) {
    CHECK_THROWS_AS(read_regular_file(p, "scenario"), InputError);
    CHECK_FALSE(special_file_kind(p).empty());
  }
  CHECK(special_file_kind((t.dir / "missing").string()) == "missing");
  CHECK_THROWS_WITH_AS(read_regular_file(t.file("big", std::string(100, 'x')), "KEY", 99),
                       doctest::Contains("KEY: error"), InputError);
  CHECK_THROWS_WITH_AS(require_regular_file("", "network.file"), doctest::Contains("network.file"), InputError);
}

TEST_CASE("input files: the same file under any spelling, link or hard link") {
  TempDir t;
  const std::string a = t.file("a.h5", "a");
  fs::create_symlink(a, t.dir / "sym");
  fs::create_hard_link(a, t.dir / "hard");
  fs::create_directory(t.dir / "sub");
  CHECK(same_file(a, (t.dir / "sym").string()));
  CHECK(same_file(a, (t.dir / "hard").string()));
  CHECK(same_file(a, (t.dir / "sub" / ".." / "a.h5").string()));
  CHECK_FALSE(same_file(a, t.file("b.h5", "a")));
  CHECK_FALSE(same_file(a, (t.dir / "missing").string()));
}

TEST_CASE("input files: publishing never replaces an existing file") {
  TempDir t;
  const std::string tmp1 = t.file("out.h5.tmp-1", "first"), tmp2 = t.file("out.h5.tmp-2", "second");
  const std::string out = (t.dir / "out.h5").string();
  CHECK(rename_no_replace(tmp1, out));
  CHECK_FALSE(fs::exists(tmp1));
  CHECK_FALSE(rename_no_replace(tmp2, out));  // the second finisher keeps its temporary
  CHECK(fs::exists(tmp2));
  std::ifstream in(out);
  std::string s;
  in >> s;
  CHECK(s == "first");
}
