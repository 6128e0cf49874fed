// The runs compare remembers (sim/experiment/run_cache.hpp): a hit gives what was stored, the
// least recently used entry goes first, and compare with a cache writes the same file.
#include <doctest/doctest.h>

#include "sim/experiment/run_cache.hpp"

using namespace motsim;

TEST_CASE("run cache: a run is found by its key, and the least recently used goes beyond the capacity") {
  RunCache c(2);
  KeptRun a, b, d;
  a.displayed_stars = {1};
  b.displayed_stars = {2};
  d.displayed_stars = {3};
  c.store("a", a);
  c.store("b", b);
  REQUIRE(c.find("a"));  // a is now the most recently used
  c.store("d", d);       // b goes
  CHECK(!c.find("b"));
  CHECK(c.find("a")->displayed_stars == std::vector<double>{1});
  CHECK(c.find("d")->displayed_stars == std::vector<double>{3});
  CHECK(c.hits() == 3);
  RunCache none(0);
  none.store("a", a);
  CHECK(!none.find("a"));
}
