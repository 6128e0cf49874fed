// Statistics of `motsim compare` (sim/experiment/compare.cpp, sim/experiment/stats.cpp): paired differences under
// common random numbers and significance; a whole comparison written and read back. (The KPI columns of one run:
// tests/unit/engine/test_kpis.cpp.)
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "helpers.hpp"
#include "scratch.hpp"
#include "sim/core/files.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/experiment/compare.hpp"
#include "sim/io/compare_file.hpp"

using namespace motsim;

TEST_CASE("compare: paired difference of identical samples is exactly zero and not significant") {
  const std::vector<double> b = {1013, 987, 1050, 1002, 995};
  const auto p = paired_difference(b, b);
  CHECK(p.diff.mean == 0);
  CHECK(p.diff.half == 0);
  CHECK(p.diff.n == 5);
  CHECK_FALSE(p.significant);
}

TEST_CASE("compare: a constant shift is significant even with noisy levels (pairing removes the noise)") {
  const std::vector<double> b = {100, 300, 150, 250, 200};
  std::vector<double> v = b;
  for (double& x : v) x += 5;
  const auto p = paired_difference(b, v);
  CHECK(p.diff.mean == doctest::Approx(5));
  CHECK(p.diff.half == doctest::Approx(0));
  CHECK(p.significant);
  // Unpaired, the same shift is lost in the spread of the levels.
  const auto mb = mean_ci(b), mv = mean_ci(v);
  CHECK(mv.mean - mb.mean == doctest::Approx(5));
  CHECK(mb.half > 5);
}

TEST_CASE("compare: paired difference interval by hand (Student t with 4 degrees of freedom)") {
  const std::vector<double> b = {10, 10, 10, 10, 10};
  const std::vector<double> v = {11, 12, 13, 14, 15};  // differences 1..5: mean 3, sd sqrt(2.5)
  const auto p = paired_difference(b, v);
  CHECK(p.diff.mean == doctest::Approx(3));
  CHECK(p.diff.half == doctest::Approx(2.7764 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-4));
  CHECK(p.significant);  // 3 - 1.963 > 0
  // Differences straddling zero: not significant, whatever the sign of the mean.
  const auto q = paired_difference(b, {12, 8, 11, 9, 10.5});
  CHECK(q.diff.mean == doctest::Approx(0.1));
  CHECK(q.diff.half > std::abs(q.diff.mean));
  CHECK_FALSE(q.significant);
  const auto neg = paired_difference(v, b);
  CHECK(neg.diff.mean == doctest::Approx(-3));
  CHECK(neg.significant);
}

TEST_CASE("compare: pairs with a NaN are skipped and one pair is never significant and sizes must match") {
  const auto p = paired_difference({1, NAN, 3, 4}, {2, 5, NAN, 5});
  CHECK(p.diff.n == 2);
  CHECK(p.diff.mean == doctest::Approx(1));
  CHECK_FALSE(paired_difference({1}, {2}).significant);
  CHECK(std::isnan(paired_difference({NAN, NAN}, {1, 2}).diff.mean));
  CHECK_FALSE(paired_difference({NAN, NAN}, {1, 2}).significant);
  CHECK_THROWS(paired_difference({1, 2}, {1}));
}

namespace {
// A base scenario file and a variant of it (B's price cut) in the scratch directory.
std::vector<std::string> scenario_files(const std::string& variant_extra = "[[product]]\nname = \"B\"\nprice = 60\n") {
  const std::string base = test::scratch("cmp_base.toml"), variant = test::scratch("cmp_variant.toml");
  std::ofstream(base) << "[simulation]\nagents = 1500\ndays = 30\nseed = 7\n" << test::kTwoProducts;
  std::ofstream(variant) << "extends = \"cmp_base.toml\"\n" << variant_extra;
  return {base, variant};
}

CompareOptions quiet_options(std::vector<std::string> scenarios, const std::string& out) {
  CompareOptions o;
  o.scenarios = std::move(scenarios);
  o.replicates = 3;
  o.threads = 2;
  o.out = test::scratch(out);
  o.force = true;
  o.quiet = true;
  return o;
}
}  // namespace

