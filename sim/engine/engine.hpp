#pragma once
// The daily schedule: stages run block by block in parallel (oneTBB); block buffers are
// merged in block order between days, so results are bit-identical for any thread count.
#include <atomic>
#include <functional>
#include <memory>

#include "models/wom.hpp"
#include "models/world.hpp"
#include "sim/engine/results.hpp"

namespace motsim {

class Simulation {
 public:
  // Builds the world: network, population, market. `threads` = 0 uses every core.
  Simulation(const Scenario& sc, int threads);
  ~Simulation();

  // Runs every day. `progress(day_done, days)` is called after each day from the calling
  // thread; `stop`, when set, ends the run early after the current day.
  void run(const std::function<void(int, int)>& progress = {}, bool profile = false,
           const std::atomic<bool>* stop = nullptr);

  const Results& results() const { return results_; }
  const World& world() const { return world_; }
  int threads() const { return threads_; }

 private:
  void initialise();
  void step(std::int32_t day, bool profile);
  void merge_day(std::int32_t day);

  World world_;
  Results results_;
  std::vector<BlockBuffer> buffers_;
  std::vector<std::int64_t> initial_aware_;
  std::vector<std::uint32_t> wom_dirty_;
  std::vector<wom::Change> wom_changes_;
  std::uint32_t blocks_ = 0;
  int threads_ = 1;
  struct Arena;
  std::unique_ptr<Arena> arena_;
};

}  // namespace motsim
