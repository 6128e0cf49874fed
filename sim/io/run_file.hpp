#pragma once
// The run file (format motsim-run-1, layout in docs/hdf5-schema.md): its writer, its readers
// and its description for `motsim info`. Only the sim/io .cpp files include HDF5 headers.
#include <string>
#include <vector>

#include "models/world.hpp"
#include "sim/engine/results.hpp"

namespace motsim {

struct RunInfo {
  std::string scenario_toml;  // fully resolved scenario
  std::string scenario_path;
  std::string command_line;
  std::string title, question;  // the scenario's free text ("" when it has none)
};

// Writes the results atomically: to a temporary file beside the target, renamed into place
// only when complete. On failure the temporary file is removed and the target untouched.
// `world` gives the seed; with `save_agents`, /agents holds the final state of every agent.
void write_run_file(const std::string& path, bool force, const Results& r, const Kpis& k, const RunInfo& info,
                    const World* world, bool save_agents);

// One dataset of /timeseries as read: [D, K] values, or [D, K, 5] (bins = 5) for the star
// histograms.
struct RunSeries {
  std::string name;
  std::size_t bins = 0;  // 0 for a [D, K] series
  std::vector<double> values;
};

// The /reviews table by column, as numbers (a damaged file may hold any value).
struct ReviewColumns {
  std::vector<double> day, agent, product, stars, answered;
};

// /campaigns as read back (empty when the scenario had none). exposures and spend are [D, C],
// row-major; channel is empty in files written before /campaigns/channel existed.
struct CampaignColumns {
  std::vector<double> product;
  std::vector<std::string> channel;
  std::vector<double> exposures, spend;
};

// A run file as read back. Each reader fills the parts it names.
struct RunFile {
  // Root attributes ("" or -1 when absent).
  std::string format, motsim_version, created, scenario_path, title, question;
  long long seed = -1, replicate = -1, agents = -1, days = -1;
  std::vector<std::string> products;
  std::vector<double> day;             // /timeseries/day
  std::vector<RunSeries> timeseries;   // every other /timeseries dataset, by name
  std::vector<std::string> kpi_names;  // /kpis datasets, each [K]
  std::vector<std::vector<double>> kpi_values;
  ReviewColumns reviews;
  CampaignColumns campaigns;
};

// Every dataset a CSV export holds: products, /timeseries, every KPI, /reviews and /campaigns (not the
// attributes or /agents). Throws InputError when the file cannot be opened, h5::Error
// (sim/io/h5util.hpp) naming the part that is missing or has an unexpected shape.
RunFile read_run_file(const std::string& path);
// What `motsim info` shows: the root attributes, the products and the compared KPIs
// (compare_kpis()). Throws as read_run_file.
RunFile read_run_summary(const std::string& path);

// A human-readable summary of a run file (for `motsim info`): provenance, scenario, seed and
// the compared KPIs per product. Throws InputError when it cannot be read.
std::string describe_run_file(const std::string& path);

}  // namespace motsim
