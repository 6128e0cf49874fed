#include "sim/engine/kpis.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/engine/results.hpp"

namespace motsim {

const std::vector<CompareKpi>& compare_kpis() {
  static const std::vector<CompareKpi> k = {
      {"units", "units sold", true},
      {"revenue", "revenue before refunds (currency)", true},
      {"net_revenue", "revenue after refunds (currency)", true},
      {"market_share", "share of units sold in the category", false},
      {"refunds", "products returned", true},
      {"lost_customers", "customers who lost the brand forever", true},
      {"rating", "displayed mean rating at the end (stars)", false},
      {"reviews", "reviews posted", true},
      {"nps", "net promoter score over the run (all: over every experience)", false},
      {"awareness", "share of consumers aware at the end", false},
  };
  return k;
}

// [kpi][product + 1]: the compared KPIs per product, the last column all products together.
std::vector<std::vector<double>> kpi_rows(const Results& r) {
  const Kpis all = compute_kpis(r);
  const auto& list = compare_kpis();
  const int K = r.K;
  std::vector<std::vector<double>> rows;
  for (const auto& ck : list) {
    std::vector<double> row(K + 1, NAN);
    const auto it = std::find(all.names.begin(), all.names.end(), ck.name);
    const auto& v = all.values[static_cast<std::size_t>(it - all.names.begin())];
    double sum = 0;
    for (int k = 0; k < K; ++k) {
      row[k] = v[k];
      sum += v[k];
    }
    if (ck.additive) row[K] = sum;
    rows.push_back(row);
  }
  // NPS over every experience of the category.
  double ex = 0, pro = 0, det = 0;
  for (int k = 0; k < K; ++k) {
    ex += static_cast<double>(r.total(kExperiences, k));
    pro += static_cast<double>(r.total(kPromoters, k));
    det += static_cast<double>(r.total(kDetractors, k));
  }
  for (std::size_t j = 0; j < list.size(); ++j)
    if (std::string(list[j].name) == "nps") rows[j][K] = ex > 0 ? 100.0 * (pro - det) / ex : NAN;
  return rows;
}

std::vector<double> kpi_values(const Results& r) {
  std::vector<double> v;
  for (const auto& row : kpi_rows(r)) v.insert(v.end(), row.begin(), row.end());
  return v;
}

}  // namespace motsim
