#pragma once
// What is kept of a run beyond its own file: the KPIs a strategist compares, per product and
// for the whole category, the daily series compare keeps, and the star histograms. The one
// list that run (`motsim info`), compare, sweep and their files use.
#include <string>
#include <vector>

namespace motsim {

struct Results;

// The KPIs compared, in order, which of them add up over products ("all" column), and which
// way is good: +1 higher is better, -1 lower is better, 0 neither (a cost that grows with
// sales or buys something, a share of spend): what the report colours a difference by.
struct CompareKpi {
  const char* name;
  const char* description;
  bool additive;
  int good;
};
const std::vector<CompareKpi>& compare_kpis();

// The daily series compare keeps for each scenario (mean over replicates), in file order.
// Any name of daily_series_names() can be kept (a sweep's keep_series).
const std::vector<std::string>& compare_series();

// The compared KPIs of one run, [kpi * (K + 1) + product], the last product column being all
// products together (sums for additive KPIs, NPS over every experience, NaN otherwise).
std::vector<double> kpi_values(const Results& r);

// [kpi][product + 1]: the compared KPIs per product, the last column all products together.
std::vector<std::vector<double>> kpi_rows(const Results& r);

// Column names of kpi_values for these products: "KPI.PRODUCT", then "KPI.all", per KPI.
std::vector<std::string> kpi_columns(const std::vector<std::string>& products);

// What compare keeps of one run.
struct KeptRun {
  std::vector<std::vector<double>> kpis;    // kpi_rows: [kpi][product + 1]
  std::vector<std::vector<double>> series;  // [series][day * K + product], the days run
  // [product * 5 + star - 1]: reviews displayed at the end, and every experience of the run
  std::vector<double> displayed_stars, experience_stars;
};
KeptRun keep_run(const Results& r, const std::vector<std::string>& series = compare_series());

// A sweep's row for one run: kpi_values, then each series over `days` days (NaN for days not
// run, when interrupted), [days * K] each.
std::vector<double> kept_values(const Results& r, const std::vector<std::string>& series, int days);

}  // namespace motsim
