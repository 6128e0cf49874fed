// Each stage's mechanism, observed through a small simulation (models/*.cpp).
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::run;
using test::scenario;

namespace {
const char* kOne = R"(
[[product]]
name = "A"
price = 100
quality = 7
claim = 7
initial_awareness = 1
)";
double remembered_mean(const test::Run& r) {
  double s = 0;
  for (int d = 0; d < r.r.days_done; ++d) s += r.r.sum(kRememberedSum, d, 0);
  return s / r.total(kExperiences);
}
}  // namespace

TEST_CASE("stimulus: campaign exposures follow daily reach, only in the target segment") {
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "a"
share = 0.5
[[segment]]
name = "b"
share = 0.5
[[campaign]]
product = "A"
start_day = 10
end_day = 30
daily_reach = 0.02
segment = "b"
[behavior]
wom_rate = 0
)",
                     40000, 40);
  Simulation s(sc, 2);
  s.run();
  const auto& r = s.results();
  std::int64_t in_b = 0;
  for (std::uint32_t i = 0; i < s.world().pop.n; ++i) in_b += s.world().pop.segment[i] == 1;
  const double expected = in_b * 0.02 * 20;  // 20 active days
  const double sd = std::sqrt(expected);
  CHECK(std::abs(r.total(kExposures, 0) - expected) < 5 * sd);
  for (int d = 0; d < 10; ++d) CHECK(r.count(kExposures, d, 0) == 0);
  for (int d = 30; d < 40; ++d) CHECK(r.count(kExposures, d, 0) == 0);
}

TEST_CASE("stimulus: needs arrive at rate 1/need_interval and are drawn ahead") {
  // Every need buys at once and nothing else happens, so purchases count needs.
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "all"
need_interval_days = 50
research_prob = 0  # no incomplete brand page can drop the product
[behavior]
outside_utility = -1000
experience = false
wom_rate = 0
)",
                     20000, 200);
  const auto r = run(sc);
  // Gaps between needs are 1 + Geometric(1/50): mean 50 days; the first need comes from day 0.
  const double expected = 20000.0 * 200 / 50.0;
  CHECK(r.total(kPurchases) == doctest::Approx(expected).epsilon(0.03));
}

TEST_CASE("stimulus: word of mouth needs a network and a positive experience") {
  const std::string base = std::string(kOne) + "[behavior]\nwom_rate = 0.2\n";
  auto sc = scenario(base, 20000, 120);
  sc.products[0].initial_awareness = 0.3;
  CHECK(run(sc).total(kWomAware) > 100);
  sc.network.type = "none";
  CHECK(run(sc).total(kWomAware) == 0);
  sc.network.type = "watts_strogatz";
  CHECK(run(sc).total(kWomAware) > 100);
  sc.behavior.wom_rate = 0;
  CHECK(run(sc).total(kWomAware) == 0);
  sc.behavior.wom_rate = 0.2;
  sc.products[0].quality = 1;  // nobody remembers it positively: nobody recommends
  sc.products[0].claim = 1;
  CHECK(run(sc).total(kWomAware) == 0);
}

TEST_CASE("zmot: research probability and the number of sources read") {
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "all"
research_prob = 0
[behavior]
share_neighbors = 0
)",
                     20000, 90);
  CHECK(run(sc).total(kResearchers) == 0);
  CHECK(run(sc).total(kSourcesRead) == 0);
  sc.segments[0].research_prob = 1;
  const auto r = run(sc);
  REQUIRE(r.total(kResearchers) > 1000);
  // One product: every researcher with at least one source counts once; Poisson(10.4)
  // truncated at zero has mean 10.4 / (1 - e^-10.4).
  CHECK(double(r.total(kSourcesRead)) / r.total(kResearchers) == doctest::Approx(10.4).epsilon(0.02));
}

TEST_CASE("zmot: the consideration set keeps the best-ranked aware, not lost products") {
  auto sc = scenario(std::string(test::kTwoProducts) + "[[product]]\nname = \"C\"\n[behavior]\nconsideration_max = 2\n",
                     10, 1);
  Simulation s(sc, 1);
  auto& w = const_cast<World&>(s.world());
  const int K = w.K;
  for (int k = 0; k < K; ++k) {
    w.pop.pflags[k] = kAware;
    w.pop.belief[k] = static_cast<float>(4 + k);  // C > B > A
    w.pop.salience[k] = 0;
  }
  int set[kMaxProducts];
  int n = stage::consideration_set(w, 0, set);
  REQUIRE(n == 2);
  CHECK(set[0] == 2);
  CHECK(set[1] == 1);
  w.pop.pflags[2] |= kLost;  // a brand lost forever is never considered again
  w.pop.pflags[1] &= static_cast<std::uint8_t>(~kAware);
  n = stage::consideration_set(w, 0, set);
  REQUIRE(n == 1);
  CHECK(set[0] == 0);
  w.pop.salience[0] = 0;
  w.pop.pflags[0] |= kDropped;  // dropped after an incomplete page
  CHECK(stage::consideration_set(w, 0, set) == 0);
}

TEST_CASE("fmot: the outside option and price move choices") {
  auto sc = scenario(std::string(test::kTwoProducts) + "[behavior]\noutside_utility = 1000\n", 20000, 90);
  CHECK(run(sc).total(kPurchases) == 0);
  sc.behavior.outside_utility = 4.5;
  sc.products[0].initial_awareness = sc.products[1].initial_awareness = 1;
  const auto cheap = run(sc);
  sc.products[0].price = 300;
  const auto dear = run(sc);
  const auto share = [](const test::Run& r) { return double(r.total(kPurchases, 0)) / r.total(kPurchases); };
  CHECK(share(dear) < share(cheap) - 0.1);
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

TEST_CASE("tmot: brands answer only negative reviews, at their response rate") {
  auto sc = scenario(std::string(kOne) + "[[segment]]\nname = \"all\"\nreview_propensity = 0.5\n", 20000, 120);
  sc.products[0].quality = 4;
  sc.products[0].response_rate = 0;
  Simulation s0(sc, 2);
  s0.run();
  CHECK(s0.results().total(kAnswered, 0) == 0);
  sc.products[0].response_rate = 1;
  Simulation s1(sc, 2);
  s1.run();
  std::int64_t negative = 0;
  for (const auto& rv : s1.results().reviews) {
    negative += rv.stars <= 2;
    CHECK(rv.answered == (rv.stars <= 2 ? 1 : 0));
  }
  CHECK(negative > 0);
  CHECK(s1.results().total(kAnswered, 0) == negative);
}

TEST_CASE("tmot: posting grows with the base propensity, reviews are visible the next day") {
  auto sc = scenario(std::string(kOne) + "[[segment]]\nname = \"all\"\nreview_propensity = 0.02\n", 20000, 120);
  const auto low = run(sc);
  sc.segments[0].review_propensity = 0.2;
  Simulation s(sc, 2);
  s.run();
  const auto& r = s.results();
  CHECK(r.total(kReviews, 0) > 5 * low.total(kReviews));
  // The displayed count at the end of day d includes exactly the reviews posted up to d.
  std::int64_t cum = 0;
  for (int d = 0; d < r.days; ++d) {
    cum += r.count(kReviews, d, 0);
    CHECK(r.rating_count[d] == cum);
  }
}
