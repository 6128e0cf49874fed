#include "sim/experiment/design.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/core/rng.hpp"

namespace motsim::design {
namespace {

// Random numbers of the designs: (seed, design stream) keyed, independent of everything else.
Rng design_rng(std::uint64_t seed, std::uint64_t entity, std::uint64_t what) {
  return Rng(seed, 0xDE5167ull, entity, what, 1);
}

// Joe & Kuo (2008), new-joe-kuo-6.21201: s (degree), a (polynomial), m_1..m_s, for dimensions
// 2..64 (the table scipy.stats.qmc.Sobol ships; tests/unit/test_design.cpp checks points).
struct Dir {
  int s, a;
  unsigned m[9];
};
constexpr Dir kDirections[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},
};
static_assert(sizeof kDirections / sizeof kDirections[0] == kSobolMaxDim - 1);

std::vector<std::uint32_t> direction_numbers(int dim) {
  std::vector<std::uint32_t> v(33, 0);
  if (dim == 0) {
    for (int k = 1; k <= 32; ++k) v[k] = 1u << (32 - k);
    return v;
  }
  const Dir& d = kDirections[dim - 1];
  for (int k = 1; k <= 32; ++k) {
    if (k <= d.s) {
      v[k] = d.m[k - 1] << (32 - k);
    } else {
      v[k] = v[k - d.s] ^ (v[k - d.s] >> d.s);
      for (int l = 1; l < d.s; ++l)
        if ((d.a >> (d.s - 1 - l)) & 1) v[k] ^= v[k - l];
    }
  }
  return v;
}

}  // namespace

std::vector<std::vector<int>> grid(const std::vector<int>& levels) {
  std::vector<std::vector<int>> out;
  std::vector<int> idx(levels.size(), 0);
  for (int l : levels)
    if (l <= 0) return out;
  while (true) {
    out.push_back(idx);
    int i = static_cast<int>(levels.size()) - 1;
    while (i >= 0 && ++idx[i] == levels[i]) idx[i--] = 0;
    if (i < 0) break;
  }
  return out;
}

Matrix random(int n, int k, std::uint64_t seed) {
  Matrix m(n, std::vector<double>(k));
  for (int i = 0; i < n; ++i) {
    Rng r = design_rng(seed, static_cast<std::uint64_t>(i), 1);
    for (int j = 0; j < k; ++j) m[i][j] = r.uniform();
  }
  return m;
}

namespace {
// 0..n-1 shuffled (Fisher-Yates, from the last position down).
std::vector<int> random_permutation(int n, Rng& r) {
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int i = n - 1; i > 0; --i)
    std::swap(perm[i], perm[static_cast<int>(r.below(static_cast<std::uint64_t>(i) + 1))]);
  return perm;
}
}  // namespace

