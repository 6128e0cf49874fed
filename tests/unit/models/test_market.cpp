// The pure functions behind each mechanism (models/market.hpp).
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/journey.hpp"
#include "models/market.hpp"

using namespace motsim;
using namespace motsim::model;

TEST_CASE("peak-end: Kahneman's examples") {
  // Peak 8 and end 7 are remembered as 7.5; peak 8 and end 1 as 4.5 (duration neglected).
  const double a[] = {5, 8, 6, 7};
  CHECK(peak_end(a, 4, 5.0).remembered == doctest::Approx(7.5));
  const double b[] = {5, 8, 6, 6, 6, 1};
  const auto pb = peak_end(b, 6, 5.0);
  // The most intense episode is the 1 (|1-5| = 4 > |8-5| = 3): remembered (1 + 1)/2.
  CHECK(pb.peak == 1.0);
  const double c[] = {8, 6, 4.5, 3};
  CHECK(peak_end(c, 4, 5.0).remembered == doctest::Approx(0.5 * (8 + 3)));
  // Adding a milder ending to the same experience raises the remembered value.
  const double d[] = {8, 6, 4.5, 3, 5.5};
  CHECK(peak_end(d, 5, 5.0).remembered > peak_end(c, 4, 5.0).remembered);
  // The experiencing self's mean is kept too.
  CHECK(peak_end(a, 4, 5.0).mean == doctest::Approx(6.5));
}

TEST_CASE("peak-end: Kahneman 8/7 and 8/1 via the neutral point") {
  const double a[] = {8, 7};
  const double b[] = {8, 1};
  CHECK(peak_end(a, 2, 0.0).remembered == doctest::Approx(7.5));
  CHECK(peak_end(b, 2, 0.0).remembered == doctest::Approx(4.5));
}

TEST_CASE("expectation-disconfirmation raises or lowers the experienced value") {
  CHECK(experienced_value(7, 7, 0.5) == doctest::Approx(7));
  CHECK(experienced_value(7, 9, 0.5) == doctest::Approx(6));  // over-promised: disappointment
  CHECK(experienced_value(7, 5, 0.5) == doctest::Approx(8));  // pleasant surprise
  CHECK(experienced_value(9.5, 2, 1.0) == 10.0);              // clamped to the scale
  CHECK(experienced_value(0.5, 9, 1.0) == 0.0);
}

TEST_CASE("self-selection: extreme experiences are posted more often, bad ones most") {
  BehaviorParams b;  // reference 6.5, brag a = 5, moan a = 14, gamma 3
  const double base = 0.03;
  CHECK(review_probability(base, b.review_reference, b) == doctest::Approx(base));  // the least posted
  CHECK(review_probability(base, 10, b) == doctest::Approx(base * (1 + b.review_extremity)));
  CHECK(review_probability(base, 0, b) == doctest::Approx(base * (1 + b.review_extremity_negative)));
  // d is the share of the room on each side: half way up (8.25) and half way down (3.25).
  const double half = std::pow(0.5, b.review_gamma);
  CHECK(review_probability(base, 8.25, b) == doctest::Approx(base * (1 + b.review_extremity * half)));
  CHECK(review_probability(base, 3.25, b) == doctest::Approx(base * (1 + b.review_extremity_negative * half)));
  CHECK(review_probability(base, 8, b) > review_probability(base, 7, b));
  CHECK(review_probability(base, 2, b) > review_probability(base, 5, b));
  CHECK(review_probability(0.9, 10, b) == 1.0);
  // With the reference at neutral and equal sides: the first version's |R - 5| / 5.
  b.review_reference = 5;
  b.review_extremity_negative = b.review_extremity = 3;
  b.review_gamma = 2;
  CHECK(review_probability(base, 8, b) == doctest::Approx(base * (1 + 3 * 0.36)));
  CHECK(review_probability(base, 2, b) == doctest::Approx(review_probability(base, 8, b)));
}

