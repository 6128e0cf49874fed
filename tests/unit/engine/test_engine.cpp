// The engine: determinism for any thread count, and conservation of agents and purchases.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::check_identical;

TEST_CASE("determinism: identical results for 1, 2 and 4 threads (complete network)") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[[campaign]]
product = "B"
daily_reach = 0.05
end_day = 40
[network]
type = "complete"
)",
                           30000, 90);
  const auto r1 = test::run(sc, 1), r2 = test::run(sc, 2), r4 = test::run(sc, 4);
  CHECK(r1.total(kPurchases) > 1000);
  CHECK(r1.r.reviews.size() > 50);
  check_identical(r1.r, r2.r);
  check_identical(r1.r, r4.r);
}

TEST_CASE("determinism: identical results for 1 and 3 threads (Watts-Strogatz)") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[network]
type = "watts_strogatz"
degree = 6
)",
                           20000, 60);
  check_identical(test::run(sc, 1).r, test::run(sc, 3).r);
}

TEST_CASE("a different seed gives different results") {
  auto a = test::scenario(test::kTwoProducts, 20000, 60);
  auto b = a;
  b.simulation.seed = 8;
  CHECK(test::run(a).r.counts != test::run(b).r.counts);
}

TEST_CASE("conservation: purchases become experiences, refunds never exceed purchases") {
  auto sc = test::scenario(std::string(test::kTwoProducts) + R"(
[behavior]
experience_days = 5
)",
                           20000, 120);
  Simulation s(sc, 2);
  s.run();
  const auto& r = s.results();
  const auto& p = s.world().pop;
  for (int k = 0; k < r.K; ++k) {
    std::int64_t in_flight = 0;
    for (std::uint32_t i = 0; i < p.n; ++i)
      if (p.owned[i] == k && (p.phase[i] == static_cast<std::uint8_t>(Phase::Delivery) ||
                              p.phase[i] == static_cast<std::uint8_t>(Phase::Using)))
        ++in_flight;
    CHECK(r.total(kPurchases, k) == r.total(kExperiences, k) + in_flight);
    CHECK(r.total(kRefunds, k) <= r.total(kPurchases, k));
    CHECK(r.total(kSatisfied, k) + r.total(kDissatisfied, k) <= r.total(kExperiences, k));
    CHECK(r.total(kRecoveries, k) <= r.total(kComplaints, k));
    CHECK(r.total(kComplaints, k) <= r.total(kIncidents, k));
    // Awareness is cumulative and bounded by the population.
    CHECK(r.aware[(r.days - 1) * r.K + k] <= static_cast<std::int64_t>(p.n));
    std::int64_t aware = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) aware += (p.pflags[i * r.K + k] & kAware) != 0;
    CHECK(aware == r.aware[(r.days - 1) * r.K + k]);
  }
  std::int64_t posted = 0;
  for (int k = 0; k < r.K; ++k) posted += r.total(kReviews, k);
  CHECK(posted == static_cast<std::int64_t>(r.reviews.size()));
}
