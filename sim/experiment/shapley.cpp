#include "sim/experiment/shapley.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

namespace motsim {
namespace {

// Orders drawn by Fisher-Yates from a 64-bit Mersenne twister (the same on every platform,
// unlike std::shuffle).
std::vector<std::vector<int>> draw_permutations(int n, int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x5a17ee5eedULL);
  std::vector<std::vector<int>> out(static_cast<std::size_t>(count));
  for (auto& p : out) {
    p.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) p[static_cast<std::size_t>(i)] = i;
    for (int i = n - 1; i > 0; --i)
      std::swap(p[static_cast<std::size_t>(i)], p[rng() % static_cast<std::uint64_t>(i + 1)]);
  }
  return out;
}

// The weight |S|! (n - |S| - 1)! / n! of a coalition of s players in the exact formula.
double exact_weight(int n, int s) {
  double w = 1;  // s! (n - s - 1)! / n! = 1 / (n * C(n - 1, s))
  for (int k = 1; k <= s; ++k) w *= static_cast<double>(k) / (n - s - 1 + k);
  return w / n;
}

void exact_values(const ShapleyPlan& plan, const GameValue& v, ShapleyValues& out) {
  const int n = plan.players;
  for (std::uint64_t S = 0; S <= plan.full(); ++S) {
    const std::vector<double>& vs = v(S);
    const int size = __builtin_popcountll(S);
    for (int i = 0; i < n; ++i) {
      if (S >> i & 1) continue;
      const std::vector<double>& vi = v(S | 1ULL << i);
      const double w = exact_weight(n, size);
      auto& phi = out.shapley[static_cast<std::size_t>(i)];
      for (std::size_t m = 0; m < phi.size(); ++m) phi[m] += w * (vi[m] - vs[m]);
    }
  }
}

void sampled_values(const ShapleyPlan& plan, const GameValue& v, ShapleyValues& out) {
  const std::size_t M = out.total.size();
  const double P = static_cast<double>(plan.permutations.size());
  std::vector<std::vector<double>> sq(out.shapley.size(), std::vector<double>(M, 0.0));
  for (const auto& order : plan.permutations) {
    std::uint64_t S = 0;
    for (int i : order) {
      const std::vector<double>& before = v(S);
      S |= 1ULL << i;
      const std::vector<double>& after = v(S);
      auto& phi = out.shapley[static_cast<std::size_t>(i)];
      auto& q = sq[static_cast<std::size_t>(i)];
      for (std::size_t m = 0; m < M; ++m) {
        const double d = after[m] - before[m];
        phi[m] += d / P;
        q[m] += d * d;
      }
    }
  }
  for (std::size_t i = 0; i < out.shapley.size(); ++i)
    for (std::size_t m = 0; m < M; ++m) {
      const double mean = out.shapley[i][m];
      const double var = std::max(0.0, (sq[i][m] - P * mean * mean) / (P - 1));
      out.standard_error[i][m] = std::sqrt(var / P);
    }
}

}  // namespace

ShapleyPlan shapley_plan(int players, int permutations, std::uint64_t seed, int max_exact) {
  if (players < 1 || players > kMaxPlayers)
    throw std::invalid_argument("shapley_plan: " + std::to_string(players) + " players; expected 1 to " +
                                std::to_string(kMaxPlayers));
  ShapleyPlan plan;
  plan.players = players;
  plan.exact = players <= max_exact;
  if (plan.exact) {
    for (std::uint64_t S = 0; S <= plan.full(); ++S) plan.coalitions.push_back(S);
    return plan;
  }
  if (permutations < 2)
    throw std::invalid_argument("shapley_plan: " + std::to_string(permutations) +
                                " permutations; sampling needs at least 2 (a standard error)");
  plan.permutations = draw_permutations(players, permutations, seed);
  plan.coalitions = {0, plan.full()};
  for (int i = 0; i < players; ++i) plan.coalitions.push_back(1ULL << i);
  for (const auto& order : plan.permutations) {
    std::uint64_t S = 0;
    for (int i : order) plan.coalitions.push_back(S |= 1ULL << i);
  }
  std::sort(plan.coalitions.begin(), plan.coalitions.end());
  plan.coalitions.erase(std::unique(plan.coalitions.begin(), plan.coalitions.end()), plan.coalitions.end());
  return plan;
}

ShapleyValues shapley_values(const ShapleyPlan& plan, const GameValue& v) {
  const std::vector<double>& empty = v(0);
  const std::vector<double>& all = v(plan.full());
  const std::size_t M = empty.size(), n = static_cast<std::size_t>(plan.players);
  ShapleyValues out;
  out.shapley.assign(n, std::vector<double>(M, 0.0));
  out.standard_error = out.shapley;
  out.main_effect = out.shapley;
  out.total.resize(M);
  out.interaction.resize(M);
  for (std::size_t m = 0; m < M; ++m) out.total[m] = out.interaction[m] = all[m] - empty[m];
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<double>& alone = v(1ULL << i);
    for (std::size_t m = 0; m < M; ++m) {
      out.main_effect[i][m] = alone[m] - empty[m];
      out.interaction[m] -= out.main_effect[i][m];
    }
  }
  if (plan.exact)
    exact_values(plan, v, out);
  else
    sampled_values(plan, v, out);
  return out;
}

double efficiency_residual(const ShapleyValues& s) {
  double worst = 0;
  for (std::size_t m = 0; m < s.total.size(); ++m) {
    double sum = 0;
    for (const auto& phi : s.shapley) sum += phi[m];
    const double r = std::abs(sum - s.total[m]);
    if (!std::isnan(r)) worst = std::max(worst, r);
  }
  return worst;
}

}  // namespace motsim
