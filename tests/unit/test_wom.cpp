// Event-driven word of mouth on graphs (models/wom.cpp).
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/wom.hpp"

using namespace motsim;

TEST_CASE("wom: daily hazard is wom_rate x susceptibility x share of recommending neighbours") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "ring"
degree = 4
[behavior]
wom_rate = 0.05
)", 20000, 1);
  Simulation s(sc, 1);
  auto& w = const_cast<World&>(s.world());
  std::vector<std::uint32_t> dirty;
  std::vector<wom::Change> changes;
  // Every agent i with i % 4 == 0 recommends product 0, i % 4 == 1 recommends product 1.
  for (std::uint32_t i = 0; i < w.pop.n; ++i)
    if (i % 4 < 2) changes.push_back({i, -1, static_cast<std::int8_t>(i % 4), false, true});
  wom::apply_changes(w, changes, dirty);
  wom::redraw(w, dirty, 0);
  // Ring of degree 4: neighbours i-2..i+2; each agent has exactly one recommender of each
  // product among its 4 neighbours except... count them directly.
  double expected[2] = {0, 0};
  for (std::uint32_t i = 0; i < w.pop.n; ++i)
    for (int k = 0; k < 2; ++k) expected[k] += 0.05 * w.wom_pos[i * 2 + k] / 4.0;
  std::int64_t heard[2] = {0, 0};
  const int days = 200;
  BlockBuffer buf;
  for (int d = 1; d <= days; ++d) {
    buf.reset(w.K);
    BlockContext c{w, buf, d, 0, 0, w.pop.n};
    std::int32_t wake = kNever;
    wom::events(c, wake);
    for (const auto& e : buf.events) heard[e.product] += 1;
  }
  for (int k = 0; k < 2; ++k) {
    const double mean = expected[k] * days;
    CHECK(std::abs(heard[k] - mean) < 5 * std::sqrt(mean));
  }
  // Nobody recommends any more: no further events once the pending days are redrawn.
  changes.clear();
  for (std::uint32_t i = 0; i < w.pop.n; ++i)
    if (i % 4 < 2) changes.push_back({i, static_cast<std::int8_t>(i % 4), static_cast<std::int8_t>(i % 4), true, false});
  wom::apply_changes(w, changes, dirty);
  wom::redraw(w, dirty, days);
  for (std::uint32_t i = 0; i < w.pop.n; ++i) {
    REQUIRE(w.wom_pos[i * 2] == 0);
    REQUIRE(w.wom_next[i] == kNever);
  }
}
