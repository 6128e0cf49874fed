#pragma once
// Experimental designs for parameter sweeps, on the unit hypercube [0, 1]^k. Each design is
// deterministic given its seed (counter-based random numbers).
#include <cstdint>
#include <vector>

namespace motsim::design {

using Matrix = std::vector<std::vector<double>>;  // rows = points, columns = parameters

// Full factorial of per-parameter levels (values are indices 0..levels[i]-1), last parameter
// varying fastest.
std::vector<std::vector<int>> grid(const std::vector<int>& levels);

// n points uniform in [0, 1)^k.
Matrix random(int n, int k, std::uint64_t seed);

// Latin hypercube: n points, each parameter's range cut in n equal strata with exactly one
// point in each, the strata paired at random (McKay, Beckman & Conover 1979). Nested: n = b 2^m
// (b odd) is McKay's hypercube of b points doubled m times (Sallaberry, Helton & Hora 2008), so
// the first n points of latin_hypercube(2n) are latin_hypercube(n): --extend reuses them.
Matrix latin_hypercube(int n, int k, std::uint64_t seed);

// Sobol low-discrepancy sequence (Joe & Kuo 2008 direction numbers), points 1..n (the
// all-zero first point is skipped). Supports up to kSobolMaxDim dimensions.
inline constexpr int kSobolMaxDim = 64;
Matrix sobol(int n, int dims);
// Points first .. first + n - 1 of the sequence (point 0 is all zeros).
Matrix sobol_from(int first, int n, int dims);

// Morris (1991) elementary-effects design: r trajectories of k + 1 points on a p-level grid,
// each step moving one parameter (in random order) by delta = p / (2 (p - 1)).
struct MorrisPoint {
  std::vector<double> x;
  int trajectory;
  int step;     // 0..k
  int changed;  // parameter moved from the previous point (-1 for step 0)
};
std::vector<MorrisPoint> morris(int r, int k, int levels, std::uint64_t seed);

// Saltelli (2002, 2010) scheme for Sobol indices: matrices A and B (N x k, from a 2k-dim
// Sobol sequence) and, for each parameter i, AB_i = A with column i taken from B; in the
// order A, B, AB_1, ..., AB_k (N (k + 2) points). block = 0 for A, 1 for B, 2 + i for AB_i.
struct SaltelliPoint {
  std::vector<double> x;
  int block;
  int row;
};
// With `second_order`, also BA_i (B with column i from A), block 2 + k + i, after AB_k: the
// blocks second-order indices need (Saltelli 2002), N (2k + 2) points in all.
std::vector<SaltelliPoint> saltelli(int n, int k, bool second_order = false);

}  // namespace motsim::design
