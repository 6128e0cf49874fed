// The SMOT stage (models/smot.cpp): the experience, incidents and service, refunds, churn,
// loyalty, expectation-disconfirmation.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::Day;
using test::kOne;
using test::kResearchOne;
using test::run;
using test::scenario;

namespace {
double remembered_mean(const test::Run& r) {
  double s = 0;
  for (int d = 0; d < r.r.days_done; ++d) s += r.r.sum(kRememberedSum, d, 0);
  return s / r.total(kExperiences);
}
}  // namespace

TEST_CASE("loyalty: a remembered satisfaction at or above loyalty_threshold makes the agent loyal") {
  // Quality 9 without noise, bought expecting 9: every episode is 9, so R = 9 exactly.
  auto sc = scenario(std::string(kResearchOne) + "[behavior]\nloyalty_threshold = 8\n", 2000, 1);
  sc.products[0].quality = 9;
  sc.products[0].quality_sd = 0;
  sc.products[0].claim = 9;
  sc.products[0].defect_prob = 0;
  sc.products[0].delivery_problem_prob = 0;
  sc.products[0].missing_accessory_prob = 0;
  const auto finish_all = [](const Scenario& s2, std::int8_t loyal_before) {
    Simulation s(s2, 1);
    auto& w = s.world();
    auto& p = w.pop;
    Day d(w, 20);
    for (std::uint32_t i = 0; i < p.n; ++i) {
      p.owned[i] = 0;
      p.loyal[i] = loyal_before;
      p.phase[i] = static_cast<std::uint8_t>(Phase::Using);
      p.expectation[i] = static_cast<float>(s2.products[0].claim);
      p.purchase_day[i] = 0;
      d.buf.finish.push_back(i);
    }
    stage::smot(d.c);
    REQUIRE(d.count(kExperiences, 0) == p.n);
    std::int64_t loyal = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) loyal += p.loyal[i] == 0;
    std::int64_t exact = 0;
    for (float R : d.buf.finish_R) exact += R == static_cast<float>(s2.products[0].quality);
    REQUIRE(exact == p.n);
    return loyal;
  };
  CHECK(finish_all(sc, -1) == 2000);
  sc.behavior.loyalty_threshold = 9;  // the threshold itself counts as loyal
  CHECK(finish_all(sc, -1) == 2000);
  sc.behavior.loyalty_threshold = 9.5;  // not satisfied enough: nobody becomes loyal
  CHECK(finish_all(sc, -1) == 0);
  // Between churn and loyalty thresholds an earlier loyalty is kept.
  CHECK(finish_all(sc, 0) == 2000);
  // A bad experience (R = 1 < churn_threshold) loses the brand and the loyalty with it.
  sc.products[0].quality = sc.products[0].claim = 1;
  CHECK(finish_all(sc, 0) == 0);
}

TEST_CASE("smot: incidents, customer service and recovery") {
  auto sc = scenario(std::string(kOne) + R"(
[behavior]
service_contact_prob = 1
)",
                     20000, 120);
  sc.products[0].defect_prob = 1;
  sc.products[0].delivery_problem_prob = 0;
  sc.products[0].service_quality = 0;
  const auto none = run(sc);
  REQUIRE(none.total(kExperiences) > 500);
  CHECK(none.total(kIncidents) == none.total(kExperiences));
  CHECK(none.total(kComplaints) == none.total(kIncidents));
  CHECK(none.total(kRecoveries) == 0);
  sc.products[0].service_quality = 1;
  const auto all = run(sc);
  CHECK(all.total(kRecoveries) == all.total(kComplaints));
  CHECK(remembered_mean(all) > remembered_mean(none) + 0.5);
  // A missing accessory and a delivery problem are incidents too.
  sc.products[0].defect_prob = 0;
  sc.products[0].missing_accessory_prob = 1;
  sc.products[0].delivery_problem_prob = 1;
  const auto two = run(sc);
  CHECK(two.total(kIncidents) == 2 * two.total(kExperiences));
}

TEST_CASE("smot: refunds only inside the window, churn marks the brand lost") {
  auto sc = scenario(std::string(kOne) + "[behavior]\nrefund_threshold = 9.5\nchurn_threshold = 0\n", 20000, 120);
  sc.products[0].quality = sc.products[0].claim = 5;  // remembered satisfaction stays below 10
  sc.products[0].quality_sd = 0.5;
  const auto refunds = run(sc);
  CHECK(refunds.total(kRefunds) > refunds.total(kExperiences) / 2);
  sc.products[0].refund_window_days = 0;
  CHECK(run(sc).total(kRefunds) == 0);
  sc.behavior.churn_threshold = 10;  // every experience loses the customer
  sc.behavior.refund_threshold = 0;
  Simulation s(sc, 2);
  s.run();
  const auto& r = s.results();
  CHECK(r.total(kLostCustomers, 0) == r.total(kExperiences, 0));
  // A lost brand is never bought again: every purchase is a first purchase.
  CHECK(r.total(kPurchases, 0) == r.total(kNewAdopters, 0));
}

TEST_CASE("smot: the refund window runs from delivery, not from the order") {
  // Everyone is disappointed (threshold 9.5); the judgement comes experience_days after delivery.
  auto sc = scenario(std::string(kOne) +
                         "[behavior]\nrefund_threshold = 9.5\nchurn_threshold = 0\n"
                         "experience_days = 14\n",
                     20000, 150);
  sc.products[0].quality = sc.products[0].claim = 5;
  sc.products[0].quality_sd = 0.5;
  sc.products[0].delivery_days = 10;  // a slow delivery must not eat into the legal window
  sc.products[0].refund_window_days = 14;
  const auto legal = run(sc);
  REQUIRE(legal.total(kExperiences) > 500);
  CHECK(legal.total(kRefunds) > legal.total(kExperiences) / 2);
  sc.products[0].refund_window_days = 13;  // shorter than the experience: judged too late
  CHECK(run(sc).total(kRefunds) == 0);
}

TEST_CASE("smot: without repeat purchases a refunded buyer does not buy again") {
  auto sc = scenario(std::string(kOne) +
                         "[behavior]\nrefund_threshold = 9.5\nchurn_threshold = 0\n"
                         "repeat_purchase = false\n",
                     20000, 150);
  sc.products[0].quality = sc.products[0].claim = 5;
  sc.products[0].quality_sd = 0.5;
  const auto r = run(sc);
  REQUIRE(r.total(kRefunds) > 500);
  // Every purchase is an agent's first and only one.
  CHECK(r.total(kPurchases) == r.total(kNewAdopters));
  CHECK(r.total(kPurchases) <= 20000);
}

TEST_CASE("smot: over-promising disappoints (expectation-disconfirmation)") {
  // Beliefs come from ads only (no research), so the expectation at purchase is the claim.
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "all"
research_prob = 0
[[campaign]]
product = "A"
end_day = 150
daily_reach = 0.2
trigger_prob = 0.01
[behavior]
ad_precision = 1
)",
                     20000, 150);
  const auto honest = run(sc);
  sc.products[0].claim = 9.5;
  const auto hype = run(sc);
  // Expectation 2.5 points higher: each episode is c * 2.5 = 1.25 lower on average.
  CHECK(remembered_mean(hype) < remembered_mean(honest) - 0.8);
  CHECK(hype.total(kDissatisfied) > 2 * honest.total(kDissatisfied));
}
