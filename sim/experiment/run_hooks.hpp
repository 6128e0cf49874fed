#pragma once
// What a caller of compare or an attribution can add to a batch of simulations: its own stop
// flag (the studio cancels one client's run while the server goes on) and a progress callback.
#include <atomic>
#include <functional>

#include "sim/core/interrupt.hpp"
#include "sim/experiment/run_cache.hpp"

namespace motsim {

struct RunHooks {
  const std::atomic<bool>* stop = nullptr;            // nullptr: only SIGINT/SIGTERM stop the batch
  std::function<void(int done, int total)> progress;  // after each simulation, from the calling thread
  RunCache* cache = nullptr;  // runs made before are taken from it, new ones stored (compare's runs)
  // The flag a simulation checks between days: the caller's, else the signal's.
  const std::atomic<bool>* flag() const { return stop ? stop : &stop_flag(); }
  bool stopped() const { return stop_requested() || (stop && stop->load(std::memory_order_relaxed)); }
  void report(int done, int total) const {
    if (progress) progress(done, total);
  }
};

}  // namespace motsim
