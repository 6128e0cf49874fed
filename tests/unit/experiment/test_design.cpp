// Experimental designs for sweeps (sim/experiment/design.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "sim/experiment/design.hpp"

using namespace motsim::design;

TEST_CASE("design: grid enumerates every combination, last parameter fastest") {
  const auto g = grid({2, 3});
  REQUIRE(g.size() == 6);
  CHECK(g[0] == std::vector<int>{0, 0});
  CHECK(g[1] == std::vector<int>{0, 1});
  CHECK(g[5] == std::vector<int>{1, 2});
}

TEST_CASE("design: Latin hypercube puts one point in each stratum of each parameter") {
  const int n = 50, k = 4;
  const auto m = latin_hypercube(n, k, 7);
  for (int j = 0; j < k; ++j) {
    std::set<int> strata;
    for (int i = 0; i < n; ++i) {
      REQUIRE(m[i][j] >= 0.0);
      REQUIRE(m[i][j] < 1.0);
      strata.insert(static_cast<int>(m[i][j] * n));
    }
    CHECK(strata.size() == static_cast<std::size_t>(n));
  }
  CHECK(latin_hypercube(n, k, 7) == m);  // deterministic
  CHECK(latin_hypercube(n, k, 8) != m);
}

TEST_CASE("design: Latin hypercubes are nested, so a doubled sample keeps every earlier point") {
  for (const int base : {1, 3, 5}) {
    const int k = 3;
    Matrix before = latin_hypercube(base, k, 11);
    for (int n = 2 * base; n <= 64 * base; n *= 2) {
      const auto m = latin_hypercube(n, k, 11);
      REQUIRE(m.size() == static_cast<std::size_t>(n));
      for (std::size_t i = 0; i < before.size(); ++i) CHECK(m[i] == before[i]);  // bit for bit
      for (int j = 0; j < k; ++j) {  // still one point in each of the n strata
        std::set<int> strata;
        for (int i = 0; i < n; ++i) {
          REQUIRE(m[i][j] >= 0.0);
          REQUIRE(m[i][j] < 1.0);
          strata.insert(static_cast<int>(m[i][j] * n));
        }
        CHECK_MESSAGE(strata.size() == static_cast<std::size_t>(n), "n = " << n << ", parameter " << j);
      }
      before = m;
    }
  }
  // The pairing across parameters stays random: rank correlation near zero over many points.
  const auto m = latin_hypercube(1024, 2, 3);
  double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
  for (const auto& p : m) sx += p[0], sy += p[1], sxy += p[0] * p[1], sxx += p[0] * p[0], syy += p[1] * p[1];
  const double N = 1024, r = (sxy - sx * sy / N) / std::sqrt((sxx - sx * sx / N) * (syy - sy * sy / N));
  CHECK(std::abs(r) < 0.1);
}

TEST_CASE("design: Sobol sequence, known first points and (0,m,1)-net stratification") {
  const auto s = sobol_from(0, 5, 2);
  CHECK(s[0][0] == 0.0);
  CHECK(s[1][0] == 0.5);
  CHECK(s[2][0] == 0.75);
  CHECK(s[3][0] == 0.25);
  CHECK(s[1][1] == 0.5);
  CHECK(s[2][1] == 0.25);
  CHECK(s[3][1] == 0.75);
  // Every dimension: the first 2^m points fall one in each interval of width 2^-m.
  const int m = 7, n = 1 << m;
  const auto p = sobol_from(0, n, kSobolMaxDim);
  for (int d = 0; d < kSobolMaxDim; ++d) {
    std::set<int> cells;
    for (int i = 0; i < n; ++i) cells.insert(static_cast<int>(p[i][d] * n));
    CHECK_MESSAGE(cells.size() == static_cast<std::size_t>(n), "dimension " << d);
  }
  // Two-dimensional projections: 256 points form a (t, 8, 2)-net. The first two dimensions
  // have t = 0 (every square of a 16 x 16 grid holds one point); for the other pairs Joe & Kuo's
  // direction numbers (checked against their new-joe-kuo-6.21201 table) give t <= 4 at this
  // size: every cell of a 4 x 4 grid holds exactly 16 points.
  const auto q = sobol_from(0, 256, kSobolMaxDim);
  std::set<int> first_two;
  for (int i = 0; i < 256; ++i) first_two.insert(static_cast<int>(q[i][0] * 16) * 16 + static_cast<int>(q[i][1] * 16));
  CHECK(first_two.size() == 256u);
  for (int a = 0; a < 12; ++a)
    for (int b = a + 1; b < 12; ++b) {
      int cells[16] = {};
      for (int i = 0; i < 256; ++i) ++cells[static_cast<int>(q[i][a] * 4) * 4 + static_cast<int>(q[i][b] * 4)];
      CHECK_MESSAGE(*std::min_element(cells, cells + 16) == 16, "dimensions " << a << "," << b);
      CHECK_MESSAGE(*std::max_element(cells, cells + 16) == 16, "dimensions " << a << "," << b);
    }
  CHECK_THROWS(sobol(4, kSobolMaxDim + 1));
}

