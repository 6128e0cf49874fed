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
  const auto& p = w.pop;
  std::uint64_t b = bytes(p.segment) + bytes(p.price_sens) + bytes(p.phase) + bytes(p.next_day) +
                    bytes(p.need_deadline) + bytes(p.flags) + bytes(p.owned) + bytes(p.loyal) + bytes(p.expectation) +
                    bytes(p.purchase_day) + bytes(p.salience_day) + bytes(p.pflags) + bytes(p.salience) +
                    bytes(p.belief) + bytes(p.precision) + bytes(p.shared);
  b += bytes(w.net.offsets) + bytes(w.net.neighbors);
  b += bytes(w.wom_pos) + bytes(w.wom_next) + bytes(w.block_wake);
  return b;
}
}  // namespace

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
