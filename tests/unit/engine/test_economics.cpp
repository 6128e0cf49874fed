// The money of a run (sim/engine/economics.cpp): each cost mechanism on hand-made counts, the
// accounting identity on a real run with every cost set, and no cost changing what happens.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "helpers.hpp"
#include "sim/engine/economics.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/engine/results.hpp"

using namespace motsim;

namespace {

// Two days, two products, prices 100 and 50, the given costs for product 0 and none for 1.
Results hand_made(const CostModel::ProductCosts& c0) {
  Results r;
  r.init(2, 2, 1000);
  r.days_done = 2;
  r.products = {"A", "B"};
  r.prices = {100, 50};
  r.costs.products = {c0, CostModel::ProductCosts{}};
  r.costs.products[0].price = 100;
  r.costs.products[1].price = 50;
  // Day 0: A sells 10, one refund, 3 incidents of which 2 deliveries, 2 complaints, 1 recovery,
  // 4 answers; day 1: A sells 5; B sells 7 on day 1.
  r.count(kPurchases, 0, 0) = 10;
  r.count(kRefunds, 0, 0) = 1;
  r.count(kDeliveryIncidents, 0, 0) = 2;
  r.count(kIncidents, 0, 0) = 3;
  r.count(kComplaints, 0, 0) = 2;
  r.count(kRecoveries, 0, 0) = 1;
  r.count(kAnswered, 0, 0) = 4;
  r.count(kPurchases, 1, 0) = 5;
  r.count(kPurchases, 1, 1) = 7;
  return r;
}

double at(const std::vector<double>& s, int day, int k) { return s[static_cast<std::size_t>(day) * 2 + k]; }

double kpi(const Kpis& k, const std::string& name, int product) {
  const auto it = std::find(k.names.begin(), k.names.end(), name);
  REQUIRE_MESSAGE(it != k.names.end(), name);
  return k.values[static_cast<std::size_t>(it - k.names.begin())][product];
}

const char* kEveryCost = R"(
[[product]]
name = "A"
price = 120
quality = 4
claim = 8
unit_cost = 30
unit_cost_per_quality = 2.5
accessory_cost = 3
fixed_cost_per_day = 40
content_cost_per_day = 15
reship_cost = 9
service_contact_cost = 4
recovery_cost = 11
review_answer_cost = 2
return_handling_cost = 6
return_salvage_value = 20
delivery_problem_prob = 0.2
defect_prob = 0.2
response_rate = 0.8
[[product]]
name = "B"
price = 90
quality = 6
unit_cost = 25
defect_prob = 0.1
[[campaign]]
product = "A"
daily_reach = 0.05
end_day = 20
cost_per_exposure = 0.4
[[campaign]]
product = "B"
start_day = 5
end_day = 25
daily_budget = 30
[economics]
discount_rate = 0.1
)";

}  // namespace

TEST_CASE("economics: each cost mechanism on hand-made counts") {
  CostModel::ProductCosts c;
  c.unit_cost = 37;  // already the whole unit cost (cost_model adds the quality and accessory parts)
  c.reship = 5;
  c.contact = 3;
  c.recovery = 8;
  c.answer = 2;
  c.return_handling = 6;
  c.salvage = 20;
  c.fixed_per_day = 10;
  c.content_per_day = 4;
  c.discretionary_unit = 7;
  const Results r = hand_made(c);
  const EconomicSeries e = economic_series(r);
  CHECK(at(e.revenue, 0, 0) == 1000);
  CHECK(at(e.cost_of_goods, 0, 0) == 370);
  CHECK(at(e.cost_of_goods, 1, 0) == 185);
  CHECK(at(e.service_cost, 0, 0) == 2 * 5 + 2 * 3 + 1 * 8);  // reshipments, contacts, recoveries
  CHECK(at(e.community_cost, 0, 0) == 8);
  CHECK(at(e.refund_cost, 0, 0) == 100 + 6 - 20);  // the refund repays the price
  CHECK(at(e.fixed_cost, 1, 0) == 10);
  CHECK(at(e.marketing_spend, 1, 0) == 4);  // content only: no campaign
  CHECK(at(e.contribution_margin, 0, 0) == 1000 - 86 - 370 - 24 - 8);
  CHECK(at(e.profit, 0, 0) == 1000 - 86 - 370 - 24 - 8 - 4 - 10);
  CHECK(at(e.profit_pv, 0, 0) == at(e.profit, 0, 0));  // no discounting
  CHECK(at(e.spend, 0, 0) == 4 + 8 + 10 + 10 * 7);     // marketing, community, fixed, quality and accessory
  // Product B has no costs: its profit is its revenue.
  CHECK(at(e.profit, 1, 1) == 350);
  CHECK(at(e.spend, 1, 1) == 0);
  // The quality part of the unit cost and the accessory.
  Scenario sc = test::scenario(test::kTwoProducts);
  sc.products[0].unit_cost = 10;
  sc.products[0].unit_cost_per_quality = 3;
  sc.products[0].accessory_cost = 2;
  const CostModel m = cost_model(sc);
  CHECK(m.products[0].unit_cost == 10 + 3 * 7 + 2);
  CHECK(m.products[0].discretionary_unit == 3 * 7 + 2);
  CHECK(m.products[1].unit_cost == 0);
}