TEST_CASE("stars from the remembered score through the cut points") {
  std::array<double, 4> cuts{3, 5, 6.5, 8};
  CHECK(stars_from_score(0, cuts) == 1);
  CHECK(stars_from_score(2.99, cuts) == 1);
  CHECK(stars_from_score(3, cuts) == 2);
  CHECK(stars_from_score(6, cuts) == 3);
  CHECK(stars_from_score(7, cuts) == 4);
  CHECK(stars_from_score(8, cuts) == 5);
  CHECK(stars_from_score(10, cuts) == 5);
}

TEST_CASE("herding: a positive display raises positive raters' turnout, relative to any base rate") {
  BehaviorParams b;
  b.herding_positive = 0.32;
  b.herding_negative = 0.2;
  // All 5 stars displayed: positive raters (4-5 stars) post 32% more, the others as before.
  CHECK(herding_turnout(5.0, 10, 5, b) == doctest::Approx(1.32));
  CHECK(herding_turnout(5.0, 10, 4, b) == doctest::Approx(1.32));
  CHECK(herding_turnout(5.0, 10, 3, b) == 1.0);
  CHECK(herding_turnout(5.0, 10, 1, b) == 1.0);
  CHECK(herding_turnout(4.0, 10, 5, b) == doctest::Approx(1.16));  // half way above neutral
  CHECK(herding_turnout(3.0, 10, 5, b) == 1.0);                    // a neutral display
  // A negative display raises everyone's turnout alike: the posted shares do not move.
  CHECK(herding_turnout(1.0, 10, 1, b) == doctest::Approx(1.2));
  CHECK(herding_turnout(1.0, 10, 5, b) == doctest::Approx(1.2));
  CHECK(herding_turnout(4.5, 0, 5, b) == 1.0);  // nothing displayed, no herding
  // The effect on positive posts per buyer is a factor, whatever the share of positive raters:
  // +32% at a base rate of 30% as at 90% (an additive shift of the score cannot do that).
  for (double base : {0.3, 0.6, 0.9}) {
    const double p = 0.04;  // posting probability
    const double control = base * p, treated = base * p * herding_turnout(5.0, 10, 5, b);
    CHECK(treated / control - 1 == doctest::Approx(0.32));
  }
}

TEST_CASE("peak-end: an incident's weight makes a breakdown the peak") {
  // A product that was excellent (10) and then broke (1.5): with equal weights the 10 is the most
  // intense (5 > 3.5) and memory says (10 + 1.5)/2 = 5.75; the breakdown weighing twice
  // (7 > 5) it says (1.5 + 1.5)/2.
  const double x[] = {10, 1.5};
  const double w[] = {1, 2};
  CHECK(peak_end(x, 2, 5.0).remembered == doctest::Approx(5.75));
  CHECK(peak_end(x, 2, 5.0, w).remembered == doctest::Approx(1.5));
  // Unit weights are the plain rule.
  const double y[] = {6, 9, 7}, ones[] = {1, 1, 1};
  CHECK(peak_end(y, 3, 5.0, ones).remembered == doctest::Approx(8.0));
  // A mild incident does not beat a strong high: |4.5 - 5| x 2 = 1 < 4.
  const double z[] = {9, 4.5, 7}, wz[] = {1, 2, 1};
  CHECK(peak_end(z, 3, 5.0, wz).peak == 9.0);
}

TEST_CASE("taste: part of the performance variance is a lasting fit between consumer and product") {
  // Variance is split, not added: fit^2 + episode^2 = quality_sd^2.
  const auto p = performance(7, 2, 0.25, 1.5);
  CHECK(p.mean == doctest::Approx(7 + 2 * 0.5 * 1.5));
  CHECK(p.sd == doctest::Approx(2 * std::sqrt(0.75)));
  CHECK(performance(7, 2, 0, 3).mean == 7.0);  // no taste: every consumer gets the same product
  CHECK(performance(7, 2, 1, 1).sd == 0.0);    // all taste: each consumer's episodes identical
  CHECK(performance(7, 0, 0.5, 2).mean == 7.0);
  CHECK(performance(7, 0, 0.5, 2).sd == 0.0);
}

