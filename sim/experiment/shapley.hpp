#pragma once
// Shapley values of a cooperative game with vector outcomes: how much of a total effect each
// player (an attribution's lever) brings, averaged over the orders in which the players can
// join. Exact over every coalition for a few players; over sampled orders (permutations)
// beyond. Pure computation: the game's values come from the caller.
#include <cstdint>
#include <functional>
#include <vector>

namespace motsim {

inline constexpr int kMaxExactPlayers = 6;  // exact up to 2^6 = 64 coalitions
inline constexpr int kMaxPlayers = 62;      // coalitions are bit sets of a 64-bit integer
inline constexpr int kDefaultPermutations = 100;

// The coalitions to evaluate (bit i set: player i in). Exact: all 2^n. Sampled: the prefixes of
// `permutations` orders drawn uniformly (seeded: the same seed, the same orders), and always the
// empty coalition, the full one and each player alone (for the one-at-a-time effects).
struct ShapleyPlan {
  int players = 0;
  bool exact = true;
  std::vector<std::vector<int>> permutations;  // the sampled orders (empty when exact)
  std::vector<std::uint64_t> coalitions;       // sorted, unique
  std::uint64_t full() const { return players == 64 ? ~0ULL : (1ULL << players) - 1; }
};
// Throws std::invalid_argument for fewer than 1 or more than kMaxPlayers players, or fewer than 2
// permutations when sampling.
ShapleyPlan shapley_plan(int players, int permutations, std::uint64_t seed, int max_exact = kMaxExactPlayers);

// The game's value of a coalition of the plan: M outcomes, the same M for every coalition.
using GameValue = std::function<const std::vector<double>&(std::uint64_t coalition)>;

struct ShapleyValues {
  std::vector<std::vector<double>> shapley;         // [player][m]
  std::vector<std::vector<double>> standard_error;  // [player][m]: over the sampled orders (0 when exact)
  std::vector<std::vector<double>> main_effect;     // [player][m]: v({i}) - v({})
  std::vector<double> total;                        // [m]: v(all) - v({})
  std::vector<double> interaction;                  // [m]: total - the sum of the main effects
};
// Exact: phi_i = sum over S without i of |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)). Sampled: the
// mean over the orders of what i adds to the players before it, and its standard error. Both sum
// to the total (each order's contributions add up to v(all) - v({})), up to rounding.
ShapleyValues shapley_values(const ShapleyPlan& plan, const GameValue& v);

// The largest |sum of the players' Shapley values - total| over the outcomes (NaN outcomes skipped).
double efficiency_residual(const ShapleyValues& s);

}  // namespace motsim
