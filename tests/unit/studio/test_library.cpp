// The studio's scenario library (sim/studio/library.cpp): names, never paths; uploads validated
// and kept so that they load again.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "scratch.hpp"
#include "sim/core/errors.hpp"
#include "sim/input/scenario.hpp"
#include "sim/studio/errors.hpp"
#include "sim/studio/library.hpp"

using namespace motsim;
using namespace motsim::studio;

TEST_CASE("studio library: scenarios by name, a path refused, an upload validated and kept") {
  namespace fs = std::filesystem;
  const fs::path dir = test::scratch("library"), up = test::scratch("uploads");
  fs::create_directories(dir);
  std::ofstream(dir / "base.toml") << "title = \"Base\"\n[simulation]\nagents = 1000\ndays = 10\n"
                                   << "[[product]]\nname = \"A\"\nprice = 10\n";
  std::ofstream(dir / "broken.toml") << "[simulation\n";  // not offered
  Library lib(dir.string(), up.string());
  const auto list = lib.list();
  REQUIRE(list["scenarios"].size() == 1);
  CHECK(list["scenarios"][0]["title"] == "Base");
  CHECK(list["default"] == "base");
  CHECK(fs::path(lib.path_of("base")).is_absolute());
  for (const char* bad : {"../library/base", "/etc/passwd", "base.toml", ""}) {
    try {
      (void)lib.path_of(bad);
      FAIL("accepted " << bad);
    } catch (const BadRequest& e) {
      CHECK(e.status == 400);
    }
  }
  CHECK_THROWS_AS((void)lib.path_of("nosuch"), BadRequest);
  // An upload that extends a library file loads from the uploads directory too (kept resolved).
  const std::string name =
      lib.upload("../../mine.toml", "extends = \"base.toml\"\n[[product]]\nname = \"A\"\nprice = 12\n");
  CHECK(name == "upload-1");
  CHECK(load_scenario(lib.path_of(name)).products[0].price == 12);
  try {
    (void)lib.upload("bad.toml", "[simulation]\nagents = -1\n");
    FAIL("a bad upload was kept");
  } catch (const BadRequest& e) {
    CHECK(e.status == 400);
    CHECK(std::string(e.what()).find("bad.toml") != std::string::npos);
  }
  CHECK(plain_name("r000001"));
  CHECK_FALSE(plain_name("a/b"));
  CHECK_FALSE(plain_name(std::string(65, 'x')));
}
