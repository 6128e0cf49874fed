#pragma once
// Memory estimates made before allocating, so a run that cannot fit is refused up front.
#include <cstdint>
#include <string>

#include "models/params.hpp"

namespace motsim {

struct MemoryEstimate {
  std::uint64_t agents_bytes = 0;
  std::uint64_t network_bytes = 0;
  std::uint64_t results_bytes = 0;
  std::uint64_t total() const { return agents_bytes + network_bytes + results_bytes; }
};

MemoryEstimate estimate_memory(const Scenario& sc, bool save_agents);
// MemAvailable from /proc/meminfo (bytes), or 0 if unknown. MOTSIM_MEMORY_LIMIT overrides
// it (bytes; for tests and for sharing a node with other jobs).
std::uint64_t available_memory();
// Throws InputError with the estimate and what is available when the run cannot fit;
// `concurrent` runs of this size at once (a sweep's worker threads) must all fit.
void check_memory(const Scenario& sc, bool save_agents, int concurrent = 1);
std::string human_bytes(double b);

}  // namespace motsim
