#pragma once
// Small worlds for unit tests.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
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

// One product everyone knows.
inline const char* kOne = R"(
[[product]]
name = "A"
price = 100
quality = 7
claim = 7
initial_awareness = 1
)";

// One product nobody knows yet; every agent researches every need and reads ~Poisson(20) sources.
inline const char* kResearchOne = R"(
[[product]]
name = "A"
price = 100
quality = 7
claim = 9
initial_awareness = 0
[[segment]]
name = "all"
research_prob = 1
sources_mean = 20
price_sensitivity_sd = 0
)";

// One block holding every agent, for calling the stages directly on a crafted world.
struct Day {
  BlockBuffer buf;
  BlockContext c;
  Day(World& w, std::int32_t day) : c{w, buf, day, 0, 0, w.pop.n} { buf.reset(w.K); }
  std::int64_t count(Count what, int k) { return buf.count(what, k, c.w.K); }
  void everyone_decides() {
    for (std::uint32_t i = 0; i < c.w.pop.n; ++i) buf.decide.push_back(i);
  }
};

// |x - n p| within 5 standard deviations of a binomial count.
inline bool binomial_close(std::int64_t x, std::int64_t n, double p) {
  const double sd = std::sqrt(n * p * (1 - p));
  return std::abs(static_cast<double>(x) - n * p) <= 5 * sd + 1e-9;
}

// Bit-for-bit equality (NaN, e.g. a rating before the first review, equals itself here).
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// Two runs' results are identical: counts, floating sums bit for bit, stocks, reviews.
inline void check_identical(const Results& a, const Results& b) {
  CHECK(a.counts == b.counts);
  CHECK(same_bits(a.sums, b.sums));  // bit-identical floating sums (fixed reduction order)
  CHECK(a.aware == b.aware);
  CHECK(same_bits(a.rating_mean, b.rating_mean));
  CHECK(a.rating_hist == b.rating_hist);
  REQUIRE(a.reviews.size() == b.reviews.size());
  for (std::size_t i = 0; i < a.reviews.size(); ++i) {
    CHECK(a.reviews[i].agent == b.reviews[i].agent);
    CHECK(a.reviews[i].stars == b.reviews[i].stars);
  }
}

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
