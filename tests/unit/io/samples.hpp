#pragma once
// Small run and compare files for the io tests.
#include <numeric>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "scratch.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/io/run_file.hpp"

namespace motsim::test {

// Runs the two-product scenario (small) and writes its run file to `name`.
inline std::string write_small_run(const std::string& name, Results& r, bool save_agents = false) {
  const Scenario sc = scenario(kTwoProducts, 2000, 30);
  Simulation sim(sc, 2);
  sim.run();
  r = sim.results();
  const std::string path = scratch(name);
  write_run_file(path, true, r, compute_kpis(r),
                 RunInfo{scenario_to_toml(sc), "test.toml", "motsim run test.toml", sc.title, sc.question},
                 &sim.world(), save_agents);
  return path;
}

inline std::vector<double> counting(std::size_t n, double from) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

// Two scenarios x 3 replicates, one product (two columns with "all"), 4 days, 2 series.
inline CompareFile small_compare(bool stars = true) {
  CompareFile c;
  c.replicates = 3;
  c.seed = 11;
  c.first_replicate = 2;
  c.days = 4;
  c.scenario_names = {"base", "variant"};
  c.scenario_paths = {"a/base.toml", "b/variant.toml"};
  c.scenario_tomls = {"[simulation]\n", "[simulation]\n"};
  c.scenario_agents = {100, 200};
  c.products = {"Nova"};
  for (const auto& k : compare_kpis()) {
    c.kpi_names.push_back(k.name);
    c.kpi_descriptions.push_back(k.description);
  }
  const std::size_t J = c.kpi_names.size();
  c.runs_per_scenario = 3;
  c.runs = counting(2 * 3 * J * 2, 0.5);
  c.mean = counting(2 * J * 2, 1000);
  c.ci95 = counting(2 * J * 2, 10);
  c.diff_mean = counting(J * 2, -3);
  c.diff_ci95 = counting(J * 2, 1);
  c.diff_relative = counting(J * 2, 0.25);
  c.diff_relative[1] = NAN;
  c.diff_significant.assign(J * 2, 0);
  c.diff_significant[3] = 1;
  c.series_days = 4;
  c.series_names = {"aware", "purchases"};
  c.series = {counting(2 * 4, 0), counting(2 * 4, 100)};
  c.has_stars = stars;
  if (stars) {
    c.displayed_stars = counting(2 * 5, 1);
    c.experience_stars = counting(2 * 5, 7);
  }
  return c;
}

}  // namespace motsim::test
