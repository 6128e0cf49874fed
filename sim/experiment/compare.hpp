#pragma once
// `motsim compare`: a base scenario and variants, each run R times with common random
// numbers (replicate r uses the same random key in every scenario), KPIs with 95% confidence
// intervals and paired differences from the base, the keys each variant changes, and with
// --attribute each lever's share of the difference (sim/experiment/attribution.hpp). Layout of the file:
// docs/hdf5-compare.md.
#include <string>
#include <vector>

#include "sim/engine/kpis.hpp"
#include "sim/experiment/run_hooks.hpp"
#include "sim/experiment/shapley.hpp"
#include "sim/experiment/stats.hpp"

namespace motsim {

struct CompareOptions {
  std::vector<std::string> scenarios;  // base first, then the variants
  std::vector<std::string> sets;       // --set overrides applied to every scenario
  int replicates = 5;
  int threads = 0;
  std::string out;
  bool force = false;
  bool quiet = false;
  // --attribute: Shapley values of the one variant's levers (docs/hdf5-compare.md, /attribution);
  // permutations sampled above kMaxExactPlayers levers.
  bool attribute = false;
  int attribute_samples = kDefaultPermutations;
  // --posterior: a calibration file; replicate r of every scenario runs with posterior draw r
  // (docs/calibration.md), so the intervals include the parameters' uncertainty.
  std::string posterior;
};

// Paired difference of a variant from the base over the same replicates (replicate r of both
// ran with the same random key): mean and 95% Student-t interval of variant[r] - base[r]
// (pairs with a NaN are skipped), and whether it is significant at 5%: the interval excludes 0
// (a difference of exactly 0 in every pair is never significant).
struct PairedDiff {
  MeanCi diff;
  bool significant = false;
};
PairedDiff paired_difference(const std::vector<double>& base, const std::vector<double>& variant);

// Runs the comparison, prints the tables (unless quiet) and writes the file. Returns the exit
// code (0, or 130 when interrupted or stopped by hooks.stop). Throws InputError on bad input.
int run_compare(const CompareOptions& opt, const std::string& command_line, const RunHooks& hooks = {});

}  // namespace motsim