TEST_CASE("design: Sobol points in all 64 dimensions equal scipy.stats.qmc.Sobol (unscrambled)") {
  // scipy 1.10: qmc.Sobol(d=64, scramble=False).random(1024)[i] * 1024, for i = 777 and 1000.
  const int want777[64] = {709, 959, 167, 281, 651, 365, 195, 781, 357, 331, 763, 713, 393, 485, 583, 527,
                           413, 885, 379, 771, 243, 279, 969, 493, 353, 149, 61,  799, 65,  113, 555, 921,
                           115, 3,   825, 969, 473, 359, 351, 367, 739, 273, 971, 411, 329, 155, 385, 33,
                           795, 975, 85,  37,  631, 725, 709, 933, 365, 661, 821, 565, 525, 501, 141, 437};
  const int want1000[64] = {225,  99,  531,  693, 287, 929, 47,  921, 513, 71,  87,  261,  165, 393, 147, 379,
                            737,  353, 1015, 743, 535, 563, 973, 553, 597, 929, 41,  1003, 61,  349, 151, 149,
                            303,  607, 821,  789, 869, 851, 315, 491, 935, 261, 983, 719,  861, 95,  893, 941,
                            1023, 491, 361,  529, 771, 449, 129, 913, 465, 81,  905, 585,  457, 617, 265, 457};
  const auto a = sobol_from(777, 1, kSobolMaxDim)[0];
  const auto b = sobol_from(1000, 1, kSobolMaxDim)[0];
  for (int d = 0; d < kSobolMaxDim; ++d) {
    CHECK_MESSAGE(a[d] * 1024 == want777[d], "dimension " << d);
    CHECK_MESSAGE(b[d] * 1024 == want1000[d], "dimension " << d);
  }
}

TEST_CASE("design: Morris trajectories move one parameter by delta at each step") {
  const int r = 10, k = 3, levels = 4;
  const double delta = levels / (2.0 * (levels - 1));
  const auto pts = morris(r, k, levels, 3);
  REQUIRE(pts.size() == static_cast<std::size_t>(r * (k + 1)));
  for (std::size_t i = 0; i < pts.size(); ++i) {
    for (double x : pts[i].x) CHECK((x >= -1e-12 && x <= 1 + 1e-12));
    if (pts[i].step == 0) continue;
    int moved = 0;
    for (int j = 0; j < k; ++j) {
      const double d = std::abs(pts[i].x[j] - pts[i - 1].x[j]);
      if (d > 1e-12) {
        ++moved;
        CHECK(d == doctest::Approx(delta));
        CHECK(j == pts[i].changed);
      }
    }
    CHECK(moved == 1);
  }
  // Each trajectory moves every parameter exactly once.
  for (int t = 0; t < r; ++t) {
    std::set<int> changed;
    for (const auto& p : pts)
      if (p.trajectory == t && p.step > 0) changed.insert(p.changed);
    CHECK(changed.size() == static_cast<std::size_t>(k));
  }
}

TEST_CASE("design: Saltelli matrices A, B and AB_i") {
  const int n = 8, k = 3;
  const auto s = saltelli(n, k);
  REQUIRE(s.size() == static_cast<std::size_t>(n * (k + 2)));
  for (int i = 0; i < n; ++i) {
    const auto& a = s[i].x;
    const auto& b = s[n + i].x;
    for (int p = 0; p < k; ++p) {
      const auto& ab = s[(2 + p) * n + i];
      CHECK(ab.block == 2 + p);
      for (int j = 0; j < k; ++j) CHECK(ab.x[j] == (j == p ? b[j] : a[j]));
    }
  }
  CHECK_THROWS(saltelli(8, kSobolMaxDim / 2 + 1));
}

TEST_CASE("design: Saltelli with second order adds BA_i after AB_k, the first blocks unchanged") {
  const int n = 8, k = 3;
  const auto first = saltelli(n, k);
  const auto s = saltelli(n, k, true);
  REQUIRE(s.size() == static_cast<std::size_t>(n * (2 * k + 2)));
  for (std::size_t i = 0; i < first.size(); ++i) CHECK(s[i].x == first[i].x);
  for (int i = 0; i < n; ++i) {
    const auto& a = s[i].x;
    const auto& b = s[n + i].x;
    for (int p = 0; p < k; ++p) {
      const auto& ba = s[(2 + k + p) * n + i];
      CHECK(ba.block == 2 + k + p);
      CHECK(ba.row == i);
      for (int j = 0; j < k; ++j) CHECK(ba.x[j] == (j == p ? a[j] : b[j]));
    }
  }
}
