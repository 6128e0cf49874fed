// Counter-based random numbers (sim/rng.hpp).
#include <doctest/doctest.h>

#include <cmath>

#include "sim/rng.hpp"

using motsim::Rng;

TEST_CASE("rng: the same counters give the same numbers, others differ") {
  Rng a(1, 0, 42, 3, 5), b(1, 0, 42, 3, 5), c(1, 0, 42, 3, 6), d(1, 1, 42, 3, 5), e(2, 0, 42, 3, 5);
  for (int i = 0; i < 10; ++i) {
    const auto x = a.next_u64();
    CHECK(x == b.next_u64());
    CHECK(x != c.next_u64());
    CHECK(x != d.next_u64());
    CHECK(x != e.next_u64());
  }
}

TEST_CASE("rng: distributions have the right moments") {
  Rng r(9, 0, 1, 1, 1);
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0, sg = 0, sp = 0, sp2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    CHECK_MESSAGE((u >= 0 && u < 1), "uniform out of range");
    su += u;
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
    sg += static_cast<double>(r.geometric(0.2));
    const double p = r.poisson(10.4);
    sp += p;
    sp2 += p * p;
  }
  // Tolerances are about 5 standard errors.
  CHECK(su / n == doctest::Approx(0.5).epsilon(0.01));
  CHECK(std::abs(sn / n) < 0.012);
  CHECK(sn2 / n == doctest::Approx(1.0).epsilon(0.02));
  CHECK(sg / n == doctest::Approx(4.0).epsilon(0.03));  // (1-p)/p
  CHECK(sp / n == doctest::Approx(10.4).epsilon(0.01));
  CHECK(sp2 / n - (sp / n) * (sp / n) == doctest::Approx(10.4).epsilon(0.03));
  CHECK(r.geometric(1.0) == 0);
  CHECK(r.geometric(0.0) == UINT64_MAX);
  CHECK(r.poisson(0) == 0);
}
