#pragma once
// The KPIs a strategist compares, per product and for the whole category: the one list that
// compare, sweep and their files use.
#include <string>
#include <vector>

namespace motsim {

struct Results;

// The KPIs compared, in order, and which of them add up over products ("all" column).
struct CompareKpi {
  const char* name;
  const char* description;
  bool additive;
};
const std::vector<CompareKpi>& compare_kpis();

// The compared KPIs of one run, [kpi * (K + 1) + product], the last product column being all
// products together (sums for additive KPIs, NPS over every experience, NaN otherwise).
std::vector<double> kpi_values(const Results& r);

// [kpi][product + 1]: the compared KPIs per product, the last column all products together.
std::vector<std::vector<double>> kpi_rows(const Results& r);

}  // namespace motsim
