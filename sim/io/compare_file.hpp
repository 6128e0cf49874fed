#pragma once
// The compare file (format motsim-compare-1, layout in docs/hdf5-compare.md): its writer, its
// readers and its description for `motsim info`. Plain data in and out; HDF5 stays in the .cpp.
#include <cstdint>
#include <string>
#include <vector>

namespace motsim {

// /levers: for every variant, the keys in which its resolved scenario differs from the base's,
// one row each (L rows over all variants).
struct CompareLevers {
  std::vector<std::int64_t> scenario;           // [L] the variant's scenario index (1..S-1)
  std::vector<std::string> key, base, variant;  // [L] the --set key or entry, and the values as text
};

// /attribution (compare --attribute, one variant): Shapley values of the variant's levers for
// every KPI and product. N levers, J KPIs, K + 1 product columns.
struct CompareAttribution {
  std::vector<std::string> levers;  // [N]
  std::string method;               // "exact" or "sampled"
  long long permutations = 0;       // orders averaged over (N! when exact)
  long long coalitions = 0;         // sub-scenarios evaluated, the base and the variant included
  double max_error = 0;             // largest standard error over permutations / |total| (0 exact)
  double sum_residual = 0;          // largest |sum of Shapley values - total| / |total|
  std::vector<double> shapley, shapley_ci95, shapley_se, main_effect;  // [N, J, K + 1]
  std::vector<double> interaction, total;                              // [J, K + 1]
  std::vector<double> interaction_ci95, total_ci95;                    // [J, K + 1] over replicates
};

// S scenarios (the base first), R replicates, J KPIs, K products (K + 1 columns: the last is all
// products together), D days. Arrays are flat, row-major, in the file's axis order.
struct CompareFile {
  // Root attributes (besides the provenance every file has; -1 or "" when absent on reading).
  std::string format, motsim_version, created;
  long long replicates = 0, seed = 0, first_replicate = 0, days = 0;
  long long rng_streams = -1;  // the random streams' version of every run (sim/core/rng.hpp)
  std::vector<std::string> scenario_names, scenario_paths, scenario_tomls;  // [S]
  std::vector<std::int64_t> scenario_agents;                                // [S]
  std::vector<std::string> products;                                        // [K]
  std::vector<std::string> kpi_names, kpi_descriptions;                     // [J]
  std::vector<double> kpi_good;  // [J]: +1 higher is better, -1 lower, 0 neither (empty: a file without /kpis/good)
  std::size_t runs_per_scenario = 0;  // R: the second axis of `runs` (the replicates attribute when written)
  std::vector<double> runs;           // [S, R, J, K + 1]
  std::vector<double> mean, ci95;     // [S, J, K + 1]
  std::vector<double> diff_mean, diff_ci95, diff_relative, diff_significant;  // [S - 1, J, K + 1]
  std::size_t series_days = 0;              // D: the second axis of every series (the days attribute when written)
  std::vector<std::string> series_names;    // /series datasets, by name
  std::vector<std::vector<double>> series;  // [metric][S, D, K]
  bool has_stars = false;                   // /stars (files written before it existed have none)
  std::vector<double> displayed_stars, experience_stars;  // [S, K, 5]
  // /economics (files written before it existed have none): per variant and product column,
  // [S - 1, K + 1]; payback_day NaN when never paid back, roi NaN when the spend does not grow.
  bool has_economics = false;
  std::vector<double> incremental_profit, incremental_profit_ci95, incremental_spend, incremental_spend_ci95, roi,
      payback_day;
  std::vector<std::string> scenario_titles, scenario_questions;  // [S] ("" each when the file has none)
  bool has_levers = false;                                       // /levers (files written before it have none)
  CompareLevers levers;
  bool has_attribution = false;  // /attribution (compare --attribute)
  CompareAttribution attribution;
  std::string posterior;  // --posterior: the calibration file replicate r drew its parameters from ("": none)
};

// Writes the file atomically (beside the target, renamed when complete; see
// h5::write_atomically). The series are written in the order given.
void write_compare_file(const std::string& path, bool force, const std::string& command_line, const CompareFile& c);

// Every dataset a CSV export holds: the scenario, product and KPI names, /kpis/runs, the
// summaries, the differences, /series, /stars, /levers and /attribution when present (not the
// attributes or the scenario texts).
// Throws InputError when the file cannot be opened, h5::Error (sim/io/h5util.hpp) naming the
// part that is missing or has an unexpected shape.
CompareFile read_compare_file(const std::string& path);
// What `motsim info` shows: the attributes, the names, /kpis/mean and /kpis/ci95. Throws as
// read_compare_file.
CompareFile read_compare_summary(const std::string& path);

// A human-readable summary (for `motsim info`): provenance, and per scenario the mean and 95%
// interval of the main KPIs over all products. Throws InputError when it cannot be read.
std::string describe_compare_file(const std::string& path);

}  // namespace motsim
