// Confidence intervals used by `motsim compare` (sim/experiment/stats.cpp).
#include <doctest/doctest.h>

#include <cmath>

#include "sim/experiment/stats.hpp"

using namespace motsim;

TEST_CASE("stats: Student-t quantiles and confidence intervals") {
  CHECK(t975(1) == doctest::Approx(12.706).epsilon(1e-4));
  CHECK(t975(4) == doctest::Approx(2.7764).epsilon(1e-4));
  CHECK(t975(30) == doctest::Approx(2.0423).epsilon(1e-4));
  CHECK(t975(60) == doctest::Approx(2.0003).epsilon(1e-3));    // tables: 2.000
  CHECK(t975(1000) == doctest::Approx(1.9623).epsilon(1e-3));  // tables: 1.962
  const auto m = mean_ci({1, 2, 3, 4, 5});
  CHECK(m.mean == doctest::Approx(3));
  CHECK(m.half == doctest::Approx(2.7764 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-3));
  CHECK(m.n == 5);
  const auto one = mean_ci({7});
  CHECK(one.mean == 7);
  CHECK(one.half == 0);
  const auto nan = mean_ci({NAN, 2, 4});
  CHECK(nan.n == 2);
  CHECK(nan.mean == doctest::Approx(3));
  CHECK(std::isnan(mean_ci({}).mean));
}