TEST_CASE("taste: the fit's standard score is Laplace, variance 1, heavier-tailed than a normal") {
  // Over a fine grid of u (and both signs): mean 0, variance 1, kurtosis 6 (a normal: 3).
  double m1 = 0, m2 = 0, m4 = 0, above3 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i)
    for (double s : {0.25, 0.75}) {
      const double z = taste_z((i + 0.5) / n, s);
      m1 += z;
      m2 += z * z;
      m4 += z * z * z * z;
      above3 += z > 3;
    }
  CHECK(std::abs(m1 / (2 * n)) < 1e-9);
  CHECK(m2 / (2 * n) == doctest::Approx(0.977).epsilon(0.002));  // 1 less the tails cut at 4 sd
  CHECK(m4 / (2 * n) == doctest::Approx(4.89).epsilon(0.01));    // a normal's is 3
  CHECK(taste_z(1e-300, 0.9) == 4.0);
  CHECK(above3 / (2 * n) ==
        doctest::Approx(0.5 * std::exp(-3 * std::sqrt(2.0))).epsilon(0.01));  // 0.72% (normal 0.13%)
  CHECK(taste_z(1.0, 0.9) == 0.0);
  CHECK(taste_z(std::exp(-1.0), 0.9) == doctest::Approx(1 / std::sqrt(2.0)));
  CHECK(taste_z(std::exp(-1.0), 0.1) == doctest::Approx(-1 / std::sqrt(2.0)));
}

TEST_CASE("incidents: severity varies, unresolved ones stay below neutral, resolved ones within 0-10") {
  BehaviorParams b;
  b.incident_value = 1.5;
  b.incident_sd = 1.0;
  b.recovery_bonus = 1;
  CHECK(incident_episode(false, 0, 7, b) == doctest::Approx(1.5));
  CHECK(incident_episode(false, 1, 7, b) == doctest::Approx(2.5));  // a milder problem
  CHECK(incident_episode(false, -3, 7, b) == 0.0);
  CHECK(incident_episode(false, 9, 7, b) == b.neutral);                         // an unresolved incident is never good
  CHECK(incident_episode(false, 0, 2, b) == incident_episode(false, 0, 9, b));  // whatever the product
  // Resolved: what a use is worth to this customer, plus the bonus of good service.
  CHECK(incident_episode(true, 0, 7, b) == doctest::Approx(8));
  CHECK(incident_episode(true, 0, 3, b) == doctest::Approx(4));  // a recovery does not make a bad product good
  CHECK(incident_episode(true, -1, 7, b) == doctest::Approx(7));
  CHECK(incident_episode(true, 5, 7, b) == 10.0);
  b.incident_sd = 0;  // fixed values
  CHECK(incident_episode(false, 2, 7, b) == doctest::Approx(1.5));
}

TEST_CASE("trust: an incident lowers what behaviour keeps, resolved or not") {
  CHECK(trusted_value(8, 0, 1.0) == 8.0);
  CHECK(trusted_value(8.5, 1, 1.0) == doctest::Approx(7.5));  // recovered: satisfied, trusts less
  CHECK(trusted_value(8.5, 2, 1.0) == doctest::Approx(6.5));
  CHECK(trusted_value(0.5, 2, 1.0) == 0.0);
  CHECK(trusted_value(6, 3, 0.0) == 6.0);  // trust_loss 0: behaviour follows satisfaction
}

