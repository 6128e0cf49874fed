// Counter-based random numbers (sim/core/rng.hpp).
#include <doctest/doctest.h>

#include <cmath>

#include "sim/core/rng.hpp"

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

TEST_CASE("rng: a skipped value keeps every later draw where it was, across blocks") {
  // The stream's values in order, read one by one.
  Rng ref(3, 1, 77, 9, 4);
  std::uint64_t v[12];
  for (auto& x : v) x = ref.next_u64();
  // Skip values 0, 4, 5 and 9 (value 4 begins the second Philox block): the others unchanged.
  Rng r(3, 1, 77, 9, 4);
  for (int n = 0; n < 12; ++n) {
    if (n == 0 || n == 4 || n == 5 || n == 9)
      r.skip();
    else
      CHECK(r.next_u64() == v[n]);
  }
  // A whole block skipped is never computed, yet the next block's values are the same.
  Rng s(3, 1, 77, 9, 4);
  for (int n = 0; n < 8; ++n) s.skip();
  CHECK(s.next_u64() == v[8]);
}

TEST_CASE("rng: a draw whose outcome is certain still takes its place in the stream") {
  // bernoulli(p <= 0) is false, bernoulli(p >= 1) true, below(1) and below(0) are 0, whatever
  // the value; each takes exactly one value, so the draw after it reads the second value.
  Rng ref(5, 0, 1, 2, 3);
  ref.next_u64();
  const std::uint64_t second = ref.next_u64();
  for (int c = 0; c < 5; ++c) {
    Rng r(5, 0, 1, 2, 3);
    bool ok = true;
    switch (c) {
      case 0:
        ok = !r.bernoulli(0.0);
        break;
      case 1:
        ok = r.bernoulli(1.0);
        break;
      case 2:
        ok = !r.bernoulli(-0.5);
        break;
      case 3:
        ok = r.below(1) == 0;
        break;
      case 4:
        ok = r.below(0) == 0;
        break;
    }
    CHECK(ok);
    CHECK(r.next_u64() == second);
  }
  // Against the plain comparison uniform() < p for every value of a long stream.
  Rng a(8, 0, 1, 1, 1), b(8, 0, 1, 1, 1);
  for (int n = 0; n < 1000; ++n) {
    const double u = a.uniform();
    const double p = (n % 3 == 0) ? 0.0 : (n % 3 == 1) ? 1.0 : 0.5;
    CHECK(b.bernoulli(p) == (u < p));
  }
}

TEST_CASE("rng: geometric with a remembered log1p(-p) is the same draw") {
  // Many p, repeated and colliding in the cache's 64 slots: every value is exactly log1p(-p),
  // and geometric(p, log1p(-p)) gives exactly geometric's draw.
  motsim::Log1mCache cache;
  Rng pick(4, 0, 0, 0, 0);
  for (int n = 0; n < 20000; ++n) {
    const double p = 0.38 * static_cast<double>(1 + pick.below(300)) / static_cast<double>(1 + pick.below(40));
    if (p >= 1.0) continue;
    const double l = cache(p);
    CHECK(l == std::log1p(-p));
    Rng a(6, 0, static_cast<std::uint64_t>(n), 1, 12), b(6, 0, static_cast<std::uint64_t>(n), 1, 12);
    CHECK(a.geometric(p) == b.geometric(p, l));
  }
}