TEST_CASE("economics: campaign spend by budget or by exposure, and discounting") {
  const CostModel::CampaignCosts per_exposure{0, 5, 10, 0.25, 0, "tv"};
  CHECK(campaign_spend(per_exposure, 4, 100) == 0);  // before its first day
  CHECK(campaign_spend(per_exposure, 5, 100) == 25);
  CHECK(campaign_spend(per_exposure, 10, 100) == 0);  // end_day is exclusive
  const CostModel::CampaignCosts budget{0, 0, 10, 0.25, 70, "tv"};
  CHECK(campaign_spend(budget, 3, 12345) == 70);  // a budget is spent whatever the exposures
  CHECK(discount_factor(0, 700) == 1);
  CHECK(discount_factor(0.1, 365) == doctest::Approx(1 / 1.1));
  double sum = 0;
  for (int t = 1; t <= 400; ++t) sum += discount_factor(0.08, t);
  CHECK(discounted_days(0.08, 400) == doctest::Approx(sum).epsilon(1e-12));
  CHECK(discounted_days(0, 400) == 400);
  CHECK(discounted_days(0.08, 0) == 0);
  // Campaign spend reaches the product's marketing series.
  Results r = hand_made({});
  r.costs.campaigns = {{0, 0, 2, 0.5, 0, "tv"}, {1, 1, 2, 0, 30, "search"}};
  r.campaign_exposures = {40, 0, 60, 0};  // [day][campaign]
  const EconomicSeries e = economic_series(r);
  CHECK(at(e.marketing_spend, 0, 0) == 20);
  CHECK(at(e.marketing_spend, 1, 0) == 30);
  CHECK(at(e.marketing_spend, 0, 1) == 0);
  CHECK(at(e.marketing_spend, 1, 1) == 30);
}

TEST_CASE("economics: lost customer value by hand") {
  Results r = hand_made({});
  r.count(kLostCustomers, 1, 0) = 3;
  r.costs.lifetime_days = 730;
  // A's contribution margin over the run: 15 units x 100 - one refund of 100 = 1400, that is
  // 1400 / (1000 agents x 2 days) a consumer and day, over 730 days, for each of 3 customers.
  CHECK(kpi(compute_kpis(r), "lost_customer_value", 0) == doctest::Approx(3 * 1400.0 / 2000 * 730));
  CHECK(kpi(compute_kpis(r), "lost_customer_value", 1) == 0);
  r.costs.discount_rate = 0.1;  // the loss on day 1 and the horizon are discounted
  CHECK(kpi(compute_kpis(r), "lost_customer_value", 0) ==
        doctest::Approx(3 * 1400.0 / 2000 * discounted_days(0.1, 730) * discount_factor(0.1, 1)));
}

