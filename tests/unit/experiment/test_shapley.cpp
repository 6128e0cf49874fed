// Shapley values (sim/experiment/shapley.cpp) on games whose values are known: additive,
// pure interaction, symmetric, a null player; efficiency; the sampled estimator against the
// exact one for 7 and 8 players.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

#include "sim/experiment/shapley.hpp"

using namespace motsim;

namespace {

// A game given by a function of the coalition, two outcomes each (the second is twice the first
// plus 1: Shapley values are linear, so the second's are twice the first's).
struct Game {
  explicit Game(std::function<double(std::uint64_t)> fn) : f(std::move(fn)) {}
  std::function<double(std::uint64_t)> f;
  std::map<std::uint64_t, std::vector<double>> cache;
  const std::vector<double>& operator()(std::uint64_t c) {
    auto it = cache.find(c);
    if (it == cache.end()) it = cache.emplace(c, std::vector<double>{f(c), 2 * f(c) + 1}).first;
    return it->second;
  }
};

ShapleyValues solve(const ShapleyPlan& plan, Game& g) {
  return shapley_values(plan, [&](std::uint64_t c) -> const std::vector<double>& { return g(c); });
}

// A random game with main effects, pairwise and three-way interactions.
std::function<double(std::uint64_t)> random_game(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::vector<double> a(n), pair(n * n), triple(n);
  for (auto& x : a) x = 10 * z(rng);
  for (auto& x : pair) x = 3 * z(rng);
  for (auto& x : triple) x = 2 * z(rng);
  return [=](std::uint64_t S) {
    double v = 0;
    for (int i = 0; i < n; ++i) {
      if (!(S >> i & 1)) continue;
      v += a[i];
      for (int j = i + 1; j < n; ++j)
        if (S >> j & 1) v += pair[i * n + j];
      if (S >> ((i + 1) % n) & 1 && S >> ((i + 2) % n) & 1) v += triple[i];
    }
    return v;
  };
}

}  // namespace

TEST_CASE("shapley: an additive game gives each player its own effect and no interaction") {
  const std::vector<double> a = {3, -1, 4.5, 0, 2};
  Game g{[&](std::uint64_t S) {
    double v = 10;  // the base's level does not matter
    for (std::size_t i = 0; i < a.size(); ++i) v += (S >> i & 1) ? a[i] : 0;
    return v;
  }};
  const auto s = solve(shapley_plan(5, 0, 1), g);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(s.shapley[i][0] == doctest::Approx(a[i]));
    CHECK(s.main_effect[i][0] == doctest::Approx(a[i]));
    CHECK(s.shapley[i][1] == doctest::Approx(2 * a[i]));
    CHECK(s.standard_error[i][0] == 0);
  }
  CHECK(s.total[0] == doctest::Approx(8.5));
  CHECK(s.interaction[0] == doctest::Approx(0).epsilon(1e-12));
}

TEST_CASE("shapley: a pure interaction is shared equally and is all interaction") {
  // Nothing happens unless all three levers are on: then +9.
  Game g{[](std::uint64_t S) { return S == 7 ? 9.0 : 0.0; }};
  const auto s = solve(shapley_plan(3, 0, 1), g);
  for (int i = 0; i < 3; ++i) {
    CHECK(s.shapley[i][0] == doctest::Approx(3));
    CHECK(s.main_effect[i][0] == 0);
  }
  CHECK(s.total[0] == doctest::Approx(9));
  CHECK(s.interaction[0] == doctest::Approx(9));
  // Two levers that only work together (a campaign and the claim it carries), a third alone.
  Game h{[](std::uint64_t S) { return ((S & 3) == 3 ? 6.0 : 0.0) + (S & 4 ? 1.0 : 0.0); }};
  const auto t = solve(shapley_plan(3, 0, 1), h);
  CHECK(t.shapley[0][0] == doctest::Approx(3));
  CHECK(t.shapley[1][0] == doctest::Approx(3));
  CHECK(t.shapley[2][0] == doctest::Approx(1));
  CHECK(t.interaction[0] == doctest::Approx(6));
}

TEST_CASE("shapley: symmetric players get equal values, a null player none") {
  // The value depends only on how many of players 0-3 are in; player 4 changes nothing.
  Game g{[](std::uint64_t S) {
    const int n = std::popcount(S & 15);
    return n * n + 0.5 * n;
  }};
  const auto s = solve(shapley_plan(5, 0, 1), g);
  for (int i = 1; i < 4; ++i) CHECK(s.shapley[i][0] == doctest::Approx(s.shapley[0][0]));
  CHECK(s.shapley[0][0] == doctest::Approx((16 + 2.0) / 4));
  CHECK(s.shapley[4][0] == doctest::Approx(0).epsilon(1e-12));
  CHECK(s.main_effect[4][0] == 0);
}

TEST_CASE("shapley: the values sum to the total effect (efficiency), exact and sampled") {
  for (int n : {1, 2, 4, 6}) {
    Game g{random_game(n, 7u + n)};
    const auto s = solve(shapley_plan(n, 0, 1), g);
    CHECK(efficiency_residual(s) < 1e-9);
    CHECK(s.total[0] == doctest::Approx(g(shapley_plan(n, 0, 1).full())[0] - g(0)[0]));
  }
  Game g{random_game(8, 3)};
  const auto s = solve(shapley_plan(8, 20, 5), g);
  CHECK(efficiency_residual(s) < 1e-9);  // each order's contributions add up to the total
}

TEST_CASE("shapley: the sampled estimator is within its stated error of the exact values (7 and 8 players)") {
  for (int n : {7, 8}) {
    Game g{random_game(n, 11u * n)};
    const auto exact = solve(shapley_plan(n, 0, 1, /*max_exact=*/n), g);
    const ShapleyPlan plan = shapley_plan(n, 400, 2026);
    CHECK_FALSE(plan.exact);
    CHECK(plan.permutations.size() == 400);
    const auto sampled = solve(plan, g);
    for (int i = 0; i < n; ++i) {
      const double se = sampled.standard_error[i][0];
      CHECK(se > 0);
      CHECK(std::abs(sampled.shapley[i][0] - exact.shapley[i][0]) <= 4 * se);
      CHECK(sampled.main_effect[i][0] == doctest::Approx(exact.main_effect[i][0]));
    }
    CHECK(sampled.interaction[0] == doctest::Approx(exact.interaction[0]));
  }
}

TEST_CASE("shapley: plans: every coalition when exact, and prefixes, singletons, empty and full when sampled") {
  const auto e = shapley_plan(3, 0, 1);
  CHECK(e.exact);
  CHECK(e.coalitions.size() == 8);
  const auto s = shapley_plan(9, 10, 42);
  CHECK_FALSE(s.exact);
  CHECK(s.coalitions.front() == 0);
  CHECK(s.coalitions.back() == s.full());
  for (int i = 0; i < 9; ++i) CHECK(std::binary_search(s.coalitions.begin(), s.coalitions.end(), 1ULL << i));
  CHECK(s.coalitions.size() <= 10 * 8 + 9 + 2);
  CHECK(shapley_plan(9, 10, 42).permutations == s.permutations);  // the same seed, the same orders
  CHECK(shapley_plan(9, 10, 43).permutations != s.permutations);
  CHECK_THROWS_AS(shapley_plan(0, 10, 1), std::invalid_argument);
  CHECK_THROWS_AS(shapley_plan(kMaxPlayers + 1, 10, 1), std::invalid_argument);
  CHECK_THROWS_AS(shapley_plan(9, 1, 1), std::invalid_argument);
}
