#pragma once
// What a run produces: daily series per product, the review table, and the KPIs derived
// from them. Filled by the engine, written by h5io, printed by the CLI.
#include <cstdint>
#include <string>
#include <vector>

#include "models/market.hpp"
#include "models/metrics.hpp"
#include "sim/engine/economics.hpp"

namespace motsim {

struct Results {
  int days = 0;
  int K = 0;
  std::uint32_t agents = 0;
  std::vector<std::string> products;
  std::vector<double> prices;
  std::vector<std::int64_t> counts;    // [count][day][k]
  std::vector<double> sums;            // [sum][day][k]
  std::vector<std::int64_t> aware;     // [day][k], agents aware at the end of the day
  std::vector<std::int64_t> adopters;  // [day][k], distinct buyers so far
  std::vector<double> rating_mean;     // [day][k], displayed at the end of the day
  std::vector<std::int64_t> rating_count;
  std::vector<std::int64_t> rating_hist;       // [day][k][5], displayed histogram
  std::vector<std::int64_t> experience_stars;  // [day][k][5], stars of every experience (no self-selection, no herding)
  std::vector<ReviewRecord> reviews;
  // Money: the scenario's costs and each campaign's exposures, [day][campaign].
  CostModel costs;
  std::vector<std::int64_t> campaign_exposures;
  // Timing (not part of the results proper)
  std::vector<std::string> stage_names;
  std::vector<double> stage_seconds;
  double setup_seconds = 0, network_seconds = 0, run_seconds = 0;
  int days_done = 0;

  void init(int d, int k, std::uint32_t n);
  std::int64_t count(Count c, int day, int k) const {
    return counts[(static_cast<std::size_t>(c) * days + day) * K + k];
  }
  std::int64_t& count(Count c, int day, int k) { return counts[(static_cast<std::size_t>(c) * days + day) * K + k]; }
  double& sum(Sum s, int day, int k) { return sums[(static_cast<std::size_t>(s) * days + day) * K + k]; }
  double sum(Sum s, int day, int k) const { return sums[(static_cast<std::size_t>(s) * days + day) * K + k]; }
  std::int64_t total(Count c, int k) const;
};

// Key performance indicators over the whole run, per product.
struct Kpis {
  std::vector<std::string> names;           // KPI names, in column order
  std::vector<std::vector<double>> values;  // [kpi][product]
  std::vector<std::string> descriptions;
};
Kpis compute_kpis(const Results& r);

// A daily series by name, [days_done * K]: any count (kCountNames), or aware, adopters,
// rating_mean, rating_count, revenue (purchases x price), or an economic series
// (economic_series_names()). The names: daily_series_names().
std::vector<double> daily_series(const Results& r, const std::string& name);
std::vector<std::string> daily_series_names();
std::string format_kpi_table(const Results& r, const Kpis& k);

}  // namespace motsim
