// The stimulus stage (models/stimulus.cpp): campaign exposures, needs, word of mouth, the
// day's events in agent order, and a new need's fresh start.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::Day;
using test::kOne;
using test::kResearchOne;
using test::run;
using test::scenario;

TEST_CASE("stimulus: campaign exposures follow daily reach, only in the target segment") {
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "a"
share = 0.5
[[segment]]
name = "b"
share = 0.5
[[campaign]]
product = "A"
start_day = 10
end_day = 30
daily_reach = 0.02
segment = "b"
[behavior]
wom_rate = 0
)",
                     40000, 40);
  Simulation s(sc, 2);
  s.run();
  const auto& r = s.results();
  std::int64_t in_b = 0;
  for (std::uint32_t i = 0; i < s.world().pop.n; ++i) in_b += s.world().pop.segment[i] == 1;
  const double expected = in_b * 0.02 * 20;  // 20 active days
  const double sd = std::sqrt(expected);
  CHECK(std::abs(r.total(kExposures, 0) - expected) < 5 * sd);
  for (int d = 0; d < 10; ++d) CHECK(r.count(kExposures, d, 0) == 0);
  for (int d = 30; d < 40; ++d) CHECK(r.count(kExposures, d, 0) == 0);
}

TEST_CASE("stimulus: needs arrive at rate 1/need_interval and are drawn ahead") {
  // Every need buys at once and nothing else happens, so purchases count needs.
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "all"
need_interval_days = 50
research_prob = 0  # no incomplete brand page can drop the product
[behavior]
outside_utility = -1000
experience = false
wom_rate = 0
)",
                     20000, 200);
  const auto r = run(sc);
  // Gaps between needs are 1 + Geometric(1/50): mean 50 days; the first need comes from day 0.
  const double expected = 20000.0 * 200 / 50.0;
  CHECK(r.total(kPurchases) == doctest::Approx(expected).epsilon(0.03));
}

TEST_CASE("stimulus: word of mouth needs a network and a positive experience") {
  const std::string base = std::string(kOne) + "[behavior]\nwom_rate = 0.2\n";
  auto sc = scenario(base, 20000, 120);
  sc.products[0].initial_awareness = 0.3;
  CHECK(run(sc).total(kWomAware) > 100);
  sc.network.type = "none";
  CHECK(run(sc).total(kWomAware) == 0);
  sc.network.type = "watts_strogatz";
  CHECK(run(sc).total(kWomAware) > 100);
  sc.behavior.wom_rate = 0;
  CHECK(run(sc).total(kWomAware) == 0);
  sc.behavior.wom_rate = 0.2;
  sc.products[0].quality = 1;  // nobody remembers it positively: nobody recommends
  sc.products[0].claim = 1;
  CHECK(run(sc).total(kWomAware) == 0);
}

TEST_CASE("scheduling: the day's events are ordered by agent exactly as a stable sort orders them") {
  Rng r(12, 0, 0, 0, 0);
  std::vector<Event> scratch;
  for (int trial = 0; trial < 300; ++trial) {
    // A few ascending runs (as the sources append them), with repeated agents, or noise.
    std::vector<Event> ev;
    const bool noise = trial % 5 == 0;
    const int runs = 1 + static_cast<int>(r.below(5));
    for (int run = 0; run < runs; ++run) {
      std::uint32_t a = static_cast<std::uint32_t>(r.below(20));
      const auto len = r.below(40);
      for (std::uint64_t n = 0; n < len; ++n) {
        a = noise ? static_cast<std::uint32_t>(r.below(30)) : a + static_cast<std::uint32_t>(r.below(3));
        ev.push_back(
            {a, static_cast<EventKind>(run % 2), static_cast<std::uint8_t>(run), static_cast<std::uint16_t>(n)});
      }
    }
    auto expect = ev;
    std::stable_sort(expect.begin(), expect.end(), [](const Event& a, const Event& b) { return a.agent < b.agent; });
    stage::sort_by_agent(ev, scratch);
    REQUIRE(ev.size() == expect.size());
    for (std::size_t n = 0; n < ev.size(); ++n) {
      CHECK(ev[n].agent == expect[n].agent);
      CHECK(ev[n].product == expect[n].product);
      CHECK(ev[n].source == expect[n].source);
    }
  }
}

TEST_CASE("brand content: a dropped product comes back with the next need") {
  auto sc = scenario(std::string(kResearchOne) +
                         "[behavior]\nshare_reviews = 0\nshare_brand = 1\nshare_neighbors = 0\n"
                         "incomplete_drop_prob = 1\n",
                     500, 1);
  sc.products[0].info_completeness = 0;
  Simulation s(sc, 1);
  auto& w = s.world();
  Day d(w, 1);
  d.everyone_decides();
  stage::zmot(d.c);
  int set[kMaxProducts];
  std::uint32_t dropped = 0, considered_before = 0, dropped_after = 0, considered_after = 0;
  for (std::uint32_t i = 0; i < w.pop.n; ++i) {
    dropped += (w.pop.pflags[i] & kDropped) != 0;
    considered_before += stage::consideration_set(w, i, set);
    stage::start_need(w, i, 40);
    dropped_after += (w.pop.pflags[i] & kDropped) != 0;
    considered_after += stage::consideration_set(w, i, set);
  }
  CHECK(dropped == w.pop.n);
  CHECK(considered_before == 0);
  CHECK(dropped_after == 0);
  CHECK(considered_after == w.pop.n);
}

TEST_CASE("memory: one threshold per agent, product and day, from the stream its version names") {
  auto sc = test::scenario(test::kTwoProducts, 100, 30);
  for (int streams = kRngStreamsOldest; streams <= kRngStreamsLatest; ++streams) {
    CAPTURE(streams);
    sc.simulation.rng_streams = streams;
    Simulation s(sc, 1);
    const World& w = s.world();
    REQUIRE(w.sc.behavior.recall_threshold > 0);  // memories fade: a uniform is drawn
    REQUIRE(w.sc.behavior.salience_decay > 0);
    const std::uint32_t i = 7;
    const int day = 3;
    const double sal = 0.4;
    Rng held = w.rng(i, day, Stream::Memory);
    for (int k = 0; k < w.K; ++k) {
      // Version 1: value 0 of the stream (agent, day, Memory, sub k); version 2: value k of
      // (agent, day, Memory). Whether the caller holds the stream or not, and however often the
      // product is met that day, the same uniform.
      const double u = streams == 1 ? w.rng(i, day, Stream::Memory, k).uniform_pos() : [&] {
        Rng r = w.rng(i, day, Stream::Memory);
        for (int j = 0; j < k; ++j) r.uniform_pos();
        return r.uniform_pos();
      }();
      const std::int64_t d = model::recall_days(sal, u, w.sc.behavior);
      const std::int32_t expect = d < 0 ? kNever : static_cast<std::int32_t>(day + d);
      CHECK(stage::recall_day(w, i, k, day, sal, &held) == expect);
      CHECK(stage::recall_day(w, i, k, day, sal, &held) == expect);
      CHECK(stage::recall_day(w, i, k, day, sal) == expect);
    }
    // Another day, another threshold.
    CHECK(stage::recall_day(w, i, 0, day, sal) != stage::recall_day(w, i, 0, day + 1, sal) - 1);
  }
}
