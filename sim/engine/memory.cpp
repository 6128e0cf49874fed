#include "sim/engine/memory.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "models/metrics.hpp"
#include "models/population.hpp"
#include "models/wom.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/network.hpp"

namespace motsim {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", b, units[u]);
  return buf;
}

MemoryEstimate estimate_memory(const Scenario& sc, bool save_agents) {
  MemoryEstimate m;
  const std::uint64_t n = static_cast<std::uint64_t>(sc.simulation.agents);
  const int K = static_cast<int>(sc.products.size());
  m.agents_bytes = n * (Population::bytes_per_agent(K) + 8);                       // + work lists and buffers
  if (save_agents) m.agents_bytes += n * (8 + 8 * static_cast<std::uint64_t>(K));  // output copies
  const std::uint64_t adj = expected_adjacency(sc.network, n);
  // CSR (4 bytes per entry, 8 per offset) plus the edge list and unsorted rows while building.
  m.network_bytes = adj ? adj * 4 + (n + 1) * 8 + adj * 4 + adj * 4 + n * 16 : 0;
  if (adj && sc.behavior.wom_rate > 0) m.agents_bytes += n * wom::bytes_per_agent(K);  // word of mouth on a graph
  const std::uint64_t dk = static_cast<std::uint64_t>(sc.simulation.days) * K;
  m.results_bytes = dk * 8 * (static_cast<int>(kNumCounts) + static_cast<int>(kNumSums) + 10);
  return m;
}

std::uint64_t available_memory() {
  if (const char* env = std::getenv("MOTSIM_MEMORY_LIMIT")) return std::strtoull(env, nullptr, 10);
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

void check_memory(const Scenario& sc, bool save_agents, int concurrent) {
  const MemoryEstimate m = estimate_memory(sc, save_agents);
  const std::uint64_t avail = available_memory();
  if (avail == 0) return;
  const double n = std::max(1, concurrent);
  if (n * static_cast<double>(m.total()) > 0.9 * static_cast<double>(avail)) {
    std::ostringstream o;
    o << "error: not enough memory for " << sc.simulation.agents << " agents: the run needs about "
      << human_bytes(static_cast<double>(m.total())) << " (agents " << human_bytes(static_cast<double>(m.agents_bytes))
      << ", network " << human_bytes(static_cast<double>(m.network_bytes)) << ", results "
      << human_bytes(static_cast<double>(m.results_bytes)) << ")";
    if (concurrent > 1) o << ", " << concurrent << " runs at once " << human_bytes(n * static_cast<double>(m.total()));
    o << ", and " << human_bytes(static_cast<double>(avail))
      << " is available; reduce simulation.agents (--agents) or the network degree";
    if (concurrent > 1) o << ", or run fewer at once (--threads)";
    throw InputError(o.str());
  }
}

}  // namespace motsim
