// Is it worth doing (sim/experiment/roi.cpp): ROI and payback day on hand-made series.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "sim/experiment/roi.hpp"

using namespace motsim;

TEST_CASE("roi: incremental profit over incremental spend, NaN when the spend does not grow") {
  CHECK(return_on_spend(300, 100) == 3);
  CHECK(return_on_spend(-50, 100) == -0.5);
  CHECK(std::isnan(return_on_spend(300, 0)));
  CHECK(std::isnan(return_on_spend(300, -10)));
  CHECK(std::isnan(return_on_spend(300, 1e-9)));  // rounding, not a spend
  CHECK(return_on_spend(-1000, 10) == -100);
  CHECK(std::isnan(return_on_spend(-1000, 9.9)));  // a spend under 1% of the change did not make it
  CHECK(std::isnan(return_on_spend(NAN, 10)));
}

TEST_CASE("roi: the payback day is the first from which the cumulative gain stays >= 0") {
  CHECK(payback_day({-10, -10, 5, 5, 5, 5}) == 5);  // cumulative -10 -20 -15 -10 -5 0
  CHECK(payback_day({-10, 20, -15, 10}) == 3);      // 10 on day 1, then -5, then 5
  CHECK(payback_day({1, 2, 3}) == 0);
  CHECK(payback_day({0, 0, 0}) == 0);  // no difference at all: nothing to pay back
  CHECK(std::isnan(payback_day({-10, 5, 4})));
  CHECK(std::isnan(payback_day({})));
}

TEST_CASE("roi: a variant's economics per product and for all products") {
  // Two products, three replicates; days 0..3.
  const std::vector<std::vector<double>> bp = {{100, 50, 150}, {110, 40, 150}, {90, 60, 150}};
  const std::vector<std::vector<double>> vp = {{160, 45, 205}, {170, 35, 205}, {150, 55, 205}};
  const std::vector<std::vector<double>> bs = {{10, 0, 10}, {10, 0, 10}, {10, 0, 10}};
  const std::vector<std::vector<double>> vs = {{30, 0, 30}, {30, 0, 30}, {30, 0, 30}};
  const std::vector<double> bd = {10, 5, 10, 5, 10, 5, 10, 5};  // [day * 2 + product]
  const std::vector<double> vd = {0, 5, 5, 4, 30, 4, 40, 4};
  const VariantEconomics e = variant_economics(bp, vp, bs, vs, bd, vd, 2);
  REQUIRE(e.roi.size() == 3);
  CHECK(e.profit[0].mean == doctest::Approx(60));
  CHECK(e.profit[0].half == doctest::Approx(0));  // the same gain in every pair
  CHECK(e.spend[0].mean == doctest::Approx(20));
  CHECK(e.roi[0] == doctest::Approx(3));
  CHECK(e.profit[1].mean == doctest::Approx(-5));
  CHECK(std::isnan(e.roi[1]));  // no extra spend on product 1
  CHECK(e.roi[2] == doctest::Approx(55.0 / 20));
  // Product 0 gains -10, -5, +20, +30: cumulative -10, -15, 5, 35, paid back on day 2;
  // product 1 loses 1 a day from day 1; all products gain -10, -6, 19, 29: cumulative -10,
  // -16, 3, 32, day 2.
  CHECK(e.payback[0] == 2);
  CHECK(std::isnan(e.payback[1]));
  CHECK(e.payback[2] == 2);
  CHECK_THROWS_AS(variant_economics(bp, vp, bs, vs, bd, {1, 2}, 2), std::invalid_argument);
}

TEST_CASE("roi: extra units at the base's unit cost are not spend") {
  // Two products, two replicates: the variant sells 10 more of product 0 (unit cost 3 in the
  // base) and 4 fewer of product 1 (unit cost 0.5).
  const std::vector<std::vector<double>> spend = {{100, 20, 120}, {110, 20, 130}};
  const std::vector<std::vector<double>> base_units = {{50, 40, 90}, {60, 40, 100}};
  const std::vector<std::vector<double>> variant_units = {{60, 36, 96}, {70, 36, 106}};
  const auto net = spend_net_of_volume(spend, base_units, variant_units, {3, 0.5});
  REQUIRE(net.size() == 2);
  CHECK(net[0] == std::vector<double>{70, 22, 92});
  CHECK(net[1] == std::vector<double>{80, 22, 102});
  CHECK_THROWS_AS(spend_net_of_volume(spend, base_units, {{1, 2, 3}}, {3, 0.5}), std::invalid_argument);
}
