// Sweep plans (sim/experiment/sweep_plan.cpp): the points of a design, run ids and random keys,
// the split over task indices, and one run computed as `motsim run` would compute it alone.
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <string>

#include "experiment/sweep_test_files.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/experiment/sweep_plan.hpp"
#include "sim/input/scenario.hpp"

using namespace motsim;
using motsim::test::kBaseline;
using motsim::test::write_spec;

namespace {
const char* kSmall =
    "replicates = 3\n[parameters]\n\"simulation.agents\" = 400\n\"simulation.days\" = 6\n"
    "\"product.Nova.price\" = [149, 199]\n\"behavior.wom_rate\" = { min = 0.02, max = 0.2, steps = 3 }\n";
}  // namespace

TEST_CASE("sweep plan: a grid's points, the last parameter varying fastest") {
  const SweepPlan pl = make_plan(write_spec("grid.toml", kSmall));
  REQUIRE(pl.points.size() == 6);
  CHECK(pl.runs() == 18);
  CHECK(pl.points[0].sets == std::vector<std::string>{"product.Nova.price=149", "behavior.wom_rate=0.02"});
  CHECK(pl.points[1].sets == std::vector<std::string>{"product.Nova.price=149", "behavior.wom_rate=0.11"});
  CHECK(pl.points[5].sets == std::vector<std::string>{"product.Nova.price=199", "behavior.wom_rate=0.2"});
  CHECK(pl.points[5].values == std::vector<double>{199, 0.2});
  CHECK(pl.base.simulation.agents == 400);  // held values are in the base
  CHECK(pl.K == 3);
  CHECK(pl.D == 6);
  CHECK(pl.values_per_run == pl.kpi_columns.size() + 1);  // + the run's seconds
}

TEST_CASE("sweep plan: run ids and random keys, with and without common random numbers") {
  const SweepPlan crn = make_plan(write_spec("crn.toml", kSmall));
  CHECK(crn.point_of(7) == 2);
  CHECK(crn.replicate_of(7) == 1);
  CHECK(crn.key_of(7) == crn.base.simulation.replicate + 1);
  const SweepPlan own = make_plan(write_spec("nocrn.toml", std::string("common_random_numbers = false\n") + kSmall));
  CHECK(own.key_of(7) == own.base.simulation.replicate + 7);
  CHECK(own.hash != crn.hash);  // the spec text is part of the sweep's identity
}

TEST_CASE("sweep plan: split over task indices, every run is in exactly one task") {
  const SweepPlan pl = make_plan(write_spec("tasks.toml", kSmall));
  for (int count : {1, 2, 3, 4, 5, 7, 18, 25}) {
    CAPTURE(count);
    std::multiset<std::size_t> seen;
    for (int i = 0; i < count; ++i)
      for (std::size_t r : pending_runs(pl, i, count, {})) {
        CHECK(static_cast<int>(r % count) == i);
        seen.insert(r);
      }
    CHECK(seen.size() == pl.runs());
    for (std::size_t r = 0; r < pl.runs(); ++r) CHECK(seen.count(r) == 1);
  }
  CHECK(pending_runs(pl, -1, 0, {}).size() == pl.runs());  // no tasks: every run
}

TEST_CASE("sweep plan: runs the journal holds are not pending") {
  const SweepPlan pl = make_plan(write_spec("pending.toml", kSmall));
  const SweepRuns done = {{0, {}}, {4, {}}, {17, {}}};
  const auto all = pending_runs(pl, -1, 0, done);
  CHECK(all.size() == pl.runs() - 3);
  CHECK(all.front() == 1);
  CHECK(pending_runs(pl, 0, 2, done) == std::vector<std::size_t>{2, 6, 8, 10, 12, 14, 16});
}

TEST_CASE("sweep plan: a run is the scenario run alone with its values, seed and replicate key") {
  const SweepPlan pl = make_plan(write_spec("alone.toml", kSmall));
  const std::size_t run = 10;
  const auto v = compute_run(pl, run, 1, nullptr);
  REQUIRE(v.size() == pl.values_per_run);
  std::vector<std::string> sets = pl.spec.held;
  for (const auto& s : pl.points[pl.point_of(run)].sets) sets.push_back(s);
  sets.push_back("simulation.seed=" + std::to_string(pl.seed));
  sets.push_back("simulation.replicate=" + std::to_string(pl.key_of(run)));
  Simulation sim(load_scenario(kBaseline, sets), 2);  // any thread count gives the same results
  sim.run();
  const auto alone = kpi_values(sim.results());
  REQUIRE(alone.size() + 1 == v.size());  // the row ends with the run's wall seconds
  CHECK(std::memcmp(alone.data(), v.data(), alone.size() * sizeof(double)) == 0);
  CHECK(v.back() > 0);
  CHECK(v.back() < 60);
}

