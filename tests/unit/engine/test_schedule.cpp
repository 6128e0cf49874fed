// The day's schedule (sim/engine/schedule.hpp): the table of steps names the profile, and the
// scheduler's pass skips only blocks where nobody is due.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "helpers.hpp"

using namespace motsim;
using test::check_identical;

TEST_CASE("schedule: the profile and the results name the table's steps, then the merge") {
  std::set<std::string> names;
  for (const auto& s : kBlockSteps) {
    const bool runs = s.run != nullptr;
    CHECK(runs);
    CHECK(names.insert(s.name).second);  // each step once
  }
  CHECK(std::string(kBlockSteps[0].name) == "schedule");  // the scheduler's pass comes first
  CHECK(names.count("stimulus") == 1);
  CHECK(names.count(kMergeStep) == 0);
  Simulation s(test::scenario(test::kTwoProducts, 5000, 20), 2);
  s.run({}, true);
  const auto& r = s.results();
  REQUIRE(r.stage_names.size() == kNumBlockSteps + 1);
  for (std::size_t i = 0; i < kNumBlockSteps; ++i) CHECK(r.stage_names[i] == kBlockSteps[i].name);
  CHECK(r.stage_names.back() == kMergeStep);
  REQUIRE(r.stage_seconds.size() == r.stage_names.size());
  double total = 0;
  for (double t : r.stage_seconds) {
    CHECK(t >= 0);
    total += t;
  }
  CHECK(total > 0);
  // Profiling changes no result.
  check_identical(r, test::run(test::scenario(test::kTwoProducts, 5000, 20)).r);
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
