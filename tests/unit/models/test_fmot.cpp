// The FMOT stage (models/fmot.cpp): the logit choice with the outside option, price, loyalty
// and missing information.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::binomial_close;
using test::Day;
using test::run;
using test::scenario;

namespace {
double logit_share(double dv) { return std::exp(dv) / (1 + std::exp(dv)); }

// Two identical products everyone knows; every decision buys one of them.
const char* kTwinsAware = R"(
[[product]]
name = "A"
price = 100
quality = 7
claim = 7
initial_awareness = 1
[[product]]
name = "B"
price = 100
quality = 7
claim = 7
initial_awareness = 1
[[segment]]
name = "all"
price_sensitivity_sd = 0
[behavior]
outside_utility = -1000
)";

// Purchases of a product by an agent who had bought that same product before.
std::int64_t same_brand_rebuys(const test::Run& r) { return r.total(kPurchases) - r.total(kNewAdopters); }
}  // namespace

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

TEST_CASE("loyalty: loyalty_weight adds b_l to the loyal brand's utility in the logit") {
  const int n = 20000;
  const auto share_of = [&](double lw, std::int8_t loyal, int k) {
    auto sc = scenario(kTwinsAware, n, 1);
    sc.behavior.loyalty_weight = lw;
    Simulation s(sc, 1);
    auto& w = s.world();
    for (std::uint32_t i = 0; i < w.pop.n; ++i) w.pop.loyal[i] = loyal;
    Day d(w, 1);
    d.everyone_decides();
    stage::fmot(d.c);
    REQUIRE(d.count(kPurchases, 0) + d.count(kPurchases, 1) == n);  // the outside option is never taken
    return d.count(kPurchases, k);
  };
  // Identical products: V_A - V_B = b_l for an agent loyal to A.
  CHECK(binomial_close(share_of(0, 0, 0), n, 0.5));
  CHECK(binomial_close(share_of(2, 0, 0), n, logit_share(2)));
  CHECK(binomial_close(share_of(0.5, 0, 0), n, logit_share(0.5)));
  CHECK(binomial_close(share_of(2, 1, 1), n, logit_share(2)));  // loyal to B: B gains
  CHECK(binomial_close(share_of(2, -1, 0), n, 0.5));            // nobody loyal: no effect
}

TEST_CASE("loyalty: satisfied buyers rebuy their brand more often with a larger loyalty_weight") {
  // Two equally good products, and no belief ever changes (no research, no ads, own experience
  // teaches nothing): only loyalty can make a buyer prefer the brand it had.
  auto sc = scenario(std::string(test::kTwoProducts) + R"(
[[segment]]
name = "all"
research_prob = 0
need_interval_days = 20
[behavior]
loyalty_weight = 0
own_experience_precision = 0
wom_rate = 0
)",
                     20000, 200);
  for (auto& pr : sc.products) {
    pr.quality = pr.claim = 8.5;
    pr.initial_awareness = 1;
    pr.defect_prob = pr.delivery_problem_prob = 0;
  }
  struct Out {
    test::Run r;
    double loyal = 0, tried_both = 0;  // shares of the agents who ever bought
  };
  const auto simulate = [](const Scenario& s2) {
    Simulation s(s2, 2);
    s.run();
    Out o{test::Run{s.results()}};
    const auto& p = s.world().pop;
    double buyers = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) {
      if (!(p.flags[i] & kEverBought)) continue;
      buyers += 1;
      o.loyal += p.loyal[i] >= 0;
      o.tried_both += (p.pflags[i * 2] & kBought) && (p.pflags[i * 2 + 1] & kBought);
    }
    o.loyal /= buyers;
    o.tried_both /= buyers;
    return o;
  };
  const auto off = simulate(sc);
  sc.behavior.loyalty_weight = 3;
  const auto on = simulate(sc);
  REQUIRE(off.r.total(kPurchases) > 5000);
  // Satisfied buyers (R about 9 to 10, threshold 8) become loyal whatever the weight.
  CHECK(off.loyal > 0.8);
  CHECK(on.loyal > 0.8);
  const double rebuy_off = double(same_brand_rebuys(off.r)) / off.r.total(kPurchases);
  const double rebuy_on = double(same_brand_rebuys(on.r)) / on.r.total(kPurchases);
  INFO("same-brand rebuys per purchase: b_l = 0 ", rebuy_off, ", b_l = 3 ", rebuy_on);
  INFO("buyers who tried both brands: b_l = 0 ", off.tried_both, ", b_l = 3 ", on.tried_both);
  CHECK(rebuy_on > rebuy_off + 0.05);
  CHECK(on.tried_both < 0.5 * off.tried_both);
}

TEST_CASE("brand content: info_weight penalises missing information in the logit") {
  const int n = 20000;
  const auto share_a = [&](double weight, double info_a, double info_b) {
    auto sc = scenario(kTwinsAware, n, 1);
    sc.behavior.info_weight = weight;
    sc.products[0].info_completeness = info_a;
    sc.products[1].info_completeness = info_b;
    Simulation s(sc, 1);
    auto& w = s.world();
    Day d(w, 1);
    d.everyone_decides();
    stage::fmot(d.c);
    REQUIRE(d.count(kPurchases, 0) + d.count(kPurchases, 1) == n);
    return d.count(kPurchases, 0);
  };
  // V_A - V_B = b_i (info_A - info_B).
  CHECK(binomial_close(share_a(0, 1, 0), n, 0.5));
  CHECK(binomial_close(share_a(2, 1, 0), n, logit_share(2)));
  CHECK(binomial_close(share_a(1, 1, 0.5), n, logit_share(0.5)));
  CHECK(binomial_close(share_a(2, 0.2, 1), n, logit_share(-1.6)));
  CHECK(binomial_close(share_a(2, 0.6, 0.6), n, 0.5));
}