TEST_CASE("sweep plan: kept series follow the KPIs, days x products each") {
  const SweepPlan pl =
      make_plan(write_spec("series.toml", std::string("keep_series = [\"purchases\", \"aware\"]\n") + kSmall));
  CHECK(pl.values_per_run == pl.kpi_columns.size() + 2 * 6 * 3 + 1);
  CHECK(compute_run(pl, 0, 1, nullptr).size() == pl.values_per_run);
  CHECK_THROWS_WITH_AS(
      make_plan(write_spec("days.toml", "keep_series = [\"purchases\"]\n[parameters]\n\"simulation.days\" = [5, 6]\n")),
      doctest::Contains("cannot keep daily series"), InputError);
}

TEST_CASE("sweep plan: the layout a sweep file records") {
  const SweepPlan pl = make_plan(write_spec("layout.toml", kSmall));
  const SweepLayout l = sweep_layout(pl);
  CHECK(l.runs() == pl.runs());
  CHECK(l.values_per_run() == pl.values_per_run);
  CHECK(l.parameters == std::vector<std::string>{"product.Nova.price", "behavior.wom_rate"});
  REQUIRE(l.lists.size() == 1);  // the range has no levels
  CHECK(l.lists[0].key == "product.Nova.price");
  CHECK(l.held == std::vector<std::string>{"simulation.agents=400", "simulation.days=6"});
  REQUIRE(l.replicate_keys.size() == pl.runs());
  CHECK(l.replicate_keys[4] == pl.key_of(4));
  CHECK(l.spec_hash == pl.hash);
}

TEST_CASE("sweep plan: Morris and Sobol points carry their place in the design") {
  const std::string ranges =
      "[parameters]\n\"simulation.agents\" = 300\n\"simulation.days\" = 3\n"
      "\"product.Nova.price\" = { min = 120, max = 240 }\n\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }\n";
  const SweepPlan m = make_plan(write_spec("morris.toml", "design = \"morris\"\nsamples = 2\n" + ranges));
  REQUIRE(m.points.size() == 6);  // 2 trajectories x (2 + 1) points
  CHECK(m.points[0].trajectory == 0);
  CHECK(m.points[0].changed == -1);
  CHECK(m.points[4].step == 1);
  CHECK(m.points[0].block == -1);
  const SweepPlan s = make_plan(write_spec("sobol.toml", "design = \"sobol\"\nsamples = 4\n" + ranges));
  REQUIRE(s.points.size() == 16);  // 4 x (2 + 2)
  CHECK(s.points[0].block == 0);
  CHECK(s.points[15].block == 3);
  CHECK(s.points[15].row == 3);
}

TEST_CASE("sweep plan: what a sweep needs is computed before its points, in arithmetic that cannot wrap") {
  const SweepPlan pl = make_plan(write_spec("needs.toml", std::string("keep_series = [\"purchases\"]\n") + kSmall));
  const SweepNeeds n = sweep_needs(pl, pl.runs());
  CHECK(n.points == 6);
  CHECK(n.runs == 18);
  CHECK(pl.values_per_run == pl.kpi_columns.size() + 6 * 3 + 1);
  CHECK(n.results_bytes >= 18 * pl.values_per_run * 8);
  CHECK(n.journal_bytes >= 18 * pl.values_per_run * 4);  // at least " 0x1p+0" per value
  CHECK(n.file_bytes >= 18 * pl.values_per_run * 8);
  CHECK(sweep_needs(pl, 0).results_bytes < n.results_bytes);  // a process that keeps no runs
  CHECK_NOTHROW(check_sweep_memory(pl, n, true, 1000, 4));
  SweepNeeds huge = n;
  huge.plan_bytes = UINT64_MAX;
  CHECK_THROWS_WITH_AS(check_sweep_memory(pl, huge, false, 0, 0),
                       doctest::Contains("needs.toml: error: the sweep needs"), InputError);
  CHECK_THROWS_WITH_AS(
      check_sweep_disk(pl, huge = {0, 18, 0, 0, UINT64_MAX, 10}, (motsim::test::sweep_dir() / "out.h5").string(), true),
      doctest::Contains("out.h5: error: the sweep needs up to"), InputError);
}

TEST_CASE("sweep plan: a point that changes the kept days is refused up front") {
  CHECK_THROWS_WITH_AS(make_plan(write_spec("days.toml",
                                            "keep_series = [\"purchases\"]\n[parameters]\n\"simulation.agents\" = 300\n"
                                            "\"simulation.days\" = [3, 4]\n")),
                       doctest::Contains("daily series"), InputError);
}
