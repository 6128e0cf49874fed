// The pure functions behind each mechanism (models/market.hpp).
#include <doctest/doctest.h>

#include <cmath>

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

TEST_CASE("self-selection: extreme experiences are posted more often") {
  BehaviorParams b;
  const double base = 0.03;
  CHECK(review_probability(base, b.neutral, b) == doctest::Approx(base));
  CHECK(review_probability(base, 10, b) == doctest::Approx(base * (1 + b.review_extremity)));
  CHECK(review_probability(base, 0, b) == doctest::Approx(review_probability(base, 10, b)));
  CHECK(review_probability(base, 8, b) > review_probability(base, 6, b));
  CHECK(review_probability(0.9, 10, b) == 1.0);
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

TEST_CASE("herding: positive displayed ratings nudge up, negative nudges are corrected") {
  BehaviorParams b;
  b.herding_positive = 0.4;
  b.herding_negative = 0.1;
  CHECK(herding_shift(4.5, 10, b) == doctest::Approx(0.6));
  CHECK(herding_shift(2.0, 10, b) == doctest::Approx(-0.1));
  CHECK(herding_shift(4.5, 0, b) == 0.0);  // nothing displayed, no herding
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
