// The engine: determinism for any thread count, and conservation of agents and purchases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;

namespace {
// Bit-for-bit equality (NaN, e.g. a rating before the first review, equals itself here).
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

void check_identical(const Results& a, const Results& b) {
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
}  // namespace

TEST_CASE("determinism: identical results for 1, 2 and 4 threads (complete network)") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[[campaign]]
product = "B"
daily_reach = 0.05
end_day = 40
[network]
type = "complete"
)",
                           30000, 90);
  const auto r1 = test::run(sc, 1), r2 = test::run(sc, 2), r4 = test::run(sc, 4);
  CHECK(r1.total(kPurchases) > 1000);
  CHECK(r1.r.reviews.size() > 50);
  check_identical(r1.r, r2.r);
  check_identical(r1.r, r4.r);
}

TEST_CASE("determinism: identical results for 1 and 3 threads (Watts-Strogatz)") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "watts_strogatz"
degree = 6
)",
                           20000, 60);
  check_identical(test::run(sc, 1).r, test::run(sc, 3).r);
}

TEST_CASE("a different seed gives different results") {
  auto a = test::scenario(test::kTwoProducts, 20000, 60);
  auto b = a;
  b.simulation.seed = 8;
  CHECK(test::run(a).r.counts != test::run(b).r.counts);
}

TEST_CASE("conservation: purchases become experiences, refunds never exceed purchases") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[behavior]
experience_days = 5
)",
                           20000, 120);
  Simulation s(sc, 2);
  s.run();
  const auto& r = s.results();
  const auto& p = s.world().pop;
  for (int k = 0; k < r.K; ++k) {
    std::int64_t in_flight = 0;
    for (std::uint32_t i = 0; i < p.n; ++i)
      if (p.owned[i] == k && (p.phase[i] == static_cast<std::uint8_t>(Phase::Delivery) ||
                              p.phase[i] == static_cast<std::uint8_t>(Phase::Using)))
        ++in_flight;
    CHECK(r.total(kPurchases, k) == r.total(kExperiences, k) + in_flight);
    CHECK(r.total(kRefunds, k) <= r.total(kPurchases, k));
    CHECK(r.total(kSatisfied, k) + r.total(kDissatisfied, k) <= r.total(kExperiences, k));
    CHECK(r.total(kRecoveries, k) <= r.total(kComplaints, k));
    CHECK(r.total(kComplaints, k) <= r.total(kIncidents, k));
    // Awareness is cumulative and bounded by the population.
    CHECK(r.aware[(r.days - 1) * r.K + k] <= static_cast<std::int64_t>(p.n));
    std::int64_t aware = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) aware += (p.pflags[i * r.K + k] & kAware) != 0;
    CHECK(aware == r.aware[(r.days - 1) * r.K + k]);
  }
  std::int64_t posted = 0;
  for (int k = 0; k < r.K; ++k) posted += r.total(kReviews, k);
  CHECK(posted == static_cast<std::int64_t>(r.reviews.size()));
}

TEST_CASE("scheduling: skipping idle blocks changes nothing") {
  // Blocks whose agents all wait are not scanned; a full scan every day must give the same
  // results, on a graph (word of mouth drawn ahead) and in the mean field, with retirement.
  for (const char* net : {"watts_strogatz", "complete"}) {
    auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[[campaign]]
product = "A"
daily_reach = 0.01
end_day = 30
[behavior]
wom_rate = 0.1
)",
                             40000, 120);
    sc.network.type = net;
    for (bool repeat : {true, false}) {
      sc.behavior.repeat_purchase = repeat;
      Simulation fast(sc, 2), full(sc, 2, SimulationOptions{.scan_every_block = true});
      fast.run();
      full.run();
      CHECK(fast.results().total(kPurchases, 0) > 100);
      check_identical(fast.results(), full.results());
    }
  }
  // Sparse days, where blocks really are skipped: no spontaneous needs, so a block wakes only
  // for word of mouth; a recommendation triggers a need only sometimes, so those who heard
  // mostly do not buy and keep listening (their next day is drawn at the end of the day).
  auto sparse = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "watts_strogatz"
[[segment]]
name = "s"
need_interval_days = 0
[[campaign]]
product = "A"
daily_reach = 0.002
end_day = 20
[behavior]
wom_rate = 0.05
wom_trigger = 0.3
)",
                               30000, 150);
  for (bool repeat : {true, false}) {
    sparse.behavior.repeat_purchase = repeat;
    Simulation fast(sparse, 2), full(sparse, 2, SimulationOptions{.scan_every_block = true});
    fast.run();
    full.run();
    CHECK(fast.results().total(kWomAware, 0) > 100);
    check_identical(fast.results(), full.results());
  }
}

TEST_CASE("scheduling: the block scan finds exactly the due agents and the earliest other day") {
  // Against a plain loop, on blocks of every length up to 200 (chunks of 64 and their ends),
  // with days around `day`, far ahead, kNever and the word-of-mouth markers.
  Rng r(11, 0, 0, 0, 0);
  const std::int32_t specials[] = {0, kNever, kWomRetired, kWomQueued, 36500};
  for (int trial = 0; trial < 400; ++trial) {
    const auto len = static_cast<std::uint32_t>(r.below(200));
    const auto day = static_cast<std::int32_t>(r.below(40));
    std::vector<std::int32_t> days(len + 7);
    for (auto& d : days) d = r.bernoulli(0.2) ? specials[r.below(5)] : static_cast<std::int32_t>(r.below(80));
    const std::uint32_t begin = 7;
    std::vector<std::uint32_t> due, expect_due;
    std::int32_t expect_wake = kNever;
    for (std::uint32_t i = begin; i < len + 7; ++i) {
      if (days[i] <= day)
        expect_due.push_back(i);
      else
        expect_wake = std::min(expect_wake, days[i]);
    }
    const std::int32_t wake = scan_due(days.data(), begin, len + 7, day, due);
    CHECK(wake == expect_wake);
    CHECK(due == expect_due);
  }
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