TEST_CASE("forgetting: a contact keeps a product in memory longer the more salient it is") {
  BehaviorParams b;  // salience_decay 0.01, recall_threshold 0.2, ad_salience 0.2
  const double delta = -std::log1p(-b.salience_decay);
  // One contact (salience 0.2 = threshold): Exponential days with mean 1/delta (~100).
  CHECK(recall_days(0.2, std::exp(-1.0), b) == static_cast<std::int64_t>(std::ceil(1.0 / delta)));
  // A fully salient product: ln(5)/delta days more for the same draw.
  CHECK(recall_days(1.0, std::exp(-1.0), b) == static_cast<std::int64_t>(std::ceil((std::log(5.0) + 1) / delta)));
  // Any contact leaves at least one contact's trace; at least one day.
  CHECK(recall_days(0.0, std::exp(-1.0), b) == recall_days(0.2, std::exp(-1.0), b));
  CHECK(recall_days(0.2, 1.0, b) == 1);
  // Mean retention of a single contact: 1/delta days (checked over a grid of u).
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) sum += recall_days(0.2, (i + 0.5) / n, b);
  CHECK(sum / n == doctest::Approx(1.0 / delta + 0.5).epsilon(0.01));
  // With -log1p(-decay) given by the caller: the same days, bit for bit.
  for (int i = 0; i < 1000; ++i)
    CHECK(recall_days(0.05 + i / 1000.0, (i + 0.5) / 1000, b, delta) ==
          recall_days(0.05 + i / 1000.0, (i + 0.5) / 1000, b));
  b.recall_threshold = 0;  // off: never forgotten
  CHECK(recall_days(0.2, 0.5, b) == -1);
  b.recall_threshold = 0.2;
  b.salience_decay = 0;  // nothing decays: nothing is forgotten
  CHECK(recall_days(0.2, 0.5, b) == -1);
}

TEST_CASE("Gaussian belief update is precision-weighted") {
  float mean = 5, prec = 1;
  gaussian_update(mean, prec, 9, 1);
  CHECK(mean == doctest::Approx(7));
  CHECK(prec == doctest::Approx(2));
  gaussian_update(mean, prec, 1, 0);  // zero precision: no change
  CHECK(mean == doctest::Approx(7));
  float m2 = 5, p2 = 1;
  gaussian_update(m2, p2, 9, 3);
  CHECK(m2 == doctest::Approx(8));
}

TEST_CASE("multinomial logit with outside option reproduces the softmax") {
  const double v[] = {1.0, 2.0, 0.5};
  const double v0 = 1.5;
  double w[4] = {std::exp(v0), std::exp(1.0), std::exp(2.0), std::exp(0.5)};
  const double tot = w[0] + w[1] + w[2] + w[3];
  int counts[4] = {0, 0, 0, 0};
  const int n = 100000;
  for (int i = 0; i < n; ++i) counts[mnl_choice(v, 3, v0, (i + 0.5) / n) + 1]++;
  for (int j = 0; j < 4; ++j) CHECK(counts[j] / double(n) == doctest::Approx(w[j] / tot).epsilon(0.001));
  CHECK(mnl_choice(v, 0, 0.0, 0.3) == -1);  // empty consideration set: no purchase
  CHECK(count_weight(0, 3) == 0.0);
  CHECK(count_weight(3, 3) == doctest::Approx(0.5));
}

TEST_CASE("mnl: a certain choice is recognised, and only then") {
  // One alternative beside an outside option of weight 0 (exp underflows): chosen for every u.
  const double one[] = {4.0};
  CHECK(mnl_certain(one, 1, -1000.0) == 0);
  for (int i = 0; i < 1000; ++i) CHECK(mnl_choice(one, 1, -1000.0, i / 1000.0) == 0);
  // Otherwise the draw decides, and mnl_certain says so.
  const double two[] = {4.0, 3.0};
  CHECK(mnl_certain(two, 2, -1000.0) == kUncertain);
  CHECK(mnl_certain(one, 1, 0.0) == kUncertain);
  CHECK(mnl_choice(one, 1, 0.0, 0.001) == -1);  // the outside option can win
  CHECK(mnl_certain(one, 1, 3.9) == kUncertain);
}

TEST_CASE("review platform: displayed mean, and answered negative reviews weigh less in research") {
  std::vector<Product> prods(1);
  prods[0].initial_ratings = {10, 0, 0, 0, 10};
  BehaviorParams b;
  b.answered_weight = 0.5;
  ReviewPlatform p;
  p.init(prods, b);
  CHECK(p.count[0] == 20);
  CHECK(p.displayed_mean[0] == doctest::Approx(3.0));
  const double before = p.research_quality[0];
  CHECK(before == doctest::Approx(0.5 * (p.star_quality[0] + p.star_quality[4])));
  for (int i = 0; i < 10; ++i) p.add({1, 0, 0, 1, 1});  // ten answered 1-star reviews
  p.refresh(b);
  CHECK(p.count[0] == 30);
  CHECK(p.displayed_mean[0] == doctest::Approx(70.0 / 30));
  // answered: 20 one-star with 10 at half weight (15 effective) versus 10 five-star.
  CHECK(p.research_quality[0] == doctest::Approx((15 * p.star_quality[0] + 10 * p.star_quality[4]) / 25));
}

