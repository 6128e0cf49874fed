// The TMOT/UMOT stage (models/tmot.cpp): posting reviews, brands answering them.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::kOne;
using test::run;
using test::scenario;

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
