// The memory estimate made before allocating (sim/engine/memory.cpp) must cover what a run holds.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/engine/memory.hpp"

using namespace motsim;

namespace {
template <class T>
std::uint64_t bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

// Every per-agent and network array the world holds after a run.
std::uint64_t held(const World& w) {
  std::uint64_t b = 0;
  for_each_column(w.pop, [&](const Column&, const auto& v, const auto&) { b += bytes(v); });
  b += bytes(w.net.offsets) + bytes(w.net.neighbors);
  b += bytes(w.wom_pos) + bytes(w.wom_next) + bytes(w.block_wake);
  return b;
}
}  // namespace

TEST_CASE("memory: the bytes per agent are those of the population's columns") {
  for (int K : {1, 3, 64}) {
    Population p;
    p.resize(1000, K);
    std::uint64_t b = 0;
    for_each_column(p, [&](const Column& c, const auto& v, const auto&) {
      CHECK(v.size() == (c.per_product ? 1000u * K : 1000u));
      b += v.size() * sizeof(v[0]);
    });
    CHECK(b == 1000 * Population::bytes_per_agent(K));
  }
}

TEST_CASE("memory: the estimate covers the agents, the network and word of mouth") {
  for (const char* net : {"watts_strogatz", "barabasi_albert", "complete"}) {
    auto sc = test::scenario(std::string(test::kTwoProducts), 50000, 20);
    sc.network.type = net;
    const auto est = estimate_memory(sc, false);
    Simulation s(sc, 2);
    s.run();
    const std::uint64_t h = held(s.world());
    INFO(std::string(net) << ": estimate " << est.agents_bytes + est.network_bytes << " bytes, held " << h);
    CHECK(est.agents_bytes + est.network_bytes >= h);
    // ... and is not wildly pessimistic (a refused run that would have fitted is a defect too).
    CHECK(est.agents_bytes + est.network_bytes < 3 * h);
  }
}