namespace {
// Agents who remember product k at the end of a run (the final pass applies forgetting).
std::int64_t remembering(const Simulation& s, int k) {
  std::int64_t n = 0;
  const auto& p = s.world().pop;
  for (std::uint32_t i = 0; i < p.n; ++i) n += (p.pflags[static_cast<std::size_t>(i) * p.K + k] & kAware) != 0;
  return n;
}
}  // namespace

TEST_CASE("forgetting: awareness from a campaign fades, and the aware stock counts who remembers") {
  // A one-month campaign is the only contact: no research, no word of mouth, nobody buys.
  const std::string text = std::string(R"(
[[product]]
name = "A"
initial_awareness = 0.1
[[segment]]
name = "all"
research_prob = 0
[[campaign]]
product = "A"
start_day = 0
end_day = 30
daily_reach = 0.05
trigger_prob = 0
[behavior]
wom_rate = 0
outside_utility = 1000
)");
  std::int64_t at_30 = 0;
  for (long days : {30L, 90L, 200L}) {
    auto sc = test::scenario(text, 20000, days);
    Simulation s(sc, 2);
    s.run();
    const auto& r = s.results();
    const std::int64_t stock = r.aware[static_cast<std::size_t>(days - 1)];
    INFO("day " << days << ": stock " << stock);
    CHECK(stock == remembering(s, 0));  // the lazy forgetting and the stock agree exactly
    if (days == 30) at_30 = stock;
    if (days == 200) {
      // The initial 10% is consolidated and kept; a one-contact memory lasts ~100 days on average.
      CHECK(stock < at_30 - 0.4 * (at_30 - 2000));
      CHECK(stock >= static_cast<std::int64_t>(0.09 * 20000));
    }
  }
  auto sc = test::scenario(text, 20000, 200);
  sc.behavior.recall_threshold = 0;  // off: nothing fades
  Simulation s(sc, 2);
  s.run();
  CHECK(s.results().aware[199] >= at_30);
  CHECK(s.results().aware[199] == remembering(s, 0));
}

TEST_CASE("consideration ties: equally ranked products enter the set in random order") {
  auto sc = test::scenario(R"(
[[product]]
name = "A"
[[product]]
name = "B"
[[product]]
name = "C"
[[product]]
name = "D"
[behavior]
consideration_max = 2
)",
                           4000, 1);
  Simulation s(sc, 1);
  auto& w = const_cast<World&>(s.world());
  const int K = w.K;
  for (std::size_t ik = 0; ik < w.pop.pflags.size(); ++ik) {
    w.pop.pflags[ik] = kAware;
    w.pop.belief[ik] = 5;
    w.pop.salience[ik] = 0;
  }
  int set[64], again[64];
  std::int64_t in_set[4] = {0, 0, 0, 0};
  for (std::uint32_t i = 0; i < w.pop.n; ++i) {
    REQUIRE(stage::consideration_set(w, i, set, 12) == 2);
    for (int j = 0; j < 2; ++j) in_set[set[j]] += 1;
    stage::consideration_set(w, i, again, 12);  // the same agent and day: the same order
    CHECK((again[0] == set[0] && again[1] == set[1]));
  }
  // Each of the four products takes half the places: 2,000 +- 5 sd (binomial sd ~ 31).
  for (int k = 0; k < K; ++k) CHECK(std::abs(in_set[k] - 2000) < 160);
  // Without a day (tests, tools): by index, as before.
  REQUIRE(stage::consideration_set(w, 0, set) == 2);
  CHECK((set[0] == 0 && set[1] == 1));
  // A strictly better product is always in.
  w.pop.belief[3] = 6;
  REQUIRE(stage::consideration_set(w, 0, set, 12) == 2);
  CHECK(set[0] == 3);
}
