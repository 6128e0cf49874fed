#include "sim/engine/kpis.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/engine/results.hpp"

namespace motsim {

const std::vector<CompareKpi>& compare_kpis() {
  static const std::vector<CompareKpi> k = {
      {"units", "units sold", true, +1},
      {"revenue", "revenue before refunds (currency)", true, +1},
      {"net_revenue", "revenue after refunds (currency)", true, +1},
      {"market_share", "share of units sold in the category", false, +1},
      {"refunds", "products returned", true, -1},
      {"lost_customers", "customers who lost the brand forever", true, -1},
      {"rating", "displayed mean rating at the end (stars)", false, +1},
      {"reviews", "reviews posted", true, +1},
      {"nps", "net promoter score over the run (all: over every experience)", false, +1},
      {"awareness", "share of consumers aware at the end", false, +1},
      {"cost_of_goods", "units sold x unit cost (currency)", true, 0},
      {"marketing_spend", "campaign spend and content marketing (currency)", true, 0},
      {"service_cost", "reshipments, service contacts and recoveries (currency)", true, -1},
      {"community_cost", "answers to negative reviews (currency)", true, 0},
      {"refund_cost", "refunds + return handling - salvage value (currency)", true, -1},
      {"fixed_cost", "fixed costs (currency)", true, 0},
      {"contribution_margin", "revenue - refund cost - cost of goods - service - community (currency)", true, +1},
      {"profit", "contribution margin - marketing spend - fixed costs (currency)", true, +1},
      {"profit_pv", "profit discounted to day 0 (currency)", true, +1},
      {"spend", "discretionary spend: marketing, community, fixed costs, quality and accessory unit cost (currency)",
       true, 0},
      {"lost_customer_value", "margin the lost customers would have brought over the lifetime horizon (currency)", true,
       -1},
  };
  return k;
}

const std::vector<std::string>& compare_series() {
  static const std::vector<std::string> s = {"purchases", "aware",       "researchers", "considered",  "satisfied",
                                             "reviews",   "experiences", "refunds",     "rating_mean", "profit"};
  return s;
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

std::vector<std::string> kpi_columns(const std::vector<std::string>& products) {
  std::vector<std::string> c;
  for (const auto& k : compare_kpis()) {
    for (const auto& p : products) c.push_back(std::string(k.name) + "." + p);
    c.push_back(std::string(k.name) + ".all");
  }
  return c;
}

KeptRun keep_run(const Results& r, const std::vector<std::string>& series) {
  const std::size_t K5 = static_cast<std::size_t>(r.K) * 5;
  KeptRun o;
  o.kpis = kpi_rows(r);
  o.displayed_stars.assign(K5, 0.0);
  o.experience_stars.assign(K5, 0.0);
  if (r.days_done > 0 && r.rating_hist.size() >= static_cast<std::size_t>(r.days_done) * K5)
    for (std::size_t i = 0; i < K5; ++i)
      o.displayed_stars[i] = static_cast<double>(r.rating_hist[static_cast<std::size_t>(r.days_done - 1) * K5 + i]);
  for (std::size_t i = 0; i < r.experience_stars.size() && i < static_cast<std::size_t>(r.days_done) * K5; ++i)
    o.experience_stars[i % K5] += static_cast<double>(r.experience_stars[i]);
  for (const auto& name : series) o.series.push_back(daily_series(r, name));
  return o;
}

std::vector<double> kept_values(const Results& r, const std::vector<std::string>& series, int days) {
  std::vector<double> v = kpi_values(r);
  for (const auto& name : series) {
    const auto s = daily_series(r, name);  // [days_done * K]
    v.insert(v.end(), s.begin(), s.end());
    v.resize(v.size() + (static_cast<std::size_t>(days) * r.K - s.size()), NAN);
  }
  return v;
}

}  // namespace motsim
