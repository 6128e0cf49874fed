#include "sim/engine/economics.hpp"

#include <cmath>

#include "sim/engine/results.hpp"

namespace motsim {

CostModel cost_model(const Scenario& sc) {
  CostModel m;
  for (const auto& p : sc.products) {
    CostModel::ProductCosts c;
    c.price = p.price;
    c.discretionary_unit = p.unit_cost_per_quality * p.quality + p.accessory_cost;
    c.unit_cost = p.unit_cost + c.discretionary_unit;
    c.fixed_per_day = p.fixed_cost_per_day;
    c.content_per_day = p.content_cost_per_day;
    c.reship = p.reship_cost;
    c.contact = p.service_contact_cost;
    c.recovery = p.recovery_cost;
    c.answer = p.review_answer_cost;
    c.return_handling = p.return_handling_cost;
    c.salvage = p.return_salvage_value;
    m.products.push_back(c);
  }
  for (const auto& cp : sc.campaigns)
    m.campaigns.push_back(
        {cp.product_index, cp.start_day, cp.end_day, cp.cost_per_exposure, cp.daily_budget, cp.channel});
  m.discount_rate = sc.economics.discount_rate;
  m.lifetime_days = sc.economics.customer_lifetime_days;
  return m;
}

double campaign_spend(const CostModel::CampaignCosts& c, std::int64_t day, std::int64_t exposures) {
  if (day < c.start_day || day >= c.end_day) return 0.0;
  return c.daily_budget > 0 ? c.daily_budget : c.cost_per_exposure * static_cast<double>(exposures);
}

double discount_factor(double annual_rate, double day) {
  return annual_rate > 0 ? std::pow(1.0 + annual_rate, -day / 365.0) : 1.0;
}

double discounted_days(double annual_rate, double days) {
  if (days <= 0) return 0.0;
  if (annual_rate <= 0) return days;
  const double v = discount_factor(annual_rate, 1.0);  // one day's factor
  return v * (1.0 - std::pow(v, days)) / (1.0 - v);
}

const std::vector<std::string>& economic_series_names() {
  static const std::vector<std::string> n = {"cost_of_goods",       "marketing_spend", "service_cost",
                                             "community_cost",      "refund_cost",     "fixed_cost",
                                             "contribution_margin", "profit",          "profit_pv"};
  return n;
}

const std::vector<double>* EconomicSeries::named(const std::string& name) const {
  const std::vector<double>* s[] = {&cost_of_goods, &marketing_spend,     &service_cost, &community_cost, &refund_cost,
                                    &fixed_cost,    &contribution_margin, &profit,       &profit_pv};
  const auto& names = economic_series_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return s[i];
  return nullptr;
}

namespace {

// The costs of product k: the scenario's, or none (a Results filled by hand has no cost model).
CostModel::ProductCosts costs_of(const Results& r, int k) {
  if (static_cast<std::size_t>(k) < r.costs.products.size()) return r.costs.products[k];
  CostModel::ProductCosts c;
  c.price = r.prices[k];
  return c;
}

// Campaign spend per day and product, [days_done * K].
std::vector<double> campaign_spend_series(const Results& r) {
  const std::size_t K = static_cast<std::size_t>(r.K), C = r.costs.campaigns.size();
  std::vector<double> s(static_cast<std::size_t>(r.days_done) * K, 0.0);
  const bool counted = r.campaign_exposures.size() >= static_cast<std::size_t>(r.days_done) * C;
  for (int d = 0; d < r.days_done; ++d)
    for (std::size_t c = 0; c < C; ++c) {
      const auto& cc = r.costs.campaigns[c];
      const std::int64_t ex = counted ? r.campaign_exposures[static_cast<std::size_t>(d) * C + c] : 0;
      s[static_cast<std::size_t>(d) * K + static_cast<std::size_t>(cc.product)] += campaign_spend(cc, d, ex);
    }
  return s;
}

// One day and product: every series from the day's counts.
void fill_day(EconomicSeries& e, const Results& r, int d, int k, double campaigns) {
  const CostModel::ProductCosts c = costs_of(r, k);
  const std::size_t i = static_cast<std::size_t>(d) * r.K + k;
  const auto n = [&](Count what) { return static_cast<double>(r.count(what, d, k)); };
  const double units = n(kPurchases), returns = n(kRefunds);
  e.revenue[i] = units * c.price;
  e.refunded[i] = returns * c.price;
  e.cost_of_goods[i] = units * c.unit_cost;
  e.marketing_spend[i] = campaigns + c.content_per_day;
  e.service_cost[i] = n(kDeliveryIncidents) * c.reship + n(kComplaints) * c.contact + n(kRecoveries) * c.recovery;
  e.community_cost[i] = n(kAnswered) * c.answer;
  e.refund_cost[i] = returns * (c.price + c.return_handling - c.salvage);
  e.fixed_cost[i] = c.fixed_per_day;
  e.contribution_margin[i] =
      e.revenue[i] - e.refund_cost[i] - e.cost_of_goods[i] - e.service_cost[i] - e.community_cost[i];
  e.profit[i] = e.contribution_margin[i] - e.marketing_spend[i] - e.fixed_cost[i];
  e.profit_pv[i] = e.profit[i] * discount_factor(r.costs.discount_rate, d);
  e.spend[i] = e.marketing_spend[i] + e.community_cost[i] + e.fixed_cost[i] + units * c.discretionary_unit;
}

}  // namespace

EconomicSeries economic_series(const Results& r) {
  const std::size_t DK = static_cast<std::size_t>(r.days_done) * r.K;
  EconomicSeries e;
  for (auto* v : {&e.revenue, &e.refunded, &e.cost_of_goods, &e.marketing_spend, &e.service_cost, &e.community_cost,
                  &e.refund_cost, &e.fixed_cost, &e.contribution_margin, &e.profit, &e.profit_pv, &e.spend})
    v->assign(DK, 0.0);
  const std::vector<double> campaigns = campaign_spend_series(r);
  for (int d = 0; d < r.days_done; ++d)
    for (int k = 0; k < r.K; ++k) fill_day(e, r, d, k, campaigns[static_cast<std::size_t>(d) * r.K + k]);
  return e;
}

namespace {

std::vector<double> totals(const std::vector<double>& series, int K) {
  std::vector<double> t(K, 0.0);
  for (std::size_t i = 0; i < series.size(); ++i) t[i % K] += series[i];
  return t;
}

// Per lost customer of k: the purchases of k an average consumer makes a day (all units /
// agents / days, times k's share of units, which is k's units / agents / days), times k's
// contribution margin per unit, over the lifetime horizon, discounted; each loss weighed by
// the discount factor of its day.
std::vector<double> lost_customer_value(const Results& r, const std::vector<double>& contribution) {
  std::vector<double> v(r.K, 0.0);
  if (r.days_done <= 0 || r.agents == 0) return v;
  const double horizon = discounted_days(r.costs.discount_rate, r.costs.lifetime_days);
  for (int k = 0; k < r.K; ++k) {
    const double per_day = contribution[k] / (static_cast<double>(r.agents) * r.days_done);  // per consumer
    double lost = 0;
    for (int d = 0; d < r.days_done; ++d)
      lost += static_cast<double>(r.count(kLostCustomers, d, k)) * discount_factor(r.costs.discount_rate, d);
    v[k] = lost * per_day * horizon;
  }
  return v;
}

}  // namespace

std::vector<EconomicKpi> economic_kpis(const Results& r) {
  const EconomicSeries e = economic_series(r);
  const int K = r.K;
  std::vector<EconomicKpi> k = {
      {"cost_of_goods", "units sold x unit cost (currency)", totals(e.cost_of_goods, K)},
      {"marketing_spend", "campaign spend and content marketing (currency)", totals(e.marketing_spend, K)},
      {"service_cost", "reshipments, service contacts and recoveries (currency)", totals(e.service_cost, K)},
      {"community_cost", "answers to negative reviews (currency)", totals(e.community_cost, K)},
      {"refund_cost", "refunds + return handling - salvage value (currency)", totals(e.refund_cost, K)},
      {"fixed_cost", "fixed costs (currency)", totals(e.fixed_cost, K)},
      {"contribution_margin", "revenue - refund cost - cost of goods - service - community (currency)",
       totals(e.contribution_margin, K)},
      {"profit", "contribution margin - marketing spend - fixed costs (currency)", totals(e.profit, K)},
      {"profit_pv", "profit discounted to day 0 at economics.discount_rate (currency)", totals(e.profit_pv, K)},
      {"spend",
       "discretionary spend: marketing, community, fixed costs, quality and accessory part of the cost of goods "
       "(currency)",
       totals(e.spend, K)},
  };
  k.push_back({"lost_customer_value",
               "margin the customers who lost the brand would have brought over economics.customer_lifetime_days, "
               "discounted (currency)",
               lost_customer_value(r, k[6].values)});
  return k;
}

}  // namespace motsim
