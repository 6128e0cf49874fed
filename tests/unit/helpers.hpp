#pragma once
// Small worlds for unit tests.
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/input/scenario.hpp"

namespace motsim::test {

// A scenario from TOML text with a small default population; `extra` is appended.
inline Scenario scenario(const std::string& extra, long agents = 5000, long days = 60) {
  std::string text =
      "[simulation]\nagents = " + std::to_string(agents) + "\ndays = " + std::to_string(days) + "\nseed = 7\n" + extra;
  return parse_scenario(text, "test.toml", ".");
}

inline const char* kTwoProducts = R"(
[[product]]
name = "A"
price = 100
quality = 7
claim = 7
[[product]]
name = "B"
price = 100
quality = 6
claim = 6
)";

struct Run {
  Results r;
  std::int64_t total(Count c, int k = -1) const {
    std::int64_t t = 0;
    for (int kk = 0; kk < r.K; ++kk)
      if (k < 0 || kk == k) t += r.total(c, kk);
    return t;
  }
};

inline Run run(const Scenario& sc, int threads = 2) {
  Simulation s(sc, threads);
  s.run();
  return Run{s.results()};
}

}  // namespace motsim::test
