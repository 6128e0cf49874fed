#pragma once
// `motsim compare BASE VARIANT --attribute`: how much of the variant's difference from the base
// each of its levers brings, as Shapley values. The sub-scenarios (the base with a subset of the
// variant's levers) run with common random numbers: replicate r uses the same random key in
// every one, as in the comparison. Shapley values per replicate, then Student-t intervals over
// replicates, like the other differences. Layout of /attribution: docs/hdf5-compare.md.
#include <cstdint>
#include <string>
#include <vector>

#include "models/params.hpp"
#include "sim/experiment/run_hooks.hpp"
#include "sim/experiment/shapley.hpp"
#include "sim/input/scenario_diff.hpp"
#include "sim/io/compare_file.hpp"

namespace motsim {

// [replicate][kpi][product + 1]: the compared KPIs of every replicate of one scenario.
using KpiRuns = std::vector<std::vector<std::vector<double>>>;

// The levers, the coalitions to run and their scenarios, prepared before any run so that a bad
// combination stops the command at once.
struct AttributionSetup {
  std::vector<KeyChange> changes;
  std::vector<Lever> levers;
  ShapleyPlan plan;
  std::vector<Scenario> scenarios;  // [c]: the base with the levers of plan.coalitions[c]
  Scenario base, variant;
};

// Throws InputError when the variant changes no key, has more than kMaxPlayers levers, a
// combination of levers is not a valid scenario, or the levers do not rebuild the variant.
// `sets` are the overrides given for every scenario; `samples` the permutations to sample above
// kMaxExactPlayers levers.
AttributionSetup prepare_attribution(const std::string& base_path, const std::vector<std::string>& sets,
                                     const Scenario& base, const Scenario& variant, int samples);

// Sub-scenario runs: replicate r of coalition c, [c][r][kpi][product + 1].
struct AttributionRuns {
  std::vector<KpiRuns> kpis;
  int done = 0, total = 0;  // runs made and to make (the base and the variant are the comparison's)
};

// Runs every coalition but the empty one and the full one (their runs are the comparison's:
// `base` and `variant`) for R replicates, until done or stopped (a signal, or hooks.stop);
// hooks.progress counts the comparison's 2 R runs before these.
AttributionRuns run_coalitions(const AttributionSetup& a, const KpiRuns& base, const KpiRuns& variant, int threads,
                               bool quiet, const RunHooks& hooks = {});

// The Shapley values, intervals, main effects, interaction and total, for the file.
CompareAttribution attribute(const AttributionSetup& a, const AttributionRuns& runs);

// The levers, then per focus product (those the levers name) and all products: each lever's
// Shapley value with its interval for units, net revenue and profit (the ones the KPIs have),
// the total, the one-at-a-time sum, the interaction and the efficiency check.
void print_attribution(const AttributionSetup& a, const CompareAttribution& c, const std::vector<std::string>& names,
                       int replicates);

}  // namespace motsim
