// Social networks (sim/core/network.cpp): structure, symmetry, determinism, edge-list files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "sim/core/network.hpp"
#include "sim/input/scenario.hpp"

using namespace motsim;

namespace {
NetworkParams params(const char* type, std::int64_t degree = 6) {
  NetworkParams p;
  p.type = type;
  p.degree = degree;
  p.attach = 3;
  p.rewire = 0.1;
  return p;
}
// Undirected, sorted rows, no self-loops, no duplicates.
void check_simple_graph(const Network& net) {
  REQUIRE(net.offsets.size() == net.nodes + 1u);
  std::uint64_t asym = 0, bad = 0;
  for (std::uint32_t i = 0; i < net.nodes; ++i) {
    for (auto e = net.offsets[i]; e < net.offsets[i + 1]; ++e) {
      const auto j = net.neighbors[e];
      if (j == i || (e > net.offsets[i] && net.neighbors[e - 1] >= j)) ++bad;
      const auto b = net.neighbors.begin() + static_cast<std::ptrdiff_t>(net.offsets[j]);
      const auto en = net.neighbors.begin() + static_cast<std::ptrdiff_t>(net.offsets[j + 1]);
      if (!std::binary_search(b, en, i)) ++asym;
    }
  }
  CHECK(bad == 0);
  CHECK(asym == 0);
}
}  // namespace

TEST_CASE("network: ring lattice has exactly the given degree") {
  auto net = build_network(params("ring", 6), 1000, 1, 0);
  check_simple_graph(net);
  for (std::uint32_t i = 0; i < net.nodes; ++i) REQUIRE(net.degree(i) == 6);
  CHECK(net.edges() == 3000);
}

TEST_CASE("network: Watts-Strogatz keeps the mean degree and rewires about p of the edges") {
  auto net = build_network(params("watts_strogatz", 10), 20000, 3, 0);
  check_simple_graph(net);
  const double mean = 2.0 * net.edges() / net.nodes;
  CHECK(mean == doctest::Approx(10).epsilon(0.01));  // a few duplicates are merged
  std::uint64_t long_range = 0;
  for (std::uint32_t i = 0; i < net.nodes; ++i)
    for (auto e = net.offsets[i]; e < net.offsets[i + 1]; ++e) {
      const std::int64_t d = std::llabs(static_cast<std::int64_t>(net.neighbors[e]) - i);
      if (std::min<std::int64_t>(d, net.nodes - d) > 5) ++long_range;
    }
  // Each rewired edge appears twice in CSR: share ~ 0.1 (sd ~ 0.002).
  CHECK(long_range / double(net.neighbors.size()) == doctest::Approx(0.1).epsilon(0.1));
}

TEST_CASE("network: Erdos-Renyi mean degree and Poisson-like spread") {
  auto net = build_network(params("erdos_renyi", 8), 20000, 5, 0);
  check_simple_graph(net);
  double m = 0, v = 0;
  for (std::uint32_t i = 0; i < net.nodes; ++i) m += net.degree(i);
  m /= net.nodes;
  for (std::uint32_t i = 0; i < net.nodes; ++i) v += (net.degree(i) - m) * (net.degree(i) - m);
  v /= net.nodes;
  CHECK(m == doctest::Approx(8).epsilon(0.02));
  CHECK(v == doctest::Approx(8).epsilon(0.1));
}

TEST_CASE("network: Barabasi-Albert has minimum degree m and a heavy tail") {
  auto net = build_network(params("barabasi_albert"), 20000, 5, 0);
  check_simple_graph(net);
  std::uint64_t min_deg = UINT64_MAX, max_deg = 0;
  for (std::uint32_t i = 0; i < net.nodes; ++i) {
    min_deg = std::min(min_deg, net.degree(i));
    max_deg = std::max(max_deg, net.degree(i));
  }
  CHECK(min_deg >= 3);
  CHECK(max_deg > 100);  // hubs: for m = 3, n = 20000 the largest degree is ~ m sqrt(n)
  CHECK(2.0 * net.edges() / net.nodes == doctest::Approx(6).epsilon(0.01));
}

TEST_CASE("network: the same seed builds the same graph, another seed another") {
  auto a = build_network(params("watts_strogatz", 10), 5000, 11, 0);
  auto b = build_network(params("watts_strogatz", 10), 5000, 11, 0);
  auto c = build_network(params("watts_strogatz", 10), 5000, 12, 0);
  CHECK(a.neighbors == b.neighbors);
  CHECK(a.neighbors != c.neighbors);
  CHECK(build_network(params("complete"), 10, 1, 0).kind == Network::Kind::Complete);
  CHECK(build_network(params("none"), 10, 1, 0).kind == Network::Kind::None);
}

TEST_CASE("network: edge-list file, with comments, duplicates and errors") {
  const auto dir = std::filesystem::temp_directory_path();
  const auto path = (dir / "motsim_edges_test.txt").string();
  std::ofstream(path) << "# friends\n0 1\n1 2  # comment\n\n2 0\n1 0\n3 3\n";
  NetworkParams p = params("file");
  p.file = path;
  auto net = build_network(p, 4, 1, 0);
  check_simple_graph(net);
  CHECK(net.edges() == 3);  // duplicate 1-0 merged, self-loop 3-3 dropped
  CHECK(net.degree(3) == 0);
  std::ofstream(path) << "0 1\n1 9\n";
  try {
    build_network(p, 4, 1, 0);
    FAIL("out-of-range id accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(":2:") != std::string::npos);
  }
  std::ofstream(path) << "0 x\n";
  CHECK_THROWS_AS(build_network(p, 4, 1, 0), InputError);
  std::filesystem::remove(path);
}
