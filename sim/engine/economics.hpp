#pragma once
// Is it worth doing? The money side of a run: costs, contribution margin, profit and its
// present value per product and day, the value of the customers lost, from the counts of a
// run and the costs of its scenario. Definitions: docs/model.md section 7.10.
#include <cstdint>
#include <string>
#include <vector>

#include "models/params.hpp"

namespace motsim {

struct Results;

// What a run's money depends on, taken from its scenario (all 0 by default: no costs).
struct CostModel {
  struct ProductCosts {
    double price = 0;
    double unit_cost = 0;           // of goods per unit sold: unit_cost + unit_cost_per_quality x quality + accessory
    double discretionary_unit = 0;  // of that, what a lever buys: unit_cost_per_quality x quality + accessory
    double fixed_per_day = 0, content_per_day = 0;
    double reship = 0, contact = 0, recovery = 0, answer = 0;
    double return_handling = 0, salvage = 0;
  };
  struct CampaignCosts {
    int product = 0;
    std::int64_t start_day = 0, end_day = 0;
    double cost_per_exposure = 0, daily_budget = 0;
    std::string channel;  // the scenario's media channel label (results group spend by it)
  };
  std::vector<ProductCosts> products;
  std::vector<CampaignCosts> campaigns;
  double discount_rate = 0;  // annual
  double lifetime_days = 0;  // horizon of a lost customer's future purchases
};
CostModel cost_model(const Scenario& sc);

// A campaign's spend on one day: its daily budget when it has one, else cost per exposure x
// the day's exposures; 0 outside its days.
double campaign_spend(const CostModel::CampaignCosts& c, std::int64_t day, std::int64_t exposures);

// The weight of day d's money today: (1 + annual rate)^(-d / 365).
double discount_factor(double annual_rate, double day);
// Sum over t = 1..days of discount_factor(rate, t): what a flow of 1 a day over a horizon is worth.
double discounted_days(double annual_rate, double days);

// The daily economic series of a run, each [days_done * K] (day-major), in this order.
const std::vector<std::string>& economic_series_names();
struct EconomicSeries {
  std::vector<double> revenue, refunded, cost_of_goods, marketing_spend, service_cost, community_cost, refund_cost,
      fixed_cost, contribution_margin, profit, profit_pv, spend;
  // The series named in economic_series_names() (spend is a KPI only).
  const std::vector<double>* named(const std::string& name) const;
};
EconomicSeries economic_series(const Results& r);

// The economic KPIs per product, appended to compute_kpis: the totals of the series, the
// discretionary spend and lost_customer_value.
struct EconomicKpi {
  const char* name;
  const char* description;
  std::vector<double> values;  // [K]
};
std::vector<EconomicKpi> economic_kpis(const Results& r);

}  // namespace motsim
