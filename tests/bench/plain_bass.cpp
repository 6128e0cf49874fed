// The yardstick of issue 6: "a plain single-threaded C++ loop of the same model".
//
// The Bass limit on a Watts-Strogatz graph written the obvious way, with none of motsim's
// machinery: every day, every agent who has not adopted counts its adopted neighbours
// (yesterday's state) and adopts with probability p + q * adopted / degree. One thread,
// a small fast generator (xoshiro256+), the graph as CSR. scripts/bench runs it beside motsim
// so that the two are measured on the same machine at the same time (docs/performance.md).
// It is a measuring stick, not part of motsim: its random numbers are not motsim's.
//
// Usage: plain_bass [agents=1000000] [days=50] [p=0.03] [q=0.38] [degree=10] [rewire=0.1]
// Prints: agents days seconds agent_days_per_second adopted_share network_seconds
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

struct Xoshiro {
  std::uint64_t s[4];
  explicit Xoshiro(std::uint64_t seed) {
    for (auto& x : s) {  // splitmix64 to fill the state
      seed += 0x9e3779b97f4a7c15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      x = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t r = s[0] + s[3];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

double seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t n = argc > 1 ? static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 1000000;
  const int days = argc > 2 ? std::atoi(argv[2]) : 50;
  const double p = argc > 3 ? std::atof(argv[3]) : 0.03;
  const double q = argc > 4 ? std::atof(argv[4]) : 0.38;
  const std::uint32_t degree = argc > 5 ? static_cast<std::uint32_t>(std::atoi(argv[5])) : 10;
  const double rewire = argc > 6 ? std::atof(argv[6]) : 0.1;
  if (n < degree + 2 || days < 1 || degree < 2 || degree % 2) {
    std::fprintf(stderr, "plain_bass: bad arguments\n");
    return 2;
  }
  Xoshiro rng(1969);
  // Watts-Strogatz: a ring lattice, each edge's far end rewired with probability `rewire`.
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(static_cast<std::size_t>(n) * degree / 2);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t j = 1; j <= degree / 2; ++j) {
      std::uint32_t b = (i + j) % n;
      if (rng.uniform() < rewire) {
        do b = static_cast<std::uint32_t>(rng.next() % n);
        while (b == i);
      }
      edges.emplace_back(i, b);
    }
  std::vector<std::uint64_t> off(static_cast<std::size_t>(n) + 1, 0);
  for (auto [a, b] : edges) ++off[a + 1], ++off[b + 1];
  for (std::uint32_t i = 0; i < n; ++i) off[i + 1] += off[i];
  std::vector<std::uint32_t> adj(off[n]);
  std::vector<std::uint64_t> fill(off.begin(), off.end() - 1);
  for (auto [a, b] : edges) adj[fill[a]++] = b, adj[fill[b]++] = a;
  edges = {};
  const double network_s = seconds(t0);

  std::vector<std::uint8_t> adopted(n, 0), next(n, 0);
  const auto t1 = std::chrono::steady_clock::now();
  for (int d = 0; d < days; ++d) {
    for (std::uint32_t i = 0; i < n; ++i) {
      if (adopted[i]) continue;
      std::uint32_t k = 0;
      for (std::uint64_t e = off[i]; e < off[i + 1]; ++e) k += adopted[adj[e]];
      const std::uint64_t deg = off[i + 1] - off[i];
      const double h = p + (deg ? q * k / static_cast<double>(deg) : 0.0);
      if (rng.uniform() < h) next[i] = 1;
    }
    adopted = next;  // yesterday's state for everyone: a synchronous update, like motsim's
  }
  const double run_s = seconds(t1);
  std::uint64_t total = 0;
  for (auto a : adopted) total += a;
  std::printf("%u %d %.4f %.1f %.4f %.3f\n", n, days, run_s, static_cast<double>(n) * days / run_s,
              static_cast<double>(total) / n, network_s);
  return 0;
}