TEST_CASE("compare: a whole comparison, written and read back") {
  const auto files = scenario_files();
  const CompareOptions o = quiet_options(files, "cmp.h5");
  REQUIRE(run_compare(o, "motsim compare") == 0);
  const CompareFile c = read_compare_file(o.out);
  const std::size_t J = compare_kpis().size();
  CHECK(c.scenario_names == std::vector<std::string>{"cmp_base", "cmp_variant"});
  CHECK(c.products == std::vector<std::string>{"A", "B"});
  CHECK(c.runs_per_scenario == 3);
  CHECK(c.runs.size() == 2 * 3 * J * 3);
  CHECK(c.series_days == 30);
  CHECK(c.series_names.size() == compare_series().size());  // sorted by name in the file
  // The base's mean is the mean of its replicates; the difference is the paired one.
  const auto run = [&](std::size_t s, std::size_t r, std::size_t j, std::size_t k) {
    return c.runs[((s * 3 + r) * J + j) * 3 + k];
  };
  std::vector<double> b, v;
  for (std::size_t r = 0; r < 3; ++r) {
    b.push_back(run(0, r, 0, 2));  // units, all products
    v.push_back(run(1, r, 0, 2));
  }
  CHECK(c.mean[2] == doctest::Approx(mean_ci(b).mean));
  CHECK(c.diff_mean[2] == doctest::Approx(paired_difference(b, v).diff.mean));
  CHECK(c.diff_significant[2] == (paired_difference(b, v).significant ? 1 : 0));
}

TEST_CASE("compare: a scenario against an identical copy differs by exactly nothing") {
  const auto files = scenario_files("");
  const CompareOptions o = quiet_options(files, "cmp_same.h5");
  REQUIRE(run_compare(o, "motsim compare") == 0);
  const CompareFile c = read_compare_file(o.out);
  for (std::size_t i = 0; i < c.diff_mean.size(); ++i) {
    CHECK((c.diff_mean[i] == 0 || std::isnan(c.diff_mean[i])));
    CHECK(c.diff_significant[i] == 0);
  }
}

TEST_CASE("compare: refusals before any run") {
  const auto files = scenario_files("[simulation]\ndays = 20\n");
  CHECK_THROWS_WITH_AS(run_compare(quiet_options({files[0]}, "x.h5"), ""),
                       doctest::Contains("give a base scenario and at least one variant"), InputError);
  CompareOptions one = quiet_options(files, "x.h5");
  one.replicates = 1;
  CHECK_THROWS_WITH_AS(run_compare(one, ""), doctest::Contains("--replicates 1 is out of range"), InputError);
  CHECK_FALSE(path_exists(test::scratch("x.h5")));
}

TEST_CASE("compare: scenarios with different horizons all run over the longest, unless --days chooses") {
  // The variant is the base with a longer horizon: over the same days they are identical.
  const auto files = scenario_files("[simulation]\ndays = 45\n");
  CompareOptions o = quiet_options(files, "cmp_days.h5");
  REQUIRE(run_compare(o, "motsim compare") == 0);
  CompareFile c = read_compare_file(o.out);
  CHECK(c.series_days == 45);
  for (std::size_t i = 0; i < c.diff_mean.size(); ++i) CHECK((c.diff_mean[i] == 0 || std::isnan(c.diff_mean[i])));
  CHECK(c.levers.key.empty());  // the horizon is no lever once aligned
  o.sets = {"simulation.days=12"};
  REQUIRE(run_compare(o, "motsim compare") == 0);
  CHECK(read_compare_file(o.out).series_days == 12);
}

TEST_CASE("compare: with a run cache the second comparison takes its runs from it and writes the same numbers") {
  const auto files = scenario_files();
  RunCache cache;
  RunHooks hooks;
  hooks.cache = &cache;
  int reported = 0;
  hooks.progress = [&](int done, int total) {
    CHECK(total == 6);
    reported = done;
  };
  REQUIRE(run_compare(quiet_options(files, "cmp_cache1.h5"), "motsim compare", hooks) == 0);
  CHECK(reported == 6);
  CHECK(cache.hits() == 0);
  REQUIRE(run_compare(quiet_options(files, "cmp_cache2.h5"), "motsim compare", hooks) == 0);
  CHECK(cache.hits() == 6);
  REQUIRE(run_compare(quiet_options(files, "cmp_plain.h5"), "motsim compare") == 0);
  const CompareFile a = read_compare_file(test::scratch("cmp_cache2.h5"));
  const CompareFile b = read_compare_file(test::scratch("cmp_plain.h5"));
  const auto same = [](const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
    return true;
  };
  CHECK(same(a.runs, b.runs));
  REQUIRE(a.series.size() == b.series.size());
  for (std::size_t m = 0; m < a.series.size(); ++m) CHECK(same(a.series[m], b.series[m]));
}

TEST_CASE("compare: a caller's stop flag ends it without a file") {
  const auto files = scenario_files();
  std::atomic<bool> stop{false};
  RunHooks hooks;
  hooks.stop = &stop;
  hooks.progress = [&](int, int) { stop = true; };  // after the first run
  CHECK(run_compare(quiet_options(files, "cmp_stopped.h5"), "motsim compare", hooks) == kExitInterrupted);
  CHECK_FALSE(path_exists(test::scratch("cmp_stopped.h5")));
}
