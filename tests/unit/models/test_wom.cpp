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
)",
                           20000, 1);
  Simulation s(sc, 1);
  auto& w = s.world();
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
    wom::due(c);  // the scheduler's part
    wom::events(c);
    wom::settle(c);  // the end of the block's day, as in the engine
    for (const auto& e : buf.events) heard[e.product] += 1;
  }
  for (int k = 0; k < 2; ++k) {
    const double mean = expected[k] * days;
    CHECK(std::abs(heard[k] - mean) < 5 * std::sqrt(mean));
  }
  // Nobody recommends any more: no further events once the pending days are redrawn.
  changes.clear();
  for (std::uint32_t i = 0; i < w.pop.n; ++i)
    if (i % 4 < 2)
      changes.push_back({i, static_cast<std::int8_t>(i % 4), static_cast<std::int8_t>(i % 4), true, false});
  wom::apply_changes(w, changes, dirty);
  wom::redraw(w, dirty, days);
  for (std::uint32_t i = 0; i < w.pop.n; ++i) {
    REQUIRE(w.wom_pos[i * 2] == 0);
    REQUIRE(w.wom_next[i] == kNever);
  }
}

TEST_CASE("wom: on a graph the value told is the recommending neighbour's own satisfaction") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "ring"
degree = 4
[behavior]
wom_rate = 0.2
wom_threshold = 5
)",
                           20000, 1);
  Simulation s(sc, 1);
  auto& w = s.world();
  auto& p = w.pop;
  std::vector<std::uint32_t> dirty;
  std::vector<wom::Change> changes;
  // Agents i % 4 == 0 recommend product 0, remembering 9.0 when i % 8 == 0 and 6.0 otherwise.
  // An agent i % 4 == 2 has two of them as neighbours (i - 2 and i + 2): one of each score.
  for (std::uint32_t i = 0; i < p.n; ++i) {
    if (i % 4 != 0) continue;
    p.shared[i] = {0, static_cast<std::uint8_t>(i % 8 == 0 ? 90 : 60), 1};
    changes.push_back({i, -1, 0, false, true});
  }
  wom::apply_changes(w, changes, dirty);
  wom::redraw(w, dirty, 0);
  std::int64_t told_by[2] = {0, 0};  // agents i % 4 == 2: events told 6.0, told 9.0
  std::int64_t events = 0;
  BlockBuffer buf;
  for (int d = 1; d <= 100; ++d) {
    buf.reset(w.K);
    BlockContext c{w, buf, d, 0, 0, p.n};
    wom::due(c);  // the scheduler's part
    wom::events(c);
    wom::settle(c);  // the end of the block's day, as in the engine
    for (const auto& e : buf.events) {
      REQUIRE(e.product == 0);
      REQUIRE(e.source > 0);
      const int told = e.source - 1;
      // The value told is the score of one of the agent's recommending neighbours.
      bool from_neighbour = false;
      for (std::uint64_t x = w.net.offsets[e.agent]; x < w.net.offsets[e.agent + 1]; ++x) {
        const auto j = w.net.neighbors[x];
        from_neighbour |= p.shared[j].product == 0 && p.shared[j].score == told;
      }
      CHECK(from_neighbour);
      events += 1;
      if (e.agent % 4 == 2) told_by[told == 90] += 1;
    }
  }
  REQUIRE(events > 1000);
  // Each of the two neighbours speaks equally often.
  const double n = static_cast<double>(told_by[0] + told_by[1]);
  CHECK(std::abs(told_by[1] - n / 2) < 5 * std::sqrt(n / 4));
}

TEST_CASE("wom: the next day of one who heard is drawn at the day's end, and none for one who retired") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "ring"
degree = 4
[behavior]
wom_rate = 0.5
repeat_purchase = false
experience = false
)",
                           4000, 1);
  for (int streams = kRngStreamsOldest; streams <= kRngStreamsLatest; ++streams) {
    CAPTURE(streams);
    sc.simulation.rng_streams = streams;
    Simulation s(sc, 1);
    auto& w = s.world();
    std::vector<std::uint32_t> dirty;
    std::vector<wom::Change> changes;
    for (std::uint32_t i = 0; i < w.pop.n; i += 2) changes.push_back({i, -1, 0, false, true});
    wom::apply_changes(w, changes, dirty);
    wom::redraw(w, dirty, 0);
    BlockBuffer buf;
    buf.reset(w.K);
    const std::int32_t day = 1;
    BlockContext c{w, buf, day, 0, 0, w.pop.n};
    wom::due(c);  // the scheduler's part
    wom::events(c);
    REQUIRE(buf.wom_heard.size() > 100);
    // Half of those who heard buy and retire today; the others keep listening.
    for (std::size_t n = 0; n < buf.wom_heard.size(); n += 2) w.pop.flags[buf.wom_heard[n].agent] |= kEverBought;
    const auto heard = buf.wom_heard;
    buf.wake = kNever;
    wom::settle(c);
    std::int32_t earliest = kNever;
    for (std::size_t n = 0; n < heard.size(); ++n) {
      const std::uint32_t i = heard[n].agent;
      const double h = heard[n].h;
      if (n % 2 == 0) {
        CHECK(w.wom_next[i] == kWomRetired);
        continue;
      }
      // Exactly the draw made when the event fired: day + 1 + Geometric(h), from (i, day, WomNext,
      // 0) under version 1, from the value after the event's (the product heard) of (i, day, Wom)
      // under version 2.
      CHECK(h == doctest::Approx(0.5 * w.wom_pos[i * 2] / 4.0));
      Rng r = streams == 1 ? w.rng(i, day, Stream::WomNext, 0) : w.rng(i, day, Stream::Wom);
      if (streams == 2) r.uniform();
      const auto expect = static_cast<std::int32_t>(day + 1 + r.geometric(h));
      CHECK(w.wom_next[i] == expect);
      earliest = std::min(earliest, expect);
    }
    CHECK(buf.wake == earliest);  // the block wakes for the earliest of them
    // The next day the block is not scanned (nobody due): settle must draw nothing again.
    const auto before = w.wom_next;
    buf.reset(w.K);
    buf.wake = kNever;
    BlockContext next_day{w, buf, day + 1, 0, 0, w.pop.n};
    wom::settle(next_day);
    CHECK(w.wom_next == before);
  }
}

TEST_CASE("wom: exactly the retired agents are marked retired, whatever made them buy") {
  // Without repeat purchases a buyer retires. Campaign exposures (no word of mouth that day)
  // and recommendations both make agents buy; at any day's end the marker must match retired().
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "watts_strogatz"
[[campaign]]
product = "A"
daily_reach = 0.02
end_day = 40
[behavior]
wom_rate = 0.2
repeat_purchase = false
)",
                           20000, 1);
  for (int days : {10, 25, 40}) {
    sc.simulation.days = days;
    Simulation s(sc, 2);
    s.run();
    const World& w = s.world();
    std::int64_t retired = 0, mismatched = 0;
    for (std::uint32_t i = 0; i < w.pop.n; ++i) {
      retired += w.retired(i);
      mismatched += w.retired(i) != (w.wom_next[i] == kWomRetired);
    }
    CHECK(retired > 150);
    CHECK(mismatched == 0);
  }
}
