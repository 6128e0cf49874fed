// ABC-SMC (sim/experiment/abc.cpp) on models whose posterior is known.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/experiment/abc.hpp"

using namespace motsim;

namespace {
// The posterior mean and sd of the last generation's first parameter.
std::pair<double, double> moments(const AbcResult& r) {
  const auto& g = r.generations.back();
  std::vector<double> x;
  for (const auto& p : g.particles) x.push_back(p[0]);
  return {weighted_mean(x, g.weights), weighted_sd(x, g.weights)};
}
}  // namespace

TEST_CASE("ABC-SMC: a binomial with a uniform prior gives the Beta posterior") {
  // 30 successes in 100 trials, p ~ U(0, 1): posterior Beta(31, 71), mean 0.3039, sd 0.0453.
  // The distance |k_sim - 30| reaches 0, so the tolerance falls to exactly 0 (exact posterior).
  AbcSettings s;
  s.particles = 1000;
  s.generations = 30;
  s.seed = 5;
  s.min_acceptance = 0.001;
  const auto dist = [](const std::vector<double>& th, std::uint64_t id) {
    Rng r(99, 0, id, 0, 1);
    int k = 0;
    for (int i = 0; i < 100; ++i) k += r.bernoulli(th[0]);
    return std::abs(k - 30.0);
  };
  const AbcResult r = abc_smc({Prior{Prior::Kind::Uniform, 0, 1}}, s, dist);
  REQUIRE(!r.generations.empty());
  CHECK(r.generations.back().tolerance == 0);
  INFO("generations ", r.generations.size(), ", tolerances ", r.generations.back().tolerance, " stopped ", r.stopped);
  CHECK(r.stopped == "target tolerance");
  const auto [m, sd] = moments(r);
  const double ess = r.generations.back().ess;
  CHECK(ess > 100);
  CHECK(std::abs(m - 31.0 / 102) < 4 * 0.0453 / std::sqrt(ess));  // Monte Carlo error of the mean
  CHECK(std::abs(sd - 0.0453) < 0.15 * 0.0453);
}

TEST_CASE("ABC-SMC: a normal mean with a normal prior gives the conjugate posterior") {
  // 20 observations of N(mu, 1) with mean 1.3, mu ~ N(0, 3^2): posterior N(1.2980, 0.2235^2).
  // The sample mean is sufficient; a tolerance of 0.02 adds 0.02^2 / 3 to the variance (nothing).
  AbcSettings s;
  s.particles = 1000;
  s.generations = 40;
  s.target_tolerance = 0.02;
  s.seed = 3;
  const auto dist = [](const std::vector<double>& th, std::uint64_t id) {
    Rng r(7, 0, id, 0, 1);
    return std::abs(th[0] + r.normal() / std::sqrt(20.0) - 1.3);
  };
  Prior p;
  p.kind = Prior::Kind::Normal;
  p.mean = 0;
  p.sd = 3;
  const AbcResult r = abc_smc({p}, s, dist);
  const double prec = 20 + 1 / 9.0, want_m = 20 * 1.3 / prec, want_sd = 1 / std::sqrt(prec);
  const auto [m, sd] = moments(r);
  CHECK(r.generations.back().tolerance <= 0.02);
  CHECK(std::abs(m - want_m) < 4 * want_sd / std::sqrt(r.generations.back().ess));
  CHECK(std::abs(sd - want_sd) < 0.12 * want_sd);
}

TEST_CASE("ABC-SMC: the same result for 1 and 2 threads, and the priors' densities") {
  AbcSettings s;
  s.particles = 200;
  s.generations = 4;
  s.batch = 37;
  const auto dist = [](const std::vector<double>& th, std::uint64_t id) {
    Rng r(1, 0, id, 0, 1);
    return std::abs(th[0] * th[1] + r.normal(0, 0.1) - 2);
  };
  const std::vector<Prior> pr = {Prior{Prior::Kind::Uniform, 0, 4}, Prior{Prior::Kind::LogUniform, 0.1, 10}};
  s.threads = 1;
  const AbcResult a = abc_smc(pr, s, dist);
  s.threads = 2;
  const AbcResult b = abc_smc(pr, s, dist);
  REQUIRE(a.generations.size() == b.generations.size());
  for (std::size_t g = 0; g < a.generations.size(); ++g) {
    CHECK(a.generations[g].particles == b.generations[g].particles);
    CHECK(a.generations[g].weights == b.generations[g].weights);
  }
  CHECK(a.generations[1].tolerance < a.generations[0].tolerance);
  const Prior tn{Prior::Kind::TruncatedNormal, 0, 2, 1, 1};  // on [0, 2], mean 1, sd 1
  CHECK(tn.density(1.5) > 0);
  CHECK(tn.density(-0.1) == 0);
  CHECK(Prior{Prior::Kind::LogUniform, 1, 100}.density(10) == doctest::Approx(1 / (10 * std::log(100.0))));
  CHECK_THROWS(abc_smc({}, s, dist));
}

TEST_CASE("ABC-SMC: batches evaluated elsewhere give the same result, and a stop drops the generation under way") {
  AbcSettings s;
  s.particles = 50;
  s.generations = 3;
  s.batch = 20;
  const auto dist = [](const std::vector<double>& th, std::uint64_t id) {
    Rng r(3, 0, id, 0, 1);
    return std::abs(th[0] + r.normal(0, 0.2) - 1);
  };
  const std::vector<Prior> pr = {Prior{Prior::Kind::Uniform, -3, 3}};
  const AbcResult a = abc_smc(pr, s, dist);
  int batches = 0;
  std::atomic<bool> stop{false};
  // Evaluated in reverse order, as results arriving from other ranks would be.
  const AbcBatchDistance batch = [&](const std::vector<std::vector<double>>& xs,
                                     const std::vector<std::uint64_t>& ids) {
    ++batches;
    std::vector<double> d(xs.size());
    for (std::size_t i = xs.size(); i-- > 0;) d[i] = dist(xs[i], ids[i]);
    return d;
  };
  const AbcResult b = abc_smc_batch(pr, s, batch);
  REQUIRE(a.generations.size() == b.generations.size());
  for (std::size_t g = 0; g < a.generations.size(); ++g)
    CHECK(a.generations[g].particles == b.generations[g].particles);
  CHECK(batches >= 3 * 50 / 20);
  // A stop raised during generation 1's first batch: generation 0 is kept, 1 is not, and a
  // resume from generation 0 ends where the uninterrupted run did.
  s.stop = &stop;
  batches = 0;
  const AbcBatchDistance stopping = [&](const std::vector<std::vector<double>>& xs,
                                        const std::vector<std::uint64_t>& ids) {
    if (ids[0] >> 40 == 1) stop = true;
    return batch(xs, ids);
  };
  const AbcResult c = abc_smc_batch(pr, s, stopping);
  CHECK(c.stopped == "interrupted");
  REQUIRE(c.generations.size() == 1);
  stop = false;
  const AbcResult d = abc_smc_batch(pr, s, batch, {}, c.generations);
  REQUIRE(d.generations.size() == a.generations.size());
  CHECK(d.generations.back().particles == a.generations.back().particles);
  CHECK(d.generations.back().weights == a.generations.back().weights);
}
