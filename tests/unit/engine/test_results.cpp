// Results and their KPIs (sim/engine/results.cpp) on a small hand-filled Results.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "sim/engine/results.hpp"

using namespace motsim;

namespace {

// Three days, two products (A at 100, B at 50), 10 agents; day 2 not simulated (days_done 2).
Results hand_filled() {
  Results r;
  r.init(3, 2, 10);
  r.days_done = 2;
  r.products = {"A", "B"};
  r.prices = {100, 50};
  const auto set = [&](Count c, int day, std::int64_t a, std::int64_t b) {
    r.count(c, day, 0) = a;
    r.count(c, day, 1) = b;
  };
  set(kPurchases, 0, 3, 1);
  set(kPurchases, 1, 2, 4);
  set(kPurchases, 2, 100, 100);  // beyond days_done: never counted
  set(kNewAdopters, 0, 3, 1);
  set(kNewAdopters, 1, 1, 3);
  set(kRefunds, 1, 1, 0);
  set(kLostCustomers, 1, 0, 2);
  set(kReviews, 1, 2, 0);
  set(kExperiences, 0, 2, 0);
  set(kExperiences, 1, 2, 0);
  set(kPromoters, 1, 3, 0);
  set(kDetractors, 1, 1, 0);
  r.sum(kRememberedSum, 0, 0) = 15;  // two experiences, 7.5 each
  r.sum(kRememberedSum, 1, 0) = 17;  // two more, 8.5 each
  for (int d = 0; d < 3; ++d)
    for (int k = 0; k < 2; ++k) {
      r.aware[static_cast<std::size_t>(d) * 2 + k] = 4 + d + k;
      r.adopters[static_cast<std::size_t>(d) * 2 + k] = 2 * d + k;
    }
  r.rating_count = {0, 0, 2, 0, 9, 9};  // A reviewed on day 1; B never (within days_done)
  r.rating_mean = {NAN, NAN, 4.5, NAN, 1, 1};
  return r;
}

double kpi(const Kpis& k, const std::string& name, int product) {
  for (std::size_t i = 0; i < k.names.size(); ++i)
    if (k.names[i] == name) return k.values[i][product];
  FAIL("no KPI " << name);
  return NAN;
}

}  // namespace

TEST_CASE("results: totals run over the simulated days only") {
  const Results r = hand_filled();
  CHECK(r.total(kPurchases, 0) == 5);
  CHECK(r.total(kPurchases, 1) == 5);
  CHECK(r.total(kRefunds, 0) == 1);
}

TEST_CASE("results: compute_kpis from the counts, sums and end-of-run stocks") {
  const Results r = hand_filled();
  const Kpis k = compute_kpis(r);
  REQUIRE(k.names.size() == k.values.size());
  REQUIRE(k.names.size() == k.descriptions.size());
  for (const auto& v : k.values) CHECK(v.size() == 2);
  CHECK(kpi(k, "units", 0) == 5);
  CHECK(kpi(k, "revenue", 0) == 500);
  CHECK(kpi(k, "revenue", 1) == 250);
  CHECK(kpi(k, "refunds", 0) == 1);
  CHECK(kpi(k, "refunded_amount", 0) == 100);
  CHECK(kpi(k, "net_revenue", 0) == 400);
  CHECK(kpi(k, "net_revenue", 1) == 250);
  CHECK(kpi(k, "market_share", 0) == 0.5);
  CHECK(kpi(k, "lost_customers", 1) == 2);
  CHECK(kpi(k, "reviews", 0) == 2);
  // The rating displayed at the end of the last simulated day; NaN without any review.
  CHECK(kpi(k, "rating", 0) == 4.5);
  CHECK(std::isnan(kpi(k, "rating", 1)));
  // 3 promoters and 1 detractor among 4 experiences; no experience of B: NaN.
  CHECK(kpi(k, "nps", 0) == doctest::Approx(50));
  CHECK(std::isnan(kpi(k, "nps", 1)));
  CHECK(kpi(k, "satisfaction", 0) == 8);
  CHECK(std::isnan(kpi(k, "satisfaction", 1)));
  // Stocks at the end of day 1 (the last simulated), awareness as a share of the 10 agents.
  CHECK(kpi(k, "awareness", 0) == doctest::Approx(0.5));
  CHECK(kpi(k, "awareness", 1) == doctest::Approx(0.6));
  CHECK(kpi(k, "adopters", 1) == 3);
}

TEST_CASE("results: compute_kpis of a run that simulated no day") {
  Results r = hand_filled();
  r.days_done = 0;
  const Kpis k = compute_kpis(r);
  CHECK(kpi(k, "units", 0) == 0);
  CHECK(kpi(k, "market_share", 0) == 0);
  CHECK(std::isnan(kpi(k, "rating", 0)));
  CHECK(kpi(k, "awareness", 0) == 0);
}

TEST_CASE("results: daily_series gives [day][product] over the simulated days, by name") {
  const Results r = hand_filled();
  CHECK(daily_series(r, "purchases") == std::vector<double>{3, 1, 2, 4});
  CHECK(daily_series(r, "revenue") == std::vector<double>{300, 50, 200, 200});
  CHECK(daily_series(r, "aware") == std::vector<double>{4, 5, 5, 6});
  CHECK(daily_series(r, "adopters") == std::vector<double>{0, 1, 2, 3});
  CHECK(daily_series(r, "rating_count") == std::vector<double>{0, 0, 2, 0});
  const auto mean = daily_series(r, "rating_mean");
  REQUIRE(mean.size() == 4);
  CHECK(std::isnan(mean[0]));
  CHECK(mean[2] == 4.5);
  // Every advertised name gives a series; any other name is refused.
  for (const auto& name : daily_series_names()) CHECK(daily_series(r, name).size() == 4);
  CHECK_THROWS_AS(daily_series(r, "purchase"), std::invalid_argument);
}

TEST_CASE("results: the KPI table names every product and KPI, '-' for NaN") {
  const Results r = hand_filled();
  const std::string t = format_kpi_table(r, compute_kpis(r));
  CHECK(t.find("KPI") == 0);
  CHECK(t.find('A') != std::string::npos);
  CHECK(t.find("net_revenue") != std::string::npos);
  CHECK(t.find("50.0%") != std::string::npos);  // A's market share
  CHECK(t.find(" -") != std::string::npos);     // B's rating
}
