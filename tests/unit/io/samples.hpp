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

// small_compare with titles, /levers (two keys of the variant) and /attribution (two levers).
inline CompareFile small_compare_attributed() {
  CompareFile c = small_compare();
  c.scenario_titles = {"Base case", ""};
  c.scenario_questions = {"", "Does the claim, pay?"};
  c.has_levers = true;
  c.levers.scenario = {1, 1};
  c.levers.key = {"product.Nova.claim", "campaign.0"};
  c.levers.base = {"8", "(none)"};
  c.levers.variant = {"9.5", "{ product = 'Nova', daily_reach = 0.03 }"};
  c.has_attribution = true;
  CompareAttribution& a = c.attribution;
  a.levers = {"product.Nova.claim", "campaign.0 (added)"};
  a.method = "exact";
  a.permutations = 2;
  a.coalitions = 4;
  a.max_error = 0;
  a.sum_residual = 1e-16;
  const std::size_t J = c.kpi_names.size();
  a.shapley = counting(2 * J * 2, 1);
  a.shapley_ci95 = counting(2 * J * 2, 0.5);
  a.shapley_se.assign(2 * J * 2, 0);
  a.main_effect = counting(2 * J * 2, 2);
  a.total = counting(J * 2, 10);
  a.interaction = counting(J * 2, -1);
  a.total_ci95 = counting(J * 2, 3);
  a.interaction_ci95 = counting(J * 2, 4);
  return c;
}

}  // namespace motsim::test
