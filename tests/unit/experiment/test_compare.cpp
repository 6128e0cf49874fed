// Statistics of `motsim compare` (sim/experiment/compare.cpp, sim/experiment/stats.cpp): paired differences under
// common random numbers, significance, and the KPI columns of one run.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "helpers.hpp"
#include "sim/engine/results.hpp"
#include "sim/experiment/compare.hpp"

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

TEST_CASE("compare: paired difference of identical samples is exactly zero and not significant") {
  const std::vector<double> b = {1013, 987, 1050, 1002, 995};
  const auto p = paired_difference(b, b);
  CHECK(p.diff.mean == 0);
  CHECK(p.diff.half == 0);
  CHECK(p.diff.n == 5);
  CHECK_FALSE(p.significant);
}

TEST_CASE("compare: a constant shift is significant even with noisy levels (pairing removes the noise)") {
  const std::vector<double> b = {100, 300, 150, 250, 200};
  std::vector<double> v = b;
  for (double& x : v) x += 5;
  const auto p = paired_difference(b, v);
  CHECK(p.diff.mean == doctest::Approx(5));
  CHECK(p.diff.half == doctest::Approx(0));
  CHECK(p.significant);
  // Unpaired, the same shift is lost in the spread of the levels.
  const auto mb = mean_ci(b), mv = mean_ci(v);
  CHECK(mv.mean - mb.mean == doctest::Approx(5));
  CHECK(mb.half > 5);
}

TEST_CASE("compare: paired difference interval by hand (Student t with 4 degrees of freedom)") {
  const std::vector<double> b = {10, 10, 10, 10, 10};
  const std::vector<double> v = {11, 12, 13, 14, 15};  // differences 1..5: mean 3, sd sqrt(2.5)
  const auto p = paired_difference(b, v);
  CHECK(p.diff.mean == doctest::Approx(3));
  CHECK(p.diff.half == doctest::Approx(2.7764 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-4));
  CHECK(p.significant);  // 3 - 1.963 > 0
  // Differences straddling zero: not significant, whatever the sign of the mean.
  const auto q = paired_difference(b, {12, 8, 11, 9, 10.5});
  CHECK(q.diff.mean == doctest::Approx(0.1));
  CHECK(q.diff.half > std::abs(q.diff.mean));
  CHECK_FALSE(q.significant);
  const auto neg = paired_difference(v, b);
  CHECK(neg.diff.mean == doctest::Approx(-3));
  CHECK(neg.significant);
}

TEST_CASE("compare: pairs with a NaN are skipped and one pair is never significant and sizes must match") {
  const auto p = paired_difference({1, NAN, 3, 4}, {2, 5, NAN, 5});
  CHECK(p.diff.n == 2);
  CHECK(p.diff.mean == doctest::Approx(1));
  CHECK_FALSE(paired_difference({1}, {2}).significant);
  CHECK(std::isnan(paired_difference({NAN, NAN}, {1, 2}).diff.mean));
  CHECK_FALSE(paired_difference({NAN, NAN}, {1, 2}).significant);
  CHECK_THROWS(paired_difference({1, 2}, {1}));
}

TEST_CASE("compare: KPI columns of one run with the all-products column and common random numbers") {
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