TEST_CASE("economics: revenue - refunds - every cost = profit, per product and day, in a run with every cost") {
  const auto run = test::run(test::scenario(kEveryCost, 4000, 40));
  const Results& r = run.r;
  const EconomicSeries e = economic_series(r);
  REQUIRE(run.total(kDeliveryIncidents, 0) > 0);
  REQUIRE(run.total(kAnswered, 0) > 0);
  REQUIRE(run.total(kRefunds, 0) > 0);
  double exposures = 0;
  for (int d = 0; d < r.days_done; ++d) {
    exposures += static_cast<double>(r.campaign_exposures[static_cast<std::size_t>(d) * 2]);
    for (int k = 0; k < r.K; ++k) {
      const std::size_t i = static_cast<std::size_t>(d) * r.K + k;
      const double other = r.count(kRefunds, d, k) * (k == 0 ? 6.0 - 20.0 : 0.0);  // handling - salvage
      const double costs =
          e.cost_of_goods[i] + e.marketing_spend[i] + e.service_cost[i] + e.community_cost[i] + e.fixed_cost[i] + other;
      CHECK(e.revenue[i] - e.refunded[i] - costs == doctest::Approx(e.profit[i]));
      CHECK(e.profit_pv[i] == doctest::Approx(e.profit[i] * std::pow(1.1, -d / 365.0)));
    }
  }
  const Kpis k = compute_kpis(r);
  CHECK(kpi(k, "cost_of_goods", 0) == doctest::Approx(run.total(kPurchases, 0) * (30 + 2.5 * 4 + 3)));
  CHECK(kpi(k, "marketing_spend", 0) == doctest::Approx(40 * 15 + 0.4 * exposures));
  CHECK(kpi(k, "marketing_spend", 1) == doctest::Approx(20 * 30));  // the budget, days 5 to 24
  CHECK(kpi(k, "community_cost", 0) == doctest::Approx(2.0 * run.total(kAnswered, 0)));
  CHECK(kpi(k, "fixed_cost", 0) == doctest::Approx(40 * 40));
  CHECK(kpi(k, "profit", 0) ==
        doctest::Approx(kpi(k, "net_revenue", 0) - kpi(k, "cost_of_goods", 0) - kpi(k, "marketing_spend", 0) -
                        kpi(k, "service_cost", 0) - kpi(k, "community_cost", 0) - kpi(k, "fixed_cost", 0) -
                        run.total(kRefunds, 0) * (6.0 - 20.0)));
  double pv = 0;
  for (int d = 0; d < r.days_done; ++d) pv += e.profit[static_cast<std::size_t>(d) * r.K] * std::pow(1.1, -d / 365.0);
  CHECK(kpi(k, "profit_pv", 0) == doctest::Approx(pv));
  CHECK(kpi(k, "profit_pv", 0) != kpi(k, "profit", 0));
  // The exposures of each product's campaigns are its exposures.
  CHECK(exposures == doctest::Approx(static_cast<double>(run.total(kExposures, 0))));
}

TEST_CASE("economics: costs change no behaviour, and without costs profit is net revenue") {
  Scenario with = test::scenario(kEveryCost, 3000, 30), without = test::scenario(kEveryCost, 3000, 30);
  for (auto& p : without.products) {
    p.unit_cost = p.unit_cost_per_quality = p.accessory_cost = p.fixed_cost_per_day = p.content_cost_per_day = 0;
    p.reship_cost = p.service_contact_cost = p.recovery_cost = p.review_answer_cost = 0;
    p.return_handling_cost = p.return_salvage_value = 0;
  }
  for (auto& c : without.campaigns) c.cost_per_exposure = c.daily_budget = 0;
  const auto a = test::run(with), b = test::run(without);
  CHECK(a.r.counts == b.r.counts);
  CHECK(a.r.reviews.size() == b.r.reviews.size());
  const Kpis ka = compute_kpis(a.r), kb = compute_kpis(b.r);
  for (const char* name : {"units", "revenue", "net_revenue", "refunds", "lost_customers", "reviews", "awareness"})
    for (int k = 0; k < 2; ++k) CHECK_MESSAGE(kpi(ka, name, k) == kpi(kb, name, k), name);
  for (int k = 0; k < 2; ++k) {
    CHECK(kpi(kb, "profit", k) == kpi(kb, "net_revenue", k));  // integer prices: exact
    CHECK(kpi(kb, "contribution_margin", k) == kpi(kb, "net_revenue", k));
    CHECK(kpi(kb, "spend", k) == 0);
    for (const char* cost : {"cost_of_goods", "marketing_spend", "service_cost", "community_cost", "fixed_cost"})
      CHECK_MESSAGE(kpi(kb, cost, k) == 0, cost);
    CHECK(kpi(kb, "refund_cost", k) == kpi(kb, "refunded_amount", k));
  }
}

TEST_CASE("economics: delivery incidents are the incidents of delivery problems") {
  Scenario sc = test::scenario(test::kTwoProducts, 20000, 50);
  sc.products[0].delivery_problem_prob = 0.5;
  sc.products[1].delivery_problem_prob = 0;
  const auto run = test::run(sc);
  const double ex = static_cast<double>(run.total(kExperiences, 0));
  REQUIRE(ex > 200);
  CHECK(run.total(kDeliveryIncidents, 1) == 0);
  CHECK(run.total(kDeliveryIncidents, 0) <= run.total(kIncidents, 0));
  CHECK(static_cast<double>(run.total(kDeliveryIncidents, 0)) / ex == doctest::Approx(0.5).epsilon(0.15));
}

TEST_CASE("economics: every compared KPI says which way is good, and the economic series are daily series") {
  for (const auto& k : compare_kpis()) CHECK_MESSAGE((k.good == 1 || k.good == 0 || k.good == -1), k.name);
  const auto names = daily_series_names();
  for (const auto& s : economic_series_names())
    CHECK_MESSAGE(std::find(names.begin(), names.end(), s) != names.end(), s);
  const auto run = test::run(test::scenario(kEveryCost, 2000, 10));
  CHECK(daily_series(run.r, "profit") == economic_series(run.r).profit);
}