namespace {
// A Latin hypercube being built: each point's stratum and place in it, per parameter, at the
// current number of strata (the points' values are fixed when they are made).
struct Strata {
  int n = 0;
  std::vector<std::vector<int>> s;     // [point][parameter] stratum 0 .. n-1
  std::vector<std::vector<double>> u;  // [point][parameter] place in the stratum, [0, 1)
};

// Doubles a Latin hypercube of n points to 2n (Sallaberry, Helton & Hora 2008): every stratum
// is halved; each old point lies in one half, and the n new points take the empty halves,
// paired at random across parameters. The old points keep their values. (Written here: no
// packaged library builds nested Latin hypercubes.)
void double_hypercube(Strata& st, Matrix& m, int k, std::uint64_t seed, int level) {
  const int n = st.n;
  for (std::size_t i = 0; i < st.s.size(); ++i)
    for (int j = 0; j < k; ++j) {
      const int half = st.u[i][j] >= 0.5 ? 1 : 0;  // exact: halving an interval of binary floats
      st.s[i][j] = 2 * st.s[i][j] + half;
      st.u[i][j] = 2 * st.u[i][j] - half;
    }
  std::vector<std::vector<int>> empty(static_cast<std::size_t>(k));
  for (int j = 0; j < k; ++j) {
    std::vector<char> used(static_cast<std::size_t>(2 * n), 0);
    for (const auto& s : st.s) used[static_cast<std::size_t>(s[j])] = 1;
    for (int c = 0; c < 2 * n; ++c)
      if (!used[static_cast<std::size_t>(c)]) empty[static_cast<std::size_t>(j)].push_back(c);
  }
  for (int j = 0; j < k; ++j) {  // the pairing: each parameter's empty halves shuffled
    Rng r = design_rng(seed, static_cast<std::uint64_t>(j) * 64 + static_cast<std::uint64_t>(level), 4);
    const std::vector<int> perm = random_permutation(n, r);
    std::vector<int> shuffled(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) shuffled[static_cast<std::size_t>(i)] = empty[static_cast<std::size_t>(j)][perm[i]];
    empty[static_cast<std::size_t>(j)] = shuffled;
  }
  for (int i = 0; i < n; ++i) {
    Rng r = design_rng(seed, static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(i), 5);
    std::vector<int> s(static_cast<std::size_t>(k));
    std::vector<double> u(static_cast<std::size_t>(k)), x(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
      s[j] = empty[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
      u[j] = r.uniform();
      x[j] = (s[j] + u[j]) / (2 * n);
    }
    st.s.push_back(s), st.u.push_back(u), m.push_back(x);
  }
  st.n = 2 * n;
}
}  // namespace

Matrix latin_hypercube(int n, int k, std::uint64_t seed) {
  int base = n, doublings = 0;
  while (base > 0 && base % 2 == 0) base /= 2, ++doublings;
  Strata st;
  st.n = base;
  Matrix m(base, std::vector<double>(k));
  st.s.assign(base, std::vector<int>(k));
  st.u.assign(base, std::vector<double>(k));
  for (int j = 0; j < k; ++j) {  // the odd part: McKay's hypercube
    Rng r = design_rng(seed, static_cast<std::uint64_t>(j), 2);
    const std::vector<int> perm = random_permutation(base, r);
    for (int i = 0; i < base; ++i) {
      st.s[i][j] = perm[i], st.u[i][j] = r.uniform();
      m[i][j] = (st.s[i][j] + st.u[i][j]) / base;
    }
  }
  for (int d = 0; d < doublings; ++d) double_hypercube(st, m, k, seed, d);
  return m;
}

Matrix sobol_from(int first, int n, int dims) {
  if (dims < 1 || dims > kSobolMaxDim)
    throw std::invalid_argument("the Sobol sequence supports 1 to " + std::to_string(kSobolMaxDim) + " dimensions");
  std::vector<std::vector<std::uint32_t>> v;
  v.reserve(dims);
  for (int d = 0; d < dims; ++d) v.push_back(direction_numbers(d));
  Matrix out;
  std::vector<std::uint32_t> x(dims, 0);
  for (int i = 0; i < first + n; ++i) {
    if (i > 0) {
      // Gray code: flip the direction number of the rightmost zero bit of i - 1.
      int c = 1;
      for (unsigned b = static_cast<unsigned>(i - 1); b & 1u; b >>= 1) ++c;
      for (int d = 0; d < dims; ++d) x[d] ^= v[d][c];
    }
    if (i >= first) {
      std::vector<double> p(dims);
      for (int d = 0; d < dims; ++d) p[d] = x[d] / 4294967296.0;
      out.push_back(std::move(p));
    }
  }
  return out;
}

Matrix sobol(int n, int dims) { return sobol_from(1, n, dims); }

std::vector<MorrisPoint> morris(int r, int k, int levels, std::uint64_t seed) {
  if (levels < 2 || levels % 2) throw std::invalid_argument("Morris levels must be even and at least 2");
  const double step = 1.0 / (levels - 1);
  const double delta = levels / (2.0 * (levels - 1));
  const int base_choices = levels / 2;  // base values 0 .. 1 - delta on the grid
  std::vector<MorrisPoint> out;
  for (int t = 0; t < r; ++t) {
    Rng rng = design_rng(seed, static_cast<std::uint64_t>(t), 3);
    std::vector<double> x(k);
    std::vector<int> sign(k);
    for (int j = 0; j < k; ++j) {
      const double base = step * static_cast<double>(rng.below(base_choices));
      sign[j] = rng.bernoulli(0.5) ? 1 : -1;
      x[j] = sign[j] > 0 ? base : base + delta;  // start low and go up, or high and go down
    }
    const std::vector<int> order = random_permutation(k, rng);
    out.push_back({x, t, 0, -1});
    for (int s = 0; s < k; ++s) {
      const int j = order[s];
      x[j] += sign[j] * delta;
      out.push_back({x, t, s + 1, j});
    }
  }
  return out;
}

std::vector<SaltelliPoint> saltelli(int n, int k, bool second_order) {
  if (2 * k > kSobolMaxDim)
    throw std::invalid_argument("the Sobol (Saltelli) design supports up to " + std::to_string(kSobolMaxDim / 2) +
                                " parameters");
  const Matrix s = sobol(n, 2 * k);
  std::vector<SaltelliPoint> out;
  out.reserve(static_cast<std::size_t>(n) * (second_order ? 2 * k + 2 : k + 2));
  for (int i = 0; i < n; ++i) out.push_back({std::vector<double>(s[i].begin(), s[i].begin() + k), 0, i});
  for (int i = 0; i < n; ++i) out.push_back({std::vector<double>(s[i].begin() + k, s[i].end()), 1, i});
  for (int p = 0; p < k; ++p)
    for (int i = 0; i < n; ++i) {
      std::vector<double> x(s[i].begin(), s[i].begin() + k);
      x[p] = s[i][k + p];
      out.push_back({x, 2 + p, i});
    }
  for (int p = 0; second_order && p < k; ++p)  // BA_i: B with column i from A
    for (int i = 0; i < n; ++i) {
      std::vector<double> x(s[i].begin() + k, s[i].end());
      x[p] = s[i][p];
      out.push_back({x, 2 + k + p, i});
    }
  return out;
}

}  // namespace motsim::design
