// What is kept of a run (sim/engine/kpis.cpp): the compared KPIs with the all-products column,
// the series compare keeps, the star histograms and the sweep's row.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "helpers.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/engine/results.hpp"

using namespace motsim;

namespace {
// Equal element by element, NaN equal to NaN.
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}
}  // namespace

TEST_CASE("kpis: KPI columns of one run with the all-products column and common random numbers") {
  Scenario sc = test::scenario(test::kTwoProducts, 3000, 40);
  const auto run = test::run(sc);
  const auto v = kpi_values(run.r);
  const auto& kl = compare_kpis();
  const int K = run.r.K;
  REQUIRE(K == 2);
  REQUIRE(v.size() == kl.size() * (K + 1));
  const Kpis all = compute_kpis(run.r);
  for (std::size_t j = 0; j < kl.size(); ++j) {
    const std::string name = kl[j].name;
    const auto it = std::find(all.names.begin(), all.names.end(), name);
    REQUIRE_MESSAGE(it != all.names.end(), name);
    const auto& per = all.values[static_cast<std::size_t>(it - all.names.begin())];
    for (int k = 0; k < K; ++k) CHECK(v[j * (K + 1) + k] == per[k]);
    const double total = v[j * (K + 1) + K];
    if (kl[j].additive)
      CHECK(total == doctest::Approx(per[0] + per[1]));
    else if (name == "nps") {
      const double ex = static_cast<double>(run.total(kExperiences)), pro = static_cast<double>(run.total(kPromoters)),
                   det = static_cast<double>(run.total(kDetractors));
      CHECK(total == doctest::Approx(100.0 * (pro - det) / ex));
    } else
      CHECK(std::isnan(total));
  }
  // Units sold were counted and the shares of the two products add up to one.
  const auto col = [&](const char* name, int k) -> double {
    for (std::size_t j = 0; j < kl.size(); ++j)
      if (std::string(kl[j].name) == name) return v[j * (K + 1) + k];
    return NAN;
  };
  CHECK(col("units", K) > 0);
  CHECK(col("market_share", 0) + col("market_share", 1) == doctest::Approx(1));
  // The same random key gives the same KPIs (what makes compare's differences exact);
  // another replicate gives other ones.
  CHECK(same(kpi_values(test::run(sc).r), v));
  sc.simulation.replicate += 1;
  CHECK_FALSE(same(kpi_values(test::run(sc).r), v));
}

TEST_CASE("kpis: column names follow kpi_values, and every kept series is a daily series") {
  const auto cols = kpi_columns({"A", "B"});
  REQUIRE(cols.size() == compare_kpis().size() * 3);
  CHECK(cols[0] == "units.A");
  CHECK(cols[1] == "units.B");
  CHECK(cols[2] == "units.all");
  CHECK(cols.back() == "lost_customer_value.all");
  const auto names = daily_series_names();
  for (const auto& s : compare_series()) CHECK_MESSAGE(std::find(names.begin(), names.end(), s) != names.end(), s);
  CHECK(compare_series().front() == "purchases");
  CHECK(compare_series().back() == "profit");  // for the payback day
}

TEST_CASE("kpis: what compare keeps of a run (KPIs, series, star histograms)") {
  const auto run = test::run(test::scenario(test::kTwoProducts, 3000, 40));
  const Results& r = run.r;
  const KeptRun kept = keep_run(r);
  const auto rows = kpi_rows(r);
  REQUIRE(kept.kpis.size() == rows.size());
  for (std::size_t j = 0; j < rows.size(); ++j) CHECK(same(kept.kpis[j], rows[j]));
  REQUIRE(kept.series.size() == compare_series().size());
  for (std::size_t m = 0; m < kept.series.size(); ++m)
    CHECK(same(kept.series[m], daily_series(r, compare_series()[m])));
  REQUIRE(kept.displayed_stars.size() == 10);
  REQUIRE(kept.experience_stars.size() == 10);
  for (int k = 0; k < r.K; ++k) {
    // Displayed at the end: the last day's histogram, as many as the reviews displayed.
    const double shown =
        std::accumulate(kept.displayed_stars.begin() + 5 * k, kept.displayed_stars.begin() + 5 * k + 5, 0.0);
    CHECK(shown == static_cast<double>(r.rating_count[static_cast<std::size_t>(r.days_done - 1) * r.K + k]));
    // Every experience of the run, once.
    const double lived =
        std::accumulate(kept.experience_stars.begin() + 5 * k, kept.experience_stars.begin() + 5 * k + 5, 0.0);
    CHECK(lived == static_cast<double>(r.total(kExperiences, k)));
  }
  const KeptRun one = keep_run(r, {"aware"});
  REQUIRE(one.series.size() == 1);
  CHECK(same(one.series[0], daily_series(r, "aware")));
}

TEST_CASE("kpis: the sweep's row is kpi_values then each series, NaN for days not run") {
  const auto run = test::run(test::scenario(test::kTwoProducts, 2000, 30));
  const Results& r = run.r;
  const auto kv = kpi_values(r);
  const auto row = kept_values(r, {"purchases", "aware"}, 30);
  REQUIRE(row.size() == kv.size() + 2 * 30 * 2);
  CHECK(same(std::vector<double>(row.begin(), row.begin() + kv.size()), kv));
  const auto p = daily_series(r, "purchases");
  CHECK(same(std::vector<double>(row.begin() + kv.size(), row.begin() + kv.size() + 60), p));
  // Planned for 35 days, run for 30 (an interrupted run): the missing days are NaN.
  const auto longer = kept_values(r, {"purchases"}, 35);
  REQUIRE(longer.size() == kv.size() + 35 * 2);
  CHECK(std::isnan(longer.back()));
  CHECK_FALSE(std::isnan(longer[kv.size() + 59]));
  CHECK(same(kept_values(r, {}, 30), kv));
}
